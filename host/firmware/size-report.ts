/** A firmware image's footprint from `arm-none-eabi-size -A`: what it takes of flash and of RAM. */
import { runTool } from './toolchain.ts';

export interface SizeReport {
  /** Code, constants, the interpreter's compiled code and the initial values of .data: what is written to flash. */
  flashBytes: number;
  /** .noinit (the reset record), .data, .bss and the stack: what is reserved in RAM. */
  ramBytes: number;
  /** Of ramBytes: the app's linear memory and the stack (the app's share and the firmware's). */
  linearMemoryBytes: number;
  stackBytes: number;
  sections: Record<string, number>;
}

/** The sections that load into flash, and those that take RAM (firmware/hal/stm32f4/sections.ld). */
const FLASH_SECTIONS = ['.text', '.ARM.exidx', '.interp_code', '.data'];
const RAM_SECTIONS = ['.noinit', '.data', '.bss', '.stack'];

export async function readSizeReport(
  elf: string,
  known: { memoryLimitBytes: number; stackBytes: number },
): Promise<SizeReport> {
  const output = await runTool('arm-none-eabi-size', ['-A', elf]);
  const sections: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const match = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line);
    if (match && [...FLASH_SECTIONS, ...RAM_SECTIONS].includes(match[1]!)) sections[match[1]!] = Number(match[2]);
  }
  const sum = (names: string[]) => names.reduce((total, name) => total + (sections[name] ?? 0), 0);
  return {
    flashBytes: sum(FLASH_SECTIONS),
    ramBytes: sum(RAM_SECTIONS),
    linearMemoryBytes: known.memoryLimitBytes,
    stackBytes: known.stackBytes,
    sections,
  };
}
