/*
 * The node's status codes: the HAL's (hal/status.h), passed on unchanged, and from 100 up the drivers' own for
 * faults the bus cannot see, numbered as drivers/hal/status.ts numbers them.
 */
#ifndef WASMOTE_BENCH_NODE_STATUS_H
#define WASMOTE_BENCH_NODE_STATUS_H

#include <stdint.h>

#include "../../hal/status.h"

typedef enum {
  /* A CRC over received data did not match (SHT3x §4.12); the data was discarded. */
  NODE_CRC = 100,
  /* The device at the address is not the expected chip. */
  NODE_WRONG_IDENTITY = 101,
  /* The chip gave no usable measurement. */
  NODE_NO_DATA = 102,
  /* The chip is back at its power-on state since init. */
  NODE_CHIP_RESET = 103,
} node_status_t;

/* The short lowercase name drivers/hal/status.ts's statusName() gives. */
const char *node_status_name(int32_t status);

#endif
