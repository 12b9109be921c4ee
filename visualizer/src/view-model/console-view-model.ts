import {
  decodeHeights,
  parseConsoleLayout,
  parseConsoleReply,
  parseConsoleStacks,
  parseConsoleState,
  type ColumnDetail,
  type ConsoleAlarm,
  type ConsoleCommand,
  type ConsoleKpis,
  type ConsoleLayout,
  type ConsoleReply,
  type ConsoleRequest,
  type ConsoleRobot,
  type ConsoleStacks,
  type ConsoleState,
  type CellXY,
} from '../../../protocol/console/console-messages.ts';
import { consoleLayoutTopic, consoleReplyTopic, consoleStacksTopic, consoleStateTopic, consoleCommandTopic } from '../../../protocol/console/topics.ts';
import { parseState } from '../../../protocol/vda5050/validate.ts';
import { parseVdaTopic, vdaSubscriptionPattern } from '../../../protocol/vda5050/topics.ts';
import { awaitsRobots, describeCommand, type CommandOutcomeView } from './command-outcome.ts';
import { CommandTracker, type CommandBody, type SentCommand } from './command-tracker.ts';
import { cellIndex, cellKey, cellKindAt, cellOfPosition, checkLayout, isInsideGrid, type Cell, type CellKind } from './grid-geometry.ts';
import { RobotMotion, type MotionOptions, type MoveTarget, type MutablePoint } from './robot-motion.ts';
import { summariseState, type RobotReport } from './robot-report.ts';

/**
 * The console's view model: every message in (validated with the protocol's parsers; a bad one
 * is counted and described, never thrown), the scene's and panels' state out. It holds no DOM
 * and no three.js, and takes time as arguments (`nowMs`, a monotonic millisecond clock such as
 * performance.now()), so it runs the same in the page, in the benchmark and in unit tests.
 *
 * Version counters (`versions`) tell the scene and the panels what changed since they last
 * looked, so a frame rebuilds nothing unless a message changed it.
 */

export type MessageKind = 'layout' | 'stacks' | 'state' | 'reply' | 'robotState';

export interface MessageOutcome {
  /** What the topic carries; `ignored` for topics this console does not read and empty (cleared) retained messages. */
  readonly kind: MessageKind | 'ignored';
  readonly ok: boolean;
}

export interface BadMessage {
  readonly kind: MessageKind;
  readonly topic: string;
  readonly errors: readonly string[];
  readonly atMs: number;
}

/** One robot: what the controller says of it and what it reports itself. */
export interface RobotView {
  readonly serial: string;
  /** Its instance in the scene's robot meshes; stable for the page's life. */
  readonly index: number;
  /** The controller's view (console/state), or null when the latest state does not list it. */
  controller: ConsoleRobot | null;
  /** Its latest VDA 5050 state, summarised, or null before the first. */
  report: RobotReport | null;
  /** The cell of its latest reported position, or null (no position yet, or no layout yet). */
  reportedCell: Cell | null;
  reportedAtMs: number | null;
  // Derived from both, for drawing:
  /** FATAL error or emergency stop (its own report), or a FATAL error the controller lists. */
  error: boolean;
  /** Paused by its own report or by an operator's pause the controller holds. */
  paused: boolean;
  /** Held in alarm by the controller (its `hold` reason): no work until an operator resumes it. */
  held: boolean;
  /** Gripper down in a column (a pick or drop RUNNING). */
  lifting: boolean;
  /** The bin it carries, or null. */
  carrying: string | null;
  offline: boolean;
}

export interface PortView {
  readonly id: string;
  /** Cell of the port, or null for a port the layout does not place. */
  readonly cell: Cell | null;
  readonly mode: 'pick' | 'putaway' | 'closed';
  readonly open: boolean;
  /** Its machine's state in words (the controller's), or null before the controller's first state. */
  readonly machine: string | null;
  /** Bins at the port or on their way, in order; the first is presented. */
  readonly queue: readonly string[];
  readonly presented: string | null;
}

export type Selection = { readonly kind: 'robot'; readonly serial: string } | { readonly kind: 'column'; readonly x: number; readonly y: number } | { readonly kind: 'port'; readonly portId: string };

export type ColumnQueryStatus = 'pending' | 'answered' | 'failed' | 'timedOut';

export interface ColumnQuery {
  readonly x: number;
  readonly y: number;
  readonly commandId: string;
  status: ColumnQueryStatus;
  detail: ColumnDetail | null;
  message: string | null;
}

export type SelectionDetails =
  | {
      readonly kind: 'robot';
      readonly robot: RobotView;
      /** Why the controller holds it in alarm, or null. */
      readonly hold: string | null;
      /** The actions its factsheet lists (`type (SCOPES)`), or null until a usable factsheet came (or the controller does not list it). */
      readonly capabilities: readonly string[] | null;
      readonly reservedCells: readonly CellXY[];
      readonly move: MoveTarget | null;
    }
  | {
      readonly kind: 'column';
      readonly x: number;
      readonly y: number;
      readonly cellKind: CellKind;
      /** Bins in the column now (console/stacks). */
      readonly height: number;
      readonly depth: number;
      readonly blockedByOperator: boolean;
      /** Robots whose reported cell is this one. */
      readonly robotsHere: readonly string[];
      /** The answer to this console's queryColumn, when it came. */
      readonly query: ColumnQuery | null;
    }
  | { readonly kind: 'port'; readonly port: PortView };

export interface ConsoleViewModelOptions {
  /** Site of the console topics (config.json's `site`). */
  readonly site: string;
  /** Who is logged in (config.json's `user.name`): commands go, and replies come, on this user's topics. */
  readonly user: string;
  /** Start of this page's command ids (unique among the user's pages, ever: newCommandIdPrefix). */
  readonly commandIdPrefix: string;
  /**
   * Whether selecting a column asks the controller for its bins (a queryColumn command); default
   * true. False for a user who gives no commands (a viewer): their page must publish nothing.
   */
  readonly queryColumns?: boolean;
  readonly motion?: Partial<MotionOptions>;
  readonly replyTimeoutMs?: number;
  /** Reply timeout of an emergency stop, resume-all, a pause or a resume (their replies wait for the robots). */
  readonly robotReplyTimeoutMs?: number;
  /** How many bad-message descriptions are kept for display. */
  readonly keepBadMessages?: number;
}

export interface ConsoleTopics {
  readonly layout: string;
  readonly stacks: string;
  readonly state: string;
  readonly reply: string;
  readonly command: string;
}

/** Increments whenever the part named changes; readers compare with what they last saw. */
export interface Versions {
  layout: number;
  stacks: number;
  state: number;
  /** Any robot's own report (positions, lift, load, errors). */
  reports: number;
  selection: number;
  /** Commands sent (other than column queries), their replies and timeouts. */
  replies: number;
  bad: number;
}

/** A quarantined bin, and this console's latest attempt to clear it. */
export interface QuarantinedBinView {
  readonly binId: string;
  readonly reason: string;
  /** This console's latest clearQuarantine of the bin (pending, or its reply), or null. */
  readonly clear: CommandOutcomeView | null;
}

/**
 * The emergency stop as far as it is known: whether the controller holds one in force (it was
 * requested), and how many robots' own latest states show them stopped. Only a robot whose own
 * state shows it (safetyState.eStop other than NONE, or paused) counts as stopped.
 */
export interface EmergencyStopView {
  /** The controller holds an operator's emergency stop in force. */
  readonly requested: boolean;
  /** This console sent an emergency stop whose reply has not come yet. */
  readonly sent: boolean;
  /** Robots the controller lists. */
  readonly total: number;
  /** Of them, those online whose own latest VDA 5050 state shows an emergency stop or a pause. */
  readonly showingStopped: number;
  /** The others (at most 20, in the controller's order). */
  readonly notShowing: readonly string[];
}

export class ConsoleViewModel {
  readonly topics: ConsoleTopics;
  readonly versions: Versions = { layout: 0, stacks: 0, state: 0, reports: 0, selection: 0, replies: 0, bad: 0 };
  readonly motion: RobotMotion;
  private readonly tracker: CommandTracker;
  private readonly keepBadMessages: number;
  private readonly queryColumns: boolean;

  layout: ConsoleLayout | null = null;
  /** Bins per column, row-major; null until both a layout and stacks that fit it arrived. */
  heights: Uint8Array | null = null;
  totalBins = 0;
  state: ConsoleState | null = null;
  /** Every robot seen (layout, controller state or own report), by scene index. */
  readonly robots: RobotView[] = [];
  private readonly robotBySerial = new Map<string, RobotView>();
  ports: PortView[] = [];
  /** Cells an operator blocked, as `x,y` keys. */
  blockedCells: ReadonlySet<string> = new Set();
  selection: Selection | null = null;
  columnQuery: ColumnQuery | null = null;
  /** The latest reply to one of this console's commands (queryColumn answers go to the column's details instead). */
  lastReply: SentCommand | null = null;
  /** This console's latest command event (sent, answered or timed out), column queries aside: what the top bar shows. */
  latestCommand: SentCommand | null = null;
  /** This console's latest clearQuarantine per bin. */
  private readonly quarantineClears = new Map<string, SentCommand>();
  /** Commands answered or timed out, newest last. */
  readonly commandLog: SentCommand[] = [];
  readonly badMessages = { total: 0, byKind: { layout: 0, stacks: 0, state: 0, reply: 0, robotState: 0 } as Record<MessageKind, number>, recent: [] as BadMessage[] };
  /** Replies to other consoles' commands (or repeated replies), seen and left alone. */
  foreignReplies = 0;
  /** The latest well-formed stacks message, kept to check against a layout that comes later. */
  private lastStacks: { message: ConsoleStacks; topic: string; atMs: number } | null = null;

  constructor(options: ConsoleViewModelOptions) {
    this.topics = {
      layout: consoleLayoutTopic(options.site),
      stacks: consoleStacksTopic(options.site),
      state: consoleStateTopic(options.site),
      reply: consoleReplyTopic(options.site, options.user),
      command: consoleCommandTopic(options.site, options.user),
    };
    this.tracker = new CommandTracker({
      idPrefix: options.commandIdPrefix,
      ...(options.replyTimeoutMs !== undefined ? { replyTimeoutMs: options.replyTimeoutMs } : {}),
      ...(options.robotReplyTimeoutMs !== undefined ? { robotReplyTimeoutMs: options.robotReplyTimeoutMs } : {}),
    });
    this.motion = new RobotMotion(options.motion);
    this.keepBadMessages = options.keepBadMessages ?? 20;
    this.queryColumns = options.queryColumns ?? true;
  }

  // ---- messages in -------------------------------------------------------------------------

  /** Routes one MQTT message by topic. Never throws for any topic or text. */
  handleMessage(topic: string, text: string, nowMs: number): MessageOutcome {
    // An empty retained message clears the topic on the broker; there is nothing to show.
    if (text.length === 0) return { kind: 'ignored', ok: true };
    if (topic === this.topics.layout) return this.handleLayout(text, nowMs);
    if (topic === this.topics.stacks) return this.handleStacks(text, nowMs);
    if (topic === this.topics.state) return this.handleState(text, nowMs);
    if (topic === this.topics.reply) return this.handleReply(text, nowMs);
    const vda = parseVdaTopic(topic);
    if (vda && vda.kind === 'state' && this.isFleetTopic(vda.address.interfaceName, vda.address.manufacturer)) {
      return this.handleRobotState(vda.address.serialNumber, topic, text, nowMs);
    }
    return { kind: 'ignored', ok: true };
  }

  /** The VDA 5050 state subscription for the layout's fleet, or null before the layout. */
  robotStateSubscription(): string | null {
    if (!this.layout) return null;
    return vdaSubscriptionPattern(this.layout.vda.interfaceName, this.layout.vda.manufacturer, 'state');
  }

  private handleLayout(text: string, nowMs: number): MessageOutcome {
    const parsed = parseConsoleLayout(text);
    if (!parsed.ok) return this.bad('layout', this.topics.layout, parsed.errors, nowMs);
    const problems = checkLayout(parsed.message);
    if (problems.length > 0) return this.bad('layout', this.topics.layout, problems, nowMs);
    this.layout = parsed.message;
    for (const serial of parsed.message.robots) this.ensureRobot(serial);
    for (const robot of this.robots) this.updateReportedCell(robot);
    this.versions.layout += 1;
    this.versions.reports += 1;
    this.rebuildPorts();
    // Stacks that came before the layout (retained messages arrive in any order) are checked
    // against it now; after a layout change the latest stacks are checked again.
    if (this.heights && this.heights.length !== parsed.message.columns.x * parsed.message.columns.y) this.setHeights(null);
    if (this.lastStacks) this.applyStacks(this.lastStacks.message, this.lastStacks.topic, this.lastStacks.atMs);
    return { kind: 'layout', ok: true };
  }

  private handleStacks(text: string, nowMs: number): MessageOutcome {
    const parsed = parseConsoleStacks(text);
    if (!parsed.ok) return this.bad('stacks', this.topics.stacks, parsed.errors, nowMs);
    if (!this.layout) {
      this.lastStacks = { message: parsed.message, topic: this.topics.stacks, atMs: nowMs };
      return { kind: 'stacks', ok: true };
    }
    return this.applyStacks(parsed.message, this.topics.stacks, nowMs);
  }

  private applyStacks(message: ConsoleStacks, topic: string, nowMs: number): MessageOutcome {
    const layout = this.layout!;
    this.lastStacks = { message, topic, atMs: nowMs };
    const heights = decodeHeights(message.heightsBase64);
    if (!heights) return this.bad('stacks', topic, ['stacks heightsBase64 is not valid base64'], nowMs);
    const cells = layout.columns.x * layout.columns.y;
    if (heights.length !== cells) {
      return this.bad('stacks', topic, [`stacks has ${heights.length} heights; the ${layout.columns.x} × ${layout.columns.y} grid has ${cells} columns`], nowMs);
    }
    for (let i = 0; i < heights.length; i++) {
      if (heights[i]! > layout.depth) {
        const x = i % layout.columns.x;
        const y = (i - x) / layout.columns.x;
        return this.bad('stacks', topic, [`stacks column (${x}, ${y}) holds ${heights[i]} bins; the grid is ${layout.depth} deep`], nowMs);
      }
    }
    this.setHeights(heights);
    return { kind: 'stacks', ok: true };
  }

  private setHeights(heights: Uint8Array | null): void {
    this.heights = heights;
    let total = 0;
    if (heights) for (let i = 0; i < heights.length; i++) total += heights[i]!;
    this.totalBins = total;
    this.versions.stacks += 1;
  }

  private handleState(text: string, nowMs: number): MessageOutcome {
    const parsed = parseConsoleState(text);
    if (!parsed.ok) return this.bad('state', this.topics.state, parsed.errors, nowMs);
    const state = parsed.message;
    this.state = state;
    const listed = new Set<string>();
    for (const robot of state.robots) {
      listed.add(robot.serial);
      const view = this.ensureRobot(robot.serial);
      view.controller = robot;
      this.derive(view);
    }
    for (const view of this.robots) {
      if (!listed.has(view.serial) && view.controller !== null) {
        view.controller = null;
        this.derive(view);
      }
    }
    this.blockedCells = new Set(state.blockedCells.map(([x, y]) => cellKey(x, y)));
    this.rebuildPorts();
    // A clear that was answered is forgotten once the bin leaves the list, so that a later
    // quarantine of the same bin starts without it.
    if (this.quarantineClears.size > 0) {
      const quarantined = new Set(state.quarantinedBins.map((b) => b.binId));
      for (const [binId, sent] of this.quarantineClears) if (!quarantined.has(binId) && (sent.reply || sent.timedOut)) this.quarantineClears.delete(binId);
    }
    this.versions.state += 1;
    return { kind: 'state', ok: true };
  }

  private handleReply(text: string, nowMs: number): MessageOutcome {
    const parsed = parseConsoleReply(text);
    if (!parsed.ok) return this.bad('reply', this.topics.reply, parsed.errors, nowMs);
    this.acceptReply(parsed.message, nowMs);
    return { kind: 'reply', ok: true };
  }

  private acceptReply(reply: ConsoleReply, nowMs: number): void {
    const sent = this.tracker.handleReply(reply, nowMs);
    if (!sent) {
      this.foreignReplies += 1;
      return;
    }
    if (sent.command.type === 'queryColumn') {
      const query = this.columnQuery;
      if (query && query.commandId === sent.command.commandId) {
        query.status = reply.ok ? 'answered' : 'failed';
        query.detail = reply.ok ? (reply.column ?? null) : null;
        query.message = reply.message;
        this.versions.selection += 1;
      }
      return;
    }
    this.lastReply = sent;
    this.latestCommand = sent;
    this.log(sent);
    this.versions.replies += 1;
  }

  private handleRobotState(serial: string, topic: string, text: string, nowMs: number): MessageOutcome {
    const parsed = parseState(text);
    if (!parsed.ok) return this.bad('robotState', topic, parsed.errors, nowMs);
    const state = parsed.value;
    if (state.serialNumber !== serial) {
      return this.bad('robotState', topic, [`serialNumber '${state.serialNumber}' does not match the topic's '${serial}'`], nowMs);
    }
    const view = this.ensureRobot(serial);
    view.report = summariseState(state);
    view.reportedAtMs = nowMs;
    const position = view.report.positionM;
    if (position) this.motion.report(view.index, position.x, position.y, nowMs);
    this.updateReportedCell(view);
    this.derive(view);
    this.versions.reports += 1;
    return { kind: 'robotState', ok: true };
  }

  private isFleetTopic(interfaceName: string, manufacturer: string): boolean {
    // Before the layout names the fleet, any robot's state is taken (the console subscribes
    // to the fleet's states only once it knows them, so these are rare).
    return !this.layout || (this.layout.vda.interfaceName === interfaceName && this.layout.vda.manufacturer === manufacturer);
  }

  private bad(kind: MessageKind, topic: string, errors: readonly string[], nowMs: number): MessageOutcome {
    this.badMessages.total += 1;
    this.badMessages.byKind[kind] += 1;
    this.badMessages.recent.push({ kind, topic, errors: errors.slice(0, 5), atMs: nowMs });
    if (this.badMessages.recent.length > this.keepBadMessages) this.badMessages.recent.shift();
    this.versions.bad += 1;
    return { kind, ok: false };
  }

  // ---- robots ------------------------------------------------------------------------------

  robot(serial: string): RobotView | undefined {
    return this.robotBySerial.get(serial);
  }

  /** Robots shown (the robot count): those in the controller's latest state. */
  robotCount(): number {
    return this.state?.robots.length ?? 0;
  }

  /** The robots the list shows, in the controller's order: its latest state, else the layout's robots. */
  listedRobots(): RobotView[] {
    const serials = this.state ? this.state.robots.map((r) => r.serial) : (this.layout?.robots ?? []);
    return serials.map((serial) => this.robotBySerial.get(serial)!);
  }

  /** Writes where robot `index` is drawn at `nowMs` (metres) into `out`; false when it has no position yet. */
  robotPositionAt(index: number, nowMs: number, out: MutablePoint): boolean {
    return this.motion.positionAt(index, nowMs, out);
  }

  private ensureRobot(serial: string): RobotView {
    let view = this.robotBySerial.get(serial);
    if (!view) {
      view = { serial, index: this.robots.length, controller: null, report: null, reportedCell: null, reportedAtMs: null, error: false, paused: false, held: false, lifting: false, carrying: null, offline: false };
      this.robots.push(view);
      this.robotBySerial.set(serial, view);
    }
    return view;
  }

  private updateReportedCell(view: RobotView): void {
    const position = view.report?.positionM;
    view.reportedCell = position && this.layout ? cellOfPosition(position.x, position.y, this.layout.cellSizeM) : null;
  }

  private derive(view: RobotView): void {
    const report = view.report;
    const controller = view.controller;
    view.error = (report?.error ?? false) || (controller?.errors.some((e) => e.errorLevel === 'FATAL') ?? false);
    view.paused = (report?.paused ?? false) || (controller?.paused ?? false);
    view.held = (controller?.hold ?? null) !== null;
    view.lifting = report?.lifting ?? false;
    view.carrying = report ? report.carrying : (controller?.carrying ?? null);
    view.offline = controller ? !controller.online : false;
  }

  // ---- ports, cells ------------------------------------------------------------------------

  private rebuildPorts(): void {
    const fromState = new Map((this.state?.ports ?? []).map((p) => [p.id, p]));
    const ports: PortView[] = [];
    for (const placed of this.layout?.ports ?? []) {
      const live = fromState.get(placed.id);
      fromState.delete(placed.id);
      ports.push({
        id: placed.id,
        cell: { x: placed.x, y: placed.y },
        mode: live?.mode ?? placed.mode,
        open: live?.open ?? placed.mode !== 'closed',
        machine: live?.machine ?? null,
        queue: live?.queue ?? [],
        presented: live?.presented ?? null,
      });
    }
    for (const live of fromState.values()) ports.push({ id: live.id, cell: null, mode: live.mode, open: live.open, machine: live.machine, queue: live.queue, presented: live.presented });
    this.ports = ports;
  }

  /** The port with this id (a plain loop: the scene calls it every frame while a port is selected). */
  port(portId: string): PortView | undefined {
    for (let i = 0; i < this.ports.length; i++) if (this.ports[i]!.id === portId) return this.ports[i];
    return undefined;
  }

  /** Bins in column (x, y) now; 0 outside the grid or before stacks. */
  heightAt(x: number, y: number): number {
    if (!this.layout || !this.heights || !isInsideGrid({ x, y }, this.layout.columns)) return 0;
    return this.heights[cellIndex(x, y, this.layout.columns.x)]!;
  }

  get emergencyStop(): boolean {
    return this.state?.emergencyStop ?? false;
  }

  get kpis(): ConsoleKpis | null {
    return this.state?.kpis ?? null;
  }

  get requests(): readonly ConsoleRequest[] {
    return this.state?.requests ?? [];
  }

  get alarms(): readonly ConsoleAlarm[] {
    return this.state?.alarms ?? [];
  }

  /** Bins whose whereabouts are in doubt (the controller's list), each with this console's latest attempt to clear it. */
  quarantinedBins(): QuarantinedBinView[] {
    return (this.state?.quarantinedBins ?? []).map((bin) => {
      const sent = this.quarantineClears.get(bin.binId);
      return { binId: bin.binId, reason: bin.reason, clear: sent ? this.describe(sent) : null };
    });
  }

  /** What the emergency stop indicator shows; see EmergencyStopView. */
  emergencyStopView(): EmergencyStopView {
    let sent = false;
    for (const pending of this.tracker.pending()) if (pending.command.type === 'emergencyStopAll' && !pending.timedOut) sent = true;
    const listed = this.state?.robots ?? [];
    let showingStopped = 0;
    const notShowing: string[] = [];
    for (const robot of listed) {
      const report = this.robotBySerial.get(robot.serial)?.report;
      if (robot.online && report && (report.eStop || report.paused)) showingStopped += 1;
      else if (notShowing.length < 20) notShowing.push(robot.serial);
    }
    return { requested: this.emergencyStop, sent, total: listed.length, showingStopped, notShowing };
  }

  // ---- selection ---------------------------------------------------------------------------

  /**
   * Selects a robot, column or port (or nothing). Selecting a column asks the controller what
   * it holds (unless `queryColumns` is off): the queryColumn command returned is for the caller
   * to publish.
   */
  select(selection: Selection | null, nowMs: number): ConsoleCommand | null {
    this.selection = selection;
    this.columnQuery = null;
    this.versions.selection += 1;
    if (selection?.kind !== 'column' || !this.queryColumns) return null;
    const command = this.tracker.create({ type: 'queryColumn', x: selection.x, y: selection.y }, nowMs);
    this.columnQuery = { x: selection.x, y: selection.y, commandId: command.commandId, status: 'pending', detail: null, message: null };
    return command;
  }

  /** Selects what stands at a grid cell (from a click): its port if it is a port's cell, else the column. */
  selectCell(x: number, y: number, nowMs: number): ConsoleCommand | null {
    if (!this.layout || !isInsideGrid({ x, y }, this.layout.columns)) return this.select(null, nowMs);
    const port = this.ports.find((p) => p.cell !== null && p.cell.x === x && p.cell.y === y);
    return this.select(port ? { kind: 'port', portId: port.id } : { kind: 'column', x, y }, nowMs);
  }

  selectionDetails(): SelectionDetails | null {
    const selection = this.selection;
    if (!selection) return null;
    switch (selection.kind) {
      case 'robot': {
        const robot = this.robotBySerial.get(selection.serial);
        if (!robot) return null;
        const c = robot.controller;
        return { kind: 'robot', robot, hold: c?.hold ?? null, capabilities: c?.capabilities ?? null, reservedCells: c?.reservedCells ?? [], move: this.motion.target(robot.index) };
      }
      case 'column': {
        if (!this.layout || !isInsideGrid(selection, this.layout.columns)) return null;
        const { x, y } = selection;
        return {
          kind: 'column',
          x,
          y,
          cellKind: cellKindAt(this.layout, x, y),
          height: this.heightAt(x, y),
          depth: this.layout.depth,
          blockedByOperator: this.blockedCells.has(cellKey(x, y)),
          robotsHere: this.robots.filter((r) => r.reportedCell?.x === x && r.reportedCell.y === y).map((r) => r.serial),
          query: this.columnQuery && this.columnQuery.x === x && this.columnQuery.y === y ? this.columnQuery : null,
        };
      }
      case 'port': {
        const port = this.port(selection.portId);
        return port ? { kind: 'port', port } : null;
      }
    }
  }

  /** The grid cell the selection stands on (a robot's reported cell, a column, a port's cell), or null. */
  selectedCell(): Cell | null {
    const selection = this.selection;
    if (!selection) return null;
    if (selection.kind === 'column') return { x: selection.x, y: selection.y };
    if (selection.kind === 'port') return this.port(selection.portId)?.cell ?? null;
    return this.robotBySerial.get(selection.serial)?.reportedCell ?? null;
  }

  // ---- commands ----------------------------------------------------------------------------

  /** A command with a fresh id, awaiting its reply; the caller publishes it on `topics.command`. */
  command(body: CommandBody, nowMs: number): ConsoleCommand {
    const command = this.tracker.create(body, nowMs);
    if (command.type !== 'queryColumn') {
      const sent = this.tracker.awaiting(command.commandId)!;
      this.latestCommand = sent;
      if (command.type === 'clearQuarantine') this.quarantineClears.set(command.binId, sent);
      this.versions.replies += 1;
    }
    return command;
  }

  /** A command of this console in words: pending, or what came of it (per robot for stops, pauses and resumes). */
  describe(sent: SentCommand): CommandOutcomeView {
    return describeCommand(sent, this.tracker.timeoutOf(sent.command));
  }

  /**
   * This console's commands (column queries aside), newest first: those awaiting their reply,
   * then those answered or timed out; at most `limit`.
   */
  commandFeed(limit = 10): CommandOutcomeView[] {
    const feed: CommandOutcomeView[] = [];
    const pending = this.tracker.pending();
    for (let i = pending.length - 1; i >= 0 && feed.length < limit; i--) {
      const sent = pending[i]!;
      if (sent.command.type !== 'queryColumn' && !sent.timedOut) feed.push(this.describe(sent));
    }
    for (let i = this.commandLog.length - 1; i >= 0 && feed.length < limit; i--) feed.push(this.describe(this.commandLog[i]!));
    return feed;
  }

  /** Commands awaiting the robots' confirmation (emergency stop, resume-all, pause, resume), oldest first. */
  awaitingRobots(): SentCommand[] {
    return this.tracker.pending().filter((s) => awaitsRobots(s.command.type) && !s.timedOut);
  }

  /** Marks commands unanswered past the timeout (call now and then, e.g. once a second). */
  expireCommands(nowMs: number): SentCommand[] {
    const expired = this.tracker.expire(nowMs);
    for (const sent of expired) {
      if (sent.command.type === 'queryColumn') {
        if (this.columnQuery?.commandId === sent.command.commandId) {
          this.columnQuery.status = 'timedOut';
          this.versions.selection += 1;
        }
      } else {
        this.latestCommand = sent;
        this.log(sent);
        this.versions.replies += 1;
      }
    }
    return expired;
  }

  pendingCommands(): SentCommand[] {
    return this.tracker.pending();
  }

  private log(sent: SentCommand): void {
    const at = this.commandLog.indexOf(sent);
    if (at >= 0) this.commandLog.splice(at, 1);
    this.commandLog.push(sent);
    if (this.commandLog.length > 50) this.commandLog.shift();
  }
}
