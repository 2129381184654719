import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode, cobsMaxEncodedBytes } from '../../host/link/cobs.ts';

function encode(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(cobsMaxEncodedBytes(bytes.length));
  return out.subarray(0, cobsEncode(bytes, 0, bytes.length, out, 0));
}

function decode(bytes: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(bytes.length);
  const length = cobsDecode(bytes, 0, bytes.length, out);
  return length < 0 ? undefined : out.subarray(0, length);
}

/** `length` non-zero bytes. */
const run = (length: number, first = 0) => Uint8Array.from({ length }, (_, i) => 1 + ((first + i) % 255));

// The worked examples of Wikipedia's "Consistent Overhead Byte Stuffing" article (encodings without delimiter).
const examples: Array<[string, number[], number[]]> = [
  ['one zero', [0x00], [0x01, 0x01]],
  ['two zeros', [0x00, 0x00], [0x01, 0x01, 0x01]],
  ['zero in the middle', [0x00, 0x11, 0x00], [0x01, 0x02, 0x11, 0x01]],
  ['the paper-style example', [0x11, 0x22, 0x00, 0x33], [0x03, 0x11, 0x22, 0x02, 0x33]],
  ['no zeros', [0x11, 0x22, 0x33, 0x44], [0x05, 0x11, 0x22, 0x33, 0x44]],
  ['trailing zeros', [0x11, 0x00, 0x00, 0x00], [0x02, 0x11, 0x01, 0x01, 0x01]],
];

describe('COBS', () => {
  it.each(examples)('encodes and decodes %s', (_, raw, encoded) => {
    expect([...encode(Uint8Array.from(raw))]).toEqual(encoded);
    expect([...decode(Uint8Array.from(encoded))!]).toEqual(raw);
  });

  it('encodes 254 non-zero bytes as one maximal block with no trailing code', () => {
    const raw = run(254);
    const encoded = encode(raw);
    expect(encoded.length).toBe(255);
    expect(encoded[0]).toBe(0xff);
    expect(decode(encoded)).toEqual(raw);
  });

  it('starts a new block after 254 bytes (Wikipedia: 255 non-zero bytes)', () => {
    const raw = run(255);
    const encoded = encode(raw);
    expect([encoded[0], encoded[255], encoded[256]]).toEqual([0xff, 0x02, raw[254]]);
    expect(encoded.length).toBe(257);
  });

  it('never emits 0x00 and never exceeds n + ceil(n/254)', () => {
    for (let length = 1; length <= 1100; length++) {
      const raw = run(length, length % 7);
      const encoded = encode(raw);
      expect(encoded.length).toBe(length + Math.ceil(length / 254));
      expect(encoded.includes(0)).toBe(false);
      expect(decode(encoded)).toEqual(raw);
    }
  });

  it('round-trips buffers with zeros at every position', () => {
    for (let zeroAt = 0; zeroAt < 1032; zeroAt += 13) {
      const raw = run(1032);
      raw[zeroAt] = 0;
      expect(decode(encode(raw))).toEqual(raw);
    }
  });

  it('rejects a block that runs past the end and a zero code byte', () => {
    expect(decode(Uint8Array.from([0x05, 0x11, 0x22]))).toBeUndefined();
    expect(decode(Uint8Array.from([0x02, 0x11, 0x00, 0x22]))).toBeUndefined();
  });

  it('decodes a non-canonical trailing empty block to the same bytes', () => {
    const raw = run(254);
    expect(decode(Uint8Array.from([...encode(raw), 0x01]))).toEqual(raw);
  });
});
