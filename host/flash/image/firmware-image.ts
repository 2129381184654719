import { ImageError } from '../errors.ts';

/** Bytes that go at one address. */
export interface Segment {
  address: number;
  data: Uint8Array;
}

export type ImageFormat = 'binary' | 'intel-hex' | 'elf';

/** A firmware file read into memory: its segments sorted, non-overlapping and merged where contiguous. */
export interface FirmwareImage {
  format: ImageFormat;
  segments: Segment[];
  /** The start address the file names (ELF e_entry, Intel HEX record 03 or 05), if any. */
  entry?: number;
}

const ADDRESS_SPACE_BYTES = 2 ** 32;

export function segmentEnd(segment: Segment): number {
  return segment.address + segment.data.length;
}

export function imageStart(image: FirmwareImage): number {
  return image.segments[0]!.address;
}

export function imageEnd(image: FirmwareImage): number {
  return segmentEnd(image.segments.at(-1)!);
}

export function imageByteCount(image: FirmwareImage): number {
  return image.segments.reduce((sum, segment) => sum + segment.data.length, 0);
}

/**
 * Sorts segments and merges the contiguous ones. Overlapping bytes are allowed only when they agree; a segment
 * running past the 32-bit address space, or no bytes at all, is an error.
 */
export function normalizeSegments(segments: Segment[]): Segment[] {
  const sorted = segments.filter((segment) => segment.data.length > 0).sort((a, b) => a.address - b.address);
  if (sorted.length === 0) throw new ImageError('the file holds no bytes to program');
  const merged: { address: number; parts: Uint8Array[]; end: number }[] = [];
  for (const segment of sorted) {
    if (segmentEnd(segment) > ADDRESS_SPACE_BYTES) {
      throw new ImageError(`bytes at ${hex32(segment.address)} run past the end of the 32-bit address space`);
    }
    const last = merged.at(-1);
    if (!last || segment.address > last.end) {
      merged.push({ address: segment.address, parts: [segment.data], end: segmentEnd(segment) });
      continue;
    }
    const overlap = Math.min(last.end, segmentEnd(segment)) - segment.address;
    if (overlap > 0) checkAgreement(last, segment, overlap);
    if (segmentEnd(segment) > last.end) {
      last.parts.push(segment.data.subarray(last.end - segment.address));
      last.end = segmentEnd(segment);
    }
  }
  return merged.map(({ address, parts }) => ({ address, data: concat(parts) }));
}

function checkAgreement(run: { address: number; parts: Uint8Array[]; end: number }, segment: Segment, overlap: number): void {
  const existing = concat(run.parts).subarray(segment.address - run.address, segment.address - run.address + overlap);
  for (let i = 0; i < overlap; i++) {
    if (existing[i] !== segment.data[i]) {
      throw new ImageError(`address ${hex32(segment.address + i)} is given two different values`);
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
