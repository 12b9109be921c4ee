/**
 * A VDA 5050 2.0.0 vehicle someone else wrote: the npm package vda-5050-lib (1.4.0), its
 * `AgvController` with the bundled `VirtualAgvAdapter`, unmodified, configured only through its
 * public options and API (start pose, speed, time lapse, state period, and a factsheet through
 * `AgvController.updateFactsheet`). Its behaviour, which the layout's vehicle type for it
 * describes (VIRTUAL_AGV_VEHICLE_TYPE):
 * - pick and drop need a `stationType` starting with "floor" and `loadType` "EPAL";
 * - its loads carry ids of its own ("RFID_…"), not the bin's: it cannot identify loads;
 * - it reads instant actions from `instantActions` (VDA 5050 1.1's name), not `actions`.
 */
import { AgvController, VirtualAgvAdapter } from 'vda-5050-lib';
import type { FactsheetBody } from '../../protocol/vda5050/types.ts';

/** The layout's vehicle type for it (protocol/vda5050/VEHICLE-PROFILE.md). */
export const VIRTUAL_AGV_VEHICLE_TYPE = { stationType: 'floor', loadType: 'EPAL', identifiesLoads: false, legacyInstantActions: true } as const;

/** Its top speed, m/s (the adapter's default `vehicleSpeed`). */
const SPEED_MPS = 2;

/** What it can do, as its maker would write it: the actions VirtualAgvAdapter runs. */
export function virtualAgvFactsheet(): FactsheetBody {
  const load = [
    { key: 'stationType', valueDataType: 'STRING' as const, description: 'starts with "floor"' },
    { key: 'loadType', valueDataType: 'STRING' as const, description: 'EPAL' },
    { key: 'duration', valueDataType: 'NUMBER' as const, description: 'seconds', isOptional: true },
  ];
  const instant = (actionType: string) => ({ actionType, actionScopes: ['INSTANT' as const] });
  return {
    typeSpecification: {
      seriesName: 'vda-5050-lib virtual AGV',
      agvKinematic: 'OMNI',
      agvClass: 'CARRIER',
      maxLoadMass: 20,
      localizationTypes: ['GRID'],
      navigationTypes: ['VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: { speedMin: 0, speedMax: SPEED_MPS, accelerationMax: 2, decelerationMax: 2, heightMax: 1, width: 0.5, length: 0.7 },
    protocolLimits: { maxStringLens: {}, maxArrayLens: {}, timing: { minOrderInterval: 0, minStateInterval: 0, defaultStateInterval: 1 } },
    protocolFeatures: {
      optionalParameters: [],
      agvActions: [
        { actionType: 'pick', actionScopes: ['NODE'], actionParameters: load },
        { actionType: 'drop', actionScopes: ['NODE'], actionParameters: load },
        { actionType: 'startCharging', actionScopes: ['NODE', 'INSTANT'] },
        { actionType: 'stopCharging', actionScopes: ['NODE', 'INSTANT'] },
        instant('startPause'),
        instant('stopPause'),
        instant('cancelOrder'),
        instant('factsheetRequest'),
        instant('stateRequest'),
      ],
    },
    agvGeometry: {},
    loadSpecification: { loadSets: [{ setName: 'EPAL', loadType: 'EPAL', maxWeigth: 20 }] },
  };
}

export interface VirtualAgvOptions {
  brokerUrl: string;
  /** The vehicle's identity on the broker. */
  login: { username: string; password: string };
  serialNumber: string;
  /** Where it stands at start: a grid cell, in metres on map `mapId` (cell pitch `cellSizeM`). */
  cell: { x: number; y: number };
  cellSizeM: { x: number; y: number };
  mapId: string;
  /** Facility time per wall time, as the facility's clock runs. */
  timeLapse: number;
}

/** Starts one vehicle on the broker; stop it with `stop()`. */
export async function startVirtualAgv(options: VirtualAgvOptions): Promise<AgvController> {
  const { x, y } = options.cell;
  const agv = new AgvController(
    { manufacturer: 'gridline', serialNumber: options.serialNumber },
    { interfaceName: 'uagv', vdaVersion: '2.0.0', transport: { brokerUrl: options.brokerUrl, username: options.login.username, password: options.login.password } },
    // A state every second of wall time, and position updates with it.
    { agvAdapterType: VirtualAgvAdapter, publishStateInterval: 1000, publishVisualizationInterval: 0 },
    {
      initialPosition: { mapId: options.mapId, x: x * options.cellSizeM.x, y: y * options.cellSizeM.y, theta: 0, lastNodeId: `c${x}_${y}` },
      vehicleSpeed: SPEED_MPS,
      timeLapse: options.timeLapse,
      // Finer steps than its default 5 a second, as its time runs faster.
      tickRate: 20,
    } as ConstructorParameters<typeof AgvController>[3],
  );
  await agv.start();
  // The adapter sets an empty factsheet when it attaches; its maker's goes in after start.
  agv.updateFactsheet(virtualAgvFactsheet() as unknown as Parameters<AgvController['updateFactsheet']>[0]);
  return agv;
}
