// BME280 datasheet facts (Bosch BST-BME280-DS002). Sections and tables are the datasheet's.

/** §6.2: SDO to GND (0x77 with SDO to VDDIO). */
export const BME280_ADDRESS: i32 = 0x76;

/** §5.4.1: chip_id register and its value. */
export const REGISTER_CHIP_ID: i32 = 0xd0;
export const CHIP_ID: i32 = 0x60;

/** §5.4.2: writing 0xB6 to reset performs a power-on reset. */
export const REGISTER_RESET: i32 = 0xe0;
export const RESET_COMMAND: i32 = 0xb6;

/** §5.4.3: ctrl_hum, osrs_h[2:0]; only takes effect after a write to ctrl_meas. */
export const REGISTER_CTRL_HUM: i32 = 0xf2;
/** §5.4.4: status, measuring[3] and im_update[0]. */
export const REGISTER_STATUS: i32 = 0xf3;
export const STATUS_MEASURING: i32 = 0x08;
export const STATUS_IM_UPDATE: i32 = 0x01;
/** §5.4.5: ctrl_meas, osrs_t[7:5], osrs_p[4:2], mode[1:0]. */
export const REGISTER_CTRL_MEAS: i32 = 0xf4;
export const CTRL_MEAS_OSRS_T_SHIFT: i32 = 5;
export const CTRL_MEAS_OSRS_P_SHIFT: i32 = 2;
/** §3.3.3 / Table 25: forced mode (one measurement, then sleep). */
export const MODE_FORCED: i32 = 0x01;
/** Tables 20, 23, 24: oversampling ×1. */
export const OVERSAMPLING_X1: i32 = 0x01;

/** §5.4.7..§5.4.9: press_msb 0xF7 .. hum_lsb 0xFE, read in one burst (§4). */
export const REGISTER_DATA: i32 = 0xf7;
export const DATA_LENGTH: i32 = 8;
export const DATA_PRESSURE_AT: i32 = 0;
export const DATA_TEMPERATURE_AT: i32 = 3;
export const DATA_HUMIDITY_AT: i32 = 6;
/** Pressure and temperature are 20 bits: msb, lsb, xlsb[7:4]. */
export const DATA_20_BIT_SHIFT: i32 = 4;
/** §5.4.7, §5.4.8, §5.4.9: the values a skipped measurement reads as. */
export const SKIPPED_PRESSURE: i32 = 0x80000;
export const SKIPPED_TEMPERATURE: i32 = 0x80000;
export const SKIPPED_HUMIDITY: i32 = 0x8000;

/** §4.2.2 Table 16: trimming parameters, calib00..calib25 (0x88..0xA1) and calib26..calib32 (0xE1..0xE7). */
export const REGISTER_CALIBRATION_TP: i32 = 0x88;
export const CALIBRATION_TP_LENGTH: i32 = 26;
export const REGISTER_CALIBRATION_H: i32 = 0xe1;
export const CALIBRATION_H_LENGTH: i32 = 7;
// Offsets of each dig_* inside its block (Table 16). 16-bit values are little-endian.
export const DIG_T1_AT: i32 = 0; // unsigned short
export const DIG_T2_AT: i32 = 2; // signed short
export const DIG_T3_AT: i32 = 4; // signed short
export const DIG_P1_AT: i32 = 6; // unsigned short
export const DIG_P2_AT: i32 = 8; // P2..P9 signed short, consecutive
export const DIG_H1_AT: i32 = 25; // unsigned char, 0xA1
export const DIG_H2_AT: i32 = 0; // signed short, 0xE1/0xE2
export const DIG_H3_AT: i32 = 2; // unsigned char, 0xE3
export const DIG_H4_MSB_AT: i32 = 3; // 0xE4 → dig_H4[11:4]
export const DIG_H45_SHARED_AT: i32 = 4; // 0xE5: [3:0] → dig_H4[3:0], [7:4] → dig_H5[3:0]
export const DIG_H5_MSB_AT: i32 = 5; // 0xE6 → dig_H5[11:4]
export const DIG_H6_AT: i32 = 6; // signed char, 0xE7
export const NIBBLE_MASK: i32 = 0x0f;
export const NIBBLE_BITS: i32 = 4;

/** Table 1: start-up time after power-on or soft reset, max. */
export const STARTUP_TIME_MAX_US: i32 = 2_000;
/** How often and how many times init polls status.im_update after the start-up time. */
export const NVM_COPY_POLL_US: i32 = 1_000;
export const NVM_COPY_POLLS: i32 = 10;
/** §9.1: t_measure,max = 1.25 + 2.3·osrs_t + (2.3·osrs_p + 0.575) + (2.3·osrs_h + 0.575) ms = 9.3 ms at ×1. */
export const MEASUREMENT_TIME_X1_MAX_US: i32 = 9_300;

/** §1 Table 1: the operating ranges, −40..85 °C, 300..1100 hPa and 0..100 %RH (the metrics' declared ranges). */
export const OPERATING_TEMPERATURE_MIN_C: f64 = -40;
export const OPERATING_TEMPERATURE_MAX_C: f64 = 85;
export const OPERATING_PRESSURE_MIN_PA: f64 = 30_000;
export const OPERATING_PRESSURE_MAX_PA: f64 = 110_000;
export const OPERATING_HUMIDITY_MIN_PERCENT: f64 = 0;
export const OPERATING_HUMIDITY_MAX_PERCENT: f64 = 100;
