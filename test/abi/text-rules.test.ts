// The app-text rules of docs/link-protocol.md §7.3 and docs/hal-abi.md §7 in both runners: the simulator's
// (host/abi/text-rules.ts, on TextDecoder) against an independent reading of Unicode §3.9, and the firmware's
// (firmware/hal/text.c, built for the host) against the simulator's, on the same random input.
import { beforeAll, describe, expect, it } from 'vitest';
import { AppMemory } from '../../host/abi/app-memory.ts';
import {
  cutUtf8,
  LOG_TEXT_MAX_BYTES,
  logText,
  repairUtf8,
  TRAP_TEXT_MAX_BYTES,
  trapText,
} from '../../host/abi/text-rules.ts';
import { buildNativeProgram, runLines } from '../firmware/support/native.ts';

const REPLACEMENT = '\u{fffd}';
/** docs/hal-abi.md §4.5: the most bytes one log call passes. */
const LOG_CALL_MAX_BYTES = 200;
const CASES = 3000;

/** mulberry32: a small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Bytes at the edges of Unicode §3.9 Table 3-7, where ill-formed sequences begin and end. */
const EDGE_BYTES = [
  0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee,
  0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xfe, 0xff,
];
/** Characters of every UTF-8 length, the highest code point and a byte order mark among them. */
const CHARACTERS = ['a', '~', 'é', 'ß', '€', '\u{feff}', '\u{ffff}', '✓', '𝄞', '\u{10ffff}', '\u{10000}'];

/** A byte string of 0..`maxLength` bytes: valid characters, some cut short, edge bytes and uniform bytes. */
function randomBytes(next: () => number, maxLength: number): Uint8Array {
  const length = Math.floor(next() * (maxLength + 1));
  const bytes: number[] = [];
  while (bytes.length < length) {
    const choice = next();
    if (choice < 0.35) {
      const encoded = [...Buffer.from(CHARACTERS[Math.floor(next() * CHARACTERS.length)]!)];
      // A quarter of them lose their tail: the prefixes that make maximal subparts longer than one byte.
      bytes.push(...(next() < 0.25 ? encoded.slice(0, Math.max(1, Math.floor(next() * encoded.length))) : encoded));
    } else if (choice < 0.75) {
      bytes.push(EDGE_BYTES[Math.floor(next() * EDGE_BYTES.length)]!);
    } else {
      bytes.push(Math.floor(next() * 256));
    }
  }
  return Uint8Array.from(bytes.slice(0, length));
}

/** Unicode 15 §3.9 Table 3-7: the well-formed byte sequences, one range per byte. */
const WELL_FORMED: [number, number][][] = [
  [[0x00, 0x7f]],
  [[0xc2, 0xdf], [0x80, 0xbf]],
  [[0xe0, 0xe0], [0xa0, 0xbf], [0x80, 0xbf]],
  [[0xe1, 0xec], [0x80, 0xbf], [0x80, 0xbf]],
  [[0xed, 0xed], [0x80, 0x9f], [0x80, 0xbf]],
  [[0xee, 0xef], [0x80, 0xbf], [0x80, 0xbf]],
  [[0xf0, 0xf0], [0x90, 0xbf], [0x80, 0xbf], [0x80, 0xbf]],
  [[0xf1, 0xf3], [0x80, 0xbf], [0x80, 0xbf], [0x80, 0xbf]],
  [[0xf4, 0xf4], [0x80, 0x8f], [0x80, 0xbf], [0x80, 0xbf]],
];

/**
 * Unicode §3.9 read directly, without TextDecoder: at each position either a well-formed sequence of Table 3-7
 * (decoded), or its maximal subpart (D93b: the longest prefix of one, at least one byte) as one U+FFFD.
 */
function referenceRepair(bytes: Uint8Array): string {
  let text = '';
  let at = 0;
  while (at < bytes.length) {
    let matched = 0;
    let whole: number[] | null = null;
    for (const ranges of WELL_FORMED) {
      let length = 0;
      while (length < ranges.length && at + length < bytes.length) {
        const [low, high] = ranges[length]!;
        if (bytes[at + length]! < low || bytes[at + length]! > high) break;
        length++;
      }
      if (length === ranges.length) whole = [...bytes.subarray(at, at + length)];
      matched = Math.max(matched, length);
    }
    if (whole !== null) {
      const payloadBits = [0x7f, 0x1f, 0x0f, 0x07][whole.length - 1]!;
      const codePoint = whole.slice(1).reduce((value, byte) => (value << 6) | (byte & 0x3f), whole[0]! & payloadBits);
      text += String.fromCodePoint(codePoint);
      at += whole.length;
    } else {
      text += REPLACEMENT;
      at += Math.max(matched, 1);
    }
  }
  return text;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `cut` is `text`'s longest prefix, at a character boundary, of at most `max` UTF-8 bytes. */
function expectCut(text: string, cut: string, max: number): void {
  expect(text.startsWith(cut)).toBe(true);
  expect(utf8Bytes(cut)).toBeLessThanOrEqual(max);
  if (cut !== text) {
    const nextCharacter = String.fromCodePoint(text.codePointAt(cut.length)!);
    expect(utf8Bytes(cut + nextCharacter)).toBeGreaterThan(max);
  }
}

describe('repair (Unicode §3.9, U+FFFD Substitution of Maximal Subparts)', () => {
  it('is what TextDecoder does: the same as a direct reading of the standard on random byte strings', () => {
    const next = random(0x5eed);
    for (let i = 0; i < CASES; i++) {
      const bytes = randomBytes(next, 64);
      expect(repairUtf8(bytes), Buffer.from(bytes).toString('hex')).toBe(referenceRepair(bytes));
    }
  });

  it.each<[string, number[], string]>([
    ['Table 3-8', [0x61, 0xf1, 0x80, 0x80, 0xe1, 0x80, 0xc2, 0x62, 0x80, 0x63, 0x80, 0xbf, 0x64], 'a���b�c��d'],
    ['an overlong form, byte by byte', [0xc0, 0xaf, 0xe0, 0x80, 0xbf], '�����'],
    ['a surrogate, byte by byte', [0xed, 0xa0, 0x80], '���'],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '����'],
    ['a truncated 4-byte sequence at the end', [0x41, 0xf0, 0x9f, 0x98], 'A�'],
    ['a byte order mark, kept', [0xef, 0xbb, 0xbf, 0x41], '\u{feff}A'],
  ])('%s', (_name, bytes, expected) => {
    expect(repairUtf8(Uint8Array.from(bytes))).toBe(expected);
    expect(referenceRepair(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe('cuts at a character boundary', () => {
  it('keeps the longest prefix that fits 255 bytes (log) and 96 bytes (trap), on random text', () => {
    const next = random(0xc07);
    for (let i = 0; i < CASES; i++) {
      const text = repairUtf8(randomBytes(next, 400));
      expectCut(text, cutUtf8(text, LOG_TEXT_MAX_BYTES), LOG_TEXT_MAX_BYTES);
      expectCut(text, trapText(text), TRAP_TEXT_MAX_BYTES);
    }
  });

  it.each<[string, string, number, string]>([
    ['1-byte characters', 'a'.repeat(300), 255, 'a'.repeat(255)],
    ['2-byte characters, 255 is odd', 'é'.repeat(200), 255, 'é'.repeat(127)],
    ['3-byte characters, 96 fits 32', '€'.repeat(40), 96, '€'.repeat(32)],
    ['4-byte characters, 96 fits 24', '𝄞'.repeat(30), 96, '𝄞'.repeat(24)],
    ['one 4-byte character across the limit', `${'a'.repeat(94)}𝄞`, 96, 'a'.repeat(94)],
    ['exactly the limit', 'x'.repeat(96), 96, 'x'.repeat(96)],
  ])('%s', (_name, text, max, expected) => {
    expect(cutUtf8(text, max)).toBe(expected);
  });

  it('keeps a leading U+FEFF of an AssemblyScript string and replaces a lone surrogate', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const units = [0xfeff, 0x41, 0xd800, 0x42];
    new DataView(memory.buffer).setUint32(0, units.length * 2, true);
    units.forEach((unit, i) => new DataView(memory.buffer).setUint16(4 + 2 * i, unit, true));
    expect(new AppMemory(memory).assemblyScriptString(4)).toBe('\u{feff}A\u{fffd}B');
  });

  it('gives a log of 200 ill-formed bytes 85 replacement characters (255 bytes), not 86', () => {
    expect(logText(new Uint8Array(LOG_CALL_MAX_BYTES).fill(0xff))).toBe(REPLACEMENT.repeat(85));
  });
});

describe('the firmware applies the same rules (firmware/hal/text.c)', () => {
  let run: (lines: string[]) => Promise<string[]>;
  beforeAll(async () => {
    const program = await buildNativeProgram('text-harness', [
      'test/firmware/native/text-harness.c',
      'firmware/hal/text.c',
      'firmware/link/utf8.c',
    ]);
    run = (lines) => runLines(program, lines);
  });

  it('repairs and cuts log text byte for byte as the simulator does, on random byte strings', async () => {
    const next = random(0x106);
    const inputs = Array.from({ length: CASES }, () => randomBytes(next, LOG_CALL_MAX_BYTES));
    // Some all ill-formed: three bytes out for each one in, so the 255-byte cut falls mid-way.
    inputs.push(new Uint8Array(LOG_CALL_MAX_BYTES).fill(0x80), Uint8Array.from({ length: 199 }, (_, i) => (i % 3 ? 0xff : 0x41)));
    const outputs = await run(inputs.map((bytes) => `log ${Buffer.from(bytes).toString('hex')}`));
    const expected = inputs.map((bytes) => `x${Buffer.from(logText(bytes)).toString('hex')}`);
    expect(outputs).toEqual(expected);
  });

  it('cuts an abort message from an AssemblyScript string as the simulator does, lone surrogates included', async () => {
    const next = random(0xab0);
    const strings = Array.from({ length: CASES }, () => {
      const units = Array.from({ length: Math.floor(next() * 120) }, () => {
        const choice = next();
        if (choice < 0.5) return 0x20 + Math.floor(next() * 0x5f);
        if (choice < 0.7) return 0xd800 + Math.floor(next() * 0x800); // surrogates, paired or not
        if (choice < 0.75) return 0xfeff;
        return Math.floor(next() * 0x10000);
      });
      return Uint8Array.from(units.flatMap((unit) => [unit & 0xff, unit >> 8]));
    });
    const outputs = await run(strings.map((bytes) => `trap ${Buffer.from(bytes).toString('hex')}`));
    const expected = strings.map((bytes) => {
      // As host/abi/hal-imports.ts's abort reads it: an AssemblyScript string at 4, its byte length before it.
      const memory = new WebAssembly.Memory({ initial: 1 });
      const view = new DataView(memory.buffer);
      view.setUint32(0, bytes.length, true);
      new Uint8Array(memory.buffer).set(bytes, 4);
      return `x${Buffer.from(trapText(new AppMemory(memory).assemblyScriptString(4))).toString('hex')}`;
    });
    expect(outputs).toEqual(expected);
  });
});
