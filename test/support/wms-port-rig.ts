/**
 * The default facility in-process (simulated clock, deterministic) with a WMS client and, at
 * the ports named manual, screens the test reads and confirms itself (no simulated picker).
 */
import { expect } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { PortScreenLink } from '../../protocol/console/links.ts';
import type { PortPresentation } from '../../protocol/console/port-messages.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import { isBinRequestType } from '../../protocol/wms/request-schemas.ts';
import { memoryState, storeState } from '../../controller/test-support/store-and-memory.ts';

export const CLIENT = 'wms-test';

export interface Rig {
  f: Facility;
  replies: WmsReply[];
  events: WmsEvent[];
  /** Facility clock ms at which each request's terminal event arrived. */
  endedAtMs: Map<string, number>;
  /** What each manual port's screen shows now. */
  screens: Map<string, PortPresentation | null>;
  /** Confirms what the port's screen shows: every line as asked, or with `quantities` (one per line, in order). */
  confirm(portId: string, quantities?: readonly number[]): void;
  /** Sends a request as raw text (so the limits of the schema can be crossed) and returns its reply. */
  ask(request: object): WmsReply;
  /** Runs until `condition` holds, at most `limitMs` of facility time; returns whether it held. */
  until(condition: () => boolean, limitMs?: number): boolean;
  terminalEventsOf(requestId: string): WmsEvent[];
  /** Every request accepted so far has ended with exactly one terminal event; nothing is left open; store and memory agree; §5 invariants hold. */
  expectAllEnded(): void;
  stop(): Promise<void>;
}


export async function rig(options: { manualPorts?: string[]; dataDir?: string; seed?: number; countedUnits?: (binId: string, sku: string, recorded: number) => number } = {}): Promise<Rig> {
  const f = await startFacility({
    layout: await loadLayout(undefined),
    transport: { kind: 'in-process' },
    seed: options.seed ?? 11,
    wms: false,
    checkEveryMs: 500,
    ...(options.manualPorts ? { manualPorts: options.manualPorts } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.countedUnits ? { countedUnits: options.countedUnits } : {}),
  });
  const client = new WmsClientLink(await f.connectBus(CLIENT), { site: 'demo', clientId: CLIENT });
  const replies: WmsReply[] = [];
  const events: WmsEvent[] = [];
  client.onReply((r) => void replies.push(r));
  const endedAtMs = new Map<string, number>();
  client.onEvent((e) => {
    events.push(e);
    if (e.type !== 'progress') endedAtMs.set(e.requestId, f.clock.now());
  });
  await client.start();
  const screens = new Map<string, PortPresentation | null>();
  const links = new Map<string, PortScreenLink>();
  for (const portId of options.manualPorts ?? []) {
    const link = new PortScreenLink(await f.connectBus(`screen-${portId}`), f.clock, { site: 'demo', portId });
    link.onPresentation((presentation) => void screens.set(portId, presentation));
    await link.start();
    links.set(portId, link);
  }
  f.advance(1);
  const core = f.controller.controller;
  const until = (condition: () => boolean, limitMs = 10 * 60_000) => {
    for (let t = 0; t < limitMs && !condition(); t += 250) f.advance(250);
    return condition();
  };
  const idle = () => core.requests.size === 0 && core.robotSerials().every((serial) => core.robotStatus(serial)?.job === null);
  const terminalEventsOf = (requestId: string) => events.filter((e) => e.requestId === requestId && e.type !== 'progress');
  return {
    f,
    replies,
    events,
    endedAtMs,
    screens,
    until,
    terminalEventsOf,
    confirm(portId, quantities) {
      const shown = screens.get(portId)!;
      const lines = shown.lines.map((line, i) => ({ lineId: line.lineId, quantity: quantities?.[i] ?? line.quantity }));
      links.get(portId)!.confirm({ taskId: shown.taskId, binId: shown.binId, lines });
      f.advance(1);
    },
    ask(request) {
      const before = replies.length;
      client.sendRaw(JSON.stringify(request));
      f.advance(1);
      expect(replies.length, `one reply to ${JSON.stringify(request)}`).toBe(before + 1);
      return replies[before]!;
    },
    expectAllEnded() {
        expect(until(idle, 20 * 60_000), 'every request ends and every robot is idle').toBe(true);
      for (const reply of replies.filter((r) => r.type === 'accepted' && isBinRequestType(r.requestType))) {
        expect(terminalEventsOf(reply.requestId!), reply.requestId!).toHaveLength(1);
      }
      expect(f.controller.store.openRequests().filter((stored) => isBinRequestType(stored.type))).toEqual([]);
      expect(storeState(f.controller.store)).toEqual(memoryState(core));
      expect(core.inventory.checkConsistency()).toEqual([]);
      f.checker.checkNow(f.elapsedMs());
      expect(f.checker.violations).toEqual([]);
    },
    stop: () => f.stop(),
  };
}

