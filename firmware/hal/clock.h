/*
 * The monotonic clock (docs/hal-abi.md §4.4): µs since boot, never going back. On the STM32F4 it counts SysTick
 * interrupts and reads the counter between them (hal/stm32f4/systick.c).
 */
#ifndef WASMOTE_HAL_CLOCK_H
#define WASMOTE_HAL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define US_PER_MS 1000u

uint64_t clock_now_us(void);

/* Waits `us` microseconds without sleeping (delay_us: the app's timing needs it to be exact). */
void clock_delay_us(uint32_t us);

/*
 * Sleeps until the clock reaches `deadline_us` or `wake()` returns true, whichever comes first. `wake` is asked
 * with interrupts masked, so an interrupt that makes it true cannot slip in before the sleep.
 */
void clock_sleep_until(uint64_t deadline_us, bool (*wake)(void));

/*
 * Stops and restarts the clock. The firmware-in-the-loop board stops it while the host answers a tunnelled
 * peripheral call, so those calls take no device time, as in the simulator (docs/firmware.md).
 */
void clock_pause(void);
void clock_resume(void);

#endif
