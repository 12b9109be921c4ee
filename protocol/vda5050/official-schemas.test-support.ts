/**
 * Test support: validators compiled from the OFFICIAL VDA 5050 2.0.0 JSON schemas, kept
 * unchanged in `official-schemas/` beside this file (provenance, licence and errata in its
 * README.md), for conformance tests and for integration runs that check every published
 * message. Test code only: ajv is a dev dependency.
 *
 * The schemas declare JSON Schema draft 2020-12. Four errata of the 2.0.0 files are corrected
 * before compiling, each where the spec text contradicts the schema (the text wins, VDA 5050
 * §6 Protocol specification); `OFFICIAL_SCHEMA_ERRATA` lists them so tests can show they apply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { VdaTopicKind } from './types.ts';

export const OFFICIAL_SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'official-schemas');

export const OFFICIAL_SCHEMA_FILES: Record<VdaTopicKind, string> = {
  order: 'order.schema',
  instantActions: 'instantActions.schema',
  state: 'state.schema',
  visualization: 'visualization.schema',
  connection: 'connection.schema',
  factsheet: 'factsheet.json',
};

type JsonObject = Record<string, unknown>;

export const OFFICIAL_SCHEMA_ERRATA: { kind: VdaTopicKind; description: string; fix: (schema: JsonObject) => void }[] = [
  {
    kind: 'instantActions',
    description:
      'action items require and define `actionName`; the spec text (and order.schema) name it `actionType` (github.com/VDA5050/vd-m-a-5050/issues/20)',
    fix: (schema) => {
      const items = (schema.properties as JsonObject & { actions: { items: { required: string[]; properties: JsonObject } } }).actions.items;
      items.required = items.required.map((key) => (key === 'actionName' ? 'actionType' : key));
      items.properties.actionType = items.properties.actionName;
      delete items.properties.actionName;
    },
  },
  {
    kind: 'state',
    description:
      'actionStatus lacks PAUSED, which the 2.0.0 text lists (§6.10.6 actionState, §6.11 Table 1: "paused because of a pause instantAction or external trigger"); the maintainers added it to the 2.0.0 schema in 2024',
    fix: (schema) => {
      const status = stateProperty(schema, 'actionStates').items.properties.actionStatus as { enum: string[] };
      status.enum = [...status.enum.slice(0, 3), 'PAUSED', ...status.enum.slice(3)];
    },
  },
  {
    kind: 'state',
    description:
      "nodeStates[].nodePosition requires theta; the text defines that object as the order's node position (§6.7), where theta is optional (\"vehicle can plan the path by itself\"); the maintainers dropped the requirement from the 2.0.0 schema in 2024",
    fix: (schema) => {
      const position = stateProperty(schema, 'nodeStates').items.properties.nodePosition as { required: string[] };
      position.required = position.required.filter((key) => key !== 'theta');
    },
  },
  {
    kind: 'factsheet',
    description:
      'property definitions sit beside `properties` at the top level instead of inside it, so the file checked nothing but the required keys; they are moved into `properties`',
    fix: (schema) => {
      const keywords = new Set(['$schema', 'title', 'description', 'required', 'subtopic', 'type']);
      const properties: JsonObject = {};
      for (const key of Object.keys(schema)) {
        if (keywords.has(key)) continue;
        properties[key] = schema[key];
        delete schema[key];
      }
      schema.properties = properties;
    },
  },
];

function stateProperty(schema: JsonObject, key: string): { items: { properties: JsonObject } } {
  return (schema.properties as Record<string, { items: { properties: JsonObject } }>)[key]!;
}

export function readOfficialSchema(kind: VdaTopicKind, dir = OFFICIAL_SCHEMA_DIR): JsonObject {
  const file = resolve(dir, OFFICIAL_SCHEMA_FILES[kind]);
  if (!existsSync(file)) throw new Error(`official VDA 5050 schema missing: ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
}

/**
 * One validator per topic; each returns `[]` for a conforming message, else ajv's errors as
 * `<instancePath> <message>` strings. `applyErrata: false` compiles the files exactly as published.
 */
export function loadOfficialValidators(options: { dir?: string; applyErrata?: boolean } = {}): Record<VdaTopicKind, (message: unknown) => string[]> {
  // strict: false because the files use non-standard keywords (`subtopic`, `unit`).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  addFormats(ajv);
  const entries = (Object.keys(OFFICIAL_SCHEMA_FILES) as VdaTopicKind[]).map((kind) => {
    const schema = readOfficialSchema(kind, options.dir);
    if (options.applyErrata ?? true) for (const erratum of OFFICIAL_SCHEMA_ERRATA) if (erratum.kind === kind) erratum.fix(schema);
    const validate = ajv.compile(schema);
    const check = (message: unknown): string[] =>
      validate(message) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
    return [kind, check] as const;
  });
  return Object.fromEntries(entries) as Record<VdaTopicKind, (message: unknown) => string[]>;
}
