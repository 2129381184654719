/*
 * A canned MPU-6050 (RM-MPU-6000A-00, PS-MPU-6000A-00): 8-bit registers written and read in bursts from the
 * register given first (PS §9.3), at their reset values (RM §3) but for a reading of a board lying flat and
 * turning slowly: about 1 g on Z at ±4 g, a few °/s at ±500 °/s, 32.53 °C.
 */
#include "responder.h"

#include "../node/bits.h"

#define REGISTERS 128
/* RM §4.17..§4.19, §4.28, §4.32 */
#define REGISTER_ACCEL_XOUT_H 0x3B
#define REGISTER_ACCEL_YOUT_H 0x3D
#define REGISTER_ACCEL_ZOUT_H 0x3F
#define REGISTER_TEMP_OUT_H 0x41
#define REGISTER_GYRO_XOUT_H 0x43
#define REGISTER_GYRO_YOUT_H 0x45
#define REGISTER_GYRO_ZOUT_H 0x47
#define REGISTER_PWR_MGMT_1 0x6B
#define REGISTER_WHO_AM_I 0x75
/* RM §3: the reset values other than 0x00. */
#define PWR_MGMT_1_RESET 0x40
#define WHO_AM_I_VALUE 0x68
/* PS §6.2 at ±4 g: 8192 LSB/g. PS §6.1 at ±500 °/s: 65.5 LSB per °/s. RM §4.18: TEMP_OUT / 340 + 36.53 °C. */
#define ACCEL_X_RAW 410
#define ACCEL_Y_RAW (-205)
#define ACCEL_Z_RAW 8192
#define TEMPERATURE_RAW (-1360)
#define GYRO_X_RAW 131
#define GYRO_Y_RAW (-66)
#define GYRO_Z_RAW 33

#define BE16(at, value) [(at)] = (uint8_t)((uint16_t)(value) >> BITS_PER_BYTE), [(at) + 1] = (uint8_t)(value)

static uint8_t registers[REGISTERS] = {
    BE16(REGISTER_ACCEL_XOUT_H, ACCEL_X_RAW),
    BE16(REGISTER_ACCEL_YOUT_H, ACCEL_Y_RAW),
    BE16(REGISTER_ACCEL_ZOUT_H, ACCEL_Z_RAW),
    BE16(REGISTER_TEMP_OUT_H, TEMPERATURE_RAW),
    BE16(REGISTER_GYRO_XOUT_H, GYRO_X_RAW),
    BE16(REGISTER_GYRO_YOUT_H, GYRO_Y_RAW),
    BE16(REGISTER_GYRO_ZOUT_H, GYRO_Z_RAW),
    [REGISTER_PWR_MGMT_1] = PWR_MGMT_1_RESET,
    [REGISTER_WHO_AM_I] = WHO_AM_I_VALUE,
};
static uint8_t pointer;

hal_status_t responder_mpu6050(const uint8_t *write, size_t write_length, uint8_t *read, size_t read_length) {
  if (write_length > 0) pointer = write[0];
  for (size_t i = 1; i < write_length; i++) registers[pointer++ % REGISTERS] = write[i];
  for (size_t i = 0; i < read_length; i++) read[i] = registers[pointer++ % REGISTERS];
  return HAL_OK;
}
