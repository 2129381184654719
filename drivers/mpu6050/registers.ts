// MPU-6050 facts: register map RM-MPU-6000A-00 rev. 4.2 and product specification PS-MPU-6000A-00 rev. 3.4.
// Sections are those documents'.

/** PS §9.2 / RM §4.32: AD0 low (0x69 with AD0 high). */
export const MPU6050_ADDRESS: i32 = 0x68;

/** RM §4.32: WHO_AM_I holds bits 6:1 of the address; reads 0x68 whatever AD0 is. */
export const REGISTER_WHO_AM_I: i32 = 0x75;
export const WHO_AM_I_VALUE: i32 = 0x68;

/** RM §4.28: PWR_MGMT_1. SLEEP (bit 6) is set at power-on; CLKSEL[2:0] = 1 selects the PLL with the X gyro reference. */
export const REGISTER_PWR_MGMT_1: i32 = 0x6b;
export const PWR_MGMT_1_SLEEP: i32 = 0x40;
export const CLKSEL_PLL_X_GYRO: i32 = 0x01;

/** RM §4.4: GYRO_CONFIG, FS_SEL[4:3]. RM §4.5: ACCEL_CONFIG, AFS_SEL[4:3]. */
export const REGISTER_GYRO_CONFIG: i32 = 0x1b;
export const REGISTER_ACCEL_CONFIG: i32 = 0x1c;
export const FULL_SCALE_SHIFT: i32 = 3;

/** RM §4.17..§4.19: ACCEL_XOUT_H (0x3B) .. GYRO_ZOUT_L (0x48), 16-bit two's complement, big-endian. */
export const REGISTER_ACCEL_XOUT_H: i32 = 0x3b;
export const DATA_LENGTH: i32 = 14;
export const ACCEL_X_AT: i32 = 0;
export const ACCEL_Y_AT: i32 = 2;
export const ACCEL_Z_AT: i32 = 4;
export const TEMPERATURE_AT: i32 = 6;
export const GYRO_X_AT: i32 = 8;
export const GYRO_Y_AT: i32 = 10;
export const GYRO_Z_AT: i32 = 12;

/** AFS_SEL: accelerometer full scale (RM §4.5). */
export enum AccelRange {
  G2 = 0,
  G4 = 1,
  G8 = 2,
  G16 = 3,
}

/** FS_SEL: gyroscope full scale (RM §4.4). */
export enum GyroRange {
  Dps250 = 0,
  Dps500 = 1,
  Dps1000 = 2,
  Dps2000 = 3,
}

/** PS §6.2: accelerometer full-scale range at AFS_SEL = 0, ±2 g, doubling with each step (±4, ±8, ±16 g). */
export const ACCEL_FULL_SCALE_G_AT_2G: f64 = 2;
/** PS §6.1: gyroscope full-scale range at FS_SEL = 0, ±250 °/s, doubling with each step (±500, ±1000, ±2000 °/s). */
export const GYRO_FULL_SCALE_DPS_AT_250: f64 = 250;
/** PS §6.4: the temperature sensor's range, −40..85 °C. */
export const TEMPERATURE_RANGE_MIN_C: f64 = -40;
export const TEMPERATURE_RANGE_MAX_C: f64 = 85;

/** PS §6.2: accelerometer sensitivity at AFS_SEL = 0, halving with each step (16384, 8192, 4096, 2048 LSB/g). */
export const ACCEL_LSB_PER_G_AT_2G: f64 = 16384;
/** PS §6.1: gyroscope sensitivity per FS_SEL, LSB per °/s (not exact halvings: the datasheet rounds). */
export const GYRO_LSB_PER_DPS_250: f64 = 131;
export const GYRO_LSB_PER_DPS_500: f64 = 65.5;
export const GYRO_LSB_PER_DPS_1000: f64 = 32.8;
export const GYRO_LSB_PER_DPS_2000: f64 = 16.4;
/** RM §4.18: temperature in °C = TEMP_OUT / 340 + 36.53. */
export const TEMPERATURE_LSB_PER_C: f64 = 340;
export const TEMPERATURE_OFFSET_C: f64 = 36.53;
