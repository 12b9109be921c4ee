import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningProcess, runGridline } from '../support/processes.ts';
import { startMosquitto } from '../support/mosquitto.ts';

/**
 * DESIGN.md §6: nothing assumes the broker is in-process. The demo facility runs against an
 * external Mosquitto (Debian's package, installed by scripts/install-test-deps.sh) given with
 * --broker, and a request sent through that broker completes.
 */
describe('gridline start --broker against an external Mosquitto', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-mosquitto-'));
  let mosquitto: RunningProcess;
  let facility: RunningProcess | undefined;
  let url = '';

  beforeAll(async () => {
    const broker = await startMosquitto(dir);
    url = broker.url;
    mosquitto = broker.process;
  });

  afterAll(async () => {
    await facility?.stop('SIGKILL');
    await mosquitto?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the facility through the external broker and completes a pick sent to it', async () => {
    facility = runGridline(['start', '--broker', url, '--speed', '10', '--no-wms', '--data', path.join(dir, 'data')]);
    await facility.waitForLine(new RegExp(`broker ${url.replace(/[.]/g, '\\.')}, store`), 30_000);
    const pick = runGridline(['wms', 'pick', '--sku', 'SKU-00003', '--qty', '1', '--broker', url, '--id', 'mosquitto-pick-1']);
    expect(await pick.exited).toBe(0);
    expect(pick.lines.at(-1)).toMatch(/^event .*"type":"completed"/);
    expect(mosquitto.lines.some((l) => l.includes('gridline-controller-demo'))).toBe(true);
    expect(await facility.stop('SIGINT')).toBe(0);
  }, 120_000);
});
