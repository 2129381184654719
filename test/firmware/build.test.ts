/**
 * `wasmote firmware build` (host/firmware/build.ts) for every board: the outputs it writes, the footprint goals
 * of the issue for the netduinoplus2 image with sensor-node, and the errors a user can act on.
 */
import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppLoadError } from '../../host/abi/app-instance.ts';
import { listBoards } from '../../host/firmware/boards.ts';
import type { FirmwareBuild } from '../../host/firmware/build.ts';
import { MissingToolError } from '../../host/firmware/toolchain.ts';
import { packDataSegments } from '../../host/firmware/translate.ts';
import { appPath } from '../support/apps.ts';
import { sharedFixture } from './support/fixtures.ts';
import { buildForTest } from './support/firmware-run.ts';

const KIB = 1024;
/** The footprint goals for the netduinoplus2 image with the sensor-node app. */
const FLASH_GOAL_BYTES = 32 * KIB;
const RAM_GOAL_BYTES = 16 * KIB;

describe('firmware build', { timeout: 180_000 }, () => {
  const builds = new Map<string, FirmwareBuild>();

  beforeAll(async () => {
    for (const board of await listBoards()) builds.set(board, await buildForTest('build', appPath('sensor-node'), board));
  }, 180_000);

  it('knows the three boards', async () => {
    expect(await listBoards()).toEqual(['netduinoplus2', 'nucleo-f411re', 'stm32f4-discovery']);
  });

  it.each(['netduinoplus2', 'nucleo-f411re', 'stm32f4-discovery'])(
    'writes .elf, .bin, .hex, a map and a size report for %s',
    async (board) => {
      const build = builds.get(board)!;
      for (const file of [build.elf, build.bin, build.hex, build.map, build.elf.replace(/\.elf$/, '.size.json')]) {
        await access(file);
      }
      const elf = await readFile(build.elf);
      expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      const bin = await readFile(build.bin);
      // The vector table opens the image: the initial stack pointer in RAM, the reset handler in flash (Thumb).
      expect(bin.readUInt32LE(0) >>> 28).toBe(0x2);
      expect(bin.readUInt32LE(4) >>> 24).toBe(0x08);
      expect(bin.readUInt32LE(4) & 1).toBe(1);
      expect((await readFile(build.hex, 'latin1')).startsWith(':')).toBe(true);
      expect(await readFile(build.map, 'latin1')).toContain('Z_appZ_tick');
      // What the size report counts as flash is what goes into flash.
      expect(build.size.flashBytes).toBe(bin.length);
    },
  );

  it('fits the netduinoplus2 image with sensor-node in 32 KB of flash and 16 KB of RAM', () => {
    const { size } = builds.get('netduinoplus2')!;
    expect(size.flashBytes).toBeLessThanOrEqual(FLASH_GOAL_BYTES);
    expect(size.ramBytes).toBeLessThanOrEqual(RAM_GOAL_BYTES);
    expect(size.linearMemoryBytes).toBe(8 * KIB);
  });

  it('refuses an app that imports what the HAL ABI lacks, naming the import, before translating it', async () => {
    const build = buildForTest('build', sharedFixture('unknown-import'));
    await expect(build).rejects.toThrow(AppLoadError);
    await expect(build).rejects.toThrow(/hal\.spi_transfer, which HAL ABI 1\.1 lacks/);
  });

  it('says which package to install when a tool is missing', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = await mkdtemp(path.join(tmpdir(), 'no-tools-'));
    try {
      const build = buildForTest('build-no-tools', appPath('sensor-node'));
      await expect(build).rejects.toThrow(MissingToolError);
      await expect(build).rejects.toThrow('wasm2c is not installed: apt-get install wabt');
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('stores an active data segment as a bitmap of its non-zero bytes and those bytes; a passive one as it is', () => {
    const source = [
      'static const u8 data_segment_data_w2c_d0[] = {',
      '  0x41, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x43,',
      '};',
      'static const u8 data_segment_data_w2c_d1[] = {',
      '  0x00, 0x07,',
      '};',
      '  LOAD_DATA(instance->w2c_memory, 28u, data_segment_data_w2c_d0, 10);',
      '  LOAD_DATA((*dest), dest_addr, data_segment_data_w2c_d1 + src_addr, n);',
    ].join('\n');
    expect(packDataSegments(source).split('\n')).toEqual([
      'static const u8 data_segment_data_w2c_d0[] = {',
      // Bytes 0, 2 and 9 are not zero: bits 0 and 2 of the first byte, bit 1 of the second.
      '  0x05, 0x02, 0x41, 0x42, 0x43,',
      '};',
      'static const u8 data_segment_data_w2c_d1[] = {',
      '  0x00, 0x07,',
      '};',
      '  LOAD_PACKED_DATA(instance->w2c_memory, 28u, data_segment_data_w2c_d0, 10);',
      '  LOAD_DATA((*dest), dest_addr, data_segment_data_w2c_d1 + src_addr, n);',
    ]);
  });
});
