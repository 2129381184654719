import { describe, expect, it } from 'vitest';
import { CHIPS, chipById, partByName } from '../../host/flash/chips.ts';

const KB = 1024;

describe('chip table', () => {
  it('has one line per product ID', () => {
    const ids = CHIPS.map((chip) => chip.productId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers the F4 family and the other common families', () => {
    for (const id of [0x413, 0x419, 0x423, 0x433, 0x431, 0x458, 0x441, 0x421, 0x434, 0x463]) expect(chipById(id)?.family).toBe('F4');
    for (const id of [0x440, 0x444, 0x442, 0x448, 0x445]) expect(chipById(id)?.family).toBe('F0');
    for (const id of [0x412, 0x410, 0x414, 0x430, 0x418, 0x420, 0x428]) expect(chipById(id)?.family).toBe('F1');
    for (const family of ['F3', 'L0', 'L4', 'G0', 'G4', 'H7']) expect(CHIPS.some((chip) => chip.family === family)).toBe(true);
  });

  it('lays out the F405 (RM0090): 4×16 KB, 1×64 KB, 7×128 KB from 0x08000000', () => {
    const sectors = chipById(0x413)!.sectors(1024 * KB);
    expect(sectors.map((sector) => sector.bytes / KB)).toEqual([16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128]);
    expect(sectors.map((sector) => sector.address)).toEqual([
      0x0800_0000, 0x0800_4000, 0x0800_8000, 0x0800_c000, 0x0801_0000, 0x0802_0000, 0x0804_0000, 0x0806_0000, 0x0808_0000,
      0x080a_0000, 0x080c_0000, 0x080e_0000,
    ]);
    expect(sectors.map((sector) => sector.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('lays out a 256 KB F401 as sectors 0-5, and a 2 MB F429 as two banks numbered 0-11 and 12-23', () => {
    expect(chipById(0x423)!.sectors(256 * KB).map((sector) => sector.bytes / KB)).toEqual([16, 16, 16, 16, 64, 128]);
    const f429 = chipById(0x419)!.sectors(2048 * KB);
    expect(f429).toHaveLength(24);
    expect(f429[12]).toEqual({ index: 12, address: 0x0810_0000, bytes: 16 * KB });
    expect(f429[23]).toEqual({ index: 23, address: 0x081e_0000, bytes: 128 * KB });
  });

  it('lays out page families in uniform pages', () => {
    const f103 = chipById(0x410)!.sectors(64 * KB);
    expect(f103).toHaveLength(64);
    expect(f103[63]).toEqual({ index: 63, address: 0x0800_fc00, bytes: 1 * KB });
    expect(chipById(0x417)!.sectors(64 * KB)[1]).toEqual({ index: 1, address: 0x0800_0080, bytes: 128 });
  });

  it('finds parts by name for the simulator', () => {
    expect(partByName('STM32F405')).toMatchObject({ part: 'stm32f405', flashBytes: 1024 * KB });
    expect(partByName('stm32f103c8')?.chip.productId).toBe(0x410);
    expect(partByName('stm32f999')).toBeUndefined();
  });

  it('gives F1 bootloaders the legacy Erase and the rest Extended Erase', () => {
    expect(chipById(0x410)!.bootloader.eraseCommand).toBe(0x43);
    expect(chipById(0x413)!.bootloader.eraseCommand).toBe(0x44);
  });
});
