// MPU-6050 raw → SI (m/s², rad/s, °C). Pure functions.
import {
  ACCEL_FULL_SCALE_G_AT_2G,
  ACCEL_LSB_PER_G_AT_2G,
  AccelRange,
  GYRO_FULL_SCALE_DPS_AT_250,
  GYRO_LSB_PER_DPS_1000,
  GYRO_LSB_PER_DPS_2000,
  GYRO_LSB_PER_DPS_250,
  GYRO_LSB_PER_DPS_500,
  GyroRange,
  TEMPERATURE_LSB_PER_C,
  TEMPERATURE_OFFSET_C,
} from "./registers";

/** Standard gravity, m/s² per g (CGPM 1901; ISO 80000-3). */
export const STANDARD_GRAVITY_MPS2: f64 = 9.80665;
const RADIANS_PER_DEGREE: f64 = Math.PI / 180;

/** LSB per g for AFS_SEL `range`: 16384, 8192, 4096, 2048. */
export function accelLsbPerG(range: i32): f64 {
  return ACCEL_LSB_PER_G_AT_2G / <f64>(1 << (range & AccelRange.G16));
}

/** LSB per °/s for FS_SEL `range`: 131, 65.5, 32.8, 16.4. */
export function gyroLsbPerDps(range: i32): f64 {
  switch (range & GyroRange.Dps2000) {
    case GyroRange.Dps250: return GYRO_LSB_PER_DPS_250;
    case GyroRange.Dps500: return GYRO_LSB_PER_DPS_500;
    case GyroRange.Dps1000: return GYRO_LSB_PER_DPS_1000;
    default: return GYRO_LSB_PER_DPS_2000;
  }
}

/** The accelerometer's full scale for AFS_SEL `range` in m/s²: ±2 g is 19.6133, ±16 g 156.9064. */
export function accelFullScaleMps2(range: i32): f64 {
  return ACCEL_FULL_SCALE_G_AT_2G * <f64>(1 << (range & AccelRange.G16)) * STANDARD_GRAVITY_MPS2;
}

/** The gyroscope's full scale for FS_SEL `range` in rad/s: ±250 °/s is 4.3633, ±2000 °/s 34.9066. */
export function gyroFullScaleRadPerS(range: i32): f64 {
  return GYRO_FULL_SCALE_DPS_AT_250 * <f64>(1 << (range & GyroRange.Dps2000)) * RADIANS_PER_DEGREE;
}

/** One accelerometer axis (signed 16-bit raw) in m/s². */
export function accelMps2FromRaw(raw: i32, range: i32): f64 {
  return (<f64>raw / accelLsbPerG(range)) * STANDARD_GRAVITY_MPS2;
}

/** One gyroscope axis (signed 16-bit raw) in rad/s. */
export function gyroRadPerSFromRaw(raw: i32, range: i32): f64 {
  return (<f64>raw / gyroLsbPerDps(range)) * RADIANS_PER_DEGREE;
}

/** TEMP_OUT (signed 16-bit raw) in °C. */
export function temperatureCFromRaw(raw: i32): f64 {
  return <f64>raw / TEMPERATURE_LSB_PER_C + TEMPERATURE_OFFSET_C;
}
