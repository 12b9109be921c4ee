import '../styles/console.css';
import { loadConfig } from '../config/console-config.ts';
import { BrokerConnection, randomLetters } from '../mqtt/broker-connection.ts';
import { AlarmsPanel } from '../panels/alarms-panel.ts';
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
import { awaitsRobots, robotOutcomeLines } from '../view-model/command-outcome.ts';
import type { CommandBody } from '../view-model/command-tracker.ts';
import { ConsoleViewModel, type Selection } from '../view-model/console-view-model.ts';

/**
 * The operator console page: config, MQTT, the view model, the scene and the panels, wired
 * together. Everything it shows comes through ConsoleViewModel; this file only moves messages
 * and clicks between the parts and runs the animation loop.
 */

/** Panels that follow fast-changing data (robot positions) are redrawn at most this often, ms. */
const PANEL_PERIOD_MS = 250;

async function main(): Promise<void> {
  const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="scene"]')!;
  const side = document.getElementById('side')!;
  const header = document.getElementById('header')!;
  const toasts = new Toasts();
  document.body.append(toasts.element);

  let connection: BrokerConnection | null = null;
  let vm: ConsoleViewModel | null = null;
  let scene: GridScene | null = null;

  const publish = (command: { commandId: string }) => {
    if (!connection || !vm) return;
    connection.publish(vm.topics.command, JSON.stringify(command), { qos: 1 });
  };
  const actions: ConsoleActions = {
    send(body: CommandBody) {
      if (!vm || !connection?.connected) return toasts.show('Not connected to the broker: nothing sent', 'fail');
      publish(vm.command(body, performance.now()));
    },
    select(selection: Selection | null) {
      if (!vm) return;
      const query = vm.select(selection, performance.now());
      if (query) publish(query);
    },
    topView: () => scene?.topView(),
    overview: () => scene?.overview(),
  };

  const topBar = new TopBar(actions);
  header.append(topBar.element);
  const kpis = new KpiPanel();
  const details = new DetailsPanel(actions);
  const robotList = new RobotListPanel(actions);
  const requests = new RequestsPanel();
  const commandLog = new CommandLogPanel();
  const quarantine = new QuarantinePanel(actions);
  const alarms = new AlarmsPanel();
  side.append(details.element, commandLog.element, kpis.element, robotList.element, requests.element, quarantine.element, alarms.element);

  const config = await loadConfig();
  if (!config.ok) {
    topBar.setStatus('error', config.error);
    toasts.show(config.error, 'fail', 60_000);
    return;
  }
  const { mqttUrl, site } = config.config;
  const model = new ConsoleViewModel({ site, user: config.config.user?.name ?? 'anonymous', commandIdPrefix: `c${randomLetters(6)}` });
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
  for (const topic of [model.topics.layout, model.topics.stacks, model.topics.state, model.topics.reply]) conn.subscribe(topic);

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
