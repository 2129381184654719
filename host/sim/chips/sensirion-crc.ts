/**
 * The CRC-8 Sensirion puts after every 16-bit word on the wire (SHT3x-DIS datasheet §4.12, Table 20):
 * polynomial 0x31 (x⁸ + x⁵ + x⁴ + 1), initialisation 0xFF, no reflection, no final XOR. CRC(0xBEEF) = 0x92.
 */

const CRC8_POLYNOMIAL = 0x31;
const CRC8_INIT = 0xff;
const CRC8_TOP_BIT = 0x80;

/** The CRC-8 of `bytes` (normally the two bytes of one word). */
export function sensirionCrc8(bytes: ArrayLike<number>): number {
  let crc = CRC8_INIT;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]! & 0xff;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & CRC8_TOP_BIT ? ((crc << 1) ^ CRC8_POLYNOMIAL) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

/** The CRC-8 of one 16-bit word sent MSB first. */
export function sensirionCrc8Word(word: number): number {
  return sensirionCrc8([(word >>> 8) & 0xff, word & 0xff]);
}
