// The monotonic clock and short waits (docs/hal-abi.md §4.4). The clocks write a u64 into a static 8-byte
// buffer; nothing here allocates or busy-waits (delay_us is the HAL's: virtual time in the simulator).
import { clock_ms, clock_us, delay_us } from "./hal";
import { Status } from "./status";

/** Returned by clockMs/clockUs when the HAL could not read the clock (the clock itself is never negative). */
export const CLOCK_UNAVAILABLE: i64 = -1;
/** §4.4: delay_us accepts 0..1_000_000. */
export const DELAY_MAX_US: i32 = 1_000_000;
const US_PER_MS: i32 = 1000;

const clockOut = memory.data(8, 8);

/** Milliseconds since boot, or CLOCK_UNAVAILABLE. */
export function clockMs(): i64 {
  return clock_ms(clockOut) == Status.Ok ? load<i64>(clockOut) : CLOCK_UNAVAILABLE;
}

/** Microseconds since boot, or CLOCK_UNAVAILABLE. */
export function clockUs(): i64 {
  return clock_us(clockOut) == Status.Ok ? load<i64>(clockOut) : CLOCK_UNAVAILABLE;
}

/** Waits `delayUs` microseconds (0..1_000_000); returns the HAL status. */
export function delayUs(delayUs: i32): i32 {
  return delay_us(delayUs);
}

/**
 * Waits `delayMs` milliseconds in steps the HAL accepts. Meant for datasheet waits of a few ms; anything longer
 * belongs in tick's return value (§4.4).
 */
export function delayMs(delayMs: i32): i32 {
  let remainingUs = <i64>delayMs * US_PER_MS;
  while (remainingUs > 0) {
    const stepUs = remainingUs > DELAY_MAX_US ? DELAY_MAX_US : <i32>remainingUs;
    const status = delay_us(stepUs);
    if (status != Status.Ok) return status;
    remainingUs -= stepUs;
  }
  return Status.Ok;
}
