/**
 * CRC-32/ISO-HDLC, the zlib/Ethernet CRC-32 (docs/link-protocol.md §3.2), table-driven one byte at a time.
 * The firmware's C codec implements the same table; check value of ASCII "123456789" is 0xCBF43926.
 */

/** The generator polynomial 0x04C11DB7, bit-reversed because the CRC is computed LSB-first (reflected). */
const POLYNOMIAL_REFLECTED = 0xedb88320;
const INITIAL_VALUE = 0xffffffff;
const FINAL_XOR = 0xffffffff;

const table = buildTable();

function buildTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let remainder = byte;
    for (let bit = 0; bit < 8; bit++) {
      remainder = remainder & 1 ? (remainder >>> 1) ^ POLYNOMIAL_REFLECTED : remainder >>> 1;
    }
    entries[byte] = remainder;
  }
  return entries;
}

/** The CRC of `bytes[start, end)` as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = INITIAL_VALUE;
  for (let i = start; i < end; i++) {
    crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ FINAL_XOR) >>> 0;
}
