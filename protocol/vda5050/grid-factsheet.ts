/**
 * The factsheet of a grid robot (VDA 5050 2.0.0 §Topic "factsheet"), derived from its
 * kinematics so that what it announces is what it does: the simulator's virtual robots and the
 * firmware bridge publish it alike.
 */
import { EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE, START_CHARGING_ACTION_TYPE, STOP_CHARGING_ACTION_TYPE } from './grid-nodes.ts';
import { DROP_ACTION_TYPE, GRIDLINE_VEHICLE_PROFILE, PICK_ACTION_TYPE, type VehicleProfile } from './vehicle-profile.ts';
import type { AgvAction, FactsheetBody } from './types.ts';

/** The figures a factsheet announces, in metres and seconds. */
export interface FactsheetFigures {
  cellSizeXM: number;
  cellSizeYM: number;
  maxSpeedMps: number;
  accelerationMps2: number;
  binHeightM: number;
}


/** kg: one full bin. */
const MAX_LOAD_KG = 30;

/** pick and drop as a Gridline grid robot takes them (VEHICLE-PROFILE.md). */
function binParameters(profile: VehicleProfile): NonNullable<AgvAction['actionParameters']> {
  const stationTypes = `'${profile.stationType.column}' at a column, '${profile.stationType.port}' at a port`;
  return [
    { key: 'stationType', valueDataType: 'STRING', description: stationTypes },
    { key: 'stationName', valueDataType: 'STRING', description: 'the port, at a port', isOptional: true },
    { key: 'loadType', valueDataType: 'STRING', description: `'${profile.loadType}'` },
    { key: 'loadId', valueDataType: 'STRING', description: 'the bin to handle' },
    { key: 'height', valueDataType: 'FLOAT', description: 'bottom of the bin above the grid floor, metres', isOptional: true },
    { key: 'x', valueDataType: 'INTEGER', description: 'column x (the node cell)' },
    { key: 'y', valueDataType: 'INTEGER', description: 'column y (the node cell)' },
    { key: 'level', valueDataType: 'INTEGER', description: 'stack level from the bottom, 0 = floor; 0 at a port' },
  ];
}

const instant = (actionType: string, actionDescription: string): AgvAction => ({ actionType, actionDescription, actionScopes: ['INSTANT'] });

export function buildFactsheet(
  k: FactsheetFigures,
  grid: { depth: number; statePeriodMs: number },
  series: { seriesName: string; seriesDescription: string },
  profile: VehicleProfile = GRIDLINE_VEHICLE_PROFILE,
): FactsheetBody {
  const binActionParameters = binParameters(profile);
  return {
    typeSpecification: {
      ...series,
      agvKinematic: 'OMNI',
      agvClass: 'CARRIER',
      maxLoadMass: MAX_LOAD_KG,
      localizationTypes: ['GRID'],
      // Rails guide the robot physically, but the official 2.0.0 schema misspells that value
      // (PHYSICAL_LINDE_GUIDED); the grid's node-to-node roadmap is also VIRTUAL_LINE_GUIDED,
      // which every 2.0.0 validator accepts.
      navigationTypes: ['VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: {
      speedMin: 0,
      speedMax: k.maxSpeedMps,
      accelerationMax: k.accelerationMps2,
      decelerationMax: k.accelerationMps2,
      heightMax: grid.depth * k.binHeightM,
      width: k.cellSizeYM,
      length: k.cellSizeXM,
    },
    protocolLimits: {
      maxStringLens: {},
      maxArrayLens: {},
      timing: { minOrderInterval: 0, minStateInterval: 0, defaultStateInterval: grid.statePeriodMs / 1000 },
    },
    protocolFeatures: {
      optionalParameters: [],
      agvActions: [
        { actionType: PICK_ACTION_TYPE, actionDescription: 'lift the top bin of the column (or a bin out of a port)', actionScopes: ['NODE'], actionParameters: binActionParameters },
        { actionType: DROP_ACTION_TYPE, actionDescription: 'set the held bin on top of the column (or into a port)', actionScopes: ['NODE'], actionParameters: binActionParameters },
        { actionType: START_CHARGING_ACTION_TYPE, actionScopes: ['NODE', 'INSTANT'], actionDescription: 'on a charger cell only' },
        { actionType: STOP_CHARGING_ACTION_TYPE, actionScopes: ['NODE', 'INSTANT'] },
        instant('startPause', 'hold motion and running actions'),
        instant('stopPause', 'resume'),
        instant('cancelOrder', 'stop at the next node and drop the rest of the order'),
        instant('factsheetRequest', 'publish this factsheet'),
        instant('stateRequest', 'publish the state now'),
        instant(EMERGENCY_STOP_ACTION_TYPE, 'stop at the next node and hold until released'),
        instant(RELEASE_EMERGENCY_STOP_ACTION_TYPE, 'end an emergency stop'),
      ],
    },
    agvGeometry: {},
    loadSpecification: { loadSets: [{ setName: 'bin', loadType: profile.loadType, maxWeigth: MAX_LOAD_KG }] },
  };
}
