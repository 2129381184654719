// SHT3x-DIS datasheet facts (Sensirion, version 5, May 2018). Sections and tables are the datasheet's.

/** §3.3 Table 7: ADDR pin low (0x45 with ADDR high). */
export const SHT31_ADDRESS: i32 = 0x44;

/** §4.3 Table 9: single shot, high repeatability, clock stretching disabled (the sensor NACKs its address until done). */
export const COMMAND_MEASURE_HIGH_NO_STRETCH: i32 = 0x2400;
/** §4.9 Table 13: soft reset. */
export const COMMAND_SOFT_RESET: i32 = 0x30a2;
/** §4.11 Table 16: read out the status register (2 bytes + CRC). */
export const COMMAND_READ_STATUS: i32 = 0xf32d;

/** §2.2 Table 4: max measurement duration at high repeatability. */
export const MEASUREMENT_TIME_HIGH_MAX_US: i32 = 15_000;
/** §2.2 Table 4: soft reset time t_SR, max (also covers the 1 ms idle needed between commands, §4). */
export const SOFT_RESET_TIME_MAX_US: i32 = 1_500;

/** §4.4: a measurement is T msb, T lsb, T crc, RH msb, RH lsb, RH crc; each word is followed by its CRC. */
export const WORD_WITH_CRC_LENGTH: i32 = 3;
export const MEASUREMENT_LENGTH: i32 = 6;
export const TEMPERATURE_WORD_AT: i32 = 0;
export const HUMIDITY_WORD_AT: i32 = 3;
export const CRC_AT: i32 = 2;

/** §4.12 Table 19: CRC-8, polynomial x^8 + x^5 + x^4 + 1, init 0xFF, no reflection, no final XOR. */
export const CRC_POLYNOMIAL: i32 = 0x31;
export const CRC_INIT: i32 = 0xff;

/** §4.13: T = -45 + 175 · S_T / (2^16 - 1) °C, RH = 100 · S_RH / (2^16 - 1) %RH. */
export const TEMPERATURE_OFFSET_C: f64 = -45;
export const TEMPERATURE_SPAN_C: f64 = 175;
export const HUMIDITY_SPAN_PERCENT: f64 = 100;
export const RAW_FULL_SCALE: f64 = 65535;

/** §1 Tables 1 and 2: the specified ranges, 0..100 %RH and −40..125 °C (the metrics' declared ranges). */
export const SPECIFIED_HUMIDITY_MIN_PERCENT: f64 = 0;
export const SPECIFIED_HUMIDITY_MAX_PERCENT: f64 = 100;
export const SPECIFIED_TEMPERATURE_MIN_C: f64 = -40;
export const SPECIFIED_TEMPERATURE_MAX_C: f64 = 125;
