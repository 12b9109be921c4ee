/**
 * The serial frame between a robot's computer (host) and its motor controller (board), as
 * specified in firmware-bridge/PROTOCOL.md:
 *
 *   raw frame  = version:u8 | sequence:u16 LE | type:u8 | payload (0..MAX_PAYLOAD_BYTES) | crc:u16 BE
 *   on the wire = COBS(raw frame) | 0x00
 *
 * The CRC is CRC-16/CCITT-FALSE over version..payload. Pure byte-level code, no IO.
 */
import { cobsDecode, cobsEncode } from './cobs.ts';
import { crc16CcittFalse } from './crc16.ts';

/** Version of the frame layout and message set this codec speaks. */
export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 4;
export const CRC_BYTES = 2;
export const MAX_PAYLOAD_BYTES = 64;
export const MAX_RAW_FRAME_BYTES = HEADER_BYTES + MAX_PAYLOAD_BYTES + CRC_BYTES;
/** COBS adds one byte per 254 plus one; the delimiter is not counted. */
export const MAX_ENCODED_FRAME_BYTES = MAX_RAW_FRAME_BYTES + Math.ceil(MAX_RAW_FRAME_BYTES / 254) + 1;
export const FRAME_DELIMITER = 0x00;

export interface Frame {
  version: number;
  /** 0..65535, per sender, +1 for every frame sent (wraps to 0); a retransmission repeats it. */
  sequence: number;
  /** Message type code (see messages.ts). */
  type: number;
  payload: Uint8Array;
}

/** Encodes a frame for the wire, delimiter included. Throws on a programming mistake (bad field). */
export function encodeFrame(frame: Frame): Uint8Array {
  const { version, sequence, type, payload } = frame;
  if (!isUint(version, 0xff) || !isUint(sequence, 0xffff) || !isUint(type, 0xff)) {
    throw new RangeError(`frame header out of range: version ${version}, sequence ${sequence}, type ${type}`);
  }
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  const raw = new Uint8Array(HEADER_BYTES + payload.length + CRC_BYTES);
  raw[0] = version;
  raw[1] = sequence & 0xff;
  raw[2] = sequence >> 8;
  raw[3] = type;
  raw.set(payload, HEADER_BYTES);
  const crc = crc16CcittFalse(raw, 0, raw.length - CRC_BYTES);
  raw[raw.length - 2] = crc >> 8;
  raw[raw.length - 1] = crc & 0xff;
  const encoded = cobsEncode(raw);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded);
  out[encoded.length] = FRAME_DELIMITER;
  return out;
}

/** Why bytes between two delimiters were not a frame. */
export type FrameRejection = 'cobs' | 'length' | 'crc' | 'overflow';

export interface FrameDecoderCounters {
  frames: number;
  /** Blocks dropped, by reason; an empty block (two delimiters in a row) is not counted. */
  rejected: Record<FrameRejection, number>;
}

/**
 * Splits a byte stream into frames. Any byte sequence is accepted: a bad block is dropped
 * and counted, and decoding resumes after the next 0x00, so one corrupted frame costs only
 * itself. Never throws on input.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8Array(MAX_ENCODED_FRAME_BYTES);
  private length = 0;
  /** True after the buffer overflowed: bytes are skipped until the next delimiter. */
  private skipping = false;
  readonly counters: FrameDecoderCounters = { frames: 0, rejected: { cobs: 0, length: 0, crc: 0, overflow: 0 } };

  /** Feeds bytes in; returns the frames completed by them, in order. */
  push(bytes: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    for (const byte of bytes) {
      if (byte === FRAME_DELIMITER) {
        if (!this.skipping && this.length > 0) {
          const frame = this.decodeBlock(this.buffer.subarray(0, this.length));
          if (frame) frames.push(frame);
        }
        this.length = 0;
        this.skipping = false;
      } else if (!this.skipping) {
        if (this.length === this.buffer.length) {
          this.skipping = true;
          this.length = 0;
          this.counters.rejected.overflow++;
        } else {
          this.buffer[this.length++] = byte;
        }
      }
    }
    return frames;
  }

  private decodeBlock(block: Uint8Array): Frame | undefined {
    const raw = cobsDecode(block);
    if (!raw) {
      this.counters.rejected.cobs++;
      return undefined;
    }
    if (raw.length < HEADER_BYTES + CRC_BYTES || raw.length > MAX_RAW_FRAME_BYTES) {
      this.counters.rejected.length++;
      return undefined;
    }
    const crc = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
    if (crc16CcittFalse(raw, 0, raw.length - CRC_BYTES) !== crc) {
      this.counters.rejected.crc++;
      return undefined;
    }
    this.counters.frames++;
    return {
      version: raw[0]!,
      sequence: raw[1]! | (raw[2]! << 8),
      type: raw[3]!,
      payload: raw.slice(HEADER_BYTES, raw.length - CRC_BYTES),
    };
  }
}

function isUint(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}
