/**
 * The inbound gate for VDA 5050 messages: text in, typed value or readable errors out.
 * Never throws, whatever the input (bad input is data, not a crash). Error strings have the
 * form `<path>: <problem>`, e.g. `nodes[2].sequenceId: expected an integer >= 0`.
 */
import type { z } from 'zod';
import * as s from './schemas.ts';
import { checkOrderGraph } from './order-rules.ts';
import { describeValue } from './describe-value.ts';
import { formatIssuePath } from '../layout/describe-zod-issues.ts';
import type { Connection, Factsheet, InstantActions, Order, State, VdaMessageByKind, VdaTopicKind } from './types.ts';

export type VdaParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const schemaByKind: { [K in VdaTopicKind]: z.ZodType<VdaMessageByKind[K]> } = {
  order: s.orderSchema,
  instantActions: s.instantActionsSchema,
  state: s.stateSchema,
  visualization: s.visualizationSchema,
  connection: s.connectionSchema,
  factsheet: s.factsheetSchema,
};

/** Parses JSON text and validates it as a message of `kind` (schema plus semantic rules). */
export function parseVdaMessage<K extends VdaTopicKind>(kind: K, text: string): VdaParseResult<VdaMessageByKind[K]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`message: not valid JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
  return validateVdaMessage(kind, json);
}

/** Validates an already-decoded value; used for outgoing messages too. */
export function validateVdaMessage<K extends VdaTopicKind>(kind: K, value: unknown): VdaParseResult<VdaMessageByKind[K]> {
  try {
    const result = schemaByKind[kind].safeParse(value, { error: describeIssue });
    if (!result.success) return { ok: false, errors: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };
    const errors = kind === 'order' ? checkOrderGraph(result.data as Order) : [];
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: result.data };
  } catch (err) {
    // Defensive: the contract is "never throws"; a failure here is a bug worth reporting as data.
    return { ok: false, errors: [`message: validator failed (${err instanceof Error ? err.message : String(err)})`] };
  }
}

export const parseOrder = (text: string): VdaParseResult<Order> => parseVdaMessage('order', text);
export const parseInstantActions = (text: string): VdaParseResult<InstantActions> => parseVdaMessage('instantActions', text);
export const parseState = (text: string): VdaParseResult<State> => parseVdaMessage('state', text);
export const parseConnection = (text: string): VdaParseResult<Connection> => parseVdaMessage('connection', text);
export const parseFactsheet = (text: string): VdaParseResult<Factsheet> => parseVdaMessage('factsheet', text);

/** `['nodes', 2, 'sequenceId']` → `nodes[2].sequenceId`; the root is `message`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'message' : formatIssuePath(path);
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
};

/** Per-parse zod error map: turns raw issues into short, human-readable problems. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required field is missing';
      const integer = describeIntegerSchema(issue.inst);
      const expected = integer ?? typeNames[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_small': {
      // Integer fields with a lower bound (uintSchema) carry their own message; here a number is a number.
      const subject = issue.origin === 'array' ? 'an array with length' : 'a number';
      return `expected ${subject} >${issue.inclusive ? '=' : ''} ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    }
    case 'too_big': {
      const subject = issue.origin === 'array' ? 'an array with length' : 'a number';
      return `expected ${subject} <${issue.inclusive ? '=' : ''} ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_value':
      if (issue.input === undefined) return 'required field is missing';
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'invalid_format':
      return issue.format === 'datetime'
        ? `expected an ISO 8601 date-time with time zone (e.g. 2017-04-15T11:40:03.12Z), got ${describeValue(issue.input)}`
        : `expected format ${issue.format}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `expected an array, boolean, number or string, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
}

interface ZodInternalsLike {
  _zod?: { def?: { format?: string; checks?: { _zod?: { def?: { check?: string; value?: unknown; inclusive?: boolean } } }[] } };
}

/** For `z.int()` schemas: `an integer`, plus its lower bound if it has one (`an integer >= 0`). */
function describeIntegerSchema(inst: unknown): string | undefined {
  const def = (inst as ZodInternalsLike | undefined)?._zod?.def;
  if (def?.format !== 'safeint') return undefined;
  const min = def.checks?.map((c) => c._zod?.def).find((d) => d?.check === 'greater_than');
  return min ? `an integer >${min.inclusive ? '=' : ''} ${String(min.value)}` : 'an integer';
}
