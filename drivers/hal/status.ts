// Status codes. 0..6 are the HAL's (docs/hal-abi.md §3, restated for the host in host/abi/status.ts); every
// HAL call returns one and drivers pass them on unchanged. Codes from 100 up are raised by drivers themselves
// for faults the bus cannot see (a bad CRC, a wrong chip); the HAL never returns them and they never cross the
// ABI (a command's status is always a HAL code).
export enum Status {
  Ok = 0,
  /** No device acknowledged the address (absent, unplugged, or busy like an SHT3x mid-measurement). */
  NackAddress = 1,
  /** The device acknowledged its address but refused a data byte (unknown register or command). */
  NackData = 2,
  /** Arbitration lost, a line held low, a misplaced START/STOP. */
  BusError = 3,
  /** The peripheral did not finish in time. */
  Timeout = 4,
  /** A pointer/length outside memory, a value out of range, or a call in the wrong phase. */
  BadArgument = 5,
  /** A valid request for something this board lacks (a pin, a PWM channel). */
  Unsupported = 6,

  /** Driver: a CRC over received data did not match (SHT3x §4.12); the data was discarded. */
  Crc = 100,
  /** Driver: the device at the address is not the expected chip (ID register or fixed bits differ). */
  WrongIdentity = 101,
  /** Driver: the chip gave no usable measurement (BME280: a skipped channel's 0x80000, or trimming that is all 0). */
  NoData = 102,
  /** Driver: the chip is back at its power-on state since init (re-plugged or browned out); initialise it again. */
  ChipReset = 103,
}

/** A short lowercase name for logs (host/abi/status.ts uses the same spelling for the HAL codes). */
export function statusName(status: i32): string {
  switch (status) {
    case Status.Ok: return "ok";
    case Status.NackAddress: return "nack-address";
    case Status.NackData: return "nack-data";
    case Status.BusError: return "bus-error";
    case Status.Timeout: return "timeout";
    case Status.BadArgument: return "bad-argument";
    case Status.Unsupported: return "unsupported";
    case Status.Crc: return "crc-mismatch";
    case Status.WrongIdentity: return "wrong-identity";
    case Status.NoData: return "no-data";
    case Status.ChipReset: return "chip-reset";
    default: return "unknown-status";
  }
}
