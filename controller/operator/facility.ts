import { facilityMachine } from '../machines/facility-machine.ts';
import { MachineRecord } from '../machines/machine-record.ts';

/**
 * What the operators have set for the whole facility: an emergency stop of every robot (its
 * machine's state, facility-machine.ts), and the cells they blocked. Ports they closed are
 * their ports' machine state (port-station.ts).
 */
export class Facility {
  /** Cells blocked by an operator, in the order blocked. */
  readonly blockedCells = new Set<number>();
  private readonly lifecycle;

  /** `freeze`: whether the traffic releases nothing to anyone (the effect of the stop and its release). */
  constructor(freeze: (frozen: boolean) => void) {
    this.lifecycle = new MachineRecord(facilityMachine.provide({ actions: { freezeTraffic: () => freeze(true), thawTraffic: () => freeze(false) } }));
  }

  /** An operator's emergency stop of every robot is in force. */
  get emergencyStop(): boolean {
    return this.lifecycle.snapshot.value === 'emergencyStop';
  }

  stopAll(): void {
    this.lifecycle.send({ type: 'EMERGENCY_STOP' });
  }

  releaseAll(): void {
    this.lifecycle.send({ type: 'RELEASE' });
  }
}
