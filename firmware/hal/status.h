/* Status codes every HAL import returns across the Wasm boundary (docs/hal-abi.md §3). */
#ifndef WASMOTE_HAL_STATUS_H
#define WASMOTE_HAL_STATUS_H

typedef enum {
  HAL_OK = 0,
  HAL_NACK_ADDRESS = 1,
  HAL_NACK_DATA = 2,
  HAL_BUS_ERROR = 3,
  HAL_TIMEOUT = 4,
  HAL_BAD_ARGUMENT = 5,
  HAL_UNSUPPORTED = 6,
} hal_status_t;

#endif
