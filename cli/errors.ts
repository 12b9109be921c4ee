/** Parsed command-line option values. */
/** Parsed options: a string, a flag, or the values of an option given several times. */
export type CommandArgs = Record<string, string | boolean | string[] | undefined>;

/** A mistake on the command line or in an input file: reported plainly, exit code 2. */
export class UsageError extends Error {}

export function numberOption(values: Record<string, unknown>, name: string, fallback: number, check: (n: number) => boolean = (n) => n > 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be a valid number (got "${String(raw)}")`);
  return n;
}
