#include "utf8.h"

/* RFC 3629 §4 / WHATWG Encoding §4.1.1: the bounds of the second byte after each lead byte. */
#define CONTINUATION_MIN 0x80
#define CONTINUATION_MAX 0xBF
#define CONTINUATION_PAYLOAD_MASK 0x3F

size_t utf8_decode(const uint8_t *bytes, size_t length, uint32_t *code_point, bool *well_formed) {
  uint8_t lead = bytes[0];
  size_t needed;
  uint8_t lower = CONTINUATION_MIN;
  uint8_t upper = CONTINUATION_MAX;
  uint32_t value;
  if (lead < 0x80) {
    *code_point = lead;
    *well_formed = true;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    value = lead & 0x0F;
    if (lead == 0xE0) lower = 0xA0; /* no overlong 3-byte forms */
    if (lead == 0xED) upper = 0x9F; /* no surrogates */
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    value = lead & 0x07;
    if (lead == 0xF0) lower = 0x90; /* no overlong 4-byte forms */
    if (lead == 0xF4) upper = 0x8F; /* nothing above U+10FFFF */
  } else {
    *code_point = UTF8_REPLACEMENT_CHARACTER;
    *well_formed = false;
    return 1;
  }
  size_t taken = 1;
  while (needed > 0) {
    if (taken == length || bytes[taken] < lower || bytes[taken] > upper) {
      *code_point = UTF8_REPLACEMENT_CHARACTER;
      *well_formed = false;
      return taken;
    }
    value = value << 6 | (bytes[taken] & CONTINUATION_PAYLOAD_MASK);
    lower = CONTINUATION_MIN;
    upper = CONTINUATION_MAX;
    taken++;
    needed--;
  }
  *code_point = value;
  *well_formed = true;
  return taken;
}

size_t utf8_encode(uint32_t code_point, uint8_t out[UTF8_MAX_SEQUENCE_BYTES]) {
  if (code_point < 0x80) {
    out[0] = (uint8_t)code_point;
    return 1;
  }
  if (code_point < 0x800) {
    out[0] = (uint8_t)(0xC0 | code_point >> 6);
    out[1] = (uint8_t)(0x80 | (code_point & CONTINUATION_PAYLOAD_MASK));
    return 2;
  }
  if (code_point < 0x10000) {
    out[0] = (uint8_t)(0xE0 | code_point >> 12);
    out[1] = (uint8_t)(0x80 | (code_point >> 6 & CONTINUATION_PAYLOAD_MASK));
    out[2] = (uint8_t)(0x80 | (code_point & CONTINUATION_PAYLOAD_MASK));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | code_point >> 18);
  out[1] = (uint8_t)(0x80 | (code_point >> 12 & CONTINUATION_PAYLOAD_MASK));
  out[2] = (uint8_t)(0x80 | (code_point >> 6 & CONTINUATION_PAYLOAD_MASK));
  out[3] = (uint8_t)(0x80 | (code_point & CONTINUATION_PAYLOAD_MASK));
  return 4;
}

bool utf8_valid(const uint8_t *bytes, size_t length) {
  size_t at = 0;
  while (at < length) {
    uint32_t code_point;
    bool well_formed;
    at += utf8_decode(bytes + at, length - at, &code_point, &well_formed);
    if (!well_formed) return false;
  }
  return true;
}
