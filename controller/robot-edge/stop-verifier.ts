/**
 * An emergency stop, a pause, a resume or the release of a stop counts as done for a robot only
 * when a state from that robot, received after the command went out, shows it: standing with
 * safetyState.eStop not NONE, standing with `paused: true`, `paused: false`, eStop NONE (VDA 5050
 * 2.0.0 §6.8.2 startPause "Vehicle stands still. […] The AGV reports .paused: true"; §6.10.6
 * safetyState). Each robot's outcome is confirmed (in
 * how many ms), not confirmed (no such state in time, or the robot refused the action), or not
 * supported (its factsheet lists no action to ask it with). Times are clock ms passed in.
 */
import type { State } from '../../protocol/vda5050/types.ts';

/** What a robot's state must show: the emergency stop or pause in force, or over. */
export type StopCondition = 'eStopOn' | 'eStopOff' | 'paused' | 'notPaused';

export type StopOutcome =
  | { serial: string; outcome: 'confirmed'; afterMs: number; detail: string }
  | { serial: string; outcome: 'notConfirmed' | 'notSupported'; detail: string };

export interface StopRequest {
  readonly serial: string;
  /** What the robot's state must show; null when nothing could be asked of it (not supported). */
  readonly condition: StopCondition | null;
  /** The instant action sent for it, whose FAILED state means the robot refused. */
  readonly actionId?: string;
  /** How it was asked, for the outcome's words (e.g. "startPause (its factsheet has no emergencyStop)"). */
  readonly how: string;
}

interface Open {
  readonly request: StopRequest;
  outcome: StopOutcome | undefined;
}

interface Verification {
  readonly startedMs: number;
  readonly deadlineMs: number;
  readonly robots: Map<string, Open>;
  readonly onDone: (outcomes: StopOutcome[]) => void;
}

export function showsCondition(state: State, condition: StopCondition): boolean {
  switch (condition) {
    case 'eStopOn':
      return state.safetyState.eStop !== 'NONE' && !state.driving;
    case 'eStopOff':
      return state.safetyState.eStop === 'NONE';
    case 'paused':
      // §6.8.2 startPause FINISHED: "Vehicle stands still. […] The AGV reports .paused: true."
      return state.paused === true && !state.driving;
    case 'notPaused':
      return state.paused === false;
  }
}

/**
 * Whether a state shows the robot stopped, by any means: an emergency stop in force, a pause,
 * or standing with nothing left to drive.
 */
export function showsStopped(state: State): boolean {
  return state.safetyState.eStop !== 'NONE' || state.paused === true || (!state.driving && state.nodeStates.length === 0);
}

export class StopVerifier {
  private readonly open: Verification[] = [];

  /** Starts checking; `onDone` gets every robot's outcome once all are decided or at `timeoutMs`. */
  begin(requests: readonly StopRequest[], nowMs: number, timeoutMs: number, onDone: (outcomes: StopOutcome[]) => void): void {
    const robots = new Map<string, Open>();
    for (const request of requests) {
      const outcome: StopOutcome | undefined = request.condition === null ? { serial: request.serial, outcome: 'notSupported', detail: request.how } : undefined;
      robots.set(request.serial, { request, outcome });
    }
    const verification: Verification = { startedMs: nowMs, deadlineMs: nowMs + timeoutMs, robots, onDone };
    this.open.push(verification);
    this.finishIfDecided(verification);
  }

  /** A robot's state (received now): may confirm, or show a refusal of, what was asked of it. */
  onState(serial: string, state: State, nowMs: number): void {
    for (const verification of [...this.open]) {
      const robot = verification.robots.get(serial);
      if (!robot || robot.outcome || !robot.request.condition) continue;
      const { request } = robot;
      if (showsCondition(state, request.condition!)) {
        robot.outcome = { serial, outcome: 'confirmed', afterMs: nowMs - verification.startedMs, detail: request.how };
      } else {
        const refused = request.actionId === undefined ? undefined : state.actionStates.find((a) => a.actionId === request.actionId && a.actionStatus === 'FAILED');
        if (refused) robot.outcome = { serial, outcome: 'notConfirmed', detail: `${request.how}: the robot answered FAILED${refused.resultDescription ? ` (${refused.resultDescription})` : ''}` };
      }
      this.finishIfDecided(verification);
    }
  }

  /** Robots still undecided at their deadline are not confirmed. */
  tick(nowMs: number): void {
    for (const verification of [...this.open]) {
      if (nowMs < verification.deadlineMs) continue;
      const seconds = ((verification.deadlineMs - verification.startedMs) / 1000).toFixed(1);
      for (const [serial, robot] of verification.robots) {
        robot.outcome ??= { serial, outcome: 'notConfirmed', detail: `${robot.request.how}: no state of the robot showed it within ${seconds} s` };
      }
      this.finishIfDecided(verification);
    }
  }

  private finishIfDecided(verification: Verification): void {
    const outcomes = [...verification.robots.values()].map((r) => r.outcome);
    if (outcomes.some((o) => o === undefined)) return;
    this.open.splice(this.open.indexOf(verification), 1);
    verification.onDone(outcomes as StopOutcome[]);
  }
}

/** One line per robot, for a reply or an alarm: "R001 confirmed in 120 ms (emergencyStop)". */
export function describeOutcome(o: StopOutcome): string {
  if (o.outcome === 'confirmed') return `${o.serial} confirmed in ${Math.round(o.afterMs)} ms (${o.detail})`;
  return `${o.serial} ${o.outcome === 'notSupported' ? 'not supported' : 'not confirmed'}: ${o.detail}`;
}
