/*
 * Register-style helpers over the C HAL's I2C transactions (hal/imports.h), as drivers/hal/i2c.ts is over the
 * HAL imports: the bytes a helper sends are staged in the node's one transmit buffer, received bytes land in the
 * driver's own buffer, both inside the node's memory (memory.h).
 */
#ifndef WASMOTE_BENCH_NODE_I2C_H
#define WASMOTE_BENCH_NODE_I2C_H

#include <stdint.h>

#include "../../hal/status.h"

/* A register and up to two data bytes. */
#define NODE_I2C_TX_BYTES 3

/* One transaction: START, `reg`, `value`, STOP. */
hal_status_t node_i2c_write_register8(int32_t address, uint8_t reg, uint8_t value);

/* One transaction: START, `reg`, then `value` most significant byte first, STOP. */
hal_status_t node_i2c_write_register16_be(int32_t address, uint8_t reg, uint16_t value);

/* One transaction: START, `reg`, repeated START, `length` bytes into `destination`, STOP. */
hal_status_t node_i2c_read_registers(int32_t address, uint8_t reg, uint8_t *destination, int32_t length);

/* One transaction: START, a 16-bit command most significant byte first, STOP (Sensirion-style commands). */
hal_status_t node_i2c_write_command16(int32_t address, uint16_t command);

/* One transaction: START, `length` bytes into `destination`, STOP. */
hal_status_t node_i2c_read_bytes(int32_t address, uint8_t *destination, int32_t length);

#endif
