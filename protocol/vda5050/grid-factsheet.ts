/**
 * The factsheet of a grid robot (VDA 5050 2.0.0 §Topic "factsheet"), derived from its
 * kinematics so that what it announces is what it does: the simulator's virtual robots and the
 * firmware bridge publish it alike.
 */
import {
  DROP_ACTION_TYPE,
  EMERGENCY_STOP_ACTION_TYPE,
  PICK_ACTION_TYPE,
  RELEASE_EMERGENCY_STOP_ACTION_TYPE,
  START_CHARGING_ACTION_TYPE,
  STOP_CHARGING_ACTION_TYPE,
} from './grid-nodes.ts';
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

const gridParameters: AgvAction['actionParameters'] = [
  { key: 'binId', valueDataType: 'STRING', description: 'the bin to handle' },
  { key: 'x', valueDataType: 'INTEGER', description: 'column x (the node cell)' },
  { key: 'y', valueDataType: 'INTEGER', description: 'column y (the node cell)' },
  { key: 'level', valueDataType: 'INTEGER', description: 'stack level from the bottom, 0 = floor; 0 at a port' },
];

const instant = (actionType: string, actionDescription: string): AgvAction => ({ actionType, actionDescription, actionScopes: ['INSTANT'] });

export function buildFactsheet(
  k: FactsheetFigures,
  grid: { depth: number; statePeriodMs: number },
  series: { seriesName: string; seriesDescription: string },
): FactsheetBody {
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
        { actionType: PICK_ACTION_TYPE, actionDescription: 'lift the top bin of the column (or a bin out of a port)', actionScopes: ['NODE'], actionParameters: gridParameters },
        { actionType: DROP_ACTION_TYPE, actionDescription: 'set the held bin on top of the column (or into a port)', actionScopes: ['NODE'], actionParameters: gridParameters },
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
    loadSpecification: { loadSets: [{ setName: 'bin', loadType: 'bin', maxWeigth: MAX_LOAD_KG }] },
  };
}
