import { z } from 'zod';
import { binIdSchema, portIdSchema, requestIdSchema, siteSchema, skuQuantitySchema, skuSchema, timestampSchema } from './common-schemas.ts';
import { progressStageSchema } from './event-schemas.ts';
import { WMS_REQUEST_TYPES } from './request-schemas.ts';

/**
 * Replies the controller publishes on `gridline/v1/{site}/wms/{clientId}/reply`: exactly one
 * accept-or-reject per request (a repeated requestId with the same content gets the same
 * reply again). Objects are not strict, so a client keeps working when fields are added.
 */

export const REJECTION_CODES = [
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'INVALID_REQUEST',
  'UNKNOWN_SKU',
  'INVALID_QUANTITY',
  'INSUFFICIENT_STOCK',
  'UNKNOWN_PORT',
  'PORT_UNAVAILABLE',
  'UNKNOWN_BIN',
  'BIN_UNAVAILABLE',
  'NO_EMPTY_BIN',
  /** A putaway would take the bin's units of its SKU over the site's cap per bin. */
  'BIN_CAPACITY_EXCEEDED',
  /**
   * Same requestId as an earlier request with different content, or as another client's
   * request (ids are site-wide; another client's request is never answered to this one).
   */
  'DUPLICATE_REQUEST_ID',
  /** No accepted request of this client has that id (another client's requests count as unknown). */
  'UNKNOWN_REQUEST',
  'NOT_CANCELLABLE',
  'SHUTTING_DOWN',
  /** More requests from this client than its rate allows; the reason says when to send again. Nothing was stored. */
  'RATE_LIMITED',
  /** The controller failed on this request; nothing was changed and it may be sent again. */
  'INTERNAL_ERROR',
] as const;
export const rejectionCodeSchema = z.enum(REJECTION_CODES);
export type RejectionCode = z.infer<typeof rejectionCodeSchema>;

export const requestStateSchema = z
  .enum(['queued', 'inProgress', 'completed', 'cancelled', 'failed'])
  .describe('queued: accepted, no bin moving yet; inProgress: bins are moving; the rest are terminal.');
export type RequestState = z.infer<typeof requestStateSchema>;

/** Where a bin is now. Column depth counts the bins above it (0 = on top). */
export const binLocationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('column'),
    x: z.int().min(0),
    y: z.int().min(0),
    level: z.int().min(0).describe('0 is the bottom of the column.'),
    depth: z.int().min(0).describe('Bins above this one; 0 when it is on top.'),
  }),
  z.object({ kind: z.literal('robot'), serialNumber: z.string().min(1) }),
  z.object({ kind: z.literal('port'), port: portIdSchema }),
]);
export type BinLocation = z.infer<typeof binLocationSchema>;

export const inventoryBinSchema = z.object({
  binId: binIdSchema,
  location: binLocationSchema,
  contents: z.array(skuQuantitySchema),
});
export type InventoryBin = z.infer<typeof inventoryBinSchema>;

/** Answer to a `status` request. */
export const requestStatusSchema = z.object({
  targetRequestId: requestIdSchema,
  requestType: z.enum(WMS_REQUEST_TYPES),
  state: requestStateSchema,
  lastStage: progressStageSchema.nullable().describe('Most recent progress stage, null before any.'),
  picked: z.array(skuQuantitySchema).describe('Units picked so far (pick requests); empty otherwise.'),
  stored: z.array(skuQuantitySchema).describe('Units put away so far (putaway requests); empty otherwise.'),
  counted: z
    .array(z.object({ binId: binIdSchema, sku: skuSchema, recorded: z.int().min(0), counted: z.int().min(0) }))
    .optional()
    .describe('Count requests: the bins and SKUs counted so far, with the units recorded before and counted.'),
  reason: z.string().optional().describe('Why it was cancelled or failed.'),
});
export type RequestStatus = z.infer<typeof requestStatusSchema>;

/** Answer to an `inventory` request: every bin holding the SKU, or the one bin asked for. */
export const inventoryAnswerSchema = z.object({
  sku: skuSchema.optional(),
  binId: binIdSchema.optional(),
  totalQuantity: z.int().min(0).describe('Units of the SKU (or in the bin) over all listed bins.'),
  bins: z.array(inventoryBinSchema),
});
export type InventoryAnswer = z.infer<typeof inventoryAnswerSchema>;

export const acceptedReplySchema = z
  .object({
    type: z.literal('accepted'),
    requestId: requestIdSchema,
    requestType: z.enum(WMS_REQUEST_TYPES),
    site: siteSchema,
    timestamp: timestampSchema,
    status: requestStatusSchema.optional().describe('Present in the reply to a status request.'),
    inventory: inventoryAnswerSchema.optional().describe('Present in the reply to an inventory request.'),
  })
  .describe('The request was accepted; picks and putaways continue with events.');

export const rejectedReplySchema = z
  .object({
    type: z.literal('rejected'),
    requestId: requestIdSchema.nullable().describe('Null when no valid requestId could be read from the message.'),
    site: siteSchema,
    timestamp: timestampSchema,
    code: rejectionCodeSchema,
    reason: z.string().min(1).describe('What is wrong, for a person, e.g. "lines[0].quantity must be an integer from 1 to 1000000".'),
  })
  .describe('The request was refused and changed nothing.');

export const wmsReplySchema = z.discriminatedUnion('type', [acceptedReplySchema, rejectedReplySchema]);

export type AcceptedReply = z.infer<typeof acceptedReplySchema>;
export type RejectedReply = z.infer<typeof rejectedReplySchema>;
export type WmsReply = z.infer<typeof wmsReplySchema>;
