import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunningProcess, runGridline } from '../support/processes.ts';
import { startMosquitto } from '../support/mosquitto.ts';

/**
 * DESIGN.md §6: nothing assumes the broker is in-process. The demo facility runs against an
 * external Mosquitto (Debian's package, installed by scripts/install-test-deps.sh) given with
 * --broker and configured as the README says (gridline identities init, then mosquitto), and a
 * request sent through that broker completes. The controller keeps a persistent session there:
 * a request sent while it is away is answered once it is back.
 */
describe('gridline start --broker against an external Mosquitto', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-mosquitto-'));
  let mosquitto: RunningProcess;
  let facility: RunningProcess | undefined;
  let url = '';

  const dataDir = path.join(dir, 'data');

  beforeAll(async () => {
    const init = runGridline(['identities', 'init', '--no-wms', '--data', dataDir]);
    expect(await init.exited).toBe(0);
    const broker = await startMosquitto(dir, dataDir);
    url = broker.url;
    mosquitto = broker.process;
  });

  afterAll(async () => {
    await facility?.stop('SIGKILL');
    await mosquitto?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the facility through the external broker and completes a pick sent to it', async () => {
    facility = runGridline(['start', '--broker', url, '--speed', '10', '--no-wms', '--no-console', '--data', dataDir]);
    await facility.waitForLine(new RegExp(`broker ${url.replace(/[.]/g, '\\.')}, store`), 30_000);
    const pick = runGridline(['wms', 'pick', '--sku', 'SKU-00003', '--qty', '1', '--broker', url, '--data', dataDir, '--id', 'mosquitto-pick-1']);
    expect(await pick.exited).toBe(0);
    expect(pick.lines.at(-1)).toMatch(/^event .*"type":"completed"/);
    // Every client logged in as its identity, whose name is its client id there.
    expect(mosquitto.lines.some((l) => /New client connected .* as controller .*u'controller'/.test(l))).toBe(true);
  }, 120_000);

  it('answers a request sent while the controller was away once it is back (persistent session)', async () => {
    expect(await facility!.stop('SIGINT')).toBe(0);
    // The WMS sends while no controller runs: the broker keeps it for the controller's session.
    const pick = runGridline(['wms', 'pick', '--sku', 'SKU-00003', '--qty', '1', '--broker', url, '--data', dataDir, '--id', 'sent-while-away', '--timeout', '90']);
    await pick.waitForLine(/^request /, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(pick.lines.some((l) => l.startsWith('reply '))).toBe(false);
    facility = runGridline(['start', '--broker', url, '--speed', '10', '--no-wms', '--no-console', '--data', dataDir]);
    expect(await pick.exited).toBe(0);
    expect(pick.lines.find((l) => l.startsWith('reply '))).toMatch(/"type":"accepted"/);
    expect(pick.lines.at(-1)).toMatch(/^event .*"type":"completed"/);
    expect(await facility.stop('SIGINT')).toBe(0);
  }, 150_000);
});
