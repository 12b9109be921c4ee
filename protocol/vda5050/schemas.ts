/**
 * Runtime schemas (zod 4) for VDA 5050 2.0.0 messages, written from the spec text and the
 * official JSON schemas (`official-schemas/`). Required fields and enums match
 * the official schemas, with these deliberate differences, each where the spec text wins
 * ("if there are differences between the JSON schemas and this document, the variant in this
 * document applies", VDA 5050 §6 Protocol specification):
 * - instantActions: the header and `actions` are required and each action has `actionType`
 *   (the official 2.0.0 schema requires nothing and names the field `actionName`, a known
 *   erratum: github.com/VDA5050/vd-m-a-5050/issues/20).
 * - Counters (`headerId`, `orderUpdateId`, `sequenceId`) must be integers >= 0 (uint32 in the
 *   spec's tables).
 * - factsheet: the official schema puts its property definitions beside `properties` instead of
 *   inside it, so it only checks the required top-level keys; these schemas check the contents.
 * - state: `actionStatus` may be PAUSED (§6.10.6, §6.11 Table 1; missing from the schema's enum).
 * - state: `nodeStates[].nodePosition.theta` is optional, as in the order's node position that
 *   the text says the object is (§6.7, §6.10.6); the schema requires it.
 * `official-schemas/README.md` lists these differences with the errata applied to the files.
 * Unknown fields are stripped, so parsed values only carry what the types declare.
 */
import { z } from 'zod';
import { uintSchema as uint } from './uint-schema.ts';

export const VDA_PROTOCOL_VERSION = '2.0.0';

const isoTimestamp = z.iso.datetime({ offset: true });

/** §Protocol header: every message starts with these five fields (not a nested object). */
export const headerFields = {
  /** Per topic and sender, incremented by 1 with each sent message. */
  headerId: uint,
  /** ISO 8601, e.g. `2017-04-15T11:40:03.12Z`. */
  timestamp: isoTimestamp,
  /** Protocol version [Major].[Minor].[Patch]. */
  version: z.string(),
  manufacturer: z.string(),
  serialNumber: z.string(),
};
export const headerSchema = z.object(headerFields);

export const blockingTypeSchema = z.enum(['NONE', 'SOFT', 'HARD']);

export const actionParameterSchema = z.object({
  key: z.string(),
  /** The 2.0.0 schema allows array, boolean, number or string (no objects). */
  value: z.union([z.array(z.unknown()), z.boolean(), z.number(), z.string()]),
});

export const actionSchema = z.object({
  actionType: z.string(),
  actionId: z.string(),
  actionDescription: z.string().optional(),
  blockingType: blockingTypeSchema,
  actionParameters: z.array(actionParameterSchema).optional(),
});

const PI = 3.14159265359;
const angle = z.number().min(-PI).max(PI);

/** Order node position; metres and radians, in the frame of map `mapId`. */
export const nodePositionSchema = z.object({
  x: z.number(),
  y: z.number(),
  theta: angle.optional(),
  /** Spelled `allowedDeviationXy` in the 2.0.0 schema. Radius in metres, >= 0. */
  allowedDeviationXy: z.number().min(0).optional(),
  allowedDeviationTheta: angle.optional(),
  mapId: z.string(),
  mapDescription: z.string().optional(),
});

export const nodeSchema = z.object({
  nodeId: z.string(),
  sequenceId: uint,
  nodeDescription: z.string().optional(),
  released: z.boolean(),
  nodePosition: nodePositionSchema.optional(),
  actions: z.array(actionSchema),
});

const controlPointSchema = z.object({ x: z.number(), y: z.number(), weight: z.number().optional() });

export const trajectorySchema = z.object({
  degree: z.int(),
  knotVector: z.array(z.number().min(0).max(1)),
  controlPoints: z.array(controlPointSchema),
});

export const edgeSchema = z.object({
  edgeId: z.string(),
  sequenceId: uint,
  edgeDescription: z.string().optional(),
  released: z.boolean(),
  startNodeId: z.string(),
  endNodeId: z.string(),
  /** m/s, at the fastest point of the vehicle. */
  maxSpeed: z.number().optional(),
  /** Metres. */
  maxHeight: z.number().optional(),
  /** Metres. */
  minHeight: z.number().optional(),
  /** Radians, tangential to the edge. */
  orientation: angle.optional(),
  direction: z.string().optional(),
  rotationAllowed: z.boolean().optional(),
  /** rad/s. */
  maxRotationSpeed: z.number().optional(),
  /** Metres. */
  length: z.number().optional(),
  trajectory: trajectorySchema.optional(),
  actions: z.array(actionSchema),
});

export const orderSchema = z.object({
  ...headerFields,
  orderId: z.string(),
  orderUpdateId: uint,
  zoneSetId: z.string().optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});

export const instantActionsSchema = z.object({
  ...headerFields,
  actions: z.array(actionSchema),
});

export const operatingModeSchema = z.enum(['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL', 'SERVICE', 'TEACHIN']);
export const actionStatusSchema = z.enum(['WAITING', 'INITIALIZING', 'RUNNING', 'PAUSED', 'FINISHED', 'FAILED']);
export const errorLevelSchema = z.enum(['WARNING', 'FATAL']);
export const infoLevelSchema = z.enum(['INFO', 'DEBUG']);
export const eStopSchema = z.enum(['AUTOACK', 'MANUAL', 'REMOTE', 'NONE']);
export const connectionStateSchema = z.enum(['ONLINE', 'OFFLINE', 'CONNECTIONBROKEN']);

export const nodeStateSchema = z.object({
  nodeId: z.string(),
  sequenceId: uint,
  nodeDescription: z.string().optional(),
  /** The order's node position (§6.7): theta optional, whatever the 2.0.0 state schema says. */
  nodePosition: z.object({ x: z.number(), y: z.number(), theta: angle.optional(), mapId: z.string() }).optional(),
  released: z.boolean(),
});

export const edgeStateSchema = z.object({
  edgeId: z.string(),
  sequenceId: uint,
  edgeDescription: z.string().optional(),
  released: z.boolean(),
  /** In state, every control point carries its weight. */
  trajectory: trajectorySchema.extend({ controlPoints: z.array(controlPointSchema.required()) }).optional(),
});

/** Vehicle pose: metres and radians on map `mapId`. */
export const agvPositionSchema = z.object({
  x: z.number(),
  y: z.number(),
  theta: z.number(),
  mapId: z.string(),
  mapDescription: z.string().optional(),
  positionInitialized: z.boolean(),
  /** 0.0 unknown .. 1.0 known. */
  localizationScore: z.number().min(0).max(1).optional(),
  /** Metres. */
  deviationRange: z.number().optional(),
});

/** m/s and rad/s in vehicle coordinates. */
export const velocitySchema = z.object({
  vx: z.number().optional(),
  vy: z.number().optional(),
  omega: z.number().optional(),
});

export const loadSchema = z.object({
  loadId: z.string().optional(),
  loadType: z.string().optional(),
  loadPosition: z.string().optional(),
  boundingBoxReference: z.object({ x: z.number(), y: z.number(), z: z.number(), theta: z.number().optional() }).optional(),
  /** Metres. */
  loadDimensions: z.object({ length: z.number(), width: z.number(), height: z.number().optional() }).optional(),
  /** kg. */
  weight: z.number().optional(),
});

export const actionStateSchema = z.object({
  actionId: z.string(),
  actionType: z.string().optional(),
  actionDescription: z.string().optional(),
  actionStatus: actionStatusSchema,
  resultDescription: z.string().optional(),
});

export const batteryStateSchema = z.object({
  /** State of charge in percent. */
  batteryCharge: z.number(),
  /** Volts. */
  batteryVoltage: z.number().optional(),
  /** State of health in percent. */
  batteryHealth: z.int().optional(),
  charging: z.boolean(),
  /** Estimated reach in metres. */
  reach: z.int().optional(),
});

const referenceSchema = z.object({ referenceKey: z.string(), referenceValue: z.string() });

export const vdaErrorSchema = z.object({
  errorType: z.string(),
  errorReferences: z.array(referenceSchema).optional(),
  errorDescription: z.string().optional(),
  errorLevel: errorLevelSchema,
});

export const informationSchema = z.object({
  infoType: z.string(),
  infoReferences: z.array(referenceSchema).optional(),
  infoDescription: z.string().optional(),
  infoLevel: infoLevelSchema,
});

export const safetyStateSchema = z.object({ eStop: eStopSchema, fieldViolation: z.boolean() });

export const stateSchema = z.object({
  ...headerFields,
  /** Current or last order; "" if none. */
  orderId: z.string(),
  /** 0 if none. */
  orderUpdateId: uint,
  zoneSetId: z.string().optional(),
  /** Last reached node, or the node the vehicle stands on; "" if none. */
  lastNodeId: z.string(),
  lastNodeSequenceId: uint,
  nodeStates: z.array(nodeStateSchema),
  edgeStates: z.array(edgeStateSchema),
  agvPosition: agvPositionSchema.optional(),
  velocity: velocitySchema.optional(),
  loads: z.array(loadSchema).optional(),
  driving: z.boolean(),
  paused: z.boolean().optional(),
  newBaseRequest: z.boolean().optional(),
  /** Metres driven past `lastNodeId`. */
  distanceSinceLastNode: z.number().optional(),
  actionStates: z.array(actionStateSchema),
  batteryState: batteryStateSchema,
  operatingMode: operatingModeSchema,
  errors: z.array(vdaErrorSchema),
  information: z.array(informationSchema).optional(),
  safetyState: safetyStateSchema,
});

export const connectionSchema = z.object({
  ...headerFields,
  connectionState: connectionStateSchema,
});

/** The official schema makes every visualization field optional, the header included. */
export const visualizationSchema = z.object({
  ...headerSchema.partial().shape,
  agvPosition: agvPositionSchema.optional(),
  velocity: velocitySchema.optional(),
});

export { factsheetSchema } from './factsheet-schema.ts';
