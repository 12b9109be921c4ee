import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderSchemaFiles, SCHEMA_DIRECTORY } from './generate-schemas.ts';
import { STOCK_TOPIC_LAYOUT } from './stock-links.ts';

const here = dirname(fileURLToPath(import.meta.url));

function validatorFor(file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIRECTORY, file), 'utf8')));
}

describe('generated JSON Schemas', () => {
  it('are up to date with the zod schemas (run `npx tsx protocol/wms/generate-schemas.ts` if not)', () => {
    const rendered = renderSchemaFiles();
    expect(readdirSync(SCHEMA_DIRECTORY).sort()).toEqual([...rendered.keys()].sort());
    for (const [name, text] of rendered) expect(readFileSync(join(SCHEMA_DIRECTORY, name), 'utf8'), name).toBe(text);
  });

  it('accept a valid request and refuse what the zod schemas refuse', () => {
    const validate = validatorFor('wms-request.schema.json');
    expect(validate({ type: 'pick', requestId: 'o1', lines: [{ sku: 'A', quantity: 1 }] })).toBe(true);
    expect(validate({ type: 'pick', requestId: 'o1', lines: [{ sku: 'A', quantity: 0 }] })).toBe(false);
    expect(validate({ type: 'pick', requestId: 'o 1', lines: [{ sku: 'A', quantity: 1 }] })).toBe(false);
    expect(validate({ type: 'pick', requestId: 'o1', lines: [{ sku: 'A', quantity: 1 }], extra: true })).toBe(false);
  });

  it('state that an inventory query names exactly one of sku and binId', () => {
    const validate = validatorFor('inventory-request.schema.json');
    expect(validate({ type: 'inventory', requestId: 'i', sku: 'A' })).toBe(true);
    expect(validate({ type: 'inventory', requestId: 'i', binId: 'B1' })).toBe(true);
    expect(validate({ type: 'inventory', requestId: 'i' })).toBe(false);
    expect(validate({ type: 'inventory', requestId: 'i', sku: 'A', binId: 'B1' })).toBe(false);
  });

  it('state that a count names exactly one of sku and binId, and report counts in events', () => {
    const validate = validatorFor('wms-request.schema.json');
    expect(validate({ type: 'count', requestId: 'c', binId: 'B1' })).toBe(true);
    expect(validate({ type: 'count', requestId: 'c', sku: 'A', port: 'P1' })).toBe(true);
    expect(validate({ type: 'count', requestId: 'c' })).toBe(false);
    expect(validate({ type: 'count', requestId: 'c', sku: 'A', binId: 'B1' })).toBe(false);
    const event = validatorFor('wms-event.schema.json');
    const stamp = { site: 's1', timestamp: '2026-01-01T00:00:00.000Z' };
    expect(event({ type: 'progress', requestId: 'c', stage: 'binCounted', binId: 'B1', line: 0, sku: 'A', quantity: 3, recorded: 5, ...stamp })).toBe(true);
    expect(event({ type: 'completed', requestId: 'c', counted: [{ binId: 'B1', sku: 'A', recorded: 5, counted: 3 }], ...stamp })).toBe(true);
    expect(event({ type: 'completed', requestId: 'c', counted: [{ binId: 'B1', sku: 'A', recorded: 5, counted: -1 }], ...stamp })).toBe(false);
  });

  it('accept replies and events as the controller sends them', () => {
    const reply = validatorFor('wms-reply.schema.json');
    const stamp = { site: 's1', timestamp: '2026-01-01T00:00:00.000Z' };
    expect(reply({ type: 'rejected', requestId: null, code: 'MALFORMED_JSON', reason: 'bad', ...stamp })).toBe(true);
    expect(reply({ type: 'rejected', requestId: 'x', code: 'NOPE', reason: 'bad', ...stamp })).toBe(false);
    const event = validatorFor('wms-event.schema.json');
    expect(event({ type: 'progress', requestId: 'o1', stage: 'binAtPort', binId: 'B00001', port: 'P1', ...stamp })).toBe(true);
    expect(event({ type: 'completed', requestId: 'o1', picked: [{ sku: 'A', quantity: 2 }], ...stamp })).toBe(true);
    expect(event({ type: 'progress', requestId: 'o1', stage: 'teleported', ...stamp })).toBe(false);
  });
});

describe('asyncapi.yaml', () => {
  const text = readFileSync(join(here, 'asyncapi.yaml'), 'utf8');
  const document = parseYaml(text) as Record<string, unknown>;

  function refsIn(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) for (const item of value) refsIn(item, found);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string') found.push(child);
        else refsIn(child, found);
      }
    }
    return found;
  }

  function resolvePointer(pointer: string): unknown {
    return pointer
      .slice(2)
      .split('/')
      .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), document);
  }

  it('is an AsyncAPI 3.0.0 document for MQTT 3.1.1 on 127.0.0.1:1883', () => {
    expect(document['asyncapi']).toBe('3.0.0');
    expect(document['servers']).toMatchObject({ embedded: { host: '127.0.0.1:1883', protocol: 'mqtt', protocolVersion: '3.1.1' } });
  });

  it('has request, reply and event channels with the clientId parameter, and site-wide stock channels, following the topic layouts', () => {
    const channels = document['channels'] as Record<string, { address: string; parameters: Record<string, unknown> }>;
    expect(channels['request']!.address).toBe('gridline/v1/{site}/wms/{clientId}/request');
    expect(channels['reply']!.address).toBe('gridline/v1/{site}/wms/{clientId}/reply');
    expect(channels['event']!.address).toBe('gridline/v1/{site}/wms/{clientId}/event');
    for (const name of ['request', 'reply', 'event']) expect(Object.keys(channels[name]!.parameters).sort()).toEqual(['clientId', 'site']);
    expect(channels['stockSnapshot']!.address).toBe(STOCK_TOPIC_LAYOUT.replace('{kind}', 'snapshot'));
    expect(channels['stockChange']!.address).toBe(STOCK_TOPIC_LAYOUT.replace('{kind}', 'change'));
    expect(channels['lowStock']!.address).toBe(STOCK_TOPIC_LAYOUT.replace('{kind}', 'low'));
    for (const name of ['stockSnapshot', 'stockChange', 'lowStock']) expect(Object.keys(channels[name]!.parameters)).toEqual(['site']);
  });

  it('refers only to schema files that exist and to parts of itself that exist', () => {
    const refs = refsIn(document);
    const fileRefs = refs.filter((r) => !r.startsWith('#'));
    expect(fileRefs.length).toBeGreaterThanOrEqual(9);
    for (const ref of fileRefs) expect(existsSync(resolve(here, ref)), ref).toBe(true);
    for (const ref of refs.filter((r) => r.startsWith('#'))) expect(resolvePointer(ref), ref).toBeDefined();
  });

  it('gives examples that the referenced schemas accept', () => {
    const messages = (document['components'] as { messages: Record<string, { payload: { $ref: string }; examples?: { payload: unknown }[] }> }).messages;
    let checked = 0;
    for (const message of Object.values(messages)) {
      if (!message.examples) continue;
      const validate = validatorFor(message.payload.$ref.replace('./schemas/', ''));
      for (const example of message.examples) {
        expect(validate(example.payload), JSON.stringify(validate.errors)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
