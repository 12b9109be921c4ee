import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../cli/chromium.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { REPO_ROOT, runGridline, type RunningProcess } from '../support/processes.ts';
import { parsePrometheusText } from '../support/prometheus-text.ts';
import { waitFor } from '../support/wait-for.ts';

interface RobotState {
  serialNumber: string;
  driving: boolean;
  safetyState: { eStop: string };
}

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'console');
/** The test's own read-only MQTT identity, watching the robots' states. */
const OBSERVER = 'console-e2e-observer';
const PEOPLE = ['supervisor', 'operator', 'viewer'] as const;

/**
 * The operator console in a real browser (Debian's Chromium driven by playwright-core) against
 * the demo facility, everyone logged in through the login page with the users the facility's
 * first start printed: the supervisor's console shows the controller's robots and their moves;
 * an operator's emergency stop stops every robot (checked on the robots' own MQTT state) while
 * its release is disabled for the operator, and the supervisor releases it; the audit log panel
 * shows who gave which command; a viewer's page offers no command; a port screen tells a person
 * to log in as the port's screen, and the port's screen login confirms the pick, which completes
 * the WMS request; a session ended elsewhere sends the screen to the login page; no page asks
 * the broker for anything its user's rules refuse; Log out ends the session. Screenshots go to
 * test-results/console/.
 */
describe('the operator console in a browser, with logins', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-console-e2e-'));
  let facility: RunningProcess | undefined;
  let pick: RunningProcess | undefined;
  let browser: Browser | undefined;
  let supervisorContext: BrowserContext | undefined;
  let page: Page | undefined;
  let bus: MessageBus | undefined;
  let consoleUrl = '';
  let brokerUrl = '';
  let observerPassword = '';
  let robotCount = 0;
  const passwords = new Map<string, string>();
  const latest = new Map<string, RobotState>();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Added before the first start, which still creates the facility's parts and its console users.
    const added = runGridline(['identities', 'add', OBSERVER, '--role', 'monitor', '--data', dataDir]);
    observerPassword = (await added.waitForLine(/^password: (\S+)$/, 30_000))[1]!;
    expect(await added.exited).toBe(0);

    facility = runGridline(['start', '--port', '0', '--console-port', '0', '--data', dataDir, '--no-wms', '--manual-ports', 'P1', '--speed', '2']);
    brokerUrl = (await facility.waitForLine(/broker (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded\)/, 60_000))[1]!;
    robotCount = Number((await facility.waitForLine(/columns, \d+ deep, \d+ bins, (\d+) robots/, 10_000))[1]);
    consoleUrl = (await facility.waitForLine(/console (http:\/\/127\.0\.0\.1:\d+\/)/, 60_000))[1]!;
    for (const person of PEOPLE) passwords.set(person, (await facility.waitForLine(new RegExp(`^gridline:\\s+${person}\\s+(\\S+)\\s+\\(${person}\\)$`), 10_000))[1]!);
    passwords.set('port-P1', (await facility.waitForLine(/^gridline:\s+port-P1\s+(\S+)\s+\(port screen of P1\)$/, 10_000))[1]!);

    bus = await connectMqttBus(brokerUrl, { clientId: OBSERVER, credentials: { username: OBSERVER, password: observerPassword } });
    await bus.subscribe('uagv/v2/gridline/+/state', (_topic, payload) => {
      const state = JSON.parse(payload) as RobotState;
      latest.set(state.serialNumber, state);
    });
    browser = await launchChromium();
    supervisorContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await supervisorContext.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await bus?.close();
    await pick?.stop('SIGINT');
    await facility?.stop('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A browser context of its own (its own cookies), logged in as `name` through the login page on the way to `url`. */
  async function loggedIn(name: string, url: string, viewport = { width: 1400, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ viewport });
    const p = await context.newPage();
    await logIn(p, url, name, passwords.get(name)!);
    return { context, page: p };
  }

  it('logs a supervisor in through the login page, and shows the robots and their moves', async () => {
    const p = page!;
    await p.goto(consoleUrl);
    await p.waitForURL(/\/login\.html\?next=%2F$/, { timeout: 30_000 });
    await p.getByTestId('login-name').fill('supervisor');
    await p.getByTestId('login-password').fill('not-the-password');
    await p.getByTestId('login-submit').click();
    await expect.poll(() => p.getByTestId('login-error').textContent(), { timeout: 30_000 }).toBe('Wrong name or password.');
    await p.screenshot({ path: path.join(SCREENSHOTS, '0-login.png') });

    await logIn(p, consoleUrl, 'supervisor', passwords.get('supervisor')!);
    expect(p.url()).toBe(consoleUrl);
    expect(await p.getByTestId('session-user').textContent()).toBe('supervisor');
    expect(await p.getByTestId('session-role').textContent()).toBe('supervisor');
    await p.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await waitForText(p, 'robot-count', String(robotCount));
    expect(await p.getByTestId('resume-all').isEnabled()).toBe(true);
    await p.screenshot({ path: path.join(SCREENSHOTS, '1-console.png') });

    // A pick makes a robot move; its row follows the cell it reports.
    pick = runGridline(['wms', 'pick', '--line', 'SKU-00002:1', '--line', 'SKU-00002:2', '--port', 'P1', '--broker', brokerUrl, '--data', dataDir, '--id', 'console-e2e-pick']);
    const cellsBefore = await robotCells(p);
    await expect
      .poll(async () => {
        const now = await robotCells(p);
        return [...now].some(([serial, cell]) => cellsBefore.get(serial) !== cell);
      }, { timeout: 60_000, interval: 250 })
      .toBe(true);
    await p.screenshot({ path: path.join(SCREENSHOTS, '2-robot-moving.png') });
  }, 180_000);

  it("stops every robot from an operator's console; releasing the stop is the supervisor's", async () => {
    const operator = await loggedIn('operator', consoleUrl);
    const o = operator.page;
    await o.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    expect(await o.getByTestId('session-role').textContent()).toBe('operator');
    const release = o.getByTestId('resume-all');
    expect(await release.isDisabled()).toBe(true);
    expect(await release.getAttribute('title')).toBe('Only a supervisor may release the emergency stop');

    // Emergency stop: every robot reports it on its own state topic and stands still.
    await o.getByTestId('estop-all').click();
    await waitFor(
      () => latest.size === robotCount && [...latest.values()].every((s) => s.safetyState.eStop === 'REMOTE' && !s.driving),
      30_000,
      () => `every robot stopped: ${JSON.stringify([...latest.values()].map((s) => [s.serialNumber, s.safetyState.eStop, s.driving]))}`,
    );
    await expect.poll(() => o.getByTestId('last-reply').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    await o.screenshot({ path: path.join(SCREENSHOTS, '3-emergency-stop-by-operator.png') });
    await operator.context.close();

    await page!.getByTestId('resume-all').click();
    await waitFor(() => [...latest.values()].every((s) => s.safetyState.eStop === 'NONE'), 30_000, () => 'every robot released');
    await expect.poll(() => page!.getByTestId('last-reply').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
  }, 120_000);

  it('shows who gave which command in the audit log', async () => {
    const p = page!;
    await p.getByTestId('audit-toggle').click();
    await expect.poll(() => p.getByTestId('audit-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('loaded');
    const rows = async () =>
      p.getByTestId('audit-row').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-user'), tr.children[2]!.textContent, tr.getAttribute('data-outcome')]));
    // Newest first: the supervisor's release, then the operator's stop.
    await expect.poll(rows, { timeout: 10_000 }).toEqual([
      ['supervisor', 'resume all (release of the emergency stop)', 'done'],
      ['operator', 'emergency stop', 'done'],
    ]);
    await p.screenshot({ path: path.join(SCREENSHOTS, '4-audit-log.png') });
  }, 60_000);

  it("offers a viewer no command, and the viewer's page sends none", async () => {
    const viewer = await loggedIn('viewer', consoleUrl);
    const v = viewer.page;
    await v.getByTestId('connection-status').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    await waitForText(v, 'robot-count', String(robotCount));
    for (const control of ['estop-all', 'resume-all']) {
      expect(await v.getByTestId(control).isDisabled(), control).toBe(true);
      expect(await v.getByTestId(control).getAttribute('title'), control).toMatch(/^A viewer watches only/);
    }
    await v.locator('[data-testid^="robot-row-"]').first().click();
    for (const control of ['robot-pause', 'robot-resume', 'robot-service', 'robot-return']) expect(await v.getByTestId(control).isDisabled(), control).toBe(true);
    await v.screenshot({ path: path.join(SCREENSHOTS, '5-viewer.png') });
    // The broker would have closed the page's connection on a command; the audit log has none from the viewer.
    expect(await v.getByTestId('connection-status').textContent()).toBe('connected');
    await v.getByTestId('audit-toggle').click();
    await expect.poll(() => v.getByTestId('audit-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('loaded');
    expect(await v.locator('[data-testid="audit-row"][data-user="viewer"]').count()).toBe(0);
    expect(await v.getByTestId('audit-row').count()).toBe(2);
    await viewer.context.close();
  }, 90_000);

  it("tells a person to use the port's screen login, which confirms the pick; the screen leaves when its session ends", async () => {
    const personal = await supervisorContext!.newPage();
    await personal.goto(`${consoleUrl}port.html?port=P1`);
    await expect.poll(() => personal.getByTestId('port-access').textContent(), { timeout: 30_000 }).toMatch(/log in as port P1's screen/);
    expect(await personal.getByTestId('port-confirm').isDisabled()).toBe(true);
    await personal.close();

    // The person at P1 logs in as its screen and confirms the pick; the WMS request completes.
    const port = await loggedIn('port-P1', `${consoleUrl}port.html?port=P1`, { width: 900, height: 700 });
    const screen = port.page;
    expect(screen.url()).toBe(`${consoleUrl}port.html?port=P1`);
    await expect.poll(async () => (await screen.getByTestId('port-bin').textContent())?.trim() ?? '', { timeout: 120_000, interval: 500 }).not.toBe('');
    // The bin serves both lines of the order: the screen lists them, and the person reports one short.
    await expect.poll(() => screen.getByTestId('port-line').count(), { timeout: 10_000 }).toBe(2);
    expect(await screen.getByTestId('port-lines').locator('td.units').allTextContents()).toEqual(['1', '2']);
    expect(await screen.getByTestId('port-status').textContent()).toBe('Pick 2 lines (3 units) from bin ' + (await screen.getByTestId('port-bin').textContent()));
    await screen.screenshot({ path: path.join(SCREENSHOTS, '6-port-screen.png') });
    await screen.getByTestId('port-shortage').click();
    await screen.getByTestId('port-line-found').nth(1).fill('1');
    await screen.getByTestId('port-shortage-send').click();
    expect(await pick!.exited).toBe(0);
    const completed = JSON.parse(pick!.lines.at(-1)!.replace(/^event /, '')) as { type: string; lines: unknown };
    expect(completed).toMatchObject({ type: 'completed', lines: [{ line: 0, sku: 'SKU-00002', quantity: 1 }, { line: 1, sku: 'SKU-00002', quantity: 1 }] });
    await expect.poll(() => screen.getByTestId('port-status').textContent(), { timeout: 10_000 }).toMatch(/^(Shortage confirmed on 1 line: 2 of 3 picked|No bin at the port)/);

    // The session ends elsewhere (here: logged out by another tab): the server closes the
    // screen's MQTT, and the screen finds its session gone and asks for a login.
    expect((await port.context.request.post(`${consoleUrl}logout`)).status()).toBe(204);
    await screen.waitForURL(/\/login\.html\?next=%2Fport\.html%3Fport%3DP1&reason=ended$/, { timeout: 30_000 });
    expect(await screen.getByTestId('login-note').textContent()).toBe('Your session has ended: log in again.');
    await port.context.close();
    await page!.screenshot({ path: path.join(SCREENSHOTS, '7-after-pick.png') });
  }, 180_000);

  it('shows the KPI trends as charts, and serves /metrics as Prometheus text whose counters move', async () => {
    const p = page!;
    for (const id of ['throughput', 'utilisation', 'requestTime', 'onTime']) expect(await p.locator(`[data-testid="trend-${id}"]`).count(), id).toBe(1);
    // A sample is kept each facility minute (30 s here, at twice real time); the chart draws it once reloaded.
    await expect
      .poll(
        async () => {
          await p.getByTestId('trends-1h').click();
          await expect.poll(() => p.getByTestId('trends-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('loaded');
          return Number(await p.locator('[data-testid="trend-throughput"]').getAttribute('data-points'));
        },
        { timeout: 120_000, interval: 3_000 },
      )
      .toBeGreaterThan(0);
    expect(await p.locator('[data-testid="trend-throughput"] polyline').count()).toBeGreaterThan(0);
    await p.getByTestId('trends').screenshot({ path: path.join(SCREENSHOTS, '8-trends.png') });

    // A site's monitoring scrapes with HTTP Basic auth as a monitor identity.
    const scrape = async () => {
      const response = await fetch(`${consoleUrl}metrics`, { headers: { authorization: `Basic ${Buffer.from(`${OBSERVER}:${observerPassword}`).toString('base64')}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      return parsePrometheusText(await response.text());
    };
    const before = await scrape();
    expect(before.sum('gridline_wms_replies_total', { type: 'pick', outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(before.sum('gridline_wms_requests_ended_total', { outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(before.sum('gridline_robots', { state: 'idle' }) + before.sum('gridline_robots', { state: 'working' })).toBe(robotCount);
    const query = runGridline(['wms', 'inventory', '--sku', 'SKU-00002', '--broker', brokerUrl, '--data', dataDir, '--id', 'console-e2e-inventory']);
    expect(await query.exited).toBe(0);
    const after = await scrape();
    expect(after.sum('gridline_wms_replies_total')).toBe(before.sum('gridline_wms_replies_total') + 1);
    expect(after.sum('gridline_broker_messages_total')).toBeGreaterThan(before.sum('gridline_broker_messages_total'));
    expect(after.sum('gridline_control_cycle_seconds_count')).toBeGreaterThan(before.sum('gridline_control_cycle_seconds_count'));
    expect((await fetch(`${consoleUrl}metrics`, { headers: { authorization: `Basic ${Buffer.from(`${OBSERVER}:wrong`).toString('base64')}` } })).status).toBe(401);
    expect((await fetch(`${consoleUrl}metrics`)).status).toBe(401);
    // A person's session reads it too.
    expect((await supervisorContext!.request.get(`${consoleUrl}metrics`)).status()).toBe(200);
  }, 180_000);

  it("made no page ask the broker for anything outside its user's rules", () => {
    // The broker logs each publish or subscription it refuses (and ends the connection of a refused publish).
    expect(facility!.lines.filter((line) => /broker refused: (supervisor|operator|viewer|port-P1):/.test(line))).toEqual([]);
  });

  it('logs out: the console asks for a login again', async () => {
    const p = page!;
    await p.getByTestId('logout').click();
    await p.waitForURL(/\/login\.html\?next=%2F&reason=loggedOut$/, { timeout: 30_000 });
    expect(await p.getByTestId('login-note').textContent()).toBe('You are logged out.');
    await p.goto(consoleUrl);
    await p.waitForURL(/\/login\.html\?next=%2F$/, { timeout: 30_000 });
  }, 60_000);
});

/** Logs in through the login page that opening `url` leads to, and waits to be back at `url`'s page. */
async function logIn(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/login\.html\?next=/, { timeout: 30_000 });
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login.html'), { timeout: 30_000 });
}

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
