import { describe, expect, it } from 'vitest';
import { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { percentile } from './stats.ts';
import { SyntheticFleet, type FleetMessage } from './synthetic-fleet.ts';
import { syntheticLayout } from './synthetic-messages.ts';

describe('synthetic fleet for the benchmark', () => {
  it('reports every robot once per period, spread over it, through the console parsers without a bad message', () => {
    const fleet = new SyntheticFleet({ site: 'bench', columnsX: 20, columnsY: 10, robots: 100, reportPeriodMs: 500 }, 0);
    const vm = new ConsoleViewModel({ site: 'bench', user: 'bench', commandIdPrefix: 'b' });
    vm.handleMessage(vm.topics.layout, JSON.stringify(syntheticLayout({ site: 'bench', columnsX: 20, columnsY: 10, depth: 4, robots: fleet.serials })), 0);
    const counts = new Map<string, number>();
    const messages: FleetMessage[] = [];
    for (let t = 0; t < 2000; t += 5) {
      messages.length = 0;
      fleet.due(t, messages);
      for (const m of messages) {
        expect(vm.handleMessage(m.topic, m.text, t).ok).toBe(true);
        counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1);
      }
      // Spread: 100 robots over 500 ms is one every 5 ms (plus the console state now and then).
      expect(messages.length).toBeLessThanOrEqual(2);
    }
    expect(vm.badMessages.total).toBe(0);
    expect(counts.size).toBe(101); // 100 robots + console state
    for (const [topic, n] of counts) expect(n, topic).toBe(4);
    expect(vm.robotCount()).toBe(100);
    for (const serial of fleet.serials) expect(vm.robot(serial)!.reportedCell).toEqual(fleet.cellOf(serial));
    expect(vm.robots.filter((r) => r.error)).toHaveLength(2); // one in fifty
  });

  it('moves each walking robot one cell per report, on the grid', () => {
    const fleet = new SyntheticFleet({ site: 'bench', columnsX: 5, columnsY: 5, robots: 10, reportPeriodMs: 100 }, 0);
    let last = fleet.serials.map((s) => fleet.cellOf(s)!);
    const messages: FleetMessage[] = [];
    for (let t = 0; t < 5000; t += 100) {
      fleet.due(t, messages);
      const now = fleet.serials.map((s) => fleet.cellOf(s)!);
      now.forEach((cell, i) => {
        expect(Math.abs(cell.x - last[i]!.x) + Math.abs(cell.y - last[i]!.y)).toBeLessThanOrEqual(1);
        expect(cell.x >= 0 && cell.x < 5 && cell.y >= 0 && cell.y < 5).toBe(true);
      });
      last = now;
    }
  });
});

describe('percentiles', () => {
  it('take the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});
