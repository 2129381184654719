import type { ChipLine } from '../chips.ts';
import { BITS_PER_BYTE, xorChecksum } from '../protocol/frames.ts';
import type { DeviceLine } from './device-line.ts';
import type { TargetMemory } from './target-memory.ts';

/** Option-byte state the bootloader can change: readout protection level (RDP 0 or 1). */
export interface Protection {
  readoutLevel: 0 | 1;
}

/** The narrow view of the simulated chip that a command handler gets. */
export interface DeviceContext {
  line: DeviceLine;
  chip: ChipLine;
  memory: TargetMemory;
  protection: Protection;
  /** Command codes Get advertises. */
  commands: number[];
  /** Scales datasheet timings: 1 realistic, 0 instant. */
  timeScale: number;
}

/**
 * What the bootloader does after a command: go on reading commands, reset the chip (after option bytes change,
 * AN3155 §3.9 to §3.12), or jump to the application (§3.5).
 */
export type Outcome = { next: 'commands' } | { next: 'reset' } | { next: 'run'; address: number };

export type CommandHandler = (context: DeviceContext) => Promise<Outcome>;

export const CONTINUE: Outcome = { next: 'commands' };
export const RESET: Outcome = { next: 'reset' };

const ADDRESS_BYTES = 4;
const MS_PER_US = 1 / 1000;
const BYTES_PER_WORD = 4;

/** AN3155 §3.4: reads four address bytes and their XOR; undefined when the checksum is wrong. */
export async function receiveAddress(line: DeviceLine): Promise<number | undefined> {
  const frame = await line.readBytes(ADDRESS_BYTES + 1);
  if (xorChecksum(frame) !== 0) return undefined;
  return frame.subarray(0, ADDRESS_BYTES).reduce((value, byte) => value * (1 << BITS_PER_BYTE) + byte, 0);
}

/** Time to program `bytes` of flash, from the datasheet's per-word figure. */
export function programMs(context: DeviceContext, bytes: number): number {
  return (context.chip.timing.programUsPerWord * MS_PER_US * bytes * context.timeScale) / BYTES_PER_WORD;
}
