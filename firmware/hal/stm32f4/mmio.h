/* Memory-mapped registers: a 32-bit register at an absolute address. */
#ifndef WASMOTE_STM32F4_MMIO_H
#define WASMOTE_STM32F4_MMIO_H

#include <stdint.h>

#define MMIO32(address) (*(volatile uint32_t *)(uintptr_t)(address))

#endif
