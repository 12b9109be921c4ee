import { z } from 'zod';
import { parseWith, type ParseResult } from '../wms/parse-wms-messages.ts';
import { skuQuantitySchema, timestampSchema, type SkuQuantity } from '../wms/common-schemas.ts';
import { utf8Length } from './console-messages.ts';

/**
 * Messages between the controller and a port screen (a simulated picker now, the browser
 * console later). Incoming messages are validated; problems come back as readable errors.
 */

const idSchema = z.string().min(1).max(64);

/** Lines one presentation lists at most: every line of every request the bin serves there. */
export const MAX_PRESENTATION_LINES = 200;

/** One line the person works from the presented bin: an order line (pick), an inbound line (putaway) or a SKU to count (count). */
export const presentationLineSchema = z.object({
  /** The line's id within the presentation; echoed in the confirmation. */
  lineId: idSchema,
  /** The WMS request (the order) the line belongs to. */
  requestId: idSchema,
  sku: idSchema,
  /**
   * Units to take out (pick) or to put in (putaway), >= 1; 0 for a count line, whose person
   * counts what is there without being told the recorded figure (a blind count).
   */
  quantity: z.int().min(0),
});

/**
 * The bin at a port and what the person there should do with it: every line it serves at
 * this port, of one request or of several (batched: one trip of the bin serves them all).
 */
export const portPresentationSchema = z
  .object({
    /** The controller's task for this bin at this port; echoed in the confirmation. */
    taskId: idSchema,
    binId: idSchema,
    mode: z.enum(['pick', 'putaway', 'count']),
    lines: z.array(presentationLineSchema).min(1).max(MAX_PRESENTATION_LINES),
    /** What the bin holds now, before the pick or putaway; empty for a count (a blind count). */
    contents: z.array(skuQuantitySchema),
  })
  .superRefine((p, ctx) => {
    p.lines.forEach((line, i) => {
      if (p.mode === 'count' ? line.quantity !== 0 : line.quantity < 1) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'quantity'], message: p.mode === 'count' ? 'must be 0 on a count line (a blind count)' : 'must be an integer >= 1' });
      }
    });
  });

/** Published retained on the presentation topic; `presentation: null` when no bin is at the port. */
export const portPresentationMessageSchema = z.object({
  site: idSchema,
  portId: idSchema,
  timestamp: timestampSchema,
  presentation: portPresentationSchema.nullable(),
});

const unitsSchema = z.int({ error: (issue) => (issue.input === undefined ? undefined : 'must be an integer >= 0') }).min(0, { error: 'must be an integer >= 0' });

/** How many units of one presented line were actually picked, put or counted. */
export const confirmedLineSchema = z.object({
  lineId: idSchema,
  /** Units actually picked or put, >= 0 (fewer than the line asked is a shortage on that line), or counted. */
  quantity: unitsSchema,
});

/** The person's confirmation: every presented line, each with the units actually picked, put or counted. */
export const portConfirmSchema = z.object({
  taskId: idSchema,
  binId: idSchema,
  lines: z.array(confirmedLineSchema).min(1).max(MAX_PRESENTATION_LINES),
  timestamp: timestampSchema.optional(),
});

/** One SKU line of a bin's contents: the same shape as the WMS's SkuQuantity. */
export type BinLine = SkuQuantity;
export type PresentationLine = z.infer<typeof presentationLineSchema>;
export type PortPresentation = z.infer<typeof portPresentationSchema>;
export type PortPresentationMessage = z.infer<typeof portPresentationMessageSchema>;
export type PortConfirm = z.infer<typeof portConfirmSchema>;
export type ConfirmedLine = z.infer<typeof confirmedLineSchema>;

/** Units a presentation asks for in all, over its lines. */
export function presentedUnits(presentation: Pick<PortPresentation, 'lines'>): number {
  return presentation.lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** Largest port message accepted, in bytes of UTF-8. */
export const MAX_PORT_MESSAGE_BYTES = 65_536;

export function parsePortPresentation(text: string): ParseResult<PortPresentationMessage> {
  return parseBounded(portPresentationMessageSchema, text, 'presentation');
}

export function parsePortConfirm(text: string): ParseResult<PortConfirm> {
  return parseBounded(portConfirmSchema, text, 'confirm');
}

function parseBounded<T>(schema: z.ZodType<T>, text: string, what: string): ParseResult<T> {
  const bytes = utf8Length(text);
  if (bytes > MAX_PORT_MESSAGE_BYTES) return { ok: false, errors: [`${what} is ${bytes} bytes; the limit is ${MAX_PORT_MESSAGE_BYTES} bytes`] };
  return parseWith(schema, text, what);
}
