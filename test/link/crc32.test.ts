import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../host/link/crc32.ts';

describe('crc32 (CRC-32/ISO-HDLC)', () => {
  it('gives the catalogued check value for "123456789"', () => {
    // Greg Cook, Catalogue of parametrised CRC algorithms: CRC-32/ISO-HDLC check = 0xCBF43926.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('is 0 for no bytes (init and xorout cancel)', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on random buffers and sub-ranges', () => {
    let state = 0x2545f491;
    const nextByte = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    };
    for (let length = 0; length < 1100; length += 7) {
      const bytes = Uint8Array.from({ length }, nextByte);
      expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      const start = length >> 2;
      const end = length - (length >> 3);
      expect(crc32(bytes, start, end)).toBe(zlibCrc32(bytes.subarray(start, end)));
    }
  });
});
