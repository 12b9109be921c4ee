/**
 * The VDA 5050 MQTT topic layout (§MQTT topic levels), defined once:
 * `{interfaceName}/{majorVersion}/{manufacturer}/{serialNumber}/{topic}`, e.g. `uagv/v2/KIT/0001/order`.
 */
import { VDA_TOPIC_KINDS, type VdaTopicKind } from './types.ts';

export { VDA_TOPIC_KINDS, type VdaTopicKind };

export const VDA_TOPIC_LAYOUT = '{interfaceName}/{majorVersion}/{manufacturer}/{serialNumber}/{topic}';
export const DEFAULT_INTERFACE_NAME = 'uagv';
/** Major version level: "v" + the major version of VDA 5050 spoken here (2.0.0). */
export const DEFAULT_MAJOR_VERSION = 'v2';

/** Identifies one vehicle on the broker. */
export interface VdaAddress {
  /** Defaults to `uagv`. */
  interfaceName?: string;
  /** Defaults to `v2`. */
  majorVersion?: string;
  manufacturer: string;
  serialNumber: string;
}

/** A fully defaulted address, as `parseVdaTopic` returns it. */
export type ResolvedVdaAddress = Required<VdaAddress>;

/** §MQTT topic levels: serial numbers use only A-Z a-z 0-9 _ . : - */
export function isValidSerialNumber(serialNumber: string): boolean {
  return /^[A-Za-z0-9_.:-]+$/.test(serialNumber);
}

/** A topic level must not contain `/` (level separator), MQTT wildcards or `$`. */
function isValidLevel(level: string): boolean {
  return level.length > 0 && !/[/+#$]/.test(level);
}

export function resolveAddress(address: VdaAddress): ResolvedVdaAddress {
  return {
    interfaceName: address.interfaceName ?? DEFAULT_INTERFACE_NAME,
    majorVersion: address.majorVersion ?? DEFAULT_MAJOR_VERSION,
    manufacturer: address.manufacturer,
    serialNumber: address.serialNumber,
  };
}

/** The topic of `kind` for one vehicle. Throws on an address that cannot form a topic (a programming mistake). */
export function vdaTopic(address: VdaAddress, kind: VdaTopicKind): string {
  const a = resolveAddress(address);
  for (const level of [a.interfaceName, a.majorVersion, a.manufacturer]) {
    if (!isValidLevel(level)) throw new Error(`invalid VDA 5050 topic level '${level}'`);
  }
  if (!isValidSerialNumber(a.serialNumber)) throw new Error(`invalid VDA 5050 serial number '${a.serialNumber}' (allowed: A-Z a-z 0-9 _ . : -)`);
  return fill(a.interfaceName, a.majorVersion, a.manufacturer, a.serialNumber, kind);
}

/** Subscription filter for `kind` from every vehicle of `manufacturer` (or of all, with '+'). */
export function vdaSubscriptionPattern(
  interfaceName: string = DEFAULT_INTERFACE_NAME,
  manufacturer: string | '+',
  kind: VdaTopicKind,
  majorVersion: string = DEFAULT_MAJOR_VERSION,
): string {
  if (!isValidLevel(interfaceName)) throw new Error(`invalid VDA 5050 topic level '${interfaceName}'`);
  if (manufacturer !== '+' && !isValidLevel(manufacturer)) throw new Error(`invalid VDA 5050 topic level '${manufacturer}'`);
  return fill(interfaceName, majorVersion, manufacturer, '+', kind);
}

/** Splits a concrete topic into address and kind; undefined if it is not a VDA 5050 topic. */
export function parseVdaTopic(topic: string): { address: ResolvedVdaAddress; kind: VdaTopicKind } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5) return undefined;
  const [interfaceName, majorVersion, manufacturer, serialNumber, kind] = parts as [string, string, string, string, string];
  if (!(VDA_TOPIC_KINDS as readonly string[]).includes(kind)) return undefined;
  if (![interfaceName, majorVersion, manufacturer].every(isValidLevel) || !isValidSerialNumber(serialNumber)) return undefined;
  return { address: { interfaceName, majorVersion, manufacturer, serialNumber }, kind: kind as VdaTopicKind };
}

function fill(interfaceName: string, majorVersion: string, manufacturer: string, serialNumber: string, topic: string): string {
  return VDA_TOPIC_LAYOUT.replace('{interfaceName}', interfaceName)
    .replace('{majorVersion}', majorVersion)
    .replace('{manufacturer}', manufacturer)
    .replace('{serialNumber}', serialNumber)
    .replace('{topic}', topic);
}
