import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageError } from '../../host/flash/errors.ts';
import { detectFormat, loadImage } from '../../host/flash/image/load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wasmote-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading firmware files', () => {
  it('picks the format by extension, then by content', () => {
    expect(detectFormat('a.bin', Uint8Array.of(0x3a))).toBe('binary');
    expect(detectFormat('a.HEX', Uint8Array.of(0))).toBe('intel-hex');
    expect(detectFormat('a.elf', Uint8Array.of(0))).toBe('elf');
    expect(detectFormat('firmware', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46))).toBe('elf');
    expect(detectFormat('firmware', new TextEncoder().encode(':00000001FF\n'))).toBe('intel-hex');
    expect(detectFormat('firmware', Uint8Array.of(0x00, 0x20, 0x00, 0x20))).toBe('binary');
  });

  it('places a raw binary at the given address', async () => {
    const file = path.join(dir, 'fw.bin');
    writeFileSync(file, Uint8Array.of(1, 2, 3));
    const image = await loadImage(file, 0x0800_4000);
    expect(image.segments).toEqual([{ address: 0x0800_4000, data: Uint8Array.of(1, 2, 3) }]);
  });

  it('refuses empty, missing and corrupt files, naming the file', async () => {
    writeFileSync(path.join(dir, 'empty.bin'), new Uint8Array(0));
    writeFileSync(path.join(dir, 'cut.hex'), ':0100000000FF\n');
    await expect(loadImage(path.join(dir, 'empty.bin'), 0x0800_0000)).rejects.toThrow(/empty\.bin: the binary file is empty/);
    await expect(loadImage(path.join(dir, 'cut.hex'), 0x0800_0000)).rejects.toThrow(/cut\.hex: truncated Intel HEX/);
    await expect(loadImage(path.join(dir, 'missing.elf'), 0x0800_0000)).rejects.toThrow(ImageError);
  });
});
