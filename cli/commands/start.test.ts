import { describe, expect, it } from 'vitest';
import { startFacility } from '../facility.ts';
import { loadLayout } from '../load-layout.ts';
import { UsageError } from '../errors.ts';
import { externalRobotsOption, lowStockOption, manualPortsOption } from './start.ts';

describe('gridline start --manual-ports', () => {
  it('reads comma-separated port ids of the layout, and refuses others', () => {
    expect(manualPortsOption(undefined, ['P1', 'P2'])).toEqual([]);
    expect(manualPortsOption('P2, P1,P2', ['P1', 'P2'])).toEqual(['P2', 'P1']);
    expect(() => manualPortsOption('P1,P7', ['P1', 'P2'])).toThrow(new UsageError('--manual-ports: P7 is not a port of the layout; its ports are P1, P2'));
    expect(() => manualPortsOption(',', ['P1'])).toThrow(UsageError);
  });

  it('leaves those ports without a simulated picker: a bin presented there waits for a person', async () => {
    const facility = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 3, wms: { requestsPerHour: 600 }, manualPorts: ['P1'] });
    try {
      expect([...facility.pickers.pickers.keys()]).toEqual(['P2', 'P3']);
      const p1 = facility.controller.controller.ports.get('P1')!;
      const p2 = facility.controller.controller.ports.get('P2')!;
      for (let t = 0; t < 30 && !p1.presented; t++) facility.advance(10_000);
      const presented = p1.presented;
      expect(presented).not.toBeNull();
      facility.advance(120_000);
      expect(p1.presented).toEqual(presented);
      expect(p1.presentations).toBe(1);
      expect(p2.presentations).toBeGreaterThan(1);
    } finally {
      await facility.stop();
    }
  }, 60_000);

  it('refuses a manual port the layout does not have', async () => {
    await expect(startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 3, wms: false, manualPorts: ['P9'] })).rejects.toThrow('manual ports P9 are not in the layout; its ports are P1, P2, P3');
  });
});

describe('gridline start --external-robots', () => {
  it('reads comma-separated serial numbers, and refuses ones no VDA 5050 topic can carry', () => {
    expect(externalRobotsOption(undefined)).toEqual([]);
    expect(externalRobotsOption('R013, R014,R013')).toEqual(['R013', 'R014']);
    expect(() => externalRobotsOption('R013,R/14')).toThrow(new UsageError('--external-robots: R/14: a serial number uses only A-Z a-z 0-9 _ . : -'));
    expect(() => externalRobotsOption(' , ')).toThrow(UsageError);
  });

  it('adds them to the fleet without starting them, and the controller waits for them', async () => {
    const facility = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 3, wms: false, externalRobots: ['R013', 'R014'] });
    try {
      expect(facility.fleet.robots.has('R013')).toBe(false);
      expect(facility.controller.controller.layout.robots.external.map((r) => r.serialNumber)).toEqual(['R013', 'R014']);
      facility.advance(5_000);
      expect(facility.controller.controller.robotsAwaited()).toEqual(['R013', 'R014']);
    } finally {
      await facility.stop();
    }
  });

  it('refuses a serial number of a robot the facility starts', async () => {
    await expect(startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 3, wms: false, externalRobots: ['R012'] })).rejects.toThrow('robots R012 are started with the facility');
  });
});

describe('low-stock thresholds', () => {
  it('takes a site-wide threshold and thresholds per SKU, and refuses anything but whole units', () => {
    expect(lowStockOption({})).toEqual({});
    expect(lowStockOption({ 'low-stock': '12', 'low-stock-sku': ['SKU-1:0', 'A:B:40'] })).toEqual({ lowStockUnits: 12, lowStockUnitsBySku: { 'SKU-1': 0, 'A:B': 40 } });
    expect(() => lowStockOption({ 'low-stock': '-1' })).toThrow(/--low-stock: "-1" must be a whole number of units >= 0/);
    expect(() => lowStockOption({ 'low-stock-sku': ['SKU-1'] })).toThrow(/must be SKU:UNITS/);
    expect(() => lowStockOption({ 'low-stock-sku': ['SKU-1:2.5'] })).toThrow(/whole number/);
  });
});
