import { describe, expect, it } from 'vitest';
import { defaultKinematics } from '../kinematics/robot-kinematics.ts';
import { Battery } from './battery.ts';

const k = { ...defaultKinematics(), batteryCapacityWh: 100, idlePowerW: 10, drivePowerW: 90, liftPowerW: 40, chargingPowerW: 210 };
const HOUR_MS = 3_600_000;

describe('Battery', () => {
  it('drains idle power while standing: 10 W for 1 h is 10 % of 100 Wh', () => {
    const b = new Battery(k, 0);
    expect(b.chargePercent(HOUR_MS)).toBeCloseTo(90, 9);
  });

  it('drains drive and lift power on top of idle', () => {
    const b = new Battery(k, 0);
    b.setMode(0, 'driving');
    b.setMode(HOUR_MS / 2, 'lifting'); // 100 W × 0.5 h = 50 Wh
    b.setMode(HOUR_MS, 'idle'); // 50 W × 0.5 h = 25 Wh
    expect(b.chargePercent(HOUR_MS)).toBeCloseTo(25, 9);
  });

  it('charges at the charger power less the idle draw, up to full', () => {
    const b = new Battery(k, 0, 50);
    b.setCharging(0, true);
    expect(b.chargePercent(HOUR_MS / 10)).toBeCloseTo(70, 9); // +200 W × 0.1 h = 20 Wh
    expect(b.chargePercent(HOUR_MS)).toBe(100);
    expect(b.charging).toBe(true);
  });

  it('never goes below empty', () => {
    const b = new Battery(k, 0, 5);
    b.setMode(0, 'driving');
    expect(b.chargePercent(HOUR_MS)).toBe(0);
    expect(b.isEmpty(HOUR_MS)).toBe(true);
  });
});
