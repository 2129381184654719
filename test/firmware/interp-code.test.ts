/**
 * The interpreter's compiled code in flash (docs/firmware.md, "Interpreter"; host/firmware/code-section.ts): the
 * build fills the image's .interp_code section with what the image's own compiler makes of the app, the board
 * compiles it again at every load and runs it only if the two agree, and an image whose code was changed after the
 * build is refused at load with the reason, the runner reporting it as it reports any failure to start. A board
 * QEMU cannot run keeps the code in RAM, compiled there at every boot.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFirmware, type FirmwareBuild } from '../../host/firmware/build.ts';
import { measureInterp } from '../../host/firmware/interp-build.ts';
import { runTool } from '../../host/firmware/toolchain.ts';
import { defaultScenario } from '../../host/sim/scenario.ts';
import { appPath } from '../support/apps.ts';
import { buildForTest, runOnQemu } from './support/firmware-run.ts';

// docs/link-protocol.md §4.7, restated: a trap's EVENT kind and the code of a trap that is none of Wasm's.
const EVENT_TRAP = 1;
const TRAP_OTHER = 7;
const ERASED_WORD = 0xffff_ffff;
const CELL_BYTES = 4;
/** RM0090 §2.3.1: flash from 0x0800_0000, SRAM from 0x2000_0000. */
const FLASH_ADDRESS_TOP_BYTE = 0x08;
const RAM_ADDRESS_TOP_BYTE = 0x20;

async function codeSectionOf(elf: string): Promise<Buffer> {
  const file = `${elf}.interp_code`;
  await runTool('arm-none-eabi-objcopy', ['--dump-section', `.interp_code=${file}`, elf, `${elf}.scratch`]);
  return readFile(file);
}

describe('the interpreter\'s compiled code in flash', { timeout: 180_000 }, () => {
  let build: FirmwareBuild;

  beforeAll(async () => {
    build = await buildForTest('interp-code', appPath('sensor-node'), 'netduinoplus2', undefined, 'interp');
  }, 180_000);

  it('holds as many cells as the host build compiles sensor-node to, written in, and counted as flash', async () => {
    const code = await codeSectionOf(build.elf);
    const { codeCells } = await measureInterp(path.join(build.outDir, 'app', 'app.wasm'));
    expect(code.length).toBe(codeCells * CELL_BYTES);
    expect(build.size.sections['.interp_code']).toBe(code.length);
    const words = Array.from({ length: codeCells }, (_, index) => code.readUInt32LE(index * CELL_BYTES));
    // Some immediates are all ones (an i32.const -1); most cells are not.
    expect(words.filter((word) => word === ERASED_WORD).length).toBeLessThan(codeCells / 100);
    // The first cell is the exit instruction's: a handler's address in flash, with the Thumb bit.
    expect(words[0]! >>> 24).toBe(FLASH_ADDRESS_TOP_BYTE);
    expect(words[0]! & 1).toBe(1);
    expect(build.size.flashBytes).toBe((await readFile(build.bin)).length);
  });

  it('is kept in RAM, compiled at every boot, on a board QEMU has no machine for; flash is refused there', async () => {
    const sensorNode = { appPath: appPath('sensor-node'), engine: 'interp' } as const;
    const other = await buildFirmware({ ...sensorNode, board: 'nucleo-f411re', outDir: path.join(build.outDir, '..', 'nucleo') });
    expect(other.size.sections['.interp_code']).toBeUndefined();
    const { codeCells } = await measureInterp(path.join(other.outDir, 'app', 'app.wasm'));
    // app_code in .bss: RAM, from 0x2000_0000 (RM0383 §2.3, the STM32F411's memory map), the code's size.
    const symbols = execFileSync('arm-none-eabi-nm', ['-S', other.elf], { encoding: 'utf8' });
    const [, address, bytes] = /^([0-9a-f]{8}) ([0-9a-f]{8}) [bB] app_code$/m.exec(symbols) ?? [];
    expect(Number.parseInt(address!, 16) >>> 24).toBe(RAM_ADDRESS_TOP_BYTE);
    expect(Number.parseInt(bytes!, 16)).toBe(codeCells * CELL_BYTES);
    const inFlash = buildFirmware({ ...sensorNode, board: 'nucleo-f411re', interpCode: 'flash', outDir: path.join(build.outDir, '..', 'nucleo-flash') });
    await expect(inFlash).rejects.toThrow(
      "the interpreter's code for flash is compiled by the image itself on QEMU, which has no machine for nucleo-f411re",
    );
  });

  it('runs from RAM as it runs from flash: the same telemetry, and the RAM holds the code', async () => {
    const inRam = await buildFirmware({
      board: 'netduinoplus2',
      appPath: appPath('sensor-node'),
      engine: 'interp',
      interpCode: 'ram',
      outDir: path.join(build.outDir, '..', 'ram'),
    });
    expect(inRam.size.sections['.interp_code']).toBeUndefined();
    expect(inRam.size.ramBytes - build.size.ramBytes).toBeGreaterThanOrEqual(build.size.sections['.interp_code']!);
    const run = { scenario: defaultScenario(), seed: 1, durationMs: 3_000 };
    const [fromFlash, fromRam] = await Promise.all([runOnQemu(build, run), runOnQemu(inRam, run)]);
    expect(fromFlash.some((message) => message.type === 'data')).toBe(true);
    // The boot's session is drawn from what RAM held at power-on (docs/firmware.md, "Reset record"), which differs
    // between the two images; everything else is the app's.
    const withoutSession = (messages: typeof fromFlash): unknown[] =>
      messages.map((message) => ({ ...message, ...('session' in message ? { session: 0 } : {}) }));
    expect(withoutSession(fromRam)).toEqual(withoutSession(fromFlash));
  });

  it('is refused at load, with the reason, once a word of it differs from what the board compiles', async () => {
    const code = await codeSectionOf(build.elf);
    const tamperedCell = Math.floor(code.length / CELL_BYTES / 2);
    code.writeUInt32LE(code.readUInt32LE(tamperedCell * CELL_BYTES) ^ 1, tamperedCell * CELL_BYTES);
    const folder = path.join(build.outDir, 'tampered');
    await mkdir(folder, { recursive: true });
    const codeFile = path.join(folder, 'interp-code.bin');
    await writeFile(codeFile, code);
    const elf = path.join(folder, 'firmware.elf');
    await runTool('arm-none-eabi-objcopy', ['--update-section', `.interp_code=${codeFile}`, build.elf, elf]);

    const messages = await runOnQemu({ ...build, elf }, { scenario: defaultScenario(), seed: 1, durationMs: 3_000 });
    const events = messages.filter((message) => message.type === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event).toMatchObject({ kind: EVENT_TRAP, code: TRAP_OTHER });
      expect(event.message).toMatch(/^the compiled code in flash is not this module's at byte \d+$/);
    }
    expect(messages.some((message) => message.type === 'data')).toBe(false);
  });
});
