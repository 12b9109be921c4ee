/**
 * The factsheet message (VDA 5050 2.0.0 §Topic "factsheet"): what a vehicle type can do.
 * Required fields and enums follow `factsheet.json`; that file only enforces its top-level
 * `required` list (its property definitions sit outside `properties`), so this schema is the
 * stricter check. Optional vendor detail that Gridline never reads (envelopes, wheel geometry
 * details, localization parameters) is kept loose.
 */
import { z } from 'zod';
import { uintSchema as uint } from './uint-schema.ts';


export const typeSpecificationSchema = z.object({
  seriesName: z.string(),
  seriesDescription: z.string().optional(),
  agvKinematic: z.enum(['DIFF', 'OMNI', 'THREEWHEEL']),
  agvClass: z.enum(['FORKLIFT', 'CONVEYOR', 'TUGGER', 'CARRIER']),
  /** kg. */
  maxLoadMass: z.number().min(0),
  localizationTypes: z.array(z.enum(['NATURAL', 'REFLECTOR', 'RFID', 'DMC', 'SPOT', 'GRID'])),
  /**
   * The 2.0.0 schema spells the first value `PHYSICAL_LINDE_GUIDED`; the spec text means
   * `PHYSICAL_LINE_GUIDED`. Both are accepted on the way in.
   */
  navigationTypes: z.array(z.enum(['PHYSICAL_LINE_GUIDED', 'PHYSICAL_LINDE_GUIDED', 'VIRTUAL_LINE_GUIDED', 'AUTONOMOUS'])),
});

/** Speeds in m/s, accelerations in m/s², lengths in metres. */
export const physicalParametersSchema = z.object({
  speedMin: z.number(),
  speedMax: z.number(),
  accelerationMax: z.number(),
  decelerationMax: z.number(),
  heightMin: z.number().optional(),
  heightMax: z.number(),
  width: z.number(),
  length: z.number(),
});

export const protocolLimitsSchema = z.object({
  maxStringLens: z.object({
    msgLen: uint.optional(),
    topicSerialLen: uint.optional(),
    topicElemLen: uint.optional(),
    idLen: uint.optional(),
    idNumericalOnly: z.boolean().optional(),
    enumLen: uint.optional(),
    loadIdLen: uint.optional(),
  }),
  /** Keys like `order.nodes`, `state.errors`; 0 or absent means no limit. */
  maxArrayLens: z.record(z.string(), uint),
  /** Seconds. */
  timing: z.object({
    minOrderInterval: z.number(),
    minStateInterval: z.number(),
    defaultStateInterval: z.number().optional(),
    visualizationInterval: z.number().optional(),
  }),
});

export const agvActionSchema = z.object({
  actionType: z.string(),
  actionDescription: z.string().optional(),
  actionScopes: z.array(z.enum(['INSTANT', 'NODE', 'EDGE'])),
  actionParameters: z
    .array(
      z.object({
        key: z.string(),
        valueDataType: z.enum(['BOOL', 'NUMBER', 'INTEGER', 'FLOAT', 'STRING', 'OBJECT', 'ARRAY']),
        description: z.string().optional(),
        isOptional: z.boolean().optional(),
      }),
    )
    .optional(),
  resultDescription: z.string().optional(),
});

export const protocolFeaturesSchema = z.object({
  optionalParameters: z.array(
    z.object({
      parameter: z.string(),
      support: z.enum(['SUPPORTED', 'REQUIRED']),
      description: z.string().optional(),
    }),
  ),
  agvActions: z.array(agvActionSchema),
});

const point = z.object({ x: z.number(), y: z.number() });

/** Metres, vehicle coordinates. */
export const agvGeometrySchema = z.object({
  wheelDefinitions: z
    .array(
      z.object({
        type: z.enum(['DRIVE', 'CASTER', 'FIXED', 'MECANUM']),
        isActiveDriven: z.boolean(),
        isActiveSteered: z.boolean(),
        position: point.extend({ theta: z.number().optional() }),
        diameter: z.number(),
        width: z.number(),
        centerDisplacement: z.number().optional(),
        constraints: z.string().optional(),
      }),
    )
    .optional(),
  envelopes2d: z
    .array(z.object({ set: z.string(), polygonPoints: z.array(point), description: z.string().optional() }))
    .optional(),
  envelopes3d: z.array(z.object({ set: z.string(), format: z.string(), url: z.string().optional() })).optional(),
});

export const loadSpecificationSchema = z.object({
  loadPositions: z.array(z.string()).optional(),
  loadSets: z
    .array(
      z.object({
        setName: z.string(),
        loadType: z.string(),
        loadPositions: z.array(z.string()).optional(),
        /** Metres. */
        loadDimensions: z.object({ length: z.number(), width: z.number(), height: z.number().optional() }).optional(),
        /** kg; the spec spells it `maxWeigth`. */
        maxWeigth: z.number().optional(),
        /** Seconds. */
        pickTime: z.number().optional(),
        /** Seconds. */
        dropTime: z.number().optional(),
      }),
    )
    .optional(),
});

export const factsheetSchema = z.object({
  /** Not required by the official factsheet schema, unlike every other topic. */
  headerId: uint.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  version: z.string(),
  manufacturer: z.string(),
  serialNumber: z.string(),
  typeSpecification: typeSpecificationSchema,
  physicalParameters: physicalParametersSchema,
  protocolLimits: protocolLimitsSchema,
  protocolFeatures: protocolFeaturesSchema,
  agvGeometry: agvGeometrySchema,
  loadSpecification: loadSpecificationSchema,
});
