/**
 * The vda-5050-lib interop run (test/support/virtual-agv-interop.ts) over an external Mosquitto:
 * two vehicles someone else wrote, beside simulated robots, with every broker in between being
 * a real third-party one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.ts';
import { describeVirtualAgvInterop } from '../support/virtual-agv-interop.ts';

describe('vda-5050-lib vehicles over Mosquitto', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-interop-mosquitto-'));
  let mosquitto: Mosquitto | undefined;

  const dataDir = path.join(dir, 'data');

  beforeAll(async () => {
    mosquitto = await startMosquitto(dir, dataDir);
  });

  afterAll(async () => {
    await mosquitto?.process.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  describeVirtualAgvInterop('Mosquitto', () => ({ url: mosquitto!.url, reload: () => mosquitto!.reload(), dataDir }));
});
