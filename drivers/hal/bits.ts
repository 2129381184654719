// Bit and byte helpers every driver shares: written once here, never copied per driver.

/** Reads the low `bits` bits of `value` as a two's complement number (1 <= bits <= 32). */
export function signExtend(value: i32, bits: i32): i32 {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** Two bytes, most significant first, as an unsigned 16-bit value. */
export function u16FromBytesBE(msb: i32, lsb: i32): i32 {
  return ((msb & 0xff) << 8) | (lsb & 0xff);
}

/** Two bytes, least significant first, as an unsigned 16-bit value. */
export function u16FromBytesLE(lsb: i32, msb: i32): i32 {
  return u16FromBytesBE(msb, lsb);
}

/** Three bytes, most significant first, as an unsigned 24-bit value. */
export function u24FromBytesBE(msb: i32, mid: i32, lsb: i32): i32 {
  return ((msb & 0xff) << 16) | ((mid & 0xff) << 8) | (lsb & 0xff);
}

/** The unsigned big-endian 16-bit value at `ptr`. */
export function loadU16BE(ptr: usize): i32 {
  return u16FromBytesBE(load<u8>(ptr), load<u8>(ptr, 1));
}

/** The signed big-endian 16-bit value at `ptr`. */
export function loadI16BE(ptr: usize): i32 {
  return signExtend(loadU16BE(ptr), 16);
}

/** The unsigned little-endian 16-bit value at `ptr`. */
export function loadU16LE(ptr: usize): i32 {
  return u16FromBytesLE(load<u8>(ptr), load<u8>(ptr, 1));
}

/** The signed little-endian 16-bit value at `ptr`. */
export function loadI16LE(ptr: usize): i32 {
  return signExtend(loadU16LE(ptr), 16);
}

/** The unsigned big-endian 24-bit value at `ptr`. */
export function loadU24BE(ptr: usize): i32 {
  return u24FromBytesBE(load<u8>(ptr), load<u8>(ptr, 1), load<u8>(ptr, 2));
}
