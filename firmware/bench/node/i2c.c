#include "i2c.h"

#include "../../hal/imports.h"
#include "bits.h"
#include "memory.h"

#define REGISTER_BYTES 1
#define BYTE_WRITE_BYTES 2
#define WORD_WRITE_BYTES 3
#define COMMAND_BYTES 2

hal_status_t node_i2c_write_register8(int32_t address, uint8_t reg, uint8_t value) {
  uint8_t *tx = node_ram.i2c_tx;
  tx[0] = reg;
  tx[1] = value;
  return hal_i2c_write(&node_memory, address, node_ptr(tx), BYTE_WRITE_BYTES);
}

hal_status_t node_i2c_write_register16_be(int32_t address, uint8_t reg, uint16_t value) {
  uint8_t *tx = node_ram.i2c_tx;
  tx[0] = reg;
  tx[1] = (uint8_t)(value >> BITS_PER_BYTE);
  tx[2] = (uint8_t)value;
  return hal_i2c_write(&node_memory, address, node_ptr(tx), WORD_WRITE_BYTES);
}

hal_status_t node_i2c_read_registers(int32_t address, uint8_t reg, uint8_t *destination, int32_t length) {
  uint8_t *tx = node_ram.i2c_tx;
  tx[0] = reg;
  return hal_i2c_write_read(&node_memory, address, node_ptr(tx), REGISTER_BYTES, node_ptr(destination), length);
}

hal_status_t node_i2c_write_command16(int32_t address, uint16_t command) {
  uint8_t *tx = node_ram.i2c_tx;
  tx[0] = (uint8_t)(command >> BITS_PER_BYTE);
  tx[1] = (uint8_t)command;
  return hal_i2c_write(&node_memory, address, node_ptr(tx), COMMAND_BYTES);
}

hal_status_t node_i2c_read_bytes(int32_t address, uint8_t *destination, int32_t length) {
  return hal_i2c_read(&node_memory, address, node_ptr(destination), length);
}
