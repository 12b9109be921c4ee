import { z } from 'zod';
import { describeValue } from './describe-value.ts';

/**
 * An unsigned integer field (uint32 in the VDA 5050 tables: counters, sequence ids, lengths).
 * A value below 0 gets its own message from the schema, so the error text follows the field's
 * type rather than being guessed from the value.
 */
export const uintSchema = z.int().min(0, { error: (issue) => `expected an integer >= 0, got ${describeValue(issue.input)}` });
