/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 1999; docs/link-protocol.md §2).
 * An encoded block is a code byte `c` followed by `c - 1` non-zero bytes; every block but the last, and but
 * one of maximal length (`c` = 0xFF), stands for a zero after its bytes. The output never contains 0x00.
 */

/** The longest block: a code byte of 0xFF followed by 254 data bytes. */
const MAX_BLOCK_CODE = 0xff;
const MAX_BLOCK_DATA_BYTES = MAX_BLOCK_CODE - 1;

/** The longest encoding of `length` bytes: one code byte per started 254-byte block, at least one. */
export function cobsMaxEncodedBytes(length: number): number {
  return length + Math.max(1, Math.ceil(length / MAX_BLOCK_DATA_BYTES));
}

/**
 * Encodes `src[srcStart, srcEnd)` into `dst` from `dstStart`, which must have room for
 * `cobsMaxEncodedBytes(srcEnd - srcStart)` bytes. Returns the number of bytes written.
 */
export function cobsEncode(
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
): number {
  let codeAt = dstStart;
  let out = dstStart + 1;
  let code = 1;
  for (let i = srcStart; i < srcEnd; i++) {
    const byte = src[i]!;
    if (byte !== 0) {
      dst[out++] = byte;
      code++;
    }
    if (byte === 0 || code === MAX_BLOCK_CODE) {
      dst[codeAt] = code;
      code = 1;
      codeAt = out;
      // A maximal block that ends the input needs no empty block after it.
      if (byte === 0 || i + 1 < srcEnd) out++;
    }
  }
  if (codeAt < out) dst[codeAt] = code;
  return out - dstStart;
}

/**
 * Decodes `src[start, end)` (one segment, without its delimiter) into `dst`, which must have room for
 * `end - start` bytes. Returns the decoded length, or -1 if a code byte is zero or its block runs past `end`.
 */
export function cobsDecode(src: Uint8Array, start: number, end: number, dst: Uint8Array): number {
  let out = 0;
  let i = start;
  while (i < end) {
    const code = src[i++]!;
    const blockEnd = i + code - 1;
    if (code === 0 || blockEnd > end) return -1;
    while (i < blockEnd) dst[out++] = src[i++]!;
    if (code !== MAX_BLOCK_CODE && i < end) dst[out++] = 0;
  }
  return out;
}
