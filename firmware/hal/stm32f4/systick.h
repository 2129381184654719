/*
 * The monotonic clock on SysTick (PM0214 §4.5): one interrupt per millisecond counts whole milliseconds, the
 * counter gives the microseconds between them. Implements hal/clock.h.
 */
#ifndef WASMOTE_STM32F4_SYSTICK_H
#define WASMOTE_STM32F4_SYSTICK_H

#include <stdint.h>

/* Starts the clock at 0 from a core clock of `core_hz` (a multiple of 1 MHz). */
void systick_init(uint32_t core_hz);

#endif
