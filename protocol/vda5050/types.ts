/**
 * VDA 5050 2.0.0 message types, inferred from the runtime schemas so the two never drift.
 * `*Body` types are messages without the five header fields, which the links fill in.
 */
import type { z } from 'zod';
import type * as s from './schemas.ts';

export type VdaHeader = z.infer<typeof s.headerSchema>;
export type HeaderFieldName = keyof VdaHeader;

export type BlockingType = z.infer<typeof s.blockingTypeSchema>;
export type ActionParameter = z.infer<typeof s.actionParameterSchema>;
export type Action = z.infer<typeof s.actionSchema>;
export type NodePosition = z.infer<typeof s.nodePositionSchema>;
export type OrderNode = z.infer<typeof s.nodeSchema>;
export type Trajectory = z.infer<typeof s.trajectorySchema>;
export type OrderEdge = z.infer<typeof s.edgeSchema>;
export type Order = z.infer<typeof s.orderSchema>;
export type InstantActions = z.infer<typeof s.instantActionsSchema>;

export type OperatingMode = z.infer<typeof s.operatingModeSchema>;
export type ActionStatus = z.infer<typeof s.actionStatusSchema>;
export type ErrorLevel = z.infer<typeof s.errorLevelSchema>;
export type InfoLevel = z.infer<typeof s.infoLevelSchema>;
export type EStop = z.infer<typeof s.eStopSchema>;
export type ConnectionState = z.infer<typeof s.connectionStateSchema>;
export type NodeState = z.infer<typeof s.nodeStateSchema>;
export type EdgeState = z.infer<typeof s.edgeStateSchema>;
export type AgvPosition = z.infer<typeof s.agvPositionSchema>;
export type Velocity = z.infer<typeof s.velocitySchema>;
export type Load = z.infer<typeof s.loadSchema>;
export type ActionState = z.infer<typeof s.actionStateSchema>;
export type BatteryState = z.infer<typeof s.batteryStateSchema>;
export type VdaError = z.infer<typeof s.vdaErrorSchema>;
export type Information = z.infer<typeof s.informationSchema>;
export type SafetyState = z.infer<typeof s.safetyStateSchema>;
export type State = z.infer<typeof s.stateSchema>;
export type Connection = z.infer<typeof s.connectionSchema>;
export type Visualization = z.infer<typeof s.visualizationSchema>;
export type Factsheet = z.infer<typeof s.factsheetSchema>;
export type AgvAction = Factsheet['protocolFeatures']['agvActions'][number];

export type OrderBody = Omit<Order, HeaderFieldName>;
export type InstantActionsBody = Omit<InstantActions, HeaderFieldName>;
export type StateBody = Omit<State, HeaderFieldName>;
export type ConnectionBody = Omit<Connection, HeaderFieldName>;
export type VisualizationBody = Omit<Visualization, HeaderFieldName>;
export type FactsheetBody = Omit<Factsheet, HeaderFieldName>;

/** The six topics of VDA 5050 2.0.0 §Topics for communication. */
export const VDA_TOPIC_KINDS = ['order', 'instantActions', 'state', 'visualization', 'connection', 'factsheet'] as const;
export type VdaTopicKind = (typeof VDA_TOPIC_KINDS)[number];

/** Message type carried on each topic. */
export interface VdaMessageByKind {
  order: Order;
  instantActions: InstantActions;
  state: State;
  visualization: Visualization;
  connection: Connection;
  factsheet: Factsheet;
}
