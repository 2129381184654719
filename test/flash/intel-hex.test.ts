import { describe, expect, it } from 'vitest';
import { ImageError } from '../../host/flash/errors.ts';
import { parseIntelHex } from '../../host/flash/image/intel-hex.ts';

/** The data-record example of the Intel HEX specification (addresses 0x0100-0x013F). */
const SPEC_EXAMPLE = [
  ':10010000214601360121470136007EFE09D2190140',
  ':100110002146017E17C20001FF5F16002148011928',
  ':10012000194E79234623965778239EDA3F01B2CAA7',
  ':100130003F0156702B5E712B722B732146013421C7',
  ':00000001FF',
].join('\n');

function bytesOf(hex: string): number[] {
  return hex.match(/../g)!.map((pair) => parseInt(pair, 16));
}

describe('Intel HEX', () => {
  it('reads the specification example as one 64-byte segment at 0x0100', () => {
    const image = parseIntelHex(SPEC_EXAMPLE);
    expect(image.format).toBe('intel-hex');
    expect(image.segments).toHaveLength(1);
    expect(image.segments[0]!.address).toBe(0x0100);
    expect([...image.segments[0]!.data.subarray(0, 16)]).toEqual(bytesOf('214601360121470136007EFE09D21901'));
    expect([...image.segments[0]!.data.subarray(48)]).toEqual(bytesOf('3F0156702B5E712B722B732146013421'));
  });

  it('places data through an extended linear address (04) and keeps gaps', () => {
    const image = parseIntelHex(
      [':020000040800F2', ':0400000001020304F2', ':04100000AABBCCDDDE', ':02000004FFFFFC', ':0200100055AAEF', ':00000001FF', ''].join('\r\n'),
    );
    expect(image.segments.map((segment) => [segment.address, [...segment.data]])).toEqual([
      [0x0800_0000, [1, 2, 3, 4]],
      [0x0800_1000, [0xaa, 0xbb, 0xcc, 0xdd]],
      [0xffff_0010, [0x55, 0xaa]],
    ]);
  });

  it('places data through an extended segment address (02), wrapping within the 64 KB segment', () => {
    // USBA 0x1200: base 0x12000. Four bytes at offset 0xFFFE: two at 0x21FFE, then back to 0x12000.
    const image = parseIntelHex([':020000021200EA', ':04FFFE001122334455', ':00000001FF'].join('\n'));
    expect(image.segments.map((segment) => [segment.address, [...segment.data]])).toEqual([
      [0x12000, [0x33, 0x44]],
      [0x21ffe, [0x11, 0x22]],
    ]);
  });

  it('reads start addresses: segment (03) CS:IP and linear (05) EIP', () => {
    expect(parseIntelHex([':0400000300003800C1', ':0100000000FF', ':00000001FF'].join('\n')).entry).toBe(0x3800);
    expect(parseIntelHex([':04000005000000CD2A', ':0100000000FF', ':00000001FF'].join('\n')).entry).toBe(0xcd);
  });

  it.each([
    ['no end-of-file record', ':0100000000FF', /truncated.*end-of-file/],
    ['a bad checksum', ':0100000000FE\n:00000001FF', /line 1: checksum/],
    ['a byte count that does not match', ':0200000000FE\n:00000001FF', /line 1: byte count/],
    ['an odd number of digits', ':0100000000F\n:00000001FF', /line 1: not an even number/],
    ['a line that is not a record', 'hello\n:00000001FF', /line 1: a record must start/],
    ['an unknown record type', ':00000006FA\n:00000001FF', /line 1: unknown record type 6/],
    ['a wrong length for a type', ':0100000401FA\n:00000001FF', /record type 4 takes 2/],
    ['records after the end', ':00000001FF\n:0100000000FF', /line 2: data after the end-of-file/],
    ['two values for one address', ':0100000001FE\n:0100000002FD\n:00000001FF', /0x00000000 is given two different values/],
    ['no data', ':00000001FF', /no bytes/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseIntelHex(text)).toThrow(ImageError);
    expect(() => parseIntelHex(text)).toThrow(message);
  });

  it('accepts the same byte given twice with the same value', () => {
    const image = parseIntelHex(':0100000001FE\n:0100000001FE\n:00000001FF');
    expect([...image.segments[0]!.data]).toEqual([1]);
  });
});
