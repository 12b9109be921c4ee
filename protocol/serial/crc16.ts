/**
 * CRC-16/CCITT-FALSE (also catalogued as CRC-16/IBM-3740): width 16, polynomial 0x1021,
 * initial value 0xFFFF, input and output not reflected, no final XOR. Check value: the CRC of
 * the ASCII bytes "123456789" is 0x29B1. Table-driven, one byte per step.
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

/** CRC-16/CCITT-FALSE of `bytes[start, end)`. */
export function crc16CcittFalse(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}
