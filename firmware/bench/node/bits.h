/*
 * Bit and byte helpers for the C side of the benchmark, as drivers/hal/bits.ts is for the drivers: written once,
 * never copied per driver. The arithmetic ones wrap in two's complement as Wasm's i32 and i64 do, without C's
 * undefined behaviour on signed overflow.
 */
#ifndef WASMOTE_BENCH_NODE_BITS_H
#define WASMOTE_BENCH_NODE_BITS_H

#include <stdint.h>

#define BITS_PER_BYTE 8
#define I32_BITS 32

static inline int32_t shl32(int32_t value, unsigned bits) {
  return (int32_t)((uint32_t)value << bits);
}

static inline int32_t mul32(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * (uint32_t)b);
}

static inline int64_t shl64(int64_t value, unsigned bits) {
  return (int64_t)((uint64_t)value << bits);
}

static inline int64_t mul64(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* The low `bits` bits of `value` as a two's complement number (1 <= bits <= 32). */
static inline int32_t sign_extend(int32_t value, unsigned bits) {
  return shl32(value, I32_BITS - bits) >> (I32_BITS - bits);
}

/* Two bytes, most significant first, as an unsigned 16-bit value. */
static inline int32_t load_u16_be(const uint8_t *bytes) {
  return (int32_t)bytes[0] << BITS_PER_BYTE | bytes[1];
}

static inline int32_t load_i16_be(const uint8_t *bytes) {
  return sign_extend(load_u16_be(bytes), 2 * BITS_PER_BYTE);
}

/* Two bytes, least significant first, as an unsigned 16-bit value. */
static inline int32_t load_u16_le(const uint8_t *bytes) {
  return (int32_t)bytes[1] << BITS_PER_BYTE | bytes[0];
}

static inline int32_t load_i16_le(const uint8_t *bytes) {
  return sign_extend(load_u16_le(bytes), 2 * BITS_PER_BYTE);
}

/* Three bytes, most significant first, as an unsigned 24-bit value. */
static inline int32_t load_u24_be(const uint8_t *bytes) {
  return (int32_t)bytes[0] << (2 * BITS_PER_BYTE) | (int32_t)bytes[1] << BITS_PER_BYTE | bytes[2];
}

#endif
