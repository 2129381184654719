// BME280 trimming parameters and Bosch's integer compensation (BST-BME280-DS002 §4.2.2, §4.2.3 / §8.2):
// BME280_compensate_T_int32 (with t_fine), BME280_compensate_P_int64, bme280_compensate_H_int32. Pure
// functions; the outputs keep the datasheet's fixed-point units, the *C/*Pa/*Percent helpers turn them into SI.
import { loadI16LE, loadU16LE, signExtend } from "../hal/bits";
import {
  DIG_H1_AT,
  DIG_H2_AT,
  DIG_H3_AT,
  DIG_H45_SHARED_AT,
  DIG_H4_MSB_AT,
  DIG_H5_MSB_AT,
  DIG_H6_AT,
  DIG_P1_AT,
  DIG_P2_AT,
  DIG_T1_AT,
  DIG_T2_AT,
  DIG_T3_AT,
  NIBBLE_BITS,
  NIBBLE_MASK,
} from "./registers";

/** Table 16, with each dig_* widened to i32 with its datasheet signedness. */
export class Bme280Calibration {
  digT1: i32 = 0; // unsigned short
  digT2: i32 = 0;
  digT3: i32 = 0;
  digP1: i32 = 0; // unsigned short
  digP2: i32 = 0;
  digP3: i32 = 0;
  digP4: i32 = 0;
  digP5: i32 = 0;
  digP6: i32 = 0;
  digP7: i32 = 0;
  digP8: i32 = 0;
  digP9: i32 = 0;
  digH1: i32 = 0; // unsigned char
  digH2: i32 = 0; // signed short
  digH3: i32 = 0; // unsigned char
  digH4: i32 = 0; // signed 12 bits
  digH5: i32 = 0; // signed 12 bits
  digH6: i32 = 0; // signed char
}

const SIGNED_CHAR_BITS = 8;
const SIGNED_12_BITS = 12;
const WORD_BYTES = 2;

/** dig_H4 = 0xE4 (signed) << 4 | 0xE5[3:0]. */
export function digH4FromBytes(e4: i32, e5: i32): i32 {
  return signExtend(((e4 & 0xff) << NIBBLE_BITS) | (e5 & NIBBLE_MASK), SIGNED_12_BITS);
}

/** dig_H5 = 0xE6 (signed) << 4 | 0xE5[7:4]. */
export function digH5FromBytes(e5: i32, e6: i32): i32 {
  return signExtend(((e6 & 0xff) << NIBBLE_BITS) | ((e5 >> NIBBLE_BITS) & NIBBLE_MASK), SIGNED_12_BITS);
}

/** Fills `out` from the two trimming blocks as read: 0x88..0xA1 at `tp`, 0xE1..0xE7 at `h`. */
export function parseCalibration(tp: usize, h: usize, out: Bme280Calibration): void {
  out.digT1 = loadU16LE(tp + DIG_T1_AT);
  out.digT2 = loadI16LE(tp + DIG_T2_AT);
  out.digT3 = loadI16LE(tp + DIG_T3_AT);
  out.digP1 = loadU16LE(tp + DIG_P1_AT);
  const p = tp + DIG_P2_AT;
  out.digP2 = loadI16LE(p);
  out.digP3 = loadI16LE(p + WORD_BYTES);
  out.digP4 = loadI16LE(p + 2 * WORD_BYTES);
  out.digP5 = loadI16LE(p + 3 * WORD_BYTES);
  out.digP6 = loadI16LE(p + 4 * WORD_BYTES);
  out.digP7 = loadI16LE(p + 5 * WORD_BYTES);
  out.digP8 = loadI16LE(p + 6 * WORD_BYTES);
  out.digP9 = loadI16LE(p + 7 * WORD_BYTES);
  out.digH1 = <i32>load<u8>(tp + DIG_H1_AT);
  out.digH2 = loadI16LE(h + DIG_H2_AT);
  out.digH3 = <i32>load<u8>(h + DIG_H3_AT);
  const shared = <i32>load<u8>(h + DIG_H45_SHARED_AT);
  out.digH4 = digH4FromBytes(load<u8>(h + DIG_H4_MSB_AT), shared);
  out.digH5 = digH5FromBytes(shared, load<u8>(h + DIG_H5_MSB_AT));
  out.digH6 = signExtend(load<u8>(h + DIG_H6_AT), SIGNED_CHAR_BITS);
}

/** BME280_compensate_T_int32's t_fine: the fine temperature the P and H formulas take. */
export function compensateTFine(adcT: i32, c: Bme280Calibration): i32 {
  const var1 = (((adcT >> 3) - (c.digT1 << 1)) * c.digT2) >> 11;
  const delta = (adcT >> 4) - c.digT1;
  const var2 = (((delta * delta) >> 12) * c.digT3) >> 14;
  return var1 + var2;
}

/** BME280_compensate_T_int32's result: temperature in 0.01 °C (5123 = 51.23 °C). */
export function temperatureCentiCFromTFine(tFine: i32): i32 {
  return (tFine * 5 + 128) >> 8;
}

/** BME280_compensate_P_int64: pressure in Pa as Q24.8 (24674867 = 96386.2 Pa); 0 when dig_P1 makes it undefined. */
export function compensatePressureQ24_8(adcP: i32, tFine: i32, c: Bme280Calibration): u32 {
  let var1 = <i64>tFine - 128000;
  let var2 = var1 * var1 * <i64>c.digP6;
  var2 = var2 + ((var1 * <i64>c.digP5) << 17);
  var2 = var2 + (<i64>c.digP4 << 35);
  var1 = ((var1 * var1 * <i64>c.digP3) >> 8) + ((var1 * <i64>c.digP2) << 12);
  var1 = (((<i64>1 << 47) + var1) * <i64>c.digP1) >> 33;
  if (var1 == 0) return 0; // the datasheet's guard against division by zero
  let p: i64 = 1048576 - <i64>adcP;
  p = (((p << 31) - var2) * 3125) / var1;
  var1 = (<i64>c.digP9 * (p >> 13) * (p >> 13)) >> 25;
  var2 = (<i64>c.digP8 * p) >> 19;
  p = ((p + var1 + var2) >> 8) + (<i64>c.digP7 << 4);
  return <u32>p;
}

/** bme280_compensate_H_int32: relative humidity as Q22.10 (47445 = 46.333 %RH), clamped to 0..100 %RH. */
export function compensateHumidityQ22_10(adcH: i32, tFine: i32, c: Bme280Calibration): u32 {
  let v = tFine - 76800;
  v =
    ((((adcH << 14) - (c.digH4 << 20) - c.digH5 * v) + 16384) >> 15) *
    (((((((v * c.digH6) >> 10) * (((v * c.digH3) >> 11) + 32768)) >> 10) + 2097152) * c.digH2 + 8192) >> 14);
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.digH1) >> 4);
  v = v < 0 ? 0 : v;
  v = v > 419430400 ? 419430400 : v;
  return <u32>(v >> 12);
}

const CENTI: f64 = 100;
const Q8_ONE: f64 = 256;
const Q10_ONE: f64 = 1024;

export function temperatureCFromCentiC(centiC: i32): f64 {
  return <f64>centiC / CENTI;
}

export function pressurePaFromQ24_8(q24_8: u32): f64 {
  return <f64>q24_8 / Q8_ONE;
}

export function humidityPercentFromQ22_10(q22_10: u32): f64 {
  return <f64>q22_10 / Q10_ONE;
}
