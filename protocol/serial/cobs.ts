/**
 * Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): re-encodes a byte string so
 * that it holds no 0x00, which then delimits frames on the wire. Overhead: one byte per 254
 * bytes of input, plus one.
 */

/** COBS encoding of `data` (without the trailing 0x00 delimiter). */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.ceil(data.length / 254) + 1);
  let codeIndex = 0;
  let code = 1;
  let o = 1;
  for (const byte of data) {
    if (byte !== 0) {
      out[o++] = byte;
      code++;
    }
    if (byte === 0 || code === 0xff) {
      out[codeIndex] = code;
      codeIndex = o++;
      code = 1;
    }
  }
  out[codeIndex] = code;
  return out.subarray(0, o);
}

/**
 * Decodes one COBS block (the bytes between two delimiters); undefined when it is not valid
 * COBS (a 0x00 inside, or a code byte pointing past the end).
 */
export function cobsDecode(block: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(block.length);
  let o = 0;
  let i = 0;
  while (i < block.length) {
    const code = block[i]!;
    if (code === 0 || i + code > block.length) return undefined;
    for (let j = 1; j < code; j++) {
      const byte = block[i + j]!;
      if (byte === 0) return undefined;
      out[o++] = byte;
    }
    i += code;
    if (code !== 0xff && i < block.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
