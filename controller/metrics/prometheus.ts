/**
 * The Prometheus text exposition format (version 0.0.4), for the few kinds the facility
 * exports: counters and gauges with labels, and histograms. Only what `/metrics` needs.
 */

export type Labels = Readonly<Record<string, string>>;

/** A sample family: its name, help, kind and samples (labels → value). */
export interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

/** Counts that only go up, per label set. */
export class Counter implements Family {
  readonly kind = 'counter';
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  render(): string[] {
    return [...this.values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${formatValue(value)}`);
  }
}

/** Values read when rendered (a port's bins presented, robots in a state), per label set. */
export class Gauge implements Family {
  readonly kind: 'gauge' | 'counter';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => readonly { labels?: Labels; value: number }[],
    /** 'counter' for a value that only goes up but is read rather than counted (bins presented). */
    kind: 'gauge' | 'counter' = 'gauge',
  ) {
    this.kind = kind;
  }

  render(): string[] {
    return this.read().map(({ labels, value }) => `${this.name}${labelText(labels ?? {})} ${formatValue(value)}`);
  }
}

/** Observations counted into cumulative buckets (upper bounds ascending), with their sum and count. */
export class Histogram implements Family {
  readonly kind = 'histogram';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }

  render(): string[] {
    return [
      ...this.bounds.map((bound, i) => `${this.name}_bucket{le="${formatValue(bound)}"} ${this.counts[i]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${formatValue(this.sum)}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

/** The families as one exposition, each with its HELP and TYPE lines. */
export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.kind}`, ...family.render());
  }
  return `${lines.join('\n')}\n`;
}

/** The MIME type of the text exposition. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
