/*
 * MPU-6050 (register map RM-MPU-6000A-00, product specification PS-MPU-6000A-00) in plain C, as
 * drivers/mpu6050/driver.ts: WHO_AM_I check, wake with the PLL clock, full-scale ranges, one 14-byte burst per reading.
 */
#ifndef WASMOTE_BENCH_NODE_MPU6050_H
#define WASMOTE_BENCH_NODE_MPU6050_H

#include <stdint.h>

/* RM §4.17..§4.19: ACCEL_XOUT_H (0x3B) .. GYRO_ZOUT_L (0x48). */
#define MPU6050_DATA_BYTES 14

/* AFS_SEL (RM §4.5) and FS_SEL (RM §4.4). */
typedef enum { MPU6050_ACCEL_2G, MPU6050_ACCEL_4G, MPU6050_ACCEL_8G, MPU6050_ACCEL_16G } mpu6050_accel_range_t;
typedef enum {
  MPU6050_GYRO_250_DPS,
  MPU6050_GYRO_500_DPS,
  MPU6050_GYRO_1000_DPS,
  MPU6050_GYRO_2000_DPS,
} mpu6050_gyro_range_t;

typedef struct {
  int32_t address;
  mpu6050_accel_range_t accel_range;
  mpu6050_gyro_range_t gyro_range;
  /* The last values read successfully. */
  double accel_x_mps2;
  double accel_y_mps2;
  double accel_z_mps2;
  double gyro_x_rad_per_s;
  double gyro_y_rad_per_s;
  double gyro_z_rad_per_s;
  double temperature_c;
  uint8_t data[MPU6050_DATA_BYTES];
} mpu6050_t;

void mpu6050_setup(mpu6050_t *chip, mpu6050_accel_range_t accel_range, mpu6050_gyro_range_t gyro_range);

/* Reads WHO_AM_I (RM §4.32): OK for 0x68, WRONG_IDENTITY otherwise, or the bus status. */
int32_t mpu6050_probe(mpu6050_t *chip);

/* Probe, wake (PWR_MGMT_1: CLKSEL = PLL with X gyro, SLEEP = 0), then both full-scale ranges. */
int32_t mpu6050_init(mpu6050_t *chip);

/* Checks the chip is still awake (CHIP_RESET if not, RM §4.28), then burst-reads and converts every axis. */
int32_t mpu6050_read(mpu6050_t *chip);

#endif
