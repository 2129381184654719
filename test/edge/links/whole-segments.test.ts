import { describe, expect, it } from 'vitest';
import { WholeSegments } from '../../../host/edge/links/whole-segments.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const lists = (segments: Uint8Array[]) => segments.map((segment) => [...segment]);

describe('whole segments', () => {
  it('hands out segments only once their delimiter is in, across chunks', () => {
    const segments = new WholeSegments();
    expect(lists(segments.push(bytes(1, 2)))).toEqual([]);
    expect(lists(segments.push(bytes(3, 0, 4, 0, 5)))).toEqual([
      [1, 2, 3, 0],
      [4, 0],
    ]);
    expect(lists(segments.push(bytes(6, 0, 0)))).toEqual([[5, 6, 0], [0]]);
    expect(segments.discardedBytes).toBe(0);
  });

  it('gives up an unfinished segment on reset, so the next connection starts clean', () => {
    const segments = new WholeSegments();
    segments.push(bytes(1, 2, 3));
    segments.reset();
    expect(lists(segments.push(bytes(7, 0)))).toEqual([[7, 0]]);
    expect(segments.discardedBytes).toBe(3);
  });

  it('discards a run longer than any receiver holds (1039 bytes and the delimiter) up to its delimiter', () => {
    const segments = new WholeSegments();
    const longest = new Uint8Array(1040).fill(1);
    longest[1039] = 0;
    expect(lists(segments.push(longest))).toEqual([[...longest]]);
    const tooLong = new Uint8Array(1041).fill(2);
    tooLong[1040] = 0;
    expect(segments.push(tooLong.subarray(0, 600))).toEqual([]);
    expect(lists(segments.push(Uint8Array.of(...tooLong.subarray(600), 9, 0)))).toEqual([[9, 0]]);
    expect(segments.discardedBytes).toBe(1041);
  });
});
