import { z } from 'zod';
import { parseWith, type ParseResult } from './parse-wms-messages.ts';
import { siteSchema, skuSchema, timestampSchema } from './common-schemas.ts';

/**
 * Stock levels the controller publishes for the site's WMS clients, so that a network of sites
 * keeps one view of stock (DESIGN.md §3 "WMS", asyncapi.yaml):
 *
 *   gridline/v1/{site}/stock/snapshot   retained: every SKU's level, as of `sequence`
 *   gridline/v1/{site}/stock/change     one SKU's new level, each time it changes
 *   gridline/v1/{site}/stock/low        a SKU's available units fell below its threshold
 *
 * `sequence` counts changes since the controller started: a change with a sequence at or
 * below the snapshot's is already in it. After a restart the sequence starts again from 1
 * with a new `since`; a client then takes the new snapshot.
 */

const count = z.int().min(0);

export const stockLevelSchema = z.object({
  sku: skuSchema,
  /** Units in bins, reserved or not. */
  onHand: count,
  /** Units not reserved for a request: what a new pick may ask for. */
  available: count,
  /** Below this many available units the SKU is low (a `low` event). */
  lowStockThreshold: count,
});

const header = {
  site: siteSchema,
  timestamp: timestampSchema,
  /** When the controller that numbers the sequence started (ISO 8601). */
  since: timestampSchema,
  sequence: count,
};

export const stockSnapshotSchema = z.object({ ...header, skus: z.array(stockLevelSchema) }).describe('Every SKU\'s stock level, retained: a client that connects gets it at once.');
export const stockChangeSchema = z.object({ ...header, ...stockLevelSchema.shape }).describe('One SKU\'s stock level after it changed.');
export const lowStockSchema = z.object({ ...header, ...stockLevelSchema.shape }).describe('A SKU\'s available units fell below its low-stock threshold; raised again only once it has been back at or above it.');

export type StockLevel = z.infer<typeof stockLevelSchema>;
export type StockSnapshot = z.infer<typeof stockSnapshotSchema>;
export type StockChange = z.infer<typeof stockChangeSchema>;
export type LowStock = z.infer<typeof lowStockSchema>;

export const parseStockSnapshot = (text: string): ParseResult<StockSnapshot> => parseWith(stockSnapshotSchema, text, 'stock snapshot');
export const parseStockChange = (text: string): ParseResult<StockChange> => parseWith(stockChangeSchema, text, 'stock change');
export const parseLowStock = (text: string): ParseResult<LowStock> => parseWith(lowStockSchema, text, 'low stock');
