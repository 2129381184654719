// TMP102 datasheet facts (TI SBOS397, rev. I). Sections are the datasheet's.

/** §6.3.4: address with A0 tied to GND (0x49 V+, 0x4A SDA, 0x4B SCL). */
export const TMP102_ADDRESS: i32 = 0x48;

/** §6.5.1 pointer register: P1:P0 selects the register the next read returns. */
export const POINTER_TEMPERATURE: i32 = 0x00;
export const POINTER_CONFIGURATION: i32 = 0x01;
export const POINTER_T_LOW: i32 = 0x02;
export const POINTER_T_HIGH: i32 = 0x03;

/** Every register is 16 bits, read and written most significant byte first (§6.3.5). */
export const REGISTER_LENGTH: i32 = 2;

// §6.5.2 temperature register: two's complement, left-justified in 16 bits, 0.0625 °C per LSB.
/** D0 of byte 2 tells the format: 0 normal (12-bit), 1 extended (13-bit, EM = 1). */
export const TEMPERATURE_EXTENDED_FLAG: i32 = 0x0001;
export const TEMPERATURE_BITS_NORMAL: i32 = 12;
export const TEMPERATURE_SHIFT_NORMAL: i32 = 4;
export const TEMPERATURE_BITS_EXTENDED: i32 = 13;
export const TEMPERATURE_SHIFT_EXTENDED: i32 = 3;
export const CELSIUS_PER_LSB: f64 = 0.0625;

// §6.5.3 configuration register (D15 = byte 1 bit 7 .. D0).
/** R1:R0 (D14:D13), read-only converter resolution: always 11. The TMP102 has no ID register; this is the probe. */
export const CONFIG_RESOLUTION_MASK: i32 = 0x6000;
export const CONFIG_RESOLUTION_12_BIT: i32 = 0x6000;
/** D3:D0 are not used and read 0. */
export const CONFIG_UNUSED_MASK: i32 = 0x000f;
/** EM (D4): extended 13-bit mode. */
export const CONFIG_EXTENDED_MODE: i32 = 0x0010;
/**
 * The power-up value 0x60A0 (§6.5.3): continuous conversion at 4 Hz (CR1:CR0 = 10), normal 12-bit mode,
 * comparator mode. R1:R0 and AL are read-only and ignore writes.
 */
export const CONFIG_POWER_UP: i32 = 0x60a0;

/** §5.5: conversion time 26 ms typical, 35 ms max; after power-up the register reads 0 °C until then. */
export const CONVERSION_TIME_MAX_US: i32 = 35_000;

/** Features: the specified temperature range, −40 °C to +125 °C (what sensor-node declares as the metric's range). */
export const SPECIFIED_MIN_C: f64 = -40;
export const SPECIFIED_MAX_C: f64 = 125;
