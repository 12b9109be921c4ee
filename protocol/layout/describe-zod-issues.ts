import type { z } from 'zod';

/**
 * Turns zod issues into sentences a person understands, shared by every contract that parses
 * text from a wire or a file (layout files, WMS requests, console messages). Each described
 * issue is a path (`lines[0].quantity`, empty for the whole value) and a message that reads
 * after it (`must be an integer >= 1`).
 */
export interface DescribedIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Per-parse error map (pass as `schema.safeParse(value, { error: readableErrorMap })`).
 * Schema-level messages take precedence over it, so a schema can still say something more
 * specific (e.g. "must be an integer >= 1" for quantities).
 */
export const readableErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      return `must be ${article(typeName(issue.expected))}`;
    }
    case 'too_small':
      return boundText('at least', '>=', '>', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return boundText('at most', '<=', '<', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'regex') return `must match the pattern ${String((issue as { pattern?: string }).pattern ?? '')}`;
      if (issue.format === 'datetime') return 'must be an ISO 8601 date-time (e.g. 2026-01-01T12:00:00Z)';
      return `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_union':
      if ('discriminator' in issue && 'options' in issue && Array.isArray(issue.options)) {
        return `must be one of ${(issue.options as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return 'does not match any of the allowed shapes';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
};

/**
 * Flattens zod issues into described issues. When all options of a union but one fail at the
 * value itself (wrong overall type, or fields that belong to another option), the union is
 * reported through the one option that fits, so `robots[2].x` is named instead of "does not
 * match any of the allowed shapes".
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): DescribedIssue[] {
  const described: DescribedIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const fitting = issue.errors.filter((branch) => !branch.some(failsAtTheValueItself));
      if (fitting.length === 1) {
        described.push(...describeZodIssues(fitting[0]!, path));
        continue;
      }
    }
    described.push({ path: formatIssuePath(path), message: issue.message });
  }
  return described;
}

function failsAtTheValueItself(issue: z.core.$ZodIssue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys');
}

/** `['lines', 0, 'quantity']` -> `lines[0].quantity`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

function typeName(expected: string): string {
  if (expected === 'int') return 'integer';
  return expected;
}

function article(name: string): string {
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function boundText(
  lengthWord: string,
  inclusiveOp: string,
  exclusiveOp: string,
  origin: string,
  bound: number | bigint | Date,
  inclusive: boolean | undefined,
): string {
  const n = Number(bound);
  if (origin === 'array' || origin === 'set') return `must have ${lengthWord} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `must be ${lengthWord} ${n} character${n === 1 ? '' : 's'} long`;
  return `must be ${inclusive === false ? exclusiveOp : inclusiveOp} ${n}`;
}
