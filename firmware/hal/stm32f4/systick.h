/*
 * Real time on SysTick (PM0214 §4.5): one interrupt per millisecond counts whole milliseconds, the counter
 * gives the microseconds between them. The clocks of hal/clock.h and the app's time budget are built on it.
 */
#ifndef WASMOTE_STM32F4_SYSTICK_H
#define WASMOTE_STM32F4_SYSTICK_H

#include <stdbool.h>
#include <stdint.h>

/* Starts counting from 0 at a core clock of `core_hz` (a multiple of 1 MHz). */
void systick_init(uint32_t core_hz);

/* µs of real time since boot, not counting paused stretches: the time hal/clock.h and the time budget see. */
uint64_t systick_now_us(void);

/*
 * Whole ms of real time since boot, paused stretches included: for a timeout that runs while systick_now_us is
 * paused. The interrupt keeps the count in memory, so polling it reads no register.
 */
uint64_t systick_uptime_ms(void);

/*
 * Sleeps until the next interrupt unless `wake()` already holds; `wake` is asked with interrupts masked
 * (PM0214 §3.11.11: WFI wakes on an interrupt that became pending while masked).
 */
void systick_wait(bool (*wake)(void));

/*
 * Stops and restarts systick_now_us: the firmware-in-the-loop board stops it while the host answers a tunnelled
 * call, so waiting for the host does not run the app's time budget down. SysTick itself runs on, and
 * systick_uptime_ms with it.
 */
void systick_pause(void);
void systick_resume(void);

#endif
