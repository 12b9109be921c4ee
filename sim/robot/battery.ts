import type { RobotKinematics } from '../kinematics/robot-kinematics.ts';

/** What the robot is doing, for its power draw. */
export type PowerMode = 'idle' | 'driving' | 'lifting';

/**
 * A simple energy account: idle power always, plus drive or lift power while those run;
 * while charging, the charger's power flows in. Integrated lazily from clock milliseconds,
 * so callers only report changes of mode (`setMode`, `setCharging`) and read `chargePercent`.
 */
export class Battery {
  private energyWh: number;
  private lastMs: number;
  private mode: PowerMode = 'idle';
  private isCharging = false;

  constructor(
    private readonly k: RobotKinematics,
    nowMs: number,
    chargePercent = 100,
  ) {
    if (!(chargePercent >= 0 && chargePercent <= 100)) throw new RangeError(`chargePercent must be in [0, 100], got ${chargePercent}`);
    this.energyWh = (k.batteryCapacityWh * chargePercent) / 100;
    this.lastMs = nowMs;
  }

  get charging(): boolean {
    return this.isCharging;
  }

  setMode(nowMs: number, mode: PowerMode): void {
    this.integrate(nowMs);
    this.mode = mode;
  }

  setCharging(nowMs: number, charging: boolean): void {
    this.integrate(nowMs);
    this.isCharging = charging;
  }

  /** State of charge in percent, 0..100. */
  chargePercent(nowMs: number): number {
    this.integrate(nowMs);
    return (100 * this.energyWh) / this.k.batteryCapacityWh;
  }

  isEmpty(nowMs: number): boolean {
    return this.chargePercent(nowMs) <= 0;
  }

  /** Net power into the battery now, watts (negative while draining). */
  private netPowerW(): number {
    const drawW = this.k.idlePowerW + (this.mode === 'driving' ? this.k.drivePowerW : this.mode === 'lifting' ? this.k.liftPowerW : 0);
    return (this.isCharging ? this.k.chargingPowerW : 0) - drawW;
  }

  private integrate(nowMs: number): void {
    const hours = (nowMs - this.lastMs) / 3_600_000;
    this.lastMs = nowMs;
    if (hours <= 0) return;
    this.energyWh = Math.min(this.k.batteryCapacityWh, Math.max(0, this.energyWh + this.netPowerW() * hours));
  }
}
