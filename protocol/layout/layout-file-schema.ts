import { z } from 'zod';
import { MAX_DEPTH } from './grid-layout.ts';

/**
 * The grid layout file (JSON) as written by a person: the shape only. Cross-field rules
 * (inside the grid, one feature per cell, unique ids, ...) are checked by parseLayout after
 * this schema passes. Objects are strict so that a misspelt field is reported, not ignored.
 */

/** Ids of ports, chargers and robots: the VDA 5050 serial-number alphabet. */
const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'must use only letters, digits and _ . : -' });

const coordinate = z.int().min(0);
const cellSchema = z.strictObject({ x: coordinate, y: coordinate });
const rectangleSchema = z.strictObject({ from: cellSchema, to: cellSchema });

const blockedEntrySchema = z.union([cellSchema, rectangleSchema], {
  error: 'must be a cell { "x", "y" } or a rectangle { "from": { "x", "y" }, "to": { "x", "y" } }',
});

const portSchema = z.strictObject({ id: idSchema, x: coordinate, y: coordinate, mode: z.enum(['pick', 'putaway', 'closed']) });
const chargerSchema = z.strictObject({ id: idSchema, x: coordinate, y: coordinate });
const robotStartSchema = z.strictObject({ serialNumber: idSchema, x: coordinate, y: coordinate, vehicleType: idSchema.optional() });

const robotsSchema = z.union([z.strictObject({ count: z.int().min(0), vehicleType: idSchema.optional() }), z.array(robotStartSchema)], {
  error: 'must be { "count": n } or a list of { "serialNumber", "x", "y" }',
});

/** A robot of the fleet that is not started with the facility: it connects on its own. */
const externalRobotSchema = z.strictObject({ serialNumber: idSchema, vehicleType: idSchema.optional() });

const profileValue = z.string().min(1).max(64);
/** What a vehicle type expects in pick and drop (protocol/vda5050/VEHICLE-PROFILE.md); unset fields take Gridline's own values. */
const vehicleTypeSchema = z.strictObject({
  stationType: z.union([profileValue, z.strictObject({ column: profileValue, port: profileValue })], {
    error: 'must be a string, or { "column": "...", "port": "..." }',
  }).optional(),
  loadType: profileValue.optional(),
  identifiesLoads: z.boolean().optional(),
  legacyInstantActions: z.boolean().optional(),
});

const ratio = z.number().min(0).max(1);

const generatorSchema = z.strictObject({
  seed: z.union([z.int(), z.string().min(1)], { error: 'must be an integer or a non-empty string' }),
  fillRatio: ratio,
  skuCount: z.int().min(1),
  binsPerSku: z.int().min(1).optional(),
  emptyBinRatio: ratio.optional(),
});

const binContentSchema = z.strictObject({ sku: z.string().min(1).max(64), quantity: z.int().min(1) });
const binSchema = z.strictObject({
  id: z.string().min(1).max(64),
  x: coordinate,
  y: coordinate,
  level: z.int().min(0),
  contents: z.array(binContentSchema),
});

const inventorySchema = z.union([z.strictObject({ generator: generatorSchema }), z.strictObject({ bins: z.array(binSchema) })], {
  error: 'must be { "generator": { ... } } or { "bins": [ ... ] }',
});

const sizeM = z.number().positive();

export const layoutFileSchema = z.strictObject({
  name: z.string().min(1),
  columns: z.strictObject({ x: z.int().min(1), y: z.int().min(1) }),
  depth: z.int().min(1).max(MAX_DEPTH),
  cellSizeM: z.strictObject({ x: sizeM, y: sizeM }).optional(),
  binHeightM: sizeM.optional(),
  blocked: z.array(blockedEntrySchema).default([]),
  ports: z.array(portSchema).default([]),
  chargers: z.array(chargerSchema).default([]),
  service: z.array(cellSchema).default([]),
  robots: robotsSchema.default({ count: 0 }),
  externalRobots: z.array(externalRobotSchema).default([]),
  vehicleTypes: z.record(idSchema, vehicleTypeSchema).default({}),
  inventory: inventorySchema,
});

export type LayoutFile = z.infer<typeof layoutFileSchema>;
