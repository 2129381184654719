/* hal/clock.h on real hardware: the device's clock is real time (systick.h). */
#include "../../clock.h"

#include "../systick.h"

uint64_t clock_now_us(void) {
  return systick_now_us();
}

void clock_boot(void) {
}

void clock_delay_us(uint32_t us) {
  uint64_t end = systick_now_us() + us;
  while (systick_now_us() < end) {
  }
}

/* The deadline is checked with interrupts masked too, through this for systick_wait's question. */
static uint64_t sleep_deadline_us;
static bool (*sleep_wake)(void);

static bool sleep_over(void) {
  return systick_now_us() >= sleep_deadline_us || sleep_wake();
}

void clock_sleep_until(uint64_t deadline_us, bool (*wake)(void)) {
  sleep_deadline_us = deadline_us;
  sleep_wake = wake;
  /* The SysTick interrupt wakes the core every millisecond, so the deadline is seen within one. */
  systick_wait(sleep_over);
}
