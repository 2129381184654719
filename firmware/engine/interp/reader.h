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

/*
 * loader.c, for the loader and the compiler alike (one copy of each in the image): a byte; §5.2.2's unsigned
 * LEB128 of at most ceil(bits / 7) bytes, the unused bits of the last one zero, and signed LEB128, whose unused
 * bits of the last byte repeat the sign bit; a u32; `length` bytes; a little-endian word.
 */
uint8_t read_byte(reader_t *r);
uint64_t read_unsigned(reader_t *r, uint32_t bits);
int64_t read_signed(reader_t *r, uint32_t bits);
uint32_t read_u32(reader_t *r);
const uint8_t *read_bytes(reader_t *r, uint32_t length);
uint32_t read_fixed32(reader_t *r);

/* loader.c: one of §5.3.1's number types, or a refusal naming the feature a value type belongs to. */
uint8_t read_valtype(reader_t *r);

#endif
