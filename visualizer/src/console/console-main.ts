import { TrendsPanel } from '../panels/trends-panel.ts';
import { parseKpiHistory } from '../view-model/kpi-charts.ts';
import '../styles/console.css';
import { loadConfig } from '../config/console-config.ts';
import { BrokerConnection } from '../mqtt/broker-connection.ts';
import { AlarmsPanel } from '../panels/alarms-panel.ts';
import { AuditPanel } from '../panels/audit-panel.ts';
import { CommandLogPanel } from '../panels/command-log-panel.ts';
import type { ConsoleActions } from '../panels/console-actions.ts';
import { DetailsPanel } from '../panels/details-panel.ts';
import { KpiPanel } from '../panels/kpi-panel.ts';
import { QuarantinePanel } from '../panels/quarantine-panel.ts';
import { RequestsPanel } from '../panels/requests-panel.ts';
import { RobotListPanel } from '../panels/robot-list-panel.ts';
import { Toasts } from '../panels/toasts.ts';
import { TopBar } from '../panels/top-bar.ts';
import { GridScene } from '../scene/grid-scene.ts';
import { commandRefusal, isPerson, mayCommand } from '../session/console-access.ts';
import { getJson, goToLogin, logOut, sessionWatch } from '../session/session-client.ts';
import { parseAudit } from '../view-model/audit-entries.ts';
import { awaitsRobots, robotOutcomeLines } from '../view-model/command-outcome.ts';
import { newCommandIdPrefix, type CommandBody } from '../view-model/command-tracker.ts';
import { ConsoleViewModel, type Selection } from '../view-model/console-view-model.ts';

/**
 * The operator console page: config (with who is logged in), MQTT, the view model, the scene
 * and the panels, wired together. Everything it shows comes through ConsoleViewModel; this file
 * only moves messages and clicks between the parts and runs the animation loop. Without a
 * session it sends the browser to the login page; a user who may not give a command gets its
 * control disabled, and nothing is ever published that the user's role does not allow.
 */

/** Panels that follow fast-changing data (robot positions) are redrawn at most this often, ms. */
const PANEL_PERIOD_MS = 250;
/** Audit log entries shown. */
const AUDIT_ROWS = 50;

async function main(): Promise<void> {
  const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="scene"]')!;
  const side = document.getElementById('side')!;
  const header = document.getElementById('header')!;
  const toasts = new Toasts();
  document.body.append(toasts.element);

  const config = await loadConfig();
  if (config.ok ? !config.config.user : config.loginNeeded) return goToLogin();
  const user = config.ok ? config.config.user! : null;
  const refusal = (type: CommandBody['type']) => (user ? commandRefusal(user.role, type) : 'The console did not start: nothing can be sent');
  const commands = user !== null && mayCommand(user.role);

  let connection: BrokerConnection | null = null;
  let vm: ConsoleViewModel | null = null;
  let scene: GridScene | null = null;

  const publish = (command: { commandId: string }) => {
    if (!connection || !vm || !commands) return;
    connection.publish(vm.topics.command, JSON.stringify(command), { qos: 1 });
  };
  const actions: ConsoleActions = {
    send(body: CommandBody) {
      const why = refusal(body.type);
      if (why) return toasts.show(`${why}: nothing sent`, 'fail');
      if (!vm || !connection?.connected) return toasts.show('Not connected to the broker: nothing sent', 'fail');
      publish(vm.command(body, performance.now()));
    },
    refusal,
    select(selection: Selection | null) {
      if (!vm) return;
      const query = vm.select(selection, performance.now());
      if (query) publish(query);
    },
    topView: () => scene?.topView(),
    overview: () => scene?.overview(),
    logOut: () => void logOut(),
  };

  const topBar = new TopBar(actions, user);
  header.append(topBar.element);
  if (!config.ok) {
    topBar.setStatus('error', config.error);
    toasts.show(config.error, 'fail', 60_000);
    return;
  }
  const signedIn = user!;
  if (!isPerson(signedIn.role)) {
    const why = `${signedIn.name} is the login of port ${signedIn.scope}'s screen, which sees only that port: open port.html?port=${signedIn.scope}, or log out and log in as a person`;
    topBar.setStatus('error', why);
    toasts.show(why, 'fail', 600_000);
    return;
  }
  const kpis = new KpiPanel();
  const details = new DetailsPanel(actions);
  const robotList = new RobotListPanel(actions);
  const requests = new RequestsPanel();
  const commandLog = new CommandLogPanel();
  const audit = new AuditPanel(async () => {
    const answer = await getJson(`audit?limit=${AUDIT_ROWS}`);
    return answer.ok ? parseAudit(answer.json) : { ok: false, error: answer.error };
  });
  const quarantine = new QuarantinePanel(actions);
  const alarms = new AlarmsPanel(actions);
  const trends = new TrendsPanel(async (hours) => {
    const answer = await getJson(`kpi-history?hours=${hours}`);
    return answer.ok ? parseKpiHistory(answer.json) : { ok: false, error: answer.error };
  });
  side.append(details.element, commandLog.element, audit.element, kpis.element, trends.element, robotList.element, requests.element, quarantine.element, alarms.element);

  const { mqttUrl, site } = config.config;
  const model = new ConsoleViewModel({ site, user: signedIn.name, commandIdPrefix: newCommandIdPrefix(), queryColumns: refusal('queryColumn') === null });
  vm = model;
  scene = new GridScene(canvas, model);
  const gridScene = scene;
  new ResizeObserver(() => gridScene.resize()).observe(canvas);
  gridScene.resize();
  (window as unknown as { __gridlineConsole: unknown }).__gridlineConsole = { vm: model, scene: gridScene };

  let robotStateTopic: string | null = null;
  const conn = new BrokerConnection({
    url: mqttUrl,
    clientIdPrefix: `gridline-console-${site}`,
    onStatus: (status, detail) => topBar.setStatus(status, detail),
    onSubscribeError: (topic, error) => toasts.show(`Subscription to ${topic} failed: ${error}`, 'fail', 15_000),
    onClose: sessionWatch(),
    onMessage: (topic, text) => {
      const outcome = model.handleMessage(topic, text, performance.now());
      if (outcome.kind === 'layout' && outcome.ok) {
        const wanted = model.robotStateSubscription();
        if (wanted !== robotStateTopic) {
          if (robotStateTopic) conn.unsubscribe(robotStateTopic);
          robotStateTopic = wanted;
          if (wanted) conn.subscribe(wanted);
        }
      }
    },
  });
  connection = conn;
  // Replies come only to users who command; the broker refuses the others that subscription.
  for (const topic of [model.topics.layout, model.topics.stacks, model.topics.state, ...(commands ? [model.topics.reply] : [])]) conn.subscribe(topic);

  // Click to select (a press and release without dragging; a drag orbits the camera).
  let down: { x: number; y: number } | null = null;
  canvas.addEventListener('pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
  canvas.addEventListener('pointerup', (e) => {
    if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 5) return;
    down = null;
    const hit = gridScene.pick(e.clientX, e.clientY);
    if (!hit) return actions.select(null);
    if (hit.kind === 'robot') return actions.select({ kind: 'robot', serial: hit.serial });
    const query = model.selectCell(hit.x, hit.y, performance.now());
    if (query) publish(query);
  });

  // A stop, pause or resume awaiting the robots gets a pending toast, which its outcome then
  // replaces; every reply and timeout becomes a toast, each once. A robot that did not confirm
  // is named with why, and such a toast stays longer.
  const toasted = new Map<string, string>();
  const toastReplies = () => {
    for (const sent of model.awaitingRobots()) {
      const id = sent.command.commandId;
      if (toasted.has(id)) continue;
      toasted.set(id, 'pending');
      toasts.show(model.describe(sent).headline, 'pending', 60_000, id);
    }
    for (const sent of model.commandLog) {
      const id = sent.command.commandId;
      const view = model.describe(sent);
      if (toasted.get(id) === view.phase) continue;
      toasted.set(id, view.phase);
      const lines = view.robots && view.robots.problems.length > 0 ? [view.summary, ...robotOutcomeLines(view.robots, 5).slice(1)] : [view.headline];
      const tone = view.tone === 'pending' ? 'ok' : view.tone;
      toasts.show(lines.join('\n'), tone, tone === 'ok' ? 5000 : awaitsRobots(view.type) ? 20_000 : 10_000, id);
    }
    if (toasted.size > 200) {
      const live = new Set([...model.commandLog, ...model.awaitingRobots()].map((sent) => sent.command.commandId));
      for (const id of toasted.keys()) if (!live.has(id)) toasted.delete(id);
    }
  };
  setInterval(() => model.expireCommands(performance.now()), 1000);

  const seen = { layout: -1, state: -1, reports: -1, selection: -1, replies: -1, bad: -1 };
  /** The latest answered command the audit log was loaded after. */
  let auditedAfter: string | null = null;
  let lastPanelsMs = -Infinity;
  const frame = (nowMs: number) => {
    gridScene.update(nowMs);
    gridScene.render();
    const v = model.versions;
    if (v.replies !== seen.replies) {
      seen.replies = v.replies;
      topBar.update(model);
      commandLog.update(model);
      quarantine.update(model);
      toastReplies();
      const answered = model.latestCommand?.reply ? model.latestCommand.command.commandId : null;
      if (answered !== null && answered !== auditedAfter) {
        auditedAfter = answered;
        audit.refresh();
      }
    }
    if (v.bad !== seen.bad) {
      seen.bad = v.bad;
      alarms.update(model);
    }
    const stateChanged = v.state !== seen.state || v.layout !== seen.layout;
    const selectionChanged = v.selection !== seen.selection;
    const reportsChanged = v.reports !== seen.reports;
    if (stateChanged || selectionChanged || (reportsChanged && nowMs - lastPanelsMs >= PANEL_PERIOD_MS)) {
      lastPanelsMs = nowMs;
      seen.state = v.state;
      seen.layout = v.layout;
      seen.selection = v.selection;
      seen.reports = v.reports;
      topBar.update(model);
      robotList.update(model);
      details.update(model);
      if (stateChanged) {
        kpis.update(model);
        requests.update(model);
        quarantine.update(model);
        alarms.update(model);
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

void main();
