/*
 * The node's memory: one block holding every buffer a HAL call points into, which the C HAL checks pointers
 * against as it checks an app's linear memory (hal/app_memory.h, docs/hal-abi.md §3). So the node goes through
 * the same C HAL functions, with the same checks, as the app's imports do. The drivers' state lives beside their
 * buffers, as an AssemblyScript driver's fields live in linear memory.
 */
#ifndef WASMOTE_BENCH_NODE_MEMORY_H
#define WASMOTE_BENCH_NODE_MEMORY_H

#include <stdint.h>

#include "../../hal/app_memory.h"
#include "bme280.h"
#include "i2c.h"
#include "log.h"
#include "mpu6050.h"
#include "sht31.h"
#include "telemetry.h"
#include "tmp102.h"

typedef struct {
  uint8_t i2c_tx[NODE_I2C_TX_BYTES];
  char log_text[NODE_LOG_TEXT_BYTES];
  char metric_name[NODE_METRIC_NAME_BYTES];
  char metric_unit[NODE_METRIC_UNIT_BYTES];
  tmp102_t tmp102;
  sht31_t sht31;
  bme280_t bme280;
  mpu6050_t mpu6050;
} node_ram_t;

extern node_ram_t node_ram;
extern const app_memory_t node_memory;

/* `bytes` as a HAL call takes it: its offset in the node's memory. */
static inline uint32_t node_ptr(const void *bytes) {
  return (uint32_t)((const uint8_t *)bytes - (const uint8_t *)&node_ram);
}

#endif
