import type { HalStatus } from './status.ts';

export interface GpioReadResult {
  status: HalStatus;
  level: number;
}

/**
 * What a board offers an app, seen from the host: the simulator's virtual peripherals implement it, and so does
 * the firmware-in-the-loop proxy. Arguments are already checked against docs/hal-abi.md (addresses, lengths,
 * pointers, value ranges); an implementation answers only for its hardware: the pins, channels and devices it
 * has, and the pin modes it keeps (a write to a pin it does not hold as an output is its BAD_ARGUMENT, §4.2).
 */
export interface HalPort {
  /** One I2C transaction (docs/hal-abi.md §4.1): write phase, then read phase; either may be empty. */
  i2cTransfer(address: number, write: Uint8Array, read: Uint8Array): HalStatus;
  gpioMode(pin: number, mode: number): HalStatus;
  gpioWrite(pin: number, level: number): HalStatus;
  gpioRead(pin: number): GpioReadResult;
  pwmSet(channel: number, dutyU16: number): HalStatus;
  /** The device's monotonic clock, µs since boot. */
  nowUs(): number;
  delayUs(us: number): HalStatus;
  log(level: number, text: string): void;
}
