// A tiny ASCII writer into a caller-owned static buffer: string literal characters, integers, fixed-point
// numbers. It never allocates (AssemblyScript string literals are static data; reading their characters is a
// load), so logs and metric names can be built in `tick` on a device that runs for months.

const CHAR_ZERO: u8 = 0x30;
const CHAR_MINUS: u8 = 0x2d;
const CHAR_DOT: u8 = 0x2e;
const CHAR_REPLACEMENT: u8 = 0x3f; // '?' for anything outside 7-bit ASCII
const ASCII_MAX: i32 = 0x7f;
const MAX_DECIMALS: i32 = 9;
/** |value| · 10^decimals must stay below this to be printed exactly as an integer (2^63). */
const FIXED_LIMIT: f64 = 9.2e18;

export class AsciiWriter {
  /** Bytes written since the last reset. */
  length: i32 = 0;
  /** True once something did not fit; the text is then cut at `capacity`. */
  overflowed: bool = false;

  constructor(readonly buffer: usize, readonly capacity: i32) {}

  reset(): AsciiWriter {
    this.length = 0;
    this.overflowed = false;
    return this;
  }

  byte(value: u8): AsciiWriter {
    if (this.length < this.capacity) {
      store<u8>(this.buffer + <usize>this.length, value);
      this.length++;
    } else {
      this.overflowed = true;
    }
    return this;
  }

  /** The characters of `text`; anything beyond 7-bit ASCII becomes '?'. */
  text(text: string): AsciiWriter {
    const count = text.length;
    for (let i = 0; i < count; i++) {
      const code = <i32>text.charCodeAt(i);
      this.byte(code <= ASCII_MAX ? <u8>code : CHAR_REPLACEMENT);
    }
    return this;
  }

  /** `value` in decimal, with a leading '-' when negative. */
  int(value: i64): AsciiWriter {
    let magnitude = <u64>value;
    if (value < 0) {
      this.byte(CHAR_MINUS);
      magnitude = <u64>(-value); // i64.MIN_VALUE wraps to itself, which as u64 is its magnitude
    }
    return this.unsigned(magnitude, 1);
  }

  /**
   * `value` rounded to `decimals` places (0..9), e.g. fixed(-0.25, 2) → "-0.25", fixed(25.08, 1) → "25.1".
   * Non-finite values and magnitudes too large to print exactly are written as "nan", "inf" or "big".
   */
  fixed(value: f64, decimals: i32): AsciiWriter {
    if (isNaN(value)) return this.text("nan");
    if (decimals < 0) decimals = 0;
    if (decimals > MAX_DECIMALS) decimals = MAX_DECIMALS;
    let scale: u64 = 1;
    for (let i = 0; i < decimals; i++) scale *= 10;
    let magnitude = Math.abs(value);
    if (!isFinite(magnitude)) return this.text(value < 0 ? "-inf" : "inf");
    const scaled = Math.round(magnitude * <f64>scale);
    if (scaled >= FIXED_LIMIT) return this.text("big");
    const units = <u64>scaled;
    if (value < 0 && units != 0) this.byte(CHAR_MINUS);
    this.unsigned(units / scale, 1);
    if (decimals > 0) {
      this.byte(CHAR_DOT);
      this.unsigned(units % scale, decimals);
    }
    return this;
  }

  /** `value` in decimal, zero-padded to at least `minDigits` digits. */
  private unsigned(value: u64, minDigits: i32): AsciiWriter {
    let divisor: u64 = 1;
    let digits = 1;
    while (value / divisor >= 10 || digits < minDigits) {
      divisor *= 10;
      digits++;
    }
    while (digits > 0) {
      this.byte(CHAR_ZERO + <u8>((value / divisor) % 10));
      divisor /= 10;
      digits--;
    }
    return this;
  }
}
