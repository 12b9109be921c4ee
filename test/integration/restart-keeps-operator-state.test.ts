import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import type { GridController } from '../../controller/grid-controller.ts';

/**
 * What operators set outlives a controller restart on the same data directory: the emergency
 * stop, paused robots, robots in service, closed ports and blocked cells.
 */
describe('restarting the controller keeps the operator state', () => {
  let dataDir: string | undefined;
  const running: Facility[] = [];
  afterEach(async () => {
    for (const f of running.splice(0)) await f.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(seed: number): Promise<Facility> {
    const f = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed, dataDir: dataDir!, wms: false });
    running.push(f);
    f.advance(5_000);
    return f;
  }

  async function stop(f: Facility): Promise<void> {
    running.splice(running.indexOf(f), 1);
    await f.stop();
  }

  /** A storage cell an operator may block now: the first the controller accepts, from the far corner. */
  function blockSomeCell(core: GridController): { x: number; y: number } {
    for (let y = core.grid.height - 1; y >= 0; y--) {
      for (let x = core.grid.width - 1; x >= 0; x--) {
        if (core.grid.drivable(core.grid.index(x, y)) && core.blockCell(x, y).ok) return { x, y };
      }
    }
    throw new Error('no cell could be blocked');
  }

  const view = (core: GridController, serial: string) => core.robotViews().find((robot) => robot.serial === serial)!;

  it('sets every piece again at start, tells the robots, and keeps what operators lift', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-operator-state-'));
    const first = await start(3);
    let core = first.controller.controller;
    const [, paused, serviced] = core.robotSerials();
    expect(core.pauseRobot(paused!).ok).toBe(true);
    expect(core.sendToService(serviced!).ok).toBe(true);
    expect(core.setPortOpen('P2', false).ok).toBe(true);
    const blocked = blockSomeCell(core);
    expect(core.emergencyStopAll().ok).toBe(true);
    first.advance(5_000);
    await stop(first);

    const second = await start(4);
    core = second.controller.controller;
    expect(core.emergencyStop).toBe(true);
    expect(view(core, paused!).paused).toBe(true);
    expect(view(core, serviced!).inService).toBe(true);
    expect(core.ports.get('P2')!.closedByOperator).toBe(true);
    expect(core.blockedCells()).toEqual([core.grid.index(blocked.x, blocked.y)]);
    expect(core.alarms.filter((alarm) => /not restored/.test(alarm.message))).toEqual([]);
    // The robots were told again: each has confirmed the stop in its own state.
    second.advance(5_000);
    for (const [serial, robot] of second.fleet.robots) {
      const state = robot.snapshot();
      expect(state.paused === true || state.safetyState.eStop !== 'NONE', serial).toBe(true);
    }

    // Operators lift it all; the next start keeps that too.
    expect(core.resumeAll().ok).toBe(true);
    expect(core.resumeRobot(paused!).ok).toBe(true);
    expect(core.returnFromService(serviced!).ok).toBe(true);
    expect(core.setPortOpen('P2', true).ok).toBe(true);
    expect(core.unblockCell(blocked.x, blocked.y).ok).toBe(true);
    second.advance(5_000);
    await stop(second);

    const third = await start(5);
    core = third.controller.controller;
    expect([core.emergencyStop, view(core, paused!).paused, view(core, serviced!).inService, core.ports.get('P2')!.closedByOperator, core.blockedCells()]).toEqual([false, false, false, false, []]);
  }, 120_000);

  it('raises an alarm for what cannot be set again, and sets the rest', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-operator-state-'));
    const first = await start(3);
    first.controller.store.operatorState.keepOperatorState({ emergencyStop: false, pausedRobots: ['R999'], robotsInService: [], closedPorts: ['P9', 'P2'], blockedCells: [] });
    await stop(first);
    const second = await start(4);
    const core = second.controller.controller;
    expect(core.ports.get('P2')!.closedByOperator).toBe(true);
    expect(core.alarms.map((alarm) => alarm.message)).toEqual([
      expect.stringMatching(/^operator state not restored: close port P9: port "P9" does not exist/),
      'operator state not restored: pause R999: not in the layout\'s fleet',
    ]);
  }, 120_000);
});
