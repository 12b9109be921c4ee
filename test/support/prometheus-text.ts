/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line is a
 * HELP, a TYPE or a sample of a family declared by a TYPE before it; a histogram's buckets
 * are cumulative and end with +Inf equal to its count. Throws, naming the line, otherwise.
 */
export interface ParsedMetrics {
  readonly types: ReadonlyMap<string, string>;
  /** Sample value by its full name and labels as written, e.g. `gridline_robots{state="idle"}`. */
  readonly samples: ReadonlyMap<string, number>;
  /** The sum of a family's samples whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"(?:,|(?=\\})))*\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)$`);

export function parsePrometheusText(text: string): ParsedMetrics {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  const byFamily = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    const where = `line ${i + 1} ("${line}")`;
    if (line.startsWith('# HELP ')) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      if (types.has(type[1]!)) throw new Error(`${where}: ${type[1]} is typed twice`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`${where}: not a sample`);
    const name = sample[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(family)) throw new Error(`${where}: ${name} has no TYPE before it`);
    const value = sample[3] === '+Inf' ? Infinity : sample[3] === '-Inf' ? -Infinity : Number(sample[3]);
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`${where}: bad value`);
    samples.set(`${name}${sample[2] ?? ''}`, value);
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    const list = byFamily.get(name) ?? [];
    list.push({ labels, value });
    byFamily.set(name, list);
  }
  for (const [name, type] of types) {
    if (type !== 'histogram') continue;
    const buckets = byFamily.get(`${name}_bucket`) ?? [];
    for (let i = 1; i < buckets.length; i++) if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${name}: buckets are not cumulative`);
    if (buckets.at(-1)?.labels['le'] !== '+Inf' || buckets.at(-1)!.value !== samples.get(`${name}_count`)) throw new Error(`${name}: the +Inf bucket must equal the count`);
  }
  return {
    types,
    samples,
    sum: (name, labels = {}) => (byFamily.get(name) ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0),
  };
}
