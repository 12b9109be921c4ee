import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import { sendStops } from '../robot-edge/stop-commands.ts';
import type { StopCommand } from '../robot-edge/stop-plan.ts';
import type { StopOutcome } from '../robot-edge/stop-verifier.ts';

/** Sends emergency stops, pauses and their ends to robots, each the way it takes them (see stop-commands.ts). */
export class RobotStops {
  constructor(private readonly core: CoreServices) {}

  send(command: StopCommand, robots: readonly RobotRecord[], onDone: (outcomes: StopOutcome[]) => void): void {
    const { edge, facility, fleet } = this.core;
    sendStops(
      {
        edge,
        newId: (prefix) => this.core.newId(prefix),
        stillWanted: (serial, what) => (what === 'emergencyStop' ? facility.emergencyStop : !!fleet.get(serial)?.paused),
      },
      command,
      robots,
      onDone,
    );
  }
}
