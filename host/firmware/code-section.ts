/**
 * The interpreter's compiled code in the image (docs/firmware.md, "Interpreter"): the first link leaves the
 * .interp_code section erased (every word 0xFFFFFFFF), sized by the host build's count of the app's cells. The
 * image itself then runs once on QEMU: finding its code blank, its loader compiles the app as on every boot and
 * writes each function's cells out through semihosting (firmware/engine/interp/engine.c) instead of comparing
 * them. Those cells go into the section in place, so the code in flash is the image's own compiler's by
 * construction and no address of the image moves; on the board every load compiles again and compares.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { qemuArguments } from './qemu.ts';
import { runTool, ToolFailedError } from './toolchain.ts';

export const CODE_SECTION = '.interp_code';
/** What firmware/engine/interp/engine.c names the file it writes, in QEMU's folder. */
const CODE_FILE = 'interp-code.bin';
/** The load takes well under a second of QEMU's time; a program that never loads the engine is stopped. */
const RUN_TIMEOUT_MS = 60_000;

export class CodeSectionError extends Error {}

interface Section {
  name: string;
  bytes: number;
  address: number;
}

/** The image's sections from `arm-none-eabi-size -A`: name, size and address. */
async function sectionsOf(elf: string): Promise<Section[]> {
  const output = await runTool('arm-none-eabi-size', ['-A', elf]);
  return [...output.matchAll(/^(\.\S+)\s+(\d+)\s+(\d+)$/gm)].map(([, name, bytes, address]) => ({
    name: name!,
    bytes: Number(bytes),
    address: Number(address),
  }));
}

/** Runs the image with blank code on `machine` and writes the code it compiles into its .interp_code section. */
export async function fillCodeSection(elf: string, machine: string): Promise<void> {
  const before = await sectionsOf(elf);
  const section = before.find(({ name }) => name === CODE_SECTION);
  if (section === undefined) throw new CodeSectionError(`the image has no ${CODE_SECTION} section`);
  const folder = path.dirname(elf);
  const codeFile = path.join(folder, CODE_FILE);
  await rm(codeFile, { force: true });
  try {
    await runTool('qemu-system-arm', qemuArguments({ machine, elf, semihosting: true }), folder, RUN_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof ToolFailedError)) throw error;
    throw new CodeSectionError(`the image's run to compile the app's code failed (does its program load the engine?): ${error.output}`);
  }
  const code = await readFile(codeFile).catch(() => {
    throw new CodeSectionError('the image\'s run to compile the app\'s code wrote none');
  });
  if (code.length !== section.bytes) {
    throw new CodeSectionError(`the image compiled ${code.length} bytes of code, its ${CODE_SECTION} section holds ${section.bytes}`);
  }
  await runTool('arm-none-eabi-objcopy', ['--update-section', `${CODE_SECTION}=${codeFile}`, elf]);
  const after = await sectionsOf(elf);
  const moved = after.find((one, index) => one.name !== before[index]?.name || one.address !== before[index]?.address || one.bytes !== before[index]?.bytes);
  if (moved !== undefined || after.length !== before.length) {
    throw new CodeSectionError(`writing the compiled code moved the image's ${moved?.name ?? 'sections'}`);
  }
}
