/**
 * The errors of the flasher. Every one carries a message written for the person at the board; the CLI prints
 * them as one line. Anything else escaping the flasher is a bug.
 */
export class FlasherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A firmware file that is corrupt, truncated or not a format we read. */
export class ImageError extends FlasherError {}

/** An image that cannot go on this chip (wrong address, too large, unknown chip): refused before any erase. */
export class PlanError extends FlasherError {}

/** The serial port itself failed (cannot open, closed under us, cannot drive DTR/RTS). */
export class PortError extends FlasherError {}

/** Why a bootloader exchange failed. */
export type BootloaderFailure = 'nack' | 'timeout' | 'unexpected';

/** One AN3155 exchange failed: the bootloader said NACK, said nothing in time, or said something else. */
export class BootloaderError extends FlasherError {
  constructor(
    readonly failure: BootloaderFailure,
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

/** A read that did not get its bytes in time; the port keeps whatever did arrive. */
export class ReadTimeoutError extends FlasherError {
  constructor(wanted: number, timeoutMs: number) {
    super(`${wanted} byte${wanted === 1 ? '' : 's'} did not come within ${timeoutMs} ms`);
  }
}

/** An exchange that kept failing: names what was being done, how often it was tried, and the last cause. */
export class RetriesExhaustedError extends FlasherError {
  constructor(
    what: string,
    attempts: number,
    readonly last: BootloaderError,
  ) {
    super(`${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last.message}`);
  }
}
