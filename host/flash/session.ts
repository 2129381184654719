import { chipById, type ChipLine } from './chips.ts';
import { BootloaderError } from './errors.ts';
import type { BootloaderPort } from './port.ts';
import { get } from './protocol/get.ts';
import { getId } from './protocol/get-id.ts';
import { getVersion } from './protocol/get-version.ts';
import { readMemory } from './protocol/read-memory.ts';
import { sync } from './protocol/sync.ts';
import { withRetries, type RetryCounter } from './retry.ts';
import type { Timeouts } from './protocol/timeouts.ts';

/** What the bootloader says about itself and the chip. */
export interface TargetInfo {
  /** AN3155 §3.1: protocol version, 0x31 = 3.1. */
  bootloaderVersion: number;
  /** AN3155 §3.1: the commands it accepts. */
  commands: number[];
  /** AN3155 §3.2: the two option bytes of Get Version. */
  optionBytes: [number, number];
  productId: number;
  chip: ChipLine | undefined;
  /** From the flash size data register; undefined when it could not be read (readout protection). */
  flashBytes: number | undefined;
  /** Read Memory was refused: readout protection (RDP level 1) is active (AN3155 §3.4). */
  readProtected: boolean;
}

const FLASH_SIZE_REGISTER_BYTES = 2;
const BYTES_PER_KB = 1024;
/** An erased or absent register reads as all ones. */
const ERASED_HALFWORD = 0xffff;
/** Readout protection NACKs every Read Memory; one NACK alone could be a corrupted frame, so ask twice. */
const PROTECTION_PROBES = 2;

/**
 * Synchronises with the bootloader and asks Get, Get Version and Get ID; for a known chip, reads the flash size
 * data register, which also tells whether readout protection is on (Read Memory is then NACKed). Any failed
 * exchange starts it all again, `attempts` times in all.
 */
export async function identify(port: BootloaderPort, timeouts: Timeouts, attempts = 1, counter: RetryCounter = { recoveries: 0 }): Promise<TargetInfo> {
  await sync(port, timeouts);
  return withRetries('identifying the bootloader', attempts, counter, () => ask(port, timeouts), () => sync(port, timeouts));
}

async function ask(port: BootloaderPort, timeouts: Timeouts): Promise<TargetInfo> {
  const { version, commands } = await get(port, timeouts);
  const { optionBytes } = await getVersion(port, timeouts);
  const productId = await getId(port, timeouts);
  const chip = chipById(productId);
  const memory = chip ? await readFlashSize(port, chip, timeouts) : { flashBytes: undefined, readProtected: false };
  return { bootloaderVersion: version, commands, optionBytes, productId, chip, ...memory };
}

async function readFlashSize(port: BootloaderPort, chip: ChipLine, timeouts: Timeouts): Promise<Pick<TargetInfo, 'flashBytes' | 'readProtected'>> {
  for (let probe = 0; probe < PROTECTION_PROBES; probe++) {
    try {
      const raw = await readMemory(port, chip.flashSizeRegister, FLASH_SIZE_REGISTER_BYTES, timeouts);
      const kb = raw[0]! | (raw[1]! << 8);
      return { flashBytes: kb === ERASED_HALFWORD || kb === 0 ? undefined : kb * BYTES_PER_KB, readProtected: false };
    } catch (error) {
      if (!(error instanceof BootloaderError && error.failure === 'nack')) throw error;
    }
  }
  return { flashBytes: undefined, readProtected: true };
}
