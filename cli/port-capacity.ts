import type { PortMode } from '../protocol/layout/index.ts';
import { defaultKinematics, portCycleSeconds, runDurationSeconds, type RobotKinematics } from '../sim/kinematics/robot-kinematics.ts';
import { defaultPickerTiming, pickerWorkSeconds, type PickerTiming } from '../sim/pickers/simulated-picker.ts';
import { defaultDemoWmsOptions } from '../sim/wms/demo-wms-options.ts';

export interface PortCapacity {
  /** Bins an hour the person at the port handles (handling plus the units of a typical bin). */
  pickerBinsPerHour: number;
  /**
   * Bins an hour the port cell lets through at best: the robot that drops a bin takes the
   * previous one back in the same visit (the controller does so whenever a bin is waiting),
   * so a bin needs one one-cell drive in, two port cycles (drop, pick) and one one-cell drive
   * out, with no wheel change (a robot may leave the way it came).
   */
  portCellBinsPerHour: number;
  /** The smaller of the two: what the port can do at best. */
  binsPerHour: number;
}

/**
 * Theoretical capacity of one port in the simulated facility, from the robots' kinematics and
 * the pickers' timing; `unitsPerBin` is the mean number of units picked or put per bin.
 */
export function portCapacity(mode: PortMode, unitsPerBin: number, kinematics: RobotKinematics = defaultKinematics(), picker: PickerTiming = defaultPickerTiming()): PortCapacity {
  if (mode === 'closed') return { pickerBinsPerHour: 0, portCellBinsPerHour: 0, binsPerHour: 0 };
  const pickerBinsPerHour = 3600 / pickerWorkSeconds(picker, unitsPerBin);
  const cellPitchM = Math.max(kinematics.cellSizeXM, kinematics.cellSizeYM);
  const visitSeconds = 2 * runDurationSeconds(cellPitchM, kinematics) + 2 * portCycleSeconds(kinematics);
  const portCellBinsPerHour = 3600 / visitSeconds;
  return { pickerBinsPerHour, portCellBinsPerHour, binsPerHour: Math.min(pickerBinsPerHour, portCellBinsPerHour) };
}

/**
 * Mean units per bin the demo WMS asks for at a port of this mode: (1 + maxQuantityPerLine) / 2
 * per pick line, the middle of its putaway range per putaway.
 */
export function demoUnitsPerBin(mode: PortMode): number {
  const wms = defaultDemoWmsOptions();
  if (mode === 'pick') return (1 + wms.maxQuantityPerLine) / 2;
  if (mode === 'putaway') return (wms.putawayQuantity.min + wms.putawayQuantity.max) / 2;
  return 0;
}
