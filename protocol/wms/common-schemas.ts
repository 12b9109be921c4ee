import { z } from 'zod';

/** Building blocks shared by the WMS request, reply and event schemas. */

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Client-chosen id of a request, 1..64 characters of A-Z a-z 0-9 . _ : - (idempotency key). */
export const requestIdSchema = z
  .string()
  .regex(REQUEST_ID_PATTERN, { error: (issue) => (issue.input === undefined ? undefined : 'must be 1 to 64 characters of A-Z a-z 0-9 . _ : -') })
  .describe('Client-chosen request id, unique within the site (all clients share one id space); repeating it repeats the request idempotently.');

export const skuSchema = z.string().min(1).max(64).describe('Stock-keeping unit id, e.g. SKU-00042.');

export const binIdSchema = z.string().min(1).max(64).describe('Bin id, e.g. B00001.');

export const portIdSchema = z.string().min(1).max(64).describe('Port id, e.g. P1.');

/**
 * Most units one request line (a pick line, a putaway) may name. With at most 100 lines per
 * request and the per-bin cap, every sum the controller forms from requests stays far below
 * 2^53 (exact integers in JSON and JavaScript).
 */
export const MAX_QUANTITY_UNITS = 1_000_000;

const QUANTITY_RULE = `must be an integer from 1 to ${MAX_QUANTITY_UNITS}`;

/** Units of one SKU in a request: an integer from 1 to MAX_QUANTITY_UNITS. */
export const quantitySchema = z
  .int({ error: (issue) => (issue.input === undefined ? undefined : QUANTITY_RULE) })
  .min(1, { error: QUANTITY_RULE })
  .max(MAX_QUANTITY_UNITS, { error: QUANTITY_RULE })
  .describe(`Units, an integer from 1 to ${MAX_QUANTITY_UNITS}.`);

export const siteSchema = z.string().min(1).max(64).describe('Site (facility) the message belongs to; also a topic level.');

export const timestampSchema = z.iso.datetime({ offset: true }).describe('When the message was sent, ISO 8601.');

export const skuQuantitySchema = z.object({ sku: skuSchema, quantity: z.int().min(0) });
export type SkuQuantity = z.infer<typeof skuQuantitySchema>;
