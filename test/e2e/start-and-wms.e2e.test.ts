import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGridline, type RunningProcess } from '../support/processes.ts';

/**
 * The gridline command as a user runs it: `start` with the embedded broker (on an ephemeral
 * port) completes picks, `wms pick` against it prints events until the outcome, Ctrl-C stops
 * cleanly, and a restart on the same data directory finds every bin where it was.
 */
describe('gridline start and gridline wms', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-e2e-'));
  let facility: RunningProcess | undefined;
  afterAll(async () => {
    await facility?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  let brokerUrl = '';

  it('starts the demo facility in real time and completes picks within a minute', async () => {
    facility = runGridline(['start', '--port', '0', '--data', dataDir]);
    await facility.waitForLine(/broker (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded\)/, 30_000);
    const started = Date.now();
    await facility.waitForLine(/^t=[\d.]+s\s+picked\s+\d+ x SKU-/, 60_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    // A first start makes the console's users and shows their passwords once.
    for (const role of ['supervisor', 'operator', 'viewer']) expect(facility.lines.some((l) => new RegExp(`^gridline:\\s+${role}\\s+\\S{24}\\s+\\(${role}\\)$`).test(l))).toBe(true);
    // From here on, without the demo WMS and ten times faster, so the tests' own requests run alone.
    await restart(['--no-wms', '--speed', '10']);
  }, 120_000);

  it('sends one pick with gridline wms and prints its events until it completes', async () => {
    const inventory = runGridline(['wms', 'inventory', '--sku', 'SKU-00002', '--broker', brokerUrl, '--data', dataDir]);
    expect(await inventory.exited).toBe(0);
    const reply = JSON.parse(inventory.lines.find((l) => l.startsWith('reply '))!.slice('reply '.length));
    expect(reply.type).toBe('accepted');
    expect(reply.inventory.totalQuantity).toBeGreaterThan(0);

    const pick = runGridline(['wms', 'pick', '--sku', 'SKU-00002', '--qty', '1', '--broker', brokerUrl, '--data', dataDir, '--id', 'e2e-pick-1']);
    expect(await pick.exited).toBe(0);
    expect(pick.lines.some((l) => l.startsWith('reply ') && l.includes('"accepted"'))).toBe(true);
    expect(pick.lines.some((l) => l.startsWith('event ') && l.includes('"binAtPort"'))).toBe(true);
    expect(pick.lines.at(-1)).toMatch(/^event .*"type":"completed"/);
  }, 120_000);

  it('rejects a bad request on the command line and from the WMS with a reason', async () => {
    const pick = runGridline(['wms', 'pick', '--sku', 'NO-SUCH-SKU', '--qty', '1', '--broker', brokerUrl, '--data', dataDir]);
    expect(await pick.exited).toBe(1);
    expect(pick.lines.join('\n')).toMatch(/UNKNOWN_SKU/);
    const usage = runGridline(['wms', 'pick', '--qty', '1', '--broker', brokerUrl, '--data', dataDir]);
    expect(await usage.exited).toBe(2);
    expect(usage.lines.join('\n')).toMatch(/--sku \(or --line SKU:QTY\) is required/);
  }, 30_000);

  async function inventoryOf(sku: string): Promise<unknown> {
    const inventory = runGridline(['wms', 'inventory', '--sku', sku, '--broker', brokerUrl, '--data', dataDir]);
    expect(await inventory.exited).toBe(0);
    const reply = JSON.parse(inventory.lines.find((l) => l.startsWith('reply '))!.slice('reply '.length));
    return reply.inventory;
  }

  async function restart(options = ['--no-wms', '--speed', '10']): Promise<void> {
    const stopped = facility!;
    expect(await stopped.stop('SIGINT')).toBe(0);
    expect(stopped.lines).toContain('gridline: stopped cleanly');
    facility = runGridline(['start', '--port', '0', '--data', dataDir, ...options]);
    brokerUrl = (await facility.waitForLine(/broker (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded\)/, 30_000))[1]!;
  }

  it('stops cleanly on Ctrl-C and keeps every bin where it was across a restart', async () => {
    await restart();
    // Bins that were on robots or at ports when it stopped go back to storage first.
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const before = await inventoryOf('SKU-00002');
    await restart();
    expect(await inventoryOf('SKU-00002')).toEqual(before);
  }, 120_000);
});
