/**
 * Little-endian field access for link payloads (docs/link-protocol.md §3.3). Every read and write is bounds-
 * and range-checked; a violation throws LinkFieldError naming the field, so message modules stay declarative.
 */

import { LINK_ID_MAX_BYTES } from './link-id.ts';

/**
 * A field that breaks its layout (docs/link-protocol.md §4). Decoding turns it into a `malformed` drop;
 * encoding lets it reach the caller, since the message it was given cannot be sent.
 */
export class LinkFieldError extends Error {
  override readonly name = 'LinkFieldError';

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** §3.3: a `str` carries its length in one byte. */
const STR_MAX_BYTES = 0xff;
const U8_MAX = 0xff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;
const U32_SPAN = 0x1_0000_0000;
/** A u64 whose high word reaches 2^53 / 2^32 exceeds Number.MAX_SAFE_INTEGER (§3.3). */
const SAFE_U64_HIGH_WORD_LIMIT = 0x20_0000;

/** §3.3 `bool`. */
const FALSE = 0;
const TRUE = 1;

/** fatal: invalid UTF-8 is malformed (§3.3); ignoreBOM: a leading U+FEFF is text, kept like any other. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export class ByteReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);
  private position = 0;

  /** Starts reading `bytes` from its first byte. */
  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = 0;
    return this;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  u8(field: string): number {
    return this.bytes[this.take(1, field)]!;
  }

  /** A u8 that must lie in `min..max`, e.g. an enumeration. */
  u8Within(field: string, min: number, max: number): number {
    const value = this.u8(field);
    if (value < min || value > max) throw new LinkFieldError(field, `${value} is outside ${min}..${max}`);
    return value;
  }

  /** A u8 that must be one of `allowed`, e.g. an enumeration with gaps. */
  u8OneOf(field: string, allowed: readonly number[]): number {
    return checkOneOf(this.u8(field), field, allowed);
  }

  /** §3.3 `bool`: 0 or 1. */
  bool(field: string): boolean {
    return this.u8Within(field, FALSE, TRUE) === TRUE;
  }

  u16(field: string): number {
    const at = this.take(2, field);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }

  u32(field: string): number {
    return this.view.getUint32(this.take(4, field), true);
  }

  /** A u32 that must lie in `min..max`. */
  u32Within(field: string, min: number, max: number): number {
    return checkWithin(this.u32(field), field, min, max);
  }

  /** A u64 that must be at most Number.MAX_SAFE_INTEGER. */
  u64(field: string): number {
    const at = this.take(8, field);
    const high = this.view.getUint32(at + 4, true);
    if (high >= SAFE_U64_HIGH_WORD_LIMIT) throw new LinkFieldError(field, 'exceeds Number.MAX_SAFE_INTEGER');
    return high * U32_SPAN + this.view.getUint32(at, true);
  }

  f64(field: string): number {
    return this.view.getFloat64(this.take(8, field), true);
  }

  /** An f64 that must be finite: NaN and ±Infinity are malformed wherever the protocol carries a value. */
  f64Finite(field: string): number {
    return checkFinite(this.f64(field), field);
  }

  /** A `str`: u8 length, then that many bytes of valid UTF-8; a field may allow fewer than 255 bytes. */
  str(field: string, maxBytes = STR_MAX_BYTES): string {
    const length = this.u8(field);
    const at = this.take(length, field);
    if (length > maxBytes) throw new LinkFieldError(field, `${length} bytes, at most ${maxBytes}`);
    try {
      return utf8Decoder.decode(this.bytes.subarray(at, at + length));
    } catch {
      throw new LinkFieldError(field, 'not valid UTF-8');
    }
  }

  /** §3.3 `id`: a `str` of 1..32 bytes, each one of A-Z a-z 0-9 . _ - */
  id(field: string): string {
    const length = this.u8(field);
    const at = this.take(length, field);
    const bytes = this.bytes.subarray(at, at + length);
    const problem = idProblem(bytes);
    if (problem !== null) throw new LinkFieldError(field, problem);
    return String.fromCharCode(...bytes);
  }

  /** A copy of the next `count` bytes. */
  bytesExact(field: string, count: number): Uint8Array {
    const at = this.take(count, field);
    return this.bytes.slice(at, at + count);
  }

  /** The payload's last field: a copy of every byte left, which must number `minBytes..maxBytes`. */
  rest(field: string, minBytes: number, maxBytes: number): Uint8Array {
    const count = this.remaining;
    if (count < minBytes || count > maxBytes) {
      throw new LinkFieldError(field, `${count} byte(s), must be ${minBytes}..${maxBytes}`);
    }
    return this.bytesExact(field, count);
  }

  /** The payload must end here (docs/link-protocol.md §3.3: no trailing bytes). */
  end(): void {
    if (this.remaining !== 0) throw new LinkFieldError('payload', `${this.remaining} trailing byte(s)`);
  }

  private take(count: number, field: string): number {
    if (this.remaining < count) {
      throw new LinkFieldError(field, `needs ${count} byte(s), ${this.remaining} left`);
    }
    const at = this.position;
    this.position += count;
    return at;
  }
}

/** Writes one payload into a reusable buffer of `capacity` bytes (docs/link-protocol.md §3: at most 1024). */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  u8(value: number, field: string): void {
    checkInteger(value, U8_MAX, field);
    this.bytes[this.take(1, field)] = value;
  }

  /** A u8 that must lie in `min..max`, e.g. an enumeration. */
  u8Within(value: number, field: string, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new LinkFieldError(field, `${value} is outside ${min}..${max}`);
    }
    this.u8(value, field);
  }

  /** A u8 that must be one of `allowed`. */
  u8OneOf(value: number, field: string, allowed: readonly number[]): void {
    this.u8(checkOneOf(value, field, allowed), field);
  }

  bool(value: boolean, field: string): void {
    if (typeof value !== 'boolean') throw new LinkFieldError(field, `${String(value)} is not a boolean`);
    this.u8(value ? TRUE : FALSE, field);
  }

  u16(value: number, field: string): void {
    checkInteger(value, U16_MAX, field);
    const at = this.take(2, field);
    this.bytes[at] = value & 0xff;
    this.bytes[at + 1] = value >>> 8;
  }

  u32(value: number, field: string): void {
    checkInteger(value, U32_MAX, field);
    this.view.setUint32(this.take(4, field), value, true);
  }

  /** A u32 that must lie in `min..max`. */
  u32Within(value: number, field: string, min: number, max: number): void {
    checkInteger(value, U32_MAX, field);
    this.u32(checkWithin(value, field, min, max), field);
  }

  u64(value: number, field: string): void {
    checkInteger(value, Number.MAX_SAFE_INTEGER, field);
    const at = this.take(8, field);
    this.view.setUint32(at, value % U32_SPAN, true);
    this.view.setUint32(at + 4, Math.floor(value / U32_SPAN), true);
  }

  f64(value: number, field: string): void {
    this.view.setFloat64(this.take(8, field), value, true);
  }

  f64Finite(value: number, field: string): void {
    this.f64(checkFinite(value, field), field);
  }

  /** A `str`: u8 length, then the UTF-8 bytes; a field may allow fewer than 255 bytes. */
  str(value: string, field: string, maxBytes = STR_MAX_BYTES): void {
    const lengthAt = this.take(1, field);
    const room = Math.min(maxBytes, this.bytes.length - this.length);
    const { read, written } = utf8Encoder.encodeInto(value, this.bytes.subarray(this.length, this.length + room));
    if (read !== value.length) {
      const byteLength = utf8Encoder.encode(value).length;
      throw new LinkFieldError(
        field,
        byteLength > maxBytes ? `${byteLength} UTF-8 bytes, at most ${maxBytes}` : this.overflow(),
      );
    }
    this.bytes[lengthAt] = written;
    this.length += written;
  }

  /** §3.3 `id`: refuses anything a receiver would find malformed. */
  id(value: string, field: string): void {
    const bytes = utf8Encoder.encode(value);
    const problem = idProblem(bytes);
    if (problem !== null) throw new LinkFieldError(field, problem);
    this.u8(bytes.length, field);
    this.bytesExact(bytes, field);
  }

  bytesExact(value: Uint8Array, field: string): void {
    this.bytes.set(value, this.take(value.length, field));
  }

  /** The payload's last field: `value` fills the rest of it and must be `minBytes..maxBytes` long. */
  rest(value: Uint8Array, field: string, minBytes: number, maxBytes: number): void {
    if (value.length < minBytes || value.length > maxBytes) {
      throw new LinkFieldError(field, `${value.length} byte(s), must be ${minBytes}..${maxBytes}`);
    }
    this.bytesExact(value, field);
  }

  private take(count: number, field: string): number {
    if (this.length + count > this.bytes.length) throw new LinkFieldError(field, this.overflow());
    const at = this.length;
    this.length += count;
    return at;
  }

  private overflow(): string {
    return `does not fit in the ${this.bytes.length}-byte payload`;
  }
}

/** Throws LinkFieldError unless `value` is an integer in `0..max`. */
export function checkInteger(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new LinkFieldError(field, `${value} is not an integer in 0..${max}`);
  }
}

function checkWithin(value: number, field: string, min: number, max: number): number {
  if (value < min || value > max) throw new LinkFieldError(field, `${value} is outside ${min}..${max}`);
  return value;
}

function checkOneOf(value: number, field: string, allowed: readonly number[]): number {
  if (!allowed.includes(value)) throw new LinkFieldError(field, `${value} is not one of ${allowed.join(', ')}`);
  return value;
}

export function checkFinite(value: number, field: string): number {
  if (!Number.isFinite(value)) throw new LinkFieldError(field, `${value} is not finite`);
  return value;
}

/** §3.3 `id`: A-Z, a-z, 0-9, `.`, `_`, `-`. */
function isIdByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x2d
  );
}

/** Why `bytes` is not an `id`, or null when it is one. */
function idProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return `empty, must be 1..${LINK_ID_MAX_BYTES} bytes`;
  if (bytes.length > LINK_ID_MAX_BYTES) return `${bytes.length} bytes, at most ${LINK_ID_MAX_BYTES}`;
  const at = bytes.findIndex((byte) => !isIdByte(byte));
  if (at < 0) return null;
  return `byte ${at} is 0x${bytes[at]!.toString(16).padStart(2, '0')}; only A-Z a-z 0-9 . _ - are allowed`;
}
