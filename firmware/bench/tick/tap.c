/*
 * The HAL's waits and metric reports in the benchmark image (ld --wrap, host/firmware/build.ts). A wait is no
 * work: delay_us asks the clock for microseconds the tick spends idle (SHT31 15 ms, BME280 9.3 ms per reading),
 * which -icount would count as instructions, so both sides' waits are folded into the tap and skipped instead of
 * waited. A report goes on to the telemetry table as it would, its id, value and status folded.
 */
#include "tap.h"

#include <string.h>

#include "../../hal/clock.h"
#include "../../hal/telemetry.h"
#include "../node/bits.h"

uint32_t tap_state = TAP_FNV_OFFSET_BASIS;

hal_status_t __real_telemetry_report(int32_t id, double value);
hal_status_t __wrap_telemetry_report(int32_t id, double value);
void __wrap_clock_delay_us(uint32_t us);

void __wrap_clock_delay_us(uint32_t us) {
  tap_fold(us);
}

hal_status_t __wrap_telemetry_report(int32_t id, double value) {
  hal_status_t status = __real_telemetry_report(id, value);
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  /* The id fits a byte (docs/hal-abi.md §4.6: 0..254), the status above it. */
  tap_fold((uint32_t)id | (uint32_t)status << BITS_PER_BYTE);
  tap_fold((uint32_t)bits);
  tap_fold((uint32_t)(bits >> I32_BITS));
  return status;
}
