/* The app's linear memory as the HAL imports see it (docs/hal-abi.md §3, pointer checks). */
#ifndef WASMOTE_HAL_APP_MEMORY_H
#define WASMOTE_HAL_APP_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint8_t *data;
  /* Bytes the app may address: accesses at or past `size` trap (docs/firmware.md, "Memory below one page"). */
  uint32_t size;
} app_memory_t;

/* §3: `ptr + len <= memory.byteLength`, computed without overflow. */
static inline bool app_memory_holds(const app_memory_t *memory, uint32_t ptr, uint32_t length) {
  return (uint64_t)ptr + length <= memory->size;
}

#endif
