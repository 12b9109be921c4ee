/**
 * Writes the JSON Schemas of the WMS API (draft-07, the dialect AsyncAPI 3.0 schemas build on)
 * from the zod schemas into protocol/wms/schemas/. The zod schemas are the source of truth;
 * the generated files are committed, and a test checks they are up to date.
 *
 *   npx tsx protocol/wms/generate-schemas.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { progressEventSchema, terminalEventSchema, wmsEventSchema } from './event-schemas.ts';
import { lowStockSchema, stockChangeSchema, stockSnapshotSchema } from './stock-schemas.ts';
import { acceptedReplySchema, rejectedReplySchema, wmsReplySchema } from './reply-schemas.ts';
import {
  cancelRequestSchema,
  countRequestSchema,
  inventoryRequestSchema,
  pickRequestSchema,
  putawayRequestSchema,
  statusRequestSchema,
  wmsRequestSchema,
} from './request-schemas.ts';

export const SCHEMA_DIRECTORY = fileURLToPath(new URL('./schemas/', import.meta.url));

const SCHEMAS: Record<string, { title: string; schema: z.ZodType }> = {
  'wms-request': { title: 'gridline WMS request (any kind)', schema: wmsRequestSchema },
  'pick-request': { title: 'gridline WMS pick request', schema: pickRequestSchema },
  'putaway-request': { title: 'gridline WMS putaway request', schema: putawayRequestSchema },
  'count-request': { title: 'gridline WMS count request (cycle count)', schema: countRequestSchema },
  'cancel-request': { title: 'gridline WMS cancel request', schema: cancelRequestSchema },
  'status-request': { title: 'gridline WMS status request', schema: statusRequestSchema },
  'inventory-request': { title: 'gridline WMS inventory request', schema: inventoryRequestSchema },
  'wms-reply': { title: 'gridline WMS reply (accepted or rejected)', schema: wmsReplySchema },
  'accepted-reply': { title: 'gridline WMS accepted reply', schema: acceptedReplySchema },
  'rejected-reply': { title: 'gridline WMS rejected reply', schema: rejectedReplySchema },
  'wms-event': { title: 'gridline WMS event (progress or terminal)', schema: wmsEventSchema },
  'progress-event': { title: 'gridline WMS progress event', schema: progressEventSchema },
  'terminal-event': { title: 'gridline WMS terminal event', schema: terminalEventSchema },
  'stock-snapshot': { title: 'gridline stock snapshot (retained)', schema: stockSnapshotSchema },
  'stock-change': { title: 'gridline stock change', schema: stockChangeSchema },
  'low-stock': { title: 'gridline low-stock event', schema: lowStockSchema },
};

/** File name -> file text for every schema (pure: the test compares it with the files). */
export function renderSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, { title, schema }] of Object.entries(SCHEMAS)) {
    const json = z.toJSONSchema(schema, {
      target: 'draft-7',
      override: (ctx) => {
        // zod refinements do not translate: state "exactly one of sku or binId" in JSON Schema.
        if (ctx.zodSchema === inventoryRequestSchema || ctx.zodSchema === countRequestSchema) ctx.jsonSchema.oneOf = [{ required: ['sku'] }, { required: ['binId'] }];
      },
    });
    const { $schema, ...rest } = json;
    files.set(`${name}.schema.json`, `${JSON.stringify({ $schema, title, ...rest }, null, 2)}\n`);
  }
  return files;
}

export function writeSchemaFiles(directory = SCHEMA_DIRECTORY): string[] {
  mkdirSync(directory, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of renderSchemaFiles()) {
    writeFileSync(join(directory, name), text);
    written.push(name);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const name of writeSchemaFiles()) console.log(`wrote protocol/wms/schemas/${name}`);
}
