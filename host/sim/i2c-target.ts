import type { HalStatus } from '../abi/status.ts';

/**
 * The bus face of a virtual I2C chip. One call is one bus transaction:
 * START, address+W, the write bytes, (repeated START, address+R, the read bytes), STOP.
 * A transaction with only a write phase has `read.length === 0`; one with only a read phase has
 * `write.length === 0`.
 *
 * The target fills `read` in place and answers the way the chip would on the wire:
 * - HalStatus.Ok when every byte was acknowledged;
 * - HalStatus.NackData when it refused a written byte (unknown register or command);
 * - HalStatus.NackAddress when it refused its own address (e.g. SHT3x still measuring, §4.4).
 */
export interface I2cTarget {
  readonly address: number;
  transfer(write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus;
  /** Power-on reset: every register back to its datasheet reset value (used when re-plugged). */
  powerOnReset(nowUs: number): void;
}
