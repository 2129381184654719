import { FLASH_BASE, type ChipLine, type Sector } from './chips.ts';
import { PlanError } from './errors.ts';
import { hex32, imageByteCount, imageEnd, imageStart, segmentEnd, type FirmwareImage, type Segment } from './image/firmware-image.ts';
import { MAX_TRANSFER_BYTES, WRITE_ALIGNMENT_BYTES } from './protocol/commands.ts';

export type EraseMode = 'all' | 'touched';

/** Everything the flasher will do, worked out (and checked) before anything is erased. */
export interface FlashPlan {
  chip: ChipLine;
  flashBytes: number;
  /** Sectors to erase, or 'all' for a mass erase. */
  erase: Sector[] | 'all';
  /** Write Memory blocks: at most 256 bytes, word-aligned (AN3155 §3.6), padded with the erased value. */
  blocks: Segment[];
  /** Bytes in the blocks. */
  bytes: number;
  /** Where Go jumps: the lowest address, where the vector table is. */
  startAddress: number;
}

/** Flash reads 0xFF once erased, so padding with it leaves neighbouring bytes as they are. */
export const ERASED_BYTE = 0xff;
const BYTES_PER_KB = 1024;

function alignDown(value: number): number {
  return value - (value % WRITE_ALIGNMENT_BYTES);
}

function alignUp(value: number): number {
  return alignDown(value + WRITE_ALIGNMENT_BYTES - 1);
}

/** Widens segments to whole words, merging those that come to share a word; padding is 0xFF. */
export function wordAlign(segments: Segment[]): Segment[] {
  const runs: { start: number; end: number; members: Segment[] }[] = [];
  for (const segment of segments) {
    const start = alignDown(segment.address);
    const end = alignUp(segmentEnd(segment));
    const last = runs.at(-1);
    if (last && start <= last.end) {
      last.end = Math.max(last.end, end);
      last.members.push(segment);
    } else {
      runs.push({ start, end, members: [segment] });
    }
  }
  return runs.map(({ start, end, members }) => {
    const data = new Uint8Array(end - start).fill(ERASED_BYTE);
    for (const member of members) data.set(member.data, member.address - start);
    return { address: start, data };
  });
}

function splitBlocks(segments: Segment[]): Segment[] {
  return segments.flatMap((segment) => {
    const blocks: Segment[] = [];
    for (let offset = 0; offset < segment.data.length; offset += MAX_TRANSFER_BYTES) {
      blocks.push({ address: segment.address + offset, data: segment.data.subarray(offset, offset + MAX_TRANSFER_BYTES) });
    }
    return blocks;
  });
}

/**
 * Checks the image against the chip and plans the erase and the writes. Refuses an image that starts outside the
 * flash (linked for another address, or a binary given the wrong --address) or runs past its end.
 */
export function planFlash(image: FirmwareImage, chip: ChipLine, flashBytes: number, erase: EraseMode): FlashPlan {
  const flashEnd = FLASH_BASE + flashBytes;
  const range = `${hex32(FLASH_BASE)}..${hex32(flashEnd - 1)}`;
  const where = `the ${flashBytes / BYTES_PER_KB} KB flash of ${chip.name} (${range})`;
  for (const segment of image.segments) {
    if (segment.address < FLASH_BASE || segment.address >= flashEnd) {
      throw new PlanError(
        `the image puts bytes at ${hex32(segment.address)}, outside ${where}: it is linked for another address` +
          (image.format === 'binary' ? ' (check --address)' : ''),
      );
    }
  }
  if (imageEnd(image) > flashEnd) {
    throw new PlanError(`the image does not fit: it ends at ${hex32(imageEnd(image) - 1)}, ${imageEnd(image) - flashEnd} bytes past the end of ${where}`);
  }
  const sectors = chip.sectors(flashBytes);
  const touched = sectors.filter((sector) =>
    image.segments.some((segment) => segment.address < sector.address + sector.bytes && segmentEnd(segment) > sector.address),
  );
  const blocks = splitBlocks(wordAlign(image.segments));
  return {
    chip,
    flashBytes,
    erase: erase === 'all' ? 'all' : touched,
    blocks,
    bytes: blocks.reduce((sum, block) => sum + block.data.length, 0),
    startAddress: imageStart(image),
  };
}

/** For messages: "12 KB in 3 segments". */
export function describeImage(image: FirmwareImage): string {
  const bytes = imageByteCount(image);
  const size = bytes >= BYTES_PER_KB ? `${(bytes / BYTES_PER_KB).toFixed(1)} KB` : `${bytes} bytes`;
  return `${size} in ${image.segments.length} segment${image.segments.length === 1 ? '' : 's'} from ${hex32(imageStart(image))}`;
}
