#include "mpu6050.h"

#include "../../hal/imports.h"
#include "bits.h"
#include "i2c.h"
#include "status.h"

/* PS §9.2 / RM §4.32: AD0 low. */
#define MPU6050_ADDRESS 0x68
/* RM §4.32: WHO_AM_I reads 0x68 whatever AD0 is. */
#define REGISTER_WHO_AM_I 0x75
#define WHO_AM_I_VALUE 0x68
/* RM §4.28: PWR_MGMT_1, SLEEP (bit 6) set at power-on; CLKSEL = 1 is the PLL with the X gyro reference. */
#define REGISTER_PWR_MGMT_1 0x6B
#define PWR_MGMT_1_SLEEP 0x40
#define CLKSEL_PLL_X_GYRO 0x01
/* RM §4.4 GYRO_CONFIG FS_SEL[4:3], RM §4.5 ACCEL_CONFIG AFS_SEL[4:3]. */
#define REGISTER_GYRO_CONFIG 0x1B
#define REGISTER_ACCEL_CONFIG 0x1C
#define FULL_SCALE_SHIFT 3
/* RM §4.17..§4.19: the burst, 16-bit two's complement, big-endian. */
#define REGISTER_ACCEL_XOUT_H 0x3B
#define ACCEL_X_AT 0
#define ACCEL_Y_AT 2
#define ACCEL_Z_AT 4
#define TEMPERATURE_AT 6
#define GYRO_X_AT 8
#define GYRO_Y_AT 10
#define GYRO_Z_AT 12
/* PS §6.2: accelerometer sensitivity at AFS_SEL = 0, halving with each step. */
#define ACCEL_LSB_PER_G_AT_2G 16384.0
/* PS §6.1: gyroscope sensitivity per FS_SEL, LSB per °/s. */
#define GYRO_LSB_PER_DPS_250 131.0
#define GYRO_LSB_PER_DPS_500 65.5
#define GYRO_LSB_PER_DPS_1000 32.8
#define GYRO_LSB_PER_DPS_2000 16.4
/* RM §4.18: °C = TEMP_OUT / 340 + 36.53. */
#define TEMPERATURE_LSB_PER_C 340.0
#define TEMPERATURE_OFFSET_C 36.53
/* Standard gravity, m/s² per g (CGPM 1901; ISO 80000-3). */
#define STANDARD_GRAVITY_MPS2 9.80665
#define PI 3.141592653589793
#define RADIANS_PER_DEGREE (PI / 180.0)

static double accel_lsb_per_g(int32_t range) {
  return ACCEL_LSB_PER_G_AT_2G / (double)(1 << (range & MPU6050_ACCEL_16G));
}

static double gyro_lsb_per_dps(int32_t range) {
  switch (range & MPU6050_GYRO_2000_DPS) {
    case MPU6050_GYRO_250_DPS: return GYRO_LSB_PER_DPS_250;
    case MPU6050_GYRO_500_DPS: return GYRO_LSB_PER_DPS_500;
    case MPU6050_GYRO_1000_DPS: return GYRO_LSB_PER_DPS_1000;
    default: return GYRO_LSB_PER_DPS_2000;
  }
}

static double accel_mps2_from_raw(int32_t raw, int32_t range) {
  return ((double)raw / accel_lsb_per_g(range)) * STANDARD_GRAVITY_MPS2;
}

static double gyro_rad_per_s_from_raw(int32_t raw, int32_t range) {
  return ((double)raw / gyro_lsb_per_dps(range)) * RADIANS_PER_DEGREE;
}

static double temperature_c_from_raw(int32_t raw) {
  return (double)raw / TEMPERATURE_LSB_PER_C + TEMPERATURE_OFFSET_C;
}

void mpu6050_setup(mpu6050_t *chip, mpu6050_accel_range_t accel_range, mpu6050_gyro_range_t gyro_range) {
  *chip = (mpu6050_t){.address = MPU6050_ADDRESS, .accel_range = accel_range, .gyro_range = gyro_range};
}

int32_t mpu6050_probe(mpu6050_t *chip) {
  hal_status_t status = node_i2c_read_registers(chip->address, REGISTER_WHO_AM_I, chip->data, 1);
  if (status != HAL_OK) return status;
  return chip->data[0] == WHO_AM_I_VALUE ? HAL_OK : NODE_WRONG_IDENTITY;
}

int32_t mpu6050_init(mpu6050_t *chip) {
  int32_t status = mpu6050_probe(chip);
  if (status != HAL_OK) return status;
  status = node_i2c_write_register8(chip->address, REGISTER_PWR_MGMT_1, CLKSEL_PLL_X_GYRO);
  if (status != HAL_OK) return status;
  status = node_i2c_write_register8(chip->address, REGISTER_GYRO_CONFIG,
                                    (uint8_t)(chip->gyro_range << FULL_SCALE_SHIFT));
  if (status != HAL_OK) return status;
  return node_i2c_write_register8(chip->address, REGISTER_ACCEL_CONFIG,
                                  (uint8_t)(chip->accel_range << FULL_SCALE_SHIFT));
}

int32_t mpu6050_read(mpu6050_t *chip) {
  hal_status_t status = node_i2c_read_registers(chip->address, REGISTER_PWR_MGMT_1, chip->data, 1);
  if (status != HAL_OK) return status;
  if ((chip->data[0] & PWR_MGMT_1_SLEEP) != 0) return NODE_CHIP_RESET;
  status = node_i2c_read_registers(chip->address, REGISTER_ACCEL_XOUT_H, chip->data, MPU6050_DATA_BYTES);
  if (status != HAL_OK) return status;
  int32_t accel_range = chip->accel_range;
  int32_t gyro_range = chip->gyro_range;
  chip->accel_x_mps2 = accel_mps2_from_raw(load_i16_be(chip->data + ACCEL_X_AT), accel_range);
  chip->accel_y_mps2 = accel_mps2_from_raw(load_i16_be(chip->data + ACCEL_Y_AT), accel_range);
  chip->accel_z_mps2 = accel_mps2_from_raw(load_i16_be(chip->data + ACCEL_Z_AT), accel_range);
  chip->temperature_c = temperature_c_from_raw(load_i16_be(chip->data + TEMPERATURE_AT));
  chip->gyro_x_rad_per_s = gyro_rad_per_s_from_raw(load_i16_be(chip->data + GYRO_X_AT), gyro_range);
  chip->gyro_y_rad_per_s = gyro_rad_per_s_from_raw(load_i16_be(chip->data + GYRO_Y_AT), gyro_range);
  chip->gyro_z_rad_per_s = gyro_rad_per_s_from_raw(load_i16_be(chip->data + GYRO_Z_AT), gyro_range);
  return HAL_OK;
}
