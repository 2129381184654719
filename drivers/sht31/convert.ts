// SHT3x raw → SI (°C, %RH) and the CRC that guards every word (SHT3x-DIS §4.12, §4.13). Pure functions.
import {
  CRC_INIT,
  CRC_POLYNOMIAL,
  HUMIDITY_SPAN_PERCENT,
  RAW_FULL_SCALE,
  TEMPERATURE_OFFSET_C,
  TEMPERATURE_SPAN_C,
} from "./registers";

const BITS_PER_BYTE = 8;
const BYTE_MASK = 0xff;
const TOP_BIT = 0x80;

/** CRC-8 of one 16-bit word sent most significant byte first, as the sensor sends it (§4.12; 0xBEEF → 0x92). */
export function crc8Word(word: i32): i32 {
  let crc = CRC_INIT;
  for (let shift = BITS_PER_BYTE; shift >= 0; shift -= BITS_PER_BYTE) {
    crc ^= (word >> shift) & BYTE_MASK;
    for (let bit = 0; bit < BITS_PER_BYTE; bit++) {
      crc = (crc & TOP_BIT) != 0 ? ((crc << 1) ^ CRC_POLYNOMIAL) & BYTE_MASK : (crc << 1) & BYTE_MASK;
    }
  }
  return crc;
}

/** §4.13: raw 0 → −45 °C, 0xFFFF → 130 °C. */
export function temperatureCFromRaw(raw: i32): f64 {
  return TEMPERATURE_OFFSET_C + (TEMPERATURE_SPAN_C * <f64>raw) / RAW_FULL_SCALE;
}

/** §4.13: raw 0 → 0 %RH, 0xFFFF → 100 %RH. */
export function humidityPercentFromRaw(raw: i32): f64 {
  return (HUMIDITY_SPAN_PERCENT * <f64>raw) / RAW_FULL_SCALE;
}
