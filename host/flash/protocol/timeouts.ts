/**
 * How long the host waits for each answer. AN3155 gives no figures; these are the practical ones stm32flash and
 * ST's tools use, with the slow operations (erase, readout unprotect) sized from the chip's erase times.
 */
export interface Timeouts {
  /** Any ACK or short reply from a command that does not touch flash. */
  replyMs: number;
  /** The ACK after a Write Memory block is programmed (stm32flash: 1 s). */
  writeBlockMs: number;
  /** A mass erase, also what Readout Unprotect does (stm32flash: 35 s; F4 datasheets: up to 32 s at x8). */
  massEraseMs: number;
  /** One 0x7F probe while looking for the bootloader. */
  syncProbeMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  replyMs: 1000,
  writeBlockMs: 1000,
  massEraseMs: 40_000,
  syncProbeMs: 100,
};
