/**
 * Sends an emergency stop, a pause or their end to robots, each the way it takes it
 * (stop-plan.ts), and verifies it on each robot's own state (stop-verifier.ts). A robot that does
 * not confirm an emergency stop or a pause gets what the standard offers besides (stopFallback)
 * and stays in alarm until its state shows it stopped; releasing it no further cells meanwhile
 * is the caller's (the planner frozen, or the robot held).
 */
import type { RobotEdge } from './robot-edge.ts';
import { planStop, stopFallback, type StopCommand, type StoppedVia } from './stop-plan.ts';
import { describeOutcome, type StopOutcome, type StopRequest } from './stop-verifier.ts';

/** A robot as the stop commands see it; `stoppedVia` is how the emergency stop in force was asked of it. */
export interface StopSubject {
  readonly serial: string;
  readonly online: boolean;
  stoppedVia: StoppedVia;
}

export interface StopCommandsPort {
  readonly edge: RobotEdge;
  newId(prefix: string): string;
  /**
   * Whether the stop or pause is still wanted when its outcome comes (an emergency stop still
   * in force, the robot still paused): a fallback is sent only then.
   */
  stillWanted(serial: string, command: 'emergencyStop' | 'pause'): boolean;
}

export function sendStops(port: StopCommandsPort, command: StopCommand, robots: readonly StopSubject[], onDone: (outcomes: StopOutcome[]) => void): void {
  const { edge } = port;
  const requests: StopRequest[] = [];
  const sent = new Map<string, string | null>();
  for (const robot of robots) {
    const plan = planStop(command, edge.capabilitiesOf(robot.serial), robot.stoppedVia);
    if (command === 'emergencyStop') robot.stoppedVia = plan.via;
    // An offline robot keeps how it was stopped: the release goes again when it is back.
    if (command === 'release' && robot.online) robot.stoppedVia = null;
    sent.set(robot.serial, plan.actionType);
    const actionId = plan.actionType ? port.newId(command) : undefined;
    if (plan.actionType) edge.sendInstantActions(robot.serial, [{ actionType: plan.actionType, actionId: actionId!, blockingType: 'HARD' }]);
    requests.push({ serial: robot.serial, condition: plan.condition, ...(actionId ? { actionId } : {}), how: `${plan.how}${robot.online ? '' : ' (robot offline)'}` });
  }
  edge.verifyStops(requests, (outcomes) => {
    if (command === 'emergencyStop' || command === 'pause') {
      for (const outcome of outcomes) if (outcome.outcome !== 'confirmed') notConfirmed(port, outcome, command, sent.get(outcome.serial) ?? null);
    }
    onDone(outcomes);
  });
}

function notConfirmed(port: StopCommandsPort, outcome: StopOutcome, command: 'emergencyStop' | 'pause', sent: string | null): void {
  const serial = outcome.serial;
  if (!port.stillWanted(serial, command)) return;
  const fallback = stopFallback(port.edge.capabilitiesOf(serial), sent);
  for (const actionType of fallback) port.edge.sendInstantActions(serial, [{ actionType, actionId: port.newId(`fallback-${actionType}`), blockingType: 'HARD' }]);
  const what = command === 'pause' ? 'pause' : 'emergency stop';
  port.edge.owesStop(serial, what, `${describeOutcome(outcome)}; sent ${fallback.join(' and ') || 'nothing more (it takes neither startPause nor cancelOrder)'}, and no further cells are released to it`);
}

/** A stop's outcome in words: how many robots confirmed, and each other robot's outcome. */
export function describeStopOutcomes(what: string, outcomes: StopOutcome[]): { ok: true; message: string; robots: StopOutcome[] } {
  const confirmed = outcomes.filter((o) => o.outcome === 'confirmed').length;
  const others = outcomes.filter((o) => o.outcome !== 'confirmed').map(describeOutcome);
  const summary = `${what}: ${confirmed} of ${outcomes.length} robot${outcomes.length === 1 ? '' : 's'} confirmed`;
  return { ok: true, message: others.length === 0 ? summary : `${summary}; ${others.join('; ')}`, robots: outcomes };
}
