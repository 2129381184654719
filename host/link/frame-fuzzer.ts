/**
 * Seeded generators for fuzzing a link receiver (test/link/fuzz.test.ts, bench/link-decoder.ts, an edge's own tests): random valid
 * messages, and a wire stream mixing intact frames with corrupted ones, noise and over-long runs. Every item
 * records what a correct decoder must make of it, worked out without the decoder's streaming logic.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Prng } from '../sim/prng.ts';
import { cobsDecode, cobsEncode, cobsMaxEncodedBytes } from './cobs.ts';
import { decodeBody } from './codec.ts';
import type { DecodedFrame } from './decoder.ts';
import { LinkEncoder } from './encoder.ts';
import type { LinkMessage, ProxyOperation } from './messages.ts';

// Limits restated from docs/link-protocol.md §4 to keep every payload within 1024 bytes.
const STR_MAX_BYTES = 255;
/** §4.1: device_id, firmware_version and app_version. */
const HELLO_STR_MAX_BYTES = 32;
/** §4.1, hal-abi.md §4.6: the largest metric table fits beside three 32-byte strings. */
const HELLO_MAX_METRICS = 24;
const METRIC_NAME_MAX_BYTES = 24;
const METRIC_UNIT_MAX_BYTES = 8;
const DATA_MAX_VALUES = 112;
const COMMAND_MAX_BYTES = 64;
const I2C_MAX_BYTES = 255;
const SAFE_TIME = Number.MAX_SAFE_INTEGER;

/** Characters of 1 to 4 UTF-8 bytes, and U+FEFF, which a careless decoder drops at the start of a string. */
const CHARACTERS = ['a', 'Z', '0', '_', '.', ' ', 'é', '°', '温', '😀', '\u{feff}'].map((text) => ({
  text,
  bytes: Buffer.byteLength(text),
}));

export function randomString(prng: Prng, maxBytes: number): string {
  const budget = prng.chance(0.1) ? maxBytes : prng.int(0, Math.min(maxBytes, 40));
  let text = '';
  let bytes = 0;
  for (;;) {
    const character = prng.pick(CHARACTERS);
    if (bytes + character.bytes > budget) return text;
    text += character.text;
    bytes += character.bytes;
  }
}

function randomTime(prng: Prng): number {
  return prng.chance(0.05) ? SAFE_TIME : prng.int(0, 2 ** 40);
}

/** A finite f64 from random bits: every exponent but the all-ones one (NaN, ±Infinity, §4.2). */
const bits = new DataView(new ArrayBuffer(8));

function randomFinite(prng: Prng): number {
  bits.setUint32(0, prng.int(0, 0xffff_ffff));
  bits.setUint32(4, prng.int(0, 0xffff_ffff));
  const value = bits.getFloat64(0);
  return Number.isFinite(value) ? value : prng.pick([0, -0, 21.5, -273.15]);
}

function randomOperation(prng: Prng): ProxyOperation {
  const address = prng.int(0, 0x7f);
  const data = () => prng.bytes(prng.chance(0.05) ? I2C_MAX_BYTES : prng.int(1, 16));
  switch (prng.int(1, 7)) {
    case 1:
      return { op: 'i2c-write', address, data: data() };
    case 2:
      return { op: 'i2c-read', address, readLength: prng.int(1, 255) };
    case 3:
      return { op: 'i2c-write-read', address, data: data(), readLength: prng.int(1, 255) };
    case 4:
      return { op: 'gpio-mode', pin: prng.int(0, 255), mode: prng.int(0, 3) };
    case 5:
      return { op: 'gpio-write', pin: prng.int(0, 255), level: prng.int(0, 1) };
    case 6:
      return { op: 'gpio-read', pin: prng.int(0, 255) };
    default:
      return { op: 'pwm-set', channel: prng.int(0, 255), dutyU16: prng.int(0, 0xffff) };
  }
}

/** A valid message of any type; DATA, the bulk of real traffic, half the time. */
export function randomMessage(prng: Prng): LinkMessage {
  if (prng.chance(0.5)) {
    const count = prng.chance(0.05) ? DATA_MAX_VALUES : prng.int(0, 8);
    const values = Array.from({ length: count }, () => ({
      id: prng.int(0, 255),
      value: prng.chance(0.5) ? prng.int(-40_000, 120_000) / 1000 : randomFinite(prng),
    }));
    return { type: 'data', timeMs: randomTime(prng), values };
  }
  switch (prng.int(1, 7)) {
    case 1: {
      const metrics = Array.from({ length: prng.chance(0.05) ? HELLO_MAX_METRICS : prng.int(0, 6) }, () => ({
        id: prng.int(0, 254),
        name: randomString(prng, METRIC_NAME_MAX_BYTES),
        unit: randomString(prng, METRIC_UNIT_MAX_BYTES),
      }));
      return {
        type: 'hello',
        deviceId: randomString(prng, HELLO_STR_MAX_BYTES),
        firmwareVersion: randomString(prng, HELLO_STR_MAX_BYTES),
        appVersion: randomString(prng, HELLO_STR_MAX_BYTES),
        appHash: prng.bytes(32),
        abiVersion: prng.int(0, 0xffff_ffff),
        bootReason: prng.pick([0, 1, 2, 3] as const),
        metrics,
      };
    }
    case 2:
      return {
        type: 'log',
        timeMs: randomTime(prng),
        level: prng.pick([0, 1, 2, 3] as const),
        text: randomString(prng, STR_MAX_BYTES),
      };
    case 3: {
      const kind = prng.pick([1, 2, 3, 4] as const);
      return {
        type: 'event',
        timeMs: randomTime(prng),
        kind,
        code: kind === 1 ? prng.int(1, 7) : prng.int(0, 0xffff),
        message: randomString(prng, STR_MAX_BYTES),
        file: randomString(prng, STR_MAX_BYTES),
        line: prng.int(0, 0xffff_ffff),
        column: prng.int(0, 0xffff_ffff),
      };
    }
    case 4:
      return {
        type: 'command',
        commandId: prng.int(0, 0xffff),
        payload: prng.bytes(prng.int(1, COMMAND_MAX_BYTES)),
      };
    case 5:
      return { type: 'command-result', commandId: prng.int(0, 0xffff), status: prng.int(0, 255) };
    case 6:
      return {
        type: 'proxy-request',
        requestId: prng.int(0, 0xffff),
        timeUs: randomTime(prng),
        operation: randomOperation(prng),
      };
    default:
      return {
        type: 'proxy-response',
        requestId: prng.int(0, 0xffff),
        status: prng.int(0, 6),
        data: prng.bytes(prng.chance(0.05) ? I2C_MAX_BYTES : prng.int(0, 6)),
      };
  }
}

/** The body inside a wire frame (delimiter included). */
export function frameBody(frame: Uint8Array): Uint8Array {
  const body = new Uint8Array(frame.length);
  return body.subarray(0, cobsDecode(frame, 0, frame.length - 1, body));
}

/** Recomputes `body`'s CRC in place with zlib and returns its frame: it passes the CRC check whatever it says. */
export function sealBody(body: Uint8Array): Uint8Array {
  const crcAt = body.length - 4;
  new DataView(body.buffer, body.byteOffset).setUint32(crcAt, zlibCrc32(body.subarray(0, crcAt)), true);
  // Room for the longest encoding and the delimiter (a mutated body may be up to 4 bytes over the limit).
  const frame = new Uint8Array(cobsMaxEncodedBytes(body.length) + 1);
  const length = cobsEncode(body, 0, body.length, frame, 0);
  return frame.subarray(0, length + 1);
}

/** A body with a valid CRC but a mutated header or payload: reaches the version, type and payload checks. */
export function mutateBody(prng: Prng, body: Uint8Array): Uint8Array {
  const payloadEnd = body.length - 4;
  switch (prng.int(0, 4)) {
    case 0: {
      const mutated = body.slice();
      const at = prng.int(0, payloadEnd - 1);
      mutated[at] = mutated[at]! ^ prng.int(1, 255);
      return mutated;
    }
    case 1: {
      const mutated = body.slice();
      mutated[1] = prng.pick([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x20, 0x7f]);
      return mutated;
    }
    case 2: {
      const cut = prng.int(4, payloadEnd);
      return Uint8Array.from([...body.subarray(0, cut), 0, 0, 0, 0]);
    }
    case 3:
      return Uint8Array.from([...body.subarray(0, payloadEnd), ...prng.bytes(prng.int(1, 4)), 0, 0, 0, 0]);
    default: {
      const mutated = body.slice();
      for (let i = 4; i < payloadEnd; i++) if (prng.chance(0.1)) mutated[i] = prng.int(0, 255);
      return mutated;
    }
  }
}

export interface FuzzStream {
  wire: Uint8Array;
  /** What a correct decoder returns for the whole stream, in order. */
  expected: DecodedFrame[];
}

const FRAME_DELIMITER = 0;
/** §2: 1037 bytes is the longest encoded frame. */
const MAX_ENCODED_BYTES = 1037;

/**
 * `frameCount` frames: about 60 % intact, the rest corrupted on the wire (bit flips, replaced, inserted and
 * deleted bytes, truncation), re-sealed with a valid CRC after mutation, or mixed with noise and over-long
 * runs. Ends with a delimiter so every segment is complete.
 */
export function fuzzStream(prng: Prng, frameCount: number): FuzzStream {
  const encoder = new LinkEncoder(prng.int(0, 0xffff));
  const parts: Uint8Array[] = [];
  const expected: DecodedFrame[] = [];
  let afterDelimiter = true;
  const emit = (bytes: Uint8Array) => {
    if (bytes.length === 0) return;
    parts.push(bytes);
    afterDelimiter = bytes[bytes.length - 1] === FRAME_DELIMITER;
  };
  /** A complete frame preceded by a delimiter must decode to `decoded`. */
  const emitFrame = (frame: Uint8Array, decoded: DecodedFrame | undefined) => {
    if (afterDelimiter && decoded) expected.push(decoded);
    emit(frame);
  };

  for (let sent = 0; sent < frameCount; sent++) {
    const seq = encoder.nextSeq;
    const message = randomMessage(prng);
    const frame = encoder.encode(message);
    const roll = prng.next();
    if (roll < 0.6) {
      emitFrame(frame, { seq, message });
    } else if (roll < 0.7) {
      // Whether a re-sealed body is still valid is the payload decoders' call (fuzz.test.ts checks them).
      const body = mutateBody(prng, frameBody(frame));
      const sealed = sealBody(body);
      const result = decodeBody(body);
      emitFrame(sealed, result.ok ? { seq: result.seq, message: result.message } : undefined);
    } else if (roll < 0.9) {
      emit(corrupt(prng, frame));
    } else {
      emit(noise(prng));
      if (prng.chance(0.5)) emit(Uint8Array.of(FRAME_DELIMITER));
      emitFrame(frame, { seq, message });
    }
  }
  emit(Uint8Array.of(FRAME_DELIMITER));
  return { wire: Buffer.concat(parts), expected };
}

/** A frame damaged on the wire: what survives is not a valid frame (the CRC catches it). */
function corrupt(prng: Prng, frame: Uint8Array): Uint8Array {
  const encodedEnd = frame.length - 1;
  const at = prng.int(0, encodedEnd - 1);
  switch (prng.int(0, 4)) {
    case 0: {
      const flipped = frame.slice();
      flipped[at] = flipped[at]! ^ (1 << prng.int(0, 7));
      return flipped;
    }
    case 1: {
      const replaced = frame.slice();
      replaced[at] = replaced[at]! ^ prng.int(1, 255);
      return replaced;
    }
    case 2: {
      // Not at 0: a 0x00 there would only be a leading flush in front of an intact frame.
      const insertAt = Math.max(at, 1);
      const inserted = new Uint8Array(frame.length + 1);
      inserted.set(frame.subarray(0, insertAt));
      inserted[insertAt] = prng.int(0, 255);
      inserted.set(frame.subarray(insertAt), insertAt + 1);
      return inserted;
    }
    case 3: {
      const deleted = new Uint8Array(frame.length - 1);
      deleted.set(frame.subarray(0, at));
      deleted.set(frame.subarray(at + 1), at);
      return deleted;
    }
    default:
      return frame.subarray(0, at);
  }
}

/** Line noise: random bytes, a few empty segments, or a run too long to be a frame. */
function noise(prng: Prng): Uint8Array {
  switch (prng.int(0, 2)) {
    case 0:
      return prng.bytes(prng.int(1, 64));
    case 1:
      return new Uint8Array(prng.int(1, 3));
    default:
      return prng.bytes(prng.int(MAX_ENCODED_BYTES + 1, 2 * MAX_ENCODED_BYTES), 1);
  }
}

/** Non-empty segments in `wire`: each ends in exactly one delivered frame or one drop. */
export function countSegments(wire: Uint8Array): number {
  let segments = 0;
  let start = 0;
  for (let at = wire.indexOf(FRAME_DELIMITER); at >= 0; at = wire.indexOf(FRAME_DELIMITER, at + 1)) {
    if (at > start) segments++;
    start = at + 1;
  }
  return segments;
}
