/**
 * The messages of the serial protocol (firmware-bridge/PROTOCOL.md): one table gives each
 * message's type code, direction, whether it must be acknowledged, and its payload fields in
 * wire order. All integers are little-endian. Encoding and decoding are generic over the table,
 * so the table is the single source of truth for the byte layouts.
 */

type FieldType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32';
const FIELD_BYTES: Record<FieldType, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4 };
const FIELD_RANGE: Record<FieldType, [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
};

/** Who sends a message: the robot's computer (host) or the motor controller (board). */
export type Sender = 'host' | 'board';

interface MessageSpec {
  type: number;
  sender: Sender | 'both';
  /** Reliable messages are acknowledged and retransmitted; the others are sent periodically. */
  reliable: boolean;
  fields: readonly (readonly [string, FieldType])[];
}

/** Result and error codes, in ack, done and fault payloads. */
export const RESULT_CODES = {
  ok: 0,
  unknownType: 1,
  badPayload: 2,
  busy: 3,
  eStopActive: 4,
  unsupportedVersion: 5,
  notNegotiated: 6,
  interrupted: 7,
  motorStall: 8,
  lowBattery: 9,
  watchdog: 10,
  outOfRange: 11,
} as const;
export type ResultName = keyof typeof RESULT_CODES;
const RESULT_NAMES = new Map<number, ResultName>(Object.entries(RESULT_CODES).map(([name, code]) => [code, name as ResultName]));

export function resultName(code: number): ResultName | `code ${number}` {
  return RESULT_NAMES.get(code) ?? `code ${code}`;
}

/** Bits of `status.flags`. */
export const STATUS_FLAGS = {
  driving: 1 << 0,
  lifting: 1 << 1,
  gripClosed: 1 << 2,
  eStop: 1 << 3,
  watchdogStopped: 1 << 4,
  charging: 1 << 5,
  /** Set when the wheels are down for driving along y; clear for x. */
  wheelsY: 1 << 6,
  /** A command is running (activeSequence names it). */
  busy: 1 << 7,
} as const;

export const MESSAGE_SPECS = {
  // link messages, 0x01..0x0F
  hello: { type: 0x01, sender: 'host', reliable: false, fields: [['minVersion', 'u8'], ['maxVersion', 'u8']] },
  helloReply: {
    type: 0x02,
    sender: 'board',
    reliable: false,
    fields: [['code', 'u8'], ['version', 'u8'], ['firmwareMajor', 'u8'], ['firmwareMinor', 'u8']],
  },
  heartbeat: { type: 0x03, sender: 'both', reliable: false, fields: [['uptimeMs', 'u32']] },
  ack: { type: 0x04, sender: 'both', reliable: false, fields: [['sequence', 'u16'], ['code', 'u8']] },
  // host commands, 0x10..0x3F
  setPosition: { type: 0x10, sender: 'host', reliable: true, fields: [['x', 'u16'], ['y', 'u16'], ['wheelsY', 'u8']] },
  drive: {
    type: 0x11,
    sender: 'host',
    reliable: true,
    fields: [['axis', 'u8'], ['direction', 'i8'], ['cells', 'u16'], ['maxSpeedMmps', 'u16'], ['accelerationMmps2', 'u16']],
  },
  wheelChange: { type: 0x12, sender: 'host', reliable: true, fields: [['axis', 'u8']] },
  lift: { type: 0x13, sender: 'host', reliable: true, fields: [['depthMm', 'u16']] },
  grip: { type: 0x14, sender: 'host', reliable: true, fields: [['close', 'u8']] },
  stop: { type: 0x15, sender: 'host', reliable: true, fields: [] },
  emergencyStop: { type: 0x16, sender: 'host', reliable: true, fields: [] },
  releaseEmergencyStop: { type: 0x17, sender: 'host', reliable: true, fields: [] },
  charge: { type: 0x18, sender: 'host', reliable: true, fields: [['on', 'u8']] },
  // board reports, 0x80..0xBF
  status: {
    type: 0x80,
    sender: 'board',
    reliable: false,
    fields: [
      ['flags', 'u8'],
      ['x', 'u16'],
      ['y', 'u16'],
      ['offsetMm', 'i16'],
      ['liftDepthMm', 'u16'],
      ['batteryPermille', 'u16'],
      ['activeSequence', 'u16'],
    ],
  },
  done: { type: 0x81, sender: 'board', reliable: true, fields: [['commandSequence', 'u16'], ['code', 'u8']] },
  fault: { type: 0x82, sender: 'board', reliable: true, fields: [['code', 'u8'], ['detail', 'u16']] },
} as const satisfies Record<string, MessageSpec>;

type Specs = typeof MESSAGE_SPECS;
export type MessageKind = keyof Specs;
type FieldsOf<K extends MessageKind> = { [F in Specs[K]['fields'][number] as F[0]]: number };
/** A decoded message: its kind and its fields (all integers). */
export type SerialMessage = { [K in MessageKind]: { kind: K } & FieldsOf<K> }[MessageKind];
export type MessageOf<K extends MessageKind> = Extract<SerialMessage, { kind: K }>;

const KIND_BY_TYPE = new Map<number, MessageKind>(Object.entries(MESSAGE_SPECS).map(([kind, spec]) => [spec.type, kind as MessageKind]));

export function messageSpec(kind: MessageKind): MessageSpec {
  return MESSAGE_SPECS[kind];
}

export function payloadBytes(kind: MessageKind): number {
  return messageSpec(kind).fields.reduce((sum, [, t]) => sum + FIELD_BYTES[t], 0);
}

/** Type code and payload of a message. Throws on a programming mistake (a field out of range). */
export function encodeMessage(message: SerialMessage): { type: number; payload: Uint8Array } {
  const spec = messageSpec(message.kind);
  const payload = new Uint8Array(payloadBytes(message.kind));
  const view = new DataView(payload.buffer);
  const values = message as unknown as Record<string, number>;
  let offset = 0;
  for (const [name, fieldType] of spec.fields) {
    const value = values[name];
    const [min, max] = FIELD_RANGE[fieldType];
    if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${message.kind}.${name} must be a ${fieldType}, got ${value}`);
    }
    writeField(view, offset, fieldType, value);
    offset += FIELD_BYTES[fieldType];
  }
  return { type: spec.type, payload };
}

export type DecodeResult = { ok: true; message: SerialMessage } | { ok: false; code: number; reason: string };

/** Decodes a frame's type and payload; a wrong length or an unknown type is an error result, never a throw. */
export function decodeMessage(type: number, payload: Uint8Array): DecodeResult {
  const kind = KIND_BY_TYPE.get(type);
  if (kind === undefined) return { ok: false, code: RESULT_CODES.unknownType, reason: `unknown message type 0x${type.toString(16).padStart(2, '0')}` };
  const expected = payloadBytes(kind);
  if (payload.length !== expected) {
    return { ok: false, code: RESULT_CODES.badPayload, reason: `${kind} payload must be ${expected} bytes, got ${payload.length}` };
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const message: Record<string, number | string> = { kind };
  let offset = 0;
  for (const [name, fieldType] of messageSpec(kind).fields) {
    message[name] = readField(view, offset, fieldType);
    offset += FIELD_BYTES[fieldType];
  }
  return { ok: true, message: message as unknown as SerialMessage };
}

function writeField(view: DataView, offset: number, type: FieldType, value: number): void {
  if (type === 'u8') view.setUint8(offset, value);
  else if (type === 'i8') view.setInt8(offset, value);
  else if (type === 'u16') view.setUint16(offset, value, true);
  else if (type === 'i16') view.setInt16(offset, value, true);
  else view.setUint32(offset, value, true);
}

function readField(view: DataView, offset: number, type: FieldType): number {
  if (type === 'u8') return view.getUint8(offset);
  if (type === 'i8') return view.getInt8(offset);
  if (type === 'u16') return view.getUint16(offset, true);
  if (type === 'i16') return view.getInt16(offset, true);
  return view.getUint32(offset, true);
}
