/*
 * The monotonic clock (docs/hal-abi.md §4.4): µs since boot, never going back. Boards on real hardware count
 * real time (stm32f4/realtime/clock.c); the firmware-in-the-loop board counts device time the way the simulator
 * does (proxy/virtual_clock.c).
 */
#ifndef WASMOTE_HAL_CLOCK_H
#define WASMOTE_HAL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define US_PER_MS 1000u

uint64_t clock_now_us(void);

/* Once at boot, before the first frame goes out: the firmware-in-the-loop board tells the host (proxy/gate.h). */
void clock_boot(void);

/* Waits `us` microseconds without sleeping (delay_us: the app's timing needs it to be exact). */
void clock_delay_us(uint32_t us);

/*
 * Sleeps until the clock reaches `deadline_us` or `wake()` returns true, or at least until the next interrupt:
 * callers loop. `wake` is asked with interrupts masked, so an interrupt that makes it true cannot slip in
 * between the question and the sleep.
 */
void clock_sleep_until(uint64_t deadline_us, bool (*wake)(void));

#endif
