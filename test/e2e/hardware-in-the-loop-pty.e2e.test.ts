import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { addIdentityWithCli } from '../support/cli-identities.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { runGridline, type RunningProcess } from '../support/processes.ts';
import { waitFor } from '../support/wait-for.ts';

interface RobotState {
  serialNumber: string;
  driving: boolean;
  lastNodeId: string;
  errors: { errorType: string }[];
  actionStates: { actionId: string; actionType: string; actionStatus: string }[];
}

/**
 * `npm start -- --hardware-in-the-loop 2`: two of the demo robots run through the firmware
 * bridge and the board emulator over real pseudo-terminal pairs (socat). They complete picks
 * beside the virtual robots; pulling one robot's serial line mid-move (killing its socat) puts
 * it in error until the line is back, and then it carries on.
 */
describe('hardware in the loop over socat pseudo-terminals', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-hil-e2e-'));
  let facility: RunningProcess | undefined;
  let bus: MessageBus | undefined;
  afterAll(async () => {
    await bus?.close();
    await facility?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const latest = new Map<string, RobotState>();
  const finished = new Map<string, Set<string>>();
  const errorsSeen = new Map<string, Set<string>>();
  const binActionsOf = (serial: string) => finished.get(serial)?.size ?? 0;
  let boardDevice = '';

  it('runs two robots through bridge + emulator pairs that complete picks beside virtual robots', async () => {
    facility = runGridline(['start', '--port', '0', '--data', dataDir, '--hardware-in-the-loop', '2', '--hil-link', 'pty', '--speed', '4', '--requests-per-hour', '400']);
    const brokerUrl = (await facility.waitForLine(/broker (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded\)/, 30_000))[1]!;
    boardDevice = (await facility.waitForLine(/robot R001 runs through the firmware bridge and the board emulator, serial line \S+ <-> (\S+) \(socat\)/, 10_000))[1]!;
    await facility.waitForLine(/robot R002 runs through the firmware bridge and the board emulator, serial line .*\(socat\)/, 10_000);
    // The observer logs in like any other party (the running broker sees the new identity within seconds).
    const credentials = await addIdentityWithCli(dataDir, 'hil-e2e-observer', 'monitor');
    bus = await connectMqttBus(brokerUrl, { clientId: 'hil-e2e-observer', credentials, connectTimeoutMs: 10_000 });
    await bus.subscribe('uagv/v2/gridline/+/state', (_topic, payload) => {
      const state = JSON.parse(payload) as RobotState;
      latest.set(state.serialNumber, state);
      for (const e of state.errors) {
        const seen = errorsSeen.get(state.serialNumber) ?? new Set<string>();
        seen.add(e.errorType);
        errorsSeen.set(state.serialNumber, seen);
      }
      for (const a of state.actionStates) {
        if ((a.actionType === 'pick' || a.actionType === 'drop') && a.actionStatus === 'FINISHED') {
          const set = finished.get(state.serialNumber) ?? new Set<string>();
          set.add(a.actionId);
          finished.set(state.serialNumber, set);
        }
      }
    });
    await facility.waitForLine(/^t=[\d.]+s\s+picked\s+\d+ x SKU-/, 90_000);
    await waitFor(
      () => binActionsOf('R001') >= 2 && binActionsOf('R002') >= 2 && [...finished.keys()].some((s) => s !== 'R001' && s !== 'R002'),
      120_000,
      () => `bin actions by robot: ${JSON.stringify([...finished].map(([s, a]) => [s, a.size]))}`,
    );
  }, 240_000);

  it('puts a robot in error when its serial line is pulled mid-move, and recovers when it is back', async () => {
    await waitFor(() => latest.get('R001')?.driving === true, 120_000, () => 'R001 driving');
    // This run's socat for R001, found by its device path (unique to the run).
    const socatPid = execFileSync('pgrep', ['-f', `link=${boardDevice} `]).toString().trim().split('\n')[0]!;
    process.kill(Number(socatPid), 'SIGKILL');
    await waitFor(() => latest.get('R001')?.errors.some((e) => e.errorType === 'motorControllerLink') === true, 20_000, () => `R001 errors: ${JSON.stringify(latest.get('R001')?.errors)}`);
    await facility!.waitForLine(/R001-host unplugged \(socat exited\)/, 10_000);
    const before = binActionsOf('R001');
    await waitFor(() => latest.get('R001')?.errors.length === 0, 60_000, () => `R001 errors cleared: ${JSON.stringify(latest.get('R001')?.errors)}`);
    await waitFor(() => binActionsOf('R001') > before + 1, 120_000, () => `R001 works again: ${binActionsOf('R001')} bin actions, ${before} before`);
    expect(errorsSeen.get('R001')).toContain('motorControllerLink');
    expect(facility!.lines.some((l) => /R001: motor controller link ready/.test(l))).toBe(true);
  }, 300_000);
});
