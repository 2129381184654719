/* Reading the binary format (Wasm core spec §5.1, §5.2): bytes, LEB128 integers, names, bounded by the section. */
#ifndef WASMOTE_ENGINE_INTERP_READER_H
#define WASMOTE_ENGINE_INTERP_READER_H

#include <stdint.h>
#include <string.h>

#include "module.h"

typedef struct {
  const uint8_t *at;
  const uint8_t *end;
} reader_t;

static inline uint32_t reader_offset(const reader_t *r) {
  return (uint32_t)(r->at - module.wasm);
}

static inline uint8_t read_byte(reader_t *r) {
  if (r->at >= r->end) load_refuse("unexpected end", "", reader_offset(r));
  return *r->at++;
}

/* §5.2.2: unsigned LEB128 of at most ceil(bits / 7) bytes, the unused bits of the last one zero. */
static inline uint64_t read_unsigned(reader_t *r, uint32_t bits) {
  uint64_t value = 0;
  for (uint32_t shift = 0;; shift += 7) {
    uint8_t byte = read_byte(r);
    if (shift + 7 >= bits && (byte & 0x7F) >> (bits - shift) != 0) load_refuse("integer too large", "", reader_offset(r));
    value |= (uint64_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return value;
    if (shift + 7 >= bits) load_refuse("integer representation too long", "", reader_offset(r));
  }
}

/* §5.2.2: signed LEB128; the unused bits of the last byte repeat the sign bit. */
static inline int64_t read_signed(reader_t *r, uint32_t bits) {
  uint64_t value = 0;
  uint32_t shift = 0;
  uint8_t byte;
  do {
    byte = read_byte(r);
    if (shift + 7 >= bits) {
      if (byte & 0x80) load_refuse("integer representation too long", "", reader_offset(r));
      uint32_t used = bits - shift;
      uint8_t upper = (uint8_t)((byte & 0x7F) >> (used - 1));
      if (upper != 0 && upper != (0x7F >> (used - 1))) load_refuse("integer too large", "", reader_offset(r));
    }
    value |= (uint64_t)(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 64 && (byte & 0x40)) value |= ~(uint64_t)0 << shift;
  return (int64_t)value;
}

static inline uint32_t read_u32(reader_t *r) {
  return (uint32_t)read_unsigned(r, 32);
}

static inline const uint8_t *read_bytes(reader_t *r, uint32_t length) {
  if ((uint32_t)(r->end - r->at) < length) load_refuse("unexpected end", "", reader_offset(r));
  const uint8_t *bytes = r->at;
  r->at += length;
  return bytes;
}

static inline uint32_t read_fixed32(reader_t *r) {
  uint32_t value;
  memcpy(&value, read_bytes(r, 4), 4);
  return value;
}

/* loader.c: one of §5.3.1's number types, or a refusal naming the feature a value type belongs to. */
uint8_t read_valtype(reader_t *r);

#endif
