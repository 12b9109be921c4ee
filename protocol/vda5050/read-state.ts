/**
 * Reads a vehicle's state by the VDA 5050 2.0.0 text, tolerantly: "be strict in what you send,
 * tolerant in what you accept". A state whose required parts are valid is accepted even when an
 * optional part is malformed; that part is left out of the value, and named in `dropped`, so
 * the caller can raise it once. A state whose required parts are broken is refused whole.
 *
 * What counts as optional follows the 2.0.0 state table (§6.10.6): fields in italics there, and
 * the optional fields inside required objects and list items. Dropping an optional part never
 * invents anything: a malformed `agvPosition` reads as "position not reported", a malformed
 * load field as that field not reported.
 */
import { formatIssuePath } from '../layout/describe-zod-issues.ts';
import { stateSchema } from './schemas.ts';
import { parseVdaMessage, validateVdaMessage, type VdaParseResult } from './validate.ts';
import type { State } from './types.ts';

export type StateReading = { ok: true; value: State; dropped: string[] } | { ok: false; errors: string[] };

/**
 * Paths of optional parts, `*` standing for a list index. The first (longest) pattern an
 * invalid path starts with is the part dropped.
 */
const OPTIONAL_PARTS: readonly (readonly string[])[] = [
  ['zoneSetId'],
  ['agvPosition'],
  ['velocity'],
  ['paused'],
  ['newBaseRequest'],
  ['distanceSinceLastNode'],
  ['information'],
  ['loads', '*', 'loadId'],
  ['loads', '*', 'loadType'],
  ['loads', '*', 'loadPosition'],
  ['loads', '*', 'boundingBoxReference'],
  ['loads', '*', 'loadDimensions'],
  ['loads', '*', 'weight'],
  ['nodeStates', '*', 'nodeDescription'],
  ['nodeStates', '*', 'nodePosition'],
  ['edgeStates', '*', 'edgeDescription'],
  ['edgeStates', '*', 'trajectory'],
  ['actionStates', '*', 'actionType'],
  ['actionStates', '*', 'actionDescription'],
  ['actionStates', '*', 'resultDescription'],
  ['errors', '*', 'errorReferences'],
  ['errors', '*', 'errorDescription'],
  ['batteryState', 'batteryVoltage'],
  ['batteryState', 'batteryHealth'],
  ['batteryState', 'reach'],
];

/** Parses JSON text and reads it as a state (see the file comment). Never throws. */
export function readState(text: string): StateReading {
  const strict = parseVdaMessage('state', text);
  if (strict.ok) return { ok: true, value: strict.value, dropped: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return strict;
  }
  return salvage(json, strict);
}

/** The optional part an invalid path lies in, as its path, or undefined for a required part. */
export function optionalPartOf(path: readonly PropertyKey[]): PropertyKey[] | undefined {
  let best: readonly string[] | undefined;
  for (const pattern of OPTIONAL_PARTS) {
    if (pattern.length > path.length || (best && best.length >= pattern.length)) continue;
    if (pattern.every((key, i) => (key === '*' ? typeof path[i] === 'number' : path[i] === key))) best = pattern;
  }
  return best ? path.slice(0, best.length) : undefined;
}

/** `loads[2].weight` → `loads[].weight`: the kind of part, whatever the list index. */
export function partKind(dropped: string): string {
  return dropped.replace(/\[\d+\]/g, '[]').replace(/:.*$/, '');
}

function salvage(json: unknown, strict: Extract<VdaParseResult<State>, { ok: false }>): StateReading {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return strict;
  const checked = stateSchema.safeParse(json);
  const issues = checked.success ? [] : checked.error.issues;
  const parts = new Map<string, PropertyKey[]>();
  for (const issue of issues) {
    const part = optionalPartOf(issue.path);
    if (!part) return strict;
    parts.set(formatIssuePath(part), part);
  }
  if (parts.size === 0) return strict;
  const copy = structuredClone(json) as Record<string, unknown>;
  for (const part of parts.values()) removeAt(copy, part);
  const second = validateVdaMessage('state', copy);
  if (!second.ok) return strict;
  const dropped = [...parts.keys()].map((path) => {
    const reasons = strict.errors.filter((e) => e.startsWith(path)).map((e) => e.slice(path.length).replace(/^(: |\.)/, ''));
    return `${path}: ${reasons.join('; ') || 'invalid'}`;
  });
  return { ok: true, value: second.value, dropped };
}

function removeAt(root: Record<string, unknown>, path: readonly PropertyKey[]): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<PropertyKey, unknown>)[path[i]!];
  }
  if (typeof node === 'object' && node !== null) delete (node as Record<PropertyKey, unknown>)[path[path.length - 1]!];
}
