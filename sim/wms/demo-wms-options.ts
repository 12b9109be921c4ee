/**
 * Settings of the demo WMS, with every default in `defaultDemoWmsOptions`. Units are in the
 * names or the comments; times are clock time.
 */
export interface DemoWmsOptions {
  /** Mean arrival rate of new requests (Poisson process), requests per clock hour. */
  requestsPerHour: number;
  /** Share of requests that are putaways (inbound stock), 0..1; the rest are picks. */
  putawayShare: number;
  /** Lines per pick order, each a different SKU, drawn uniformly in [min, max]. */
  linesPerPick: { min: number; max: number };
  /** Most units asked per pick line (uniform in 1..this, capped by the estimated stock). */
  maxQuantityPerLine: number;
  /** Units per putaway, drawn uniformly in [min, max]. */
  putawayQuantity: { min: number; max: number };
  /** Share of putaways that bring a SKU never seen before (`SKU-NEW-0001`, ...), 0..1. */
  newSkuShare: number;
  /**
   * Most requests open at once (sent and not yet rejected or ended). An arrival that finds
   * this many open waits, and the arrival clock with it, until one closes.
   */
  maxOpenRequests: number;
  /** Stop sending after this many requests; undefined sends for as long as it runs. */
  totalRequests: number | undefined;
  /** Fixes the request stream: arrivals, SKUs, quantities. */
  seed: number | string;
  /** Popularity skew: the SKU of popularity rank r (0-based) is drawn with weight 1 / (r + 1)^this. */
  popularityExponent: number;
  /** Digits of the request number in request ids (`demo-wms-000001`). */
  requestNumberDigits: number;
  /**
   * A request still without a reply this long after it was sent is reported by
   * `protocolViolations()` as missing its reply, clock seconds.
   */
  replyTimeoutS: number;
}

export function defaultDemoWmsOptions(): DemoWmsOptions {
  return {
    requestsPerHour: 600,
    putawayShare: 0.15,
    linesPerPick: { min: 1, max: 3 },
    maxQuantityPerLine: 3,
    putawayQuantity: { min: 5, max: 20 },
    newSkuShare: 0.1,
    maxOpenRequests: 200,
    totalRequests: undefined,
    seed: 1,
    popularityExponent: 1,
    requestNumberDigits: 6,
    replyTimeoutS: 60,
  };
}

/** Fills unset options from the defaults and refuses settings that make no sense (a programming mistake). */
export function resolveDemoWmsOptions(options: Partial<DemoWmsOptions> = {}): DemoWmsOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([key, value]) => value !== undefined || key === 'totalRequests'));
  const o: DemoWmsOptions = { ...defaultDemoWmsOptions(), ...defined };
  const fail = (what: string, value: unknown) => {
    throw new RangeError(`demo WMS option ${what}, got ${JSON.stringify(value)}`);
  };
  if (!(o.requestsPerHour > 0 && Number.isFinite(o.requestsPerHour))) fail('requestsPerHour must be a finite number > 0', o.requestsPerHour);
  if (!(o.putawayShare >= 0 && o.putawayShare <= 1)) fail('putawayShare must be in [0, 1]', o.putawayShare);
  if (!isIntRange(o.linesPerPick, 1)) fail('linesPerPick must be integers with 1 <= min <= max', o.linesPerPick);
  if (!(Number.isInteger(o.maxQuantityPerLine) && o.maxQuantityPerLine >= 1)) fail('maxQuantityPerLine must be an integer >= 1', o.maxQuantityPerLine);
  if (!isIntRange(o.putawayQuantity, 1)) fail('putawayQuantity must be integers with 1 <= min <= max', o.putawayQuantity);
  if (!(o.newSkuShare >= 0 && o.newSkuShare <= 1)) fail('newSkuShare must be in [0, 1]', o.newSkuShare);
  if (!(Number.isInteger(o.maxOpenRequests) && o.maxOpenRequests >= 1)) fail('maxOpenRequests must be an integer >= 1', o.maxOpenRequests);
  if (o.totalRequests !== undefined && !(Number.isInteger(o.totalRequests) && o.totalRequests >= 0)) fail('totalRequests must be an integer >= 0 or undefined', o.totalRequests);
  if (!(o.popularityExponent >= 0 && Number.isFinite(o.popularityExponent))) fail('popularityExponent must be a finite number >= 0', o.popularityExponent);
  if (!(Number.isInteger(o.requestNumberDigits) && o.requestNumberDigits >= 1 && o.requestNumberDigits <= 12)) fail('requestNumberDigits must be an integer in [1, 12]', o.requestNumberDigits);
  if (!(o.replyTimeoutS > 0)) fail('replyTimeoutS must be > 0', o.replyTimeoutS);
  return o;
}

function isIntRange(range: { min: number; max: number }, least: number): boolean {
  return Number.isInteger(range.min) && Number.isInteger(range.max) && range.min >= least && range.min <= range.max;
}
