import { z } from 'zod';
import { binIdSchema, portIdSchema, requestIdSchema, siteSchema, skuQuantitySchema, skuSchema, timestampSchema } from './common-schemas.ts';

/**
 * Events the controller publishes on `gridline/v1/{site}/wms/{clientId}/event` for accepted
 * pick, putaway and count requests: any number of progress events, then exactly one terminal event
 * (completed, cancelled or failed) per accepted request (DESIGN.md §5 invariant 3).
 */

export const PROGRESS_STAGES = ['queued', 'binSelected', 'digging', 'binInTransit', 'binAtPort', 'linePicked', 'binStored', 'binCounted', 'cutoffAtRisk'] as const;
export const progressStageSchema = z.enum(PROGRESS_STAGES);
export type ProgressStage = z.infer<typeof progressStageSchema>;

export const progressEventSchema = z
  .object({
    type: z.literal('progress'),
    requestId: requestIdSchema,
    site: siteSchema,
    timestamp: timestampSchema,
    stage: progressStageSchema,
    binId: binIdSchema.optional(),
    port: portIdSchema.optional(),
    line: z.int().min(0).optional().describe('The request line (0-based, in the request\'s order) the units of a linePicked or binStored count for.'),
    sku: skuSchema.optional(),
    quantity: z.int().min(0).optional().describe('Units picked or put at this stage; binCounted: units counted.'),
    recorded: z.int().min(0).optional().describe('binCounted: units the inventory recorded in the bin before the count (the inventory now holds the count).'),
    depth: z.int().min(0).optional().describe('Bins above the selected bin when it was chosen (digging work).'),
    dueTime: timestampSchema.optional().describe('cutoffAtRisk: the request\'s cut-off, as the WMS gave it.'),
    expectedAt: timestampSchema.optional().describe('cutoffAtRisk: when the request is now expected to end, after its cut-off.'),
  })
  .describe('A step of a pick, putaway or count.');

export const terminalEventSchema = z
  .object({
    type: z.enum(['completed', 'cancelled', 'failed']),
    requestId: requestIdSchema,
    site: siteSchema,
    timestamp: timestampSchema,
    reason: z.string().optional().describe('Why it was cancelled or failed, or why a pick came up short.'),
    picked: z.array(skuQuantitySchema).optional().describe('Units actually picked per SKU (pick requests).'),
    stored: z.array(skuQuantitySchema).optional().describe('Units actually put away per SKU (putaway requests).'),
    lines: z
      .array(z.object({ line: z.int().min(0), sku: skuSchema, quantity: z.int().min(0) }))
      .optional()
      .describe('Units actually picked or put per request line, every line in the request\'s order (0 for a line not served).'),
    counted: z
      .array(z.object({ binId: binIdSchema, sku: skuSchema, recorded: z.int().min(0), counted: z.int().min(0) }))
      .optional()
      .describe('Count requests: every bin and SKU counted, with the units recorded before and counted; a difference was applied to the inventory.'),
  })
  .describe('The last event of a request: exactly one per accepted pick, putaway or count.');

export const wmsEventSchema = z.discriminatedUnion('type', [progressEventSchema, terminalEventSchema]);

export type ProgressEvent = z.infer<typeof progressEventSchema>;
export type TerminalEvent = z.infer<typeof terminalEventSchema>;
export type WmsEvent = z.infer<typeof wmsEventSchema>;
