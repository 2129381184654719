import { describe, expect, it } from 'vitest';
import { chipById } from '../../host/flash/chips.ts';
import { PlanError } from '../../host/flash/errors.ts';
import { parseBinary } from '../../host/flash/image/binary.ts';
import type { FirmwareImage } from '../../host/flash/image/firmware-image.ts';
import { planFlash, wordAlign } from '../../host/flash/plan.ts';

const KB = 1024;
const F405 = chipById(0x413)!;

function image(segments: [number, number[]][]): FirmwareImage {
  return { format: 'intel-hex', segments: segments.map(([address, data]) => ({ address, data: Uint8Array.from(data) })) };
}

describe('planFlash', () => {
  it('erases only the sectors the image touches and writes 256-byte blocks', () => {
    const plan = planFlash(parseBinary(new Uint8Array(70 * KB).fill(1), 0x0800_0000), F405, 1024 * KB, 'touched');
    expect(plan.erase).not.toBe('all');
    expect((plan.erase as { index: number }[]).map((sector) => sector.index)).toEqual([0, 1, 2, 3, 4]);
    expect(plan.blocks).toHaveLength(280);
    expect(plan.blocks.every((block) => block.data.length === 256)).toBe(true);
    expect(plan.blocks[1]!.address).toBe(0x0800_0100);
    expect(plan.bytes).toBe(70 * KB);
    expect(plan.startAddress).toBe(0x0800_0000);
  });

  it('mass erases with --erase all', () => {
    expect(planFlash(parseBinary(new Uint8Array(4), 0x0800_0000), F405, 1024 * KB, 'all').erase).toBe('all');
  });

  it('refuses an image linked for another address, naming it and the flash range', () => {
    const call = () => planFlash(image([[0x0000_0000, [1, 2, 3, 4]]]), F405, 1024 * KB, 'touched');
    expect(call).toThrow(PlanError);
    expect(call).toThrow(/0x00000000, outside the 1024 KB flash of STM32F405\/407\/415\/417 \(0x08000000\.\.0x080fffff\): it is linked for another address/);
  });

  it('points a misplaced binary at --address', () => {
    expect(() => planFlash(parseBinary(new Uint8Array(4), 0x2000_0000), F405, 1024 * KB, 'touched')).toThrow(/check --address/);
  });

  it('refuses an image that does not fit, saying by how much', () => {
    expect(() => planFlash(parseBinary(new Uint8Array(1024 * KB + 8), 0x0800_0000), F405, 1024 * KB, 'touched')).toThrow(
      /does not fit: it ends at 0x08100007, 8 bytes past the end/,
    );
    expect(() => planFlash(parseBinary(new Uint8Array(300 * KB), 0x0800_0000), chipById(0x423)!, 256 * KB, 'touched')).toThrow(PlanError);
  });

  it('pads to whole words with 0xFF, merging segments that share a word', () => {
    const aligned = wordAlign([
      { address: 0x0800_0001, data: Uint8Array.of(0xa1, 0xa2) },
      { address: 0x0800_0005, data: Uint8Array.of(0xb1) },
      { address: 0x0800_0010, data: Uint8Array.of(0xc1, 0xc2, 0xc3, 0xc4) },
    ]);
    expect(aligned.map((segment) => [segment.address, [...segment.data]])).toEqual([
      [0x0800_0000, [0xff, 0xa1, 0xa2, 0xff, 0xff, 0xb1, 0xff, 0xff]],
      [0x0800_0010, [0xc1, 0xc2, 0xc3, 0xc4]],
    ]);
  });
});
