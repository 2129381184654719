/*
 * hal/clock.h for the firmware-in-the-loop board: device time as the simulator counts it (host/sim/sim-board.ts),
 * so a run under QEMU and a simulated run see the virtual chips at the same microseconds. The clock advances
 * only while the device waits — by exactly the microseconds delay_us asks for, and across a sleep as far as the
 * host's clock gate says (gate.h): to the deadline, or to the time a command the host sends arrives — while
 * computing and tunnelled peripheral calls take no device time. Real time (systick.h) still runs underneath:
 * delay_us waits it out, and the app's time budget counts it. Without a gate a sleep lasts until the deadline or
 * the next interrupt, whichever comes first, and the clock advances by the real time slept.
 */
#include "../clock.h"

#include "../stm32f4/systick.h"
#include "gate.h"

static uint64_t device_us;

uint64_t clock_now_us(void) {
  return device_us;
}

void clock_boot(void) {
  gate_boot();
}

static bool never(void) {
  return false;
}

void clock_delay_us(uint32_t us) {
  uint64_t end = systick_now_us() + us;
  /*
   * Whole milliseconds are slept until the next SysTick interrupt, the rest spun: the wait is as long, but under
   * QEMU's -icount with sleep=off a sleep costs no emulation, while spinning on the counter does.
   */
  for (uint64_t now = systick_now_us(); now < end; now = systick_now_us()) {
    if (end - now >= US_PER_MS) systick_wait(never);
  }
  device_us += us;
}

void clock_sleep_until(uint64_t deadline_us, bool (*wake)(void)) {
  if (device_us >= deadline_us) return;
  if (gate_sleep(device_us, deadline_us, &device_us)) return;
  uint64_t before_us = systick_now_us();
  systick_wait(wake);
  uint64_t slept_us = systick_now_us() - before_us;
  device_us = slept_us < deadline_us - device_us ? device_us + slept_us : deadline_us;
}
