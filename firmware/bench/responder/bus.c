#include "responder.h"

#include "../node/bits.h"
#include "../tick/tap.h"

/* The chips' default addresses: SBOS397 §6.3.4, SHT3x-DIS Table 7, BST-BME280-DS002 §6.2, PS-MPU-6000A §9.2. */
#define TMP102_ADDRESS 0x48
#define SHT31_ADDRESS 0x44
#define BME280_ADDRESS 0x76
#define MPU6050_ADDRESS 0x68

hal_status_t __wrap_board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                       size_t read_length) {
  /* One word for the transaction: the address and both lengths, a byte each (the HAL allows 1..255). */
  tap_fold((uint32_t)address | (uint32_t)write_length << BITS_PER_BYTE | (uint32_t)read_length << (2 * BITS_PER_BYTE));
  for (size_t i = 0; i < write_length; i++) tap_fold(write[i]);
  switch (address) {
    case TMP102_ADDRESS: return responder_tmp102(write, write_length, read, read_length);
    case SHT31_ADDRESS: return responder_sht31(write, write_length, read, read_length);
    case BME280_ADDRESS: return responder_bme280(write, write_length, read, read_length);
    case MPU6050_ADDRESS: return responder_mpu6050(write, write_length, read, read_length);
    default: return HAL_NACK_ADDRESS;
  }
}
