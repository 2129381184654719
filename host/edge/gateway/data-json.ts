/**
 * The JSON of a DATA payload (docs/mqtt.md §4.1), the bytes of JSON.stringify's text, written straight into a
 * shared buffer: the edge encodes one per DATA frame, and building the text as a string (its pieces, then a flat
 * copy, then its UTF-8 bytes) was a tenth of the edge's event loop and a quarter of what it allocated. A metric
 * name's quoted bytes are made once and kept, and a value is written as JSON writes a number (ECMA-262
 * Number::toString, which String() uses too; values are finite, docs/link-protocol.md §4.3).
 */
import { BoundedMemo } from './bounded-memo.ts';
import type { DataMessage } from './messages.ts';

/** Every field of a DATA payload, in the order the registry builds it (the order JSON.stringify writes). */
const FIELDS = ['time', 'uptimeMs', 'session', 'seq', 'timeSource', 'values'] as const satisfies readonly (keyof DataMessage)[];
/** Fails to compile when DataMessage gains a field the encoder does not write. */
type Unwritten = Exclude<keyof DataMessage, (typeof FIELDS)[number]>;
const everyFieldWritten: Unwritten extends never ? true : never = true;
void everyFieldWritten;

/** `"name":` in UTF-8, JSON's escapes included, for the names of a fleet's apps (a few hundred). */
const quotedNames = new BoundedMemo<string, Buffer>(4096, (name) => Buffer.from(`${JSON.stringify(name)}:`));

/**
 * Texts of values written lately. A reading is a conversion of a sensor's raw code (an ADC count, a register
 * value), so a fleet's values repeat: in the edge bench over 99 % of them had been written before, and a lookup
 * costs a fraction of formatting a double's shortest digits. +0 and -0 share a key and a text, as JSON writes both
 * "0".
 */
const valueTexts = new BoundedMemo<number, string>(32_768, String);

/** The longest text of a finite double (ECMA-262 Number::toString: 17 digits, a sign, a point, `e-` and 3 digits). */
const NUMBER_TEXT_MAX = 25;
/** Everything but the values: the field names, a wall time's 24 characters, three numbers and a time source. */
const FIXED_PART_MAX = 160;
/**
 * A quoted name's bytes at most, per UTF-16 unit of the name: six for JSON's `\u00XX` and lone surrogates' escapes
 * (UTF-8 takes at most three); then the quotes and the colon.
 */
const QUOTED_BYTES_PER_UNIT = 6;
const QUOTES_AND_COLON = 3;
/** Payloads are cut from buffers of this size, handed out once each and never written again. */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabUsed = 0;

/** The payload's JSON in UTF-8: the bytes of JSON.stringify(payload). */
export function dataPayloadBytes(payload: DataMessage): Buffer {
  const { time, uptimeMs, session, seq, timeSource, values } = payload;
  let bound = FIXED_PART_MAX;
  for (const name in values) bound += QUOTED_BYTES_PER_UNIT * name.length + QUOTES_AND_COLON + NUMBER_TEXT_MAX + 1;
  if (slabUsed + bound > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bound));
    slabUsed = 0;
  }
  const start = slabUsed;
  // A wall time is ISO 8601 (formatWallTime), nothing JSON escapes; time sources are two fixed words.
  let at = start + slab.write(`{"time":"${time}","uptimeMs":${uptimeMs},"session":${session},"seq":${seq}`, start, 'latin1');
  if (timeSource !== undefined) at += slab.write(`,"timeSource":"${timeSource}"`, at, 'latin1');
  at += slab.write(',"values":{', at, 'latin1');
  let first = true;
  for (const name in values) {
    if (!first) slab[at++] = COMMA;
    first = false;
    const quoted = quotedNames.get(name);
    slab.set(quoted, at);
    at += quoted.length;
    at += slab.write(valueTexts.get(values[name]!), at, 'latin1');
  }
  slab[at++] = CLOSE_BRACE;
  slab[at++] = CLOSE_BRACE;
  slabUsed = at;
  return slab.subarray(start, at);
}

const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
