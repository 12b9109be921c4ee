import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { PortServerLink } from '../../protocol/console/links.ts';
import type { PortConfirm, PortPresentation } from '../../protocol/console/port-messages.ts';
import type { ParseResult } from '../../protocol/wms/parse-wms-messages.ts';
import { SeededRandom } from '../../protocol/random.ts';
import { createPickers } from './create-pickers.ts';
import { SimulatedPicker, type PickerScreen, type SimulatedPickerOptions } from './simulated-picker.ts';

const START_MS = Date.UTC(2026, 0, 1, 8);

/** A bin presented with one line of `quantity` units (line id L1), unless `lines` are given. */
function bin({ quantity = 2, ...overrides }: Partial<PortPresentation> & { quantity?: number } = {}): PortPresentation {
  return { taskId: 'T1', binId: 'B00042', mode: 'pick', lines: [{ lineId: 'L1', requestId: 'wms-000001', sku: 'SKU-00042', quantity }], contents: [{ sku: 'SKU-00042', quantity: 9 }], ...overrides };
}

/** A port screen in memory: the test presents bins, the picker's confirmations are recorded with their clock time. */
class FakeScreen implements PickerScreen {
  readonly confirms: { atMs: number; confirm: Omit<PortConfirm, 'timestamp'> }[] = [];
  private handler: ((p: PortPresentation | null) => void) | null = null;
  constructor(private readonly clock: SimulatedClock) {}
  onPresentation(handler: (p: PortPresentation | null) => void): () => void {
    this.handler = handler;
    return () => (this.handler = null);
  }
  confirm(confirm: Omit<PortConfirm, 'timestamp'>): void {
    this.confirms.push({ atMs: this.clock.now() - START_MS, confirm });
  }
  present(p: PortPresentation | null): void {
    this.handler?.(p);
  }
}

function setUp(options: Partial<SimulatedPickerOptions> = {}, seed: number | string = 7) {
  const clock = new SimulatedClock(START_MS);
  const screen = new FakeScreen(clock);
  const picker = new SimulatedPicker({ portId: 'P1', clock, link: screen, random: new SeededRandom(seed), ...options });
  picker.start();
  return { clock, screen, picker };
}

describe('SimulatedPicker', () => {
  it('confirms the quantity asked, for the presented task and bin, after handling time plus time per unit', () => {
    const { clock, screen } = setUp({ jitterFraction: 0 });
    screen.present(bin({ quantity: 2 }));
    clock.advance(6_999);
    expect(screen.confirms).toEqual([]);
    clock.advance(1);
    // 4 s handling + 2 units x 1.5 s
    expect(screen.confirms).toEqual([{ atMs: 7_000, confirm: { taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'L1', quantity: 2 }] } }]);
  });

  it('keeps its working time within ±20% of the nominal time by default', () => {
    const { clock, screen } = setUp();
    const durations: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = clock.now() - START_MS;
      screen.present(bin({ taskId: `T${i}`, quantity: 3 }));
      clock.advance(60_000);
      durations.push(screen.confirms[i]!.atMs - started);
    }
    const nominalMs = (4 + 3 * 1.5) * 1000;
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(nominalMs * 0.8);
    expect(Math.max(...durations)).toBeLessThanOrEqual(nominalMs * 1.2);
    expect(new Set(durations).size).toBeGreaterThan(100);
  });

  it('works the same way for the same seed and differently for another', () => {
    const run = (seed: number) => {
      const { clock, screen } = setUp({ shortageProbability: 0.3 }, seed);
      for (let i = 0; i < 20; i++) {
        screen.present(bin({ taskId: `T${i}`, quantity: 1 + (i % 4) }));
        clock.advance(60_000);
      }
      return screen.confirms;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('confirms fewer units with shortage: true when a seeded shortage happens', () => {
    const { clock, screen, picker } = setUp({ shortageProbability: 1 });
    for (let i = 0; i < 20; i++) {
      screen.present(bin({ taskId: `T${i}`, quantity: 4 }));
      clock.advance(60_000);
    }
    for (const { confirm } of screen.confirms) {
      expect(confirm.lines).toHaveLength(1);
      expect(confirm.lines[0]!.quantity).toBeGreaterThanOrEqual(0);
      expect(confirm.lines[0]!.quantity).toBeLessThan(4);
    }
    expect(picker.stats()).toMatchObject({ confirmations: 20, shortages: 20 });
  });

  it('confirms every line of a bin serving several, after time for all their units; a shortage falls on the first line', () => {
    const { clock, screen } = setUp({ jitterFraction: 0 });
    const lines = [
      { lineId: 'L1', requestId: 'wms-1', sku: 'SKU-00042', quantity: 2 },
      { lineId: 'L2', requestId: 'wms-2', sku: 'SKU-00042', quantity: 3 },
    ];
    screen.present(bin({ lines }));
    clock.advance(60_000);
    // 4 s handling + 5 units x 1.5 s
    expect(screen.confirms).toEqual([{ atMs: 11_500, confirm: { taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'L1', quantity: 2 }, { lineId: 'L2', quantity: 3 }] } }]);
    const short = setUp({ jitterFraction: 0, shortageProbability: 1 });
    short.screen.present(bin({ lines }));
    short.clock.advance(60_000);
    const confirmed = short.screen.confirms[0]!.confirm.lines;
    expect(confirmed[0]!.quantity).toBeLessThan(2);
    expect(confirmed[1]).toEqual({ lineId: 'L2', quantity: 3 });
  });

  it('never reports a shortage on a putaway', () => {
    const { clock, screen } = setUp({ shortageProbability: 1 });
    screen.present(bin({ mode: 'putaway', quantity: 12 }));
    clock.advance(60_000);
    expect(screen.confirms.map((c) => c.confirm)).toEqual([{ taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'L1', quantity: 12 }] }]);
  });

  it('drops the bin it was working on when a new one replaces it, and confirms only the new one', () => {
    const { clock, screen, picker } = setUp({ jitterFraction: 0 });
    screen.present(bin({ taskId: 'T1', quantity: 2 }));
    clock.advance(5_000);
    screen.present(bin({ taskId: 'T2', binId: 'B00007', quantity: 1 }));
    clock.advance(60_000);
    expect(screen.confirms).toEqual([{ atMs: 5_000 + 5_500, confirm: { taskId: 'T2', binId: 'B00007', lines: [{ lineId: 'L1', quantity: 1 }] } }]);
    expect(picker.stats()).toMatchObject({ presentations: 2, confirmations: 1, abandoned: 1, busyMs: 5_500 });
  });

  it('stops working when the bin is withdrawn (null)', () => {
    const { clock, screen, picker } = setUp();
    screen.present(bin());
    clock.advance(1_000);
    screen.present(null);
    clock.advance(60_000);
    expect(screen.confirms).toEqual([]);
    expect(picker.current).toBeNull();
  });

  it('ignores a repeat of the bin it is working on or has just confirmed (retained redelivery)', () => {
    const { clock, screen } = setUp({ jitterFraction: 0 });
    screen.present(bin());
    clock.advance(3_000);
    screen.present(bin());
    clock.advance(4_000);
    expect(screen.confirms.map((c) => c.atMs)).toEqual([7_000]);
    screen.present(bin());
    clock.advance(60_000);
    expect(screen.confirms).toHaveLength(1);
  });

  it('stops listening after stop()', () => {
    const { clock, screen, picker } = setUp();
    screen.present(bin());
    picker.stop();
    screen.present(bin({ taskId: 'T9' }));
    clock.advance(60_000);
    expect(screen.confirms).toEqual([]);
  });

  it('refuses timing that makes no sense', () => {
    const clock = new SimulatedClock(START_MS);
    const base = { portId: 'P1', clock, link: new FakeScreen(clock), random: new SeededRandom(1) };
    expect(() => new SimulatedPicker({ ...base, shortageProbability: 1.5 })).toThrow(RangeError);
    expect(() => new SimulatedPicker({ ...base, pickSecondsPerUnit: -1 })).toThrow(RangeError);
  });
});

describe('createPickers over the memory broker with the real port links', () => {
  it('puts a picker at each port that confirms presented bins to the controller', async () => {
    const clock = new SimulatedClock(START_MS);
    const broker = new MemoryBroker(clock, 5);
    const server = new PortServerLink(broker.connect({ clientId: 'controller' }), clock, { site: 'site1' });
    const confirms: [string, ParseResult<PortConfirm>][] = [];
    server.onConfirm((portId, result) => confirms.push([portId, result]));
    await server.start();
    // P1's bin is presented before its picker connects: the retained presentation reaches it.
    server.present('P1', bin({ taskId: 'T1', quantity: 1 }));
    const crew = await createPickers(['P1', 'P2'], { site: 'site1', clock, seed: 3, connectBus: (id) => broker.connect({ clientId: id }), timing: { jitterFraction: 0 } });
    server.present('P2', bin({ taskId: 'T2', binId: 'B00002', quantity: 4 }));
    clock.advance(60_000);
    expect(confirms).toEqual([
      ['P1', { ok: true, message: { taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'L1', quantity: 1 }], timestamp: '2026-01-01T08:00:05.505Z' } }],
      ['P2', { ok: true, message: { taskId: 'T2', binId: 'B00002', lines: [{ lineId: 'L1', quantity: 4 }], timestamp: '2026-01-01T08:00:10.005Z' } }],
    ]);
    expect([...crew.pickers.keys()]).toEqual(['P1', 'P2']);
    await crew.close();
  });
});
