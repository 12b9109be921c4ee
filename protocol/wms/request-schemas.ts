import { z } from 'zod';
import { binIdSchema, MAX_QUANTITY_UNITS, portIdSchema, quantitySchema, requestIdSchema, skuSchema } from './common-schemas.ts';

/**
 * Requests a WMS publishes on `gridline/v1/{site}/wms/{clientId}/request` (DESIGN.md §3 "WMS").
 * Objects are strict: a misspelt field is rejected with its name rather than silently ignored.
 */

export const MAX_PICK_LINES = 100;

export const pickLineSchema = z.strictObject({
  sku: skuSchema,
  quantity: quantitySchema,
  priority: z.int().min(0).max(9).optional().describe('0 (lowest) to 9 (highest); default 0.'),
});

export const pickRequestSchema = z
  .strictObject({
    type: z.literal('pick'),
    requestId: requestIdSchema,
    lines: z.array(pickLineSchema).min(1).max(MAX_PICK_LINES),
    port: portIdSchema.optional().describe('Port to present the bins at; any pick port when absent.'),
    dueTime: z.iso.datetime({ offset: true }).optional().describe('When the order should be done, ISO 8601.'),
  })
  .describe('Pick an order: bring bins holding each line\'s SKU to a port until the quantities are picked.');

export const putawayRequestSchema = z
  .strictObject({
    type: z.literal('putaway'),
    requestId: requestIdSchema,
    sku: skuSchema,
    quantity: quantitySchema,
    binId: binIdSchema.optional().describe('Top up this bin; an empty bin is chosen when absent.'),
    port: portIdSchema.optional().describe('Port to present the bin at; any putaway port when absent.'),
  })
  .describe(
    `Put inbound stock away into a given bin or an empty one. A bin holds at most the site's cap of units of one SKU ` +
      `(${MAX_QUANTITY_UNITS} by default); a putaway that would take it over the cap is rejected with BIN_CAPACITY_EXCEEDED.`,
  );

/** Bins one count request may cover at most (a count by SKU covers every bin holding it). */
export const MAX_COUNT_BINS = 50;

export const countRequestSchema = z
  .strictObject({
    type: z.literal('count'),
    requestId: requestIdSchema,
    binId: binIdSchema.optional(),
    sku: skuSchema.optional(),
    port: portIdSchema.optional().describe('Port to present the bins at; any pick port when absent.'),
  })
  .refine((r) => (r.binId === undefined) !== (r.sku === undefined), { error: 'must name exactly one of "sku" or "binId"' })
  .describe(
    `Cycle count: present one bin (every SKU it holds), or every bin holding a SKU (at most ${MAX_COUNT_BINS}), at a port; ` +
      'the person counts the units without being told the recorded figure, a difference adjusts the inventory, and each count is reported in events.',
  );

export const cancelRequestSchema = z
  .strictObject({ type: z.literal('cancel'), requestId: requestIdSchema, targetRequestId: requestIdSchema })
  .describe('Cancel an earlier pick, putaway or count of the same client; another client\'s request counts as unknown.');

export const statusRequestSchema = z
  .strictObject({ type: z.literal('status'), requestId: requestIdSchema, targetRequestId: requestIdSchema })
  .describe('Ask for the state and progress of an earlier request of the same client (another client\'s counts as unknown); answered in the reply.');

export const inventoryRequestSchema = z
  .strictObject({
    type: z.literal('inventory'),
    requestId: requestIdSchema,
    sku: skuSchema.optional(),
    binId: binIdSchema.optional(),
  })
  .refine((r) => (r.sku === undefined) !== (r.binId === undefined), { error: 'must name exactly one of "sku" or "binId"' })
  .describe('Ask where a SKU is (every bin holding it) or what one bin holds; answered in the reply.');

export const wmsRequestSchema = z.discriminatedUnion('type', [
  pickRequestSchema,
  putawayRequestSchema,
  countRequestSchema,
  cancelRequestSchema,
  statusRequestSchema,
  inventoryRequestSchema,
]);

export type PickLine = z.infer<typeof pickLineSchema>;
export type PickRequest = z.infer<typeof pickRequestSchema>;
export type PutawayRequest = z.infer<typeof putawayRequestSchema>;
export type CountRequest = z.infer<typeof countRequestSchema>;
export type CancelRequest = z.infer<typeof cancelRequestSchema>;
export type StatusRequest = z.infer<typeof statusRequestSchema>;
export type InventoryRequest = z.infer<typeof inventoryRequestSchema>;
export type WmsRequest = z.infer<typeof wmsRequestSchema>;
export type WmsRequestType = WmsRequest['type'];
export const WMS_REQUEST_TYPES = ['pick', 'putaway', 'count', 'cancel', 'status', 'inventory'] as const satisfies readonly WmsRequestType[];
/** The request types that move bins: accepted, then followed by events until exactly one terminal event. */
export type BinRequestType = 'pick' | 'putaway' | 'count';
export const BIN_REQUEST_TYPES = ['pick', 'putaway', 'count'] as const satisfies readonly BinRequestType[];
export type BinRequest = PickRequest | PutawayRequest | CountRequest;

/** Whether a request type moves bins (and so has events), as against one answered at once in its reply. */
export function isBinRequestType(type: string): type is BinRequestType {
  return (BIN_REQUEST_TYPES as readonly string[]).includes(type);
}
