import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../cli/chromium.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { REPO_ROOT, runGridline, type RunningProcess } from '../support/processes.ts';
import { waitFor } from '../support/wait-for.ts';

interface RobotState {
  serialNumber: string;
  driving: boolean;
  safetyState: { eStop: string };
}

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'console');

/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against
 * the demo facility: it shows the controller's robots and their moves, its emergency stop
 * stops every robot (checked on the robots' own MQTT state), resume restarts them, and a pick
 * confirmed on the port screen completes the WMS request. Screenshots go to test-results/console/.
 */
describe('the operator console in a browser', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-console-e2e-'));
  let facility: RunningProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let bus: MessageBus | undefined;
  let consoleUrl = '';
  let brokerUrl = '';
  let robotCount = 0;
  const latest = new Map<string, RobotState>();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    facility = runGridline(['start', '--port', '0', '--console-port', '0', '--data', dataDir, '--no-wms', '--manual-ports', 'P1', '--speed', '2']);
    brokerUrl = (await facility.waitForLine(/broker (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded\)/, 60_000))[1]!;
    robotCount = Number((await facility.waitForLine(/columns, \d+ deep, \d+ bins, (\d+) robots/, 10_000))[1]);
    consoleUrl = (await facility.waitForLine(/console (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1]!;
    bus = await connectMqttBus(brokerUrl, { clientId: 'console-e2e-observer' });
    await bus.subscribe('uagv/v2/gridline/+/state', (_topic, payload) => {
      const state = JSON.parse(payload) as RobotState;
      latest.set(state.serialNumber, state);
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await bus?.close();
    await facility?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows as many robots as the controller has, and their moves', async () => {
    const p = page!;
    await p.goto(consoleUrl);
    await p.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await waitForText(p, 'robot-count', String(robotCount));
    await p.screenshot({ path: path.join(SCREENSHOTS, '1-console.png') });

    // A pick makes a robot move; its row follows the cell it reports.
    const pick = runGridline(['wms', 'pick', '--sku', 'SKU-00002', '--qty', '1', '--port', 'P1', '--broker', brokerUrl, '--id', 'console-e2e-pick']);
    const cellsBefore = await robotCells(p);
    await expect
      .poll(async () => {
        const now = await robotCells(p);
        return [...now].some(([serial, cell]) => cellsBefore.get(serial) !== cell);
      }, { timeout: 60_000, interval: 250 })
      .toBe(true);
    await p.screenshot({ path: path.join(SCREENSHOTS, '2-robot-moving.png') });

    // Emergency stop: every robot reports it on its own state topic and stands still.
    await p.getByTestId('estop-all').click();
    await waitFor(
      () => latest.size === robotCount && [...latest.values()].every((s) => s.safetyState.eStop === 'REMOTE' && !s.driving),
      30_000,
      () => `every robot stopped: ${JSON.stringify([...latest.values()].map((s) => [s.serialNumber, s.safetyState.eStop, s.driving]))}`,
    );
    await expect.poll(() => p.getByTestId('last-reply').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    await p.screenshot({ path: path.join(SCREENSHOTS, '3-emergency-stop.png') });

    await p.getByTestId('resume-all').click();
    await waitFor(() => [...latest.values()].every((s) => s.safetyState.eStop === 'NONE'), 30_000, () => 'every robot released');

    // The person at P1 confirms the pick on the port screen; the WMS request completes.
    const portPage = await browser!.newPage({ viewport: { width: 900, height: 700 } });
    await portPage.goto(`${consoleUrl}port.html?port=P1`);
    await expect.poll(async () => (await portPage.getByTestId('port-bin').textContent())?.trim() ?? '', { timeout: 120_000, interval: 500 }).not.toBe('');
    await portPage.screenshot({ path: path.join(SCREENSHOTS, '4-port-screen.png') });
    await portPage.getByTestId('port-confirm').click();
    expect(await pick.exited).toBe(0);
    expect(pick.lines.at(-1)).toMatch(/^event .*"type":"completed"/);
    await p.screenshot({ path: path.join(SCREENSHOTS, '5-after-pick.png') });
  }, 300_000);
});

async function waitForText(page: Page, testId: string, text: string): Promise<void> {
  await expect.poll(async () => (await page.getByTestId(testId).textContent())?.trim(), { timeout: 30_000, interval: 250 }).toBe(text);
}

/** Each robot row's reported cell, by serial. */
async function robotCells(page: Page): Promise<Map<string, string>> {
  const rows = page.locator('[data-testid^="robot-row-"]');
  const cells = new Map<string, string>();
  for (const row of await rows.all()) {
    const id = (await row.getAttribute('data-testid'))!.slice('robot-row-'.length);
    cells.set(id, (await row.getAttribute('data-cell')) ?? '');
  }
  return cells;
}
