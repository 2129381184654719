#include "text.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "../engine/trap.h"

_Static_assert(TEXT_TRAP_MAX_BYTES == TRAP_TEXT_BYTES, "a trap's text buffers hold the cut text exactly");

#define REPLACEMENT_CHARACTER 0xFFFDu
#define MAX_SEQUENCE_BYTES 4
/* Unicode 15 §3.9, Table 3-7: continuation bytes are 80..BF, narrower after E0, ED, F0 and F4. */
#define CONTINUATION_MIN 0x80u
#define CONTINUATION_MAX 0xBFu
#define PAYLOAD_MASK 0x3Fu
#define PAYLOAD_BITS 6u

/*
 * Decodes the well-formed character at the start of `bytes` (`length` > 0), or, if there is none, the maximal
 * subpart of one (Unicode §3.9 D93b): the longest prefix of a well-formed sequence, at least one byte, which
 * stands for one U+FFFD. Returns how many bytes it takes.
 */
static size_t decode(const uint8_t *bytes, size_t length, uint32_t *code_point) {
  uint8_t lead = bytes[0];
  size_t needed;
  uint32_t value;
  uint8_t lower = CONTINUATION_MIN;
  uint8_t upper = CONTINUATION_MAX;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
    value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    value = lead & 0x0Fu;
    if (lead == 0xE0) lower = 0xA0; /* no overlong 3-byte forms */
    if (lead == 0xED) upper = 0x9F; /* no surrogates */
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    value = lead & 0x07u;
    if (lead == 0xF0) lower = 0x90; /* no overlong 4-byte forms */
    if (lead == 0xF4) upper = 0x8F; /* nothing above U+10FFFF */
  } else {
    *code_point = REPLACEMENT_CHARACTER;
    return 1;
  }
  size_t taken = 1;
  for (; needed > 0; needed--, taken++) {
    if (taken == length || bytes[taken] < lower || bytes[taken] > upper) {
      *code_point = REPLACEMENT_CHARACTER;
      return taken;
    }
    value = value << PAYLOAD_BITS | (bytes[taken] & PAYLOAD_MASK);
    lower = CONTINUATION_MIN;
    upper = CONTINUATION_MAX;
  }
  *code_point = value;
  return taken;
}

/* Writes `code_point` (at most U+10FFFF, not a surrogate) as UTF-8; returns its length, 1..4. */
static size_t encode(uint32_t code_point, uint8_t out[MAX_SEQUENCE_BYTES]) {
  if (code_point < 0x80) {
    out[0] = (uint8_t)code_point;
    return 1;
  }
  size_t count = code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
  static const uint8_t LEAD[] = {0, 0, 0xC0, 0xE0, 0xF0};
  for (size_t i = count - 1; i > 0; i--) {
    out[i] = (uint8_t)(CONTINUATION_MIN | (code_point & PAYLOAD_MASK));
    code_point >>= PAYLOAD_BITS;
  }
  out[0] = (uint8_t)(LEAD[count] | code_point);
  return count;
}

/* Appends a code point if it fits; returns false otherwise. */
static bool append(uint32_t code_point, char *out, size_t capacity, size_t *length) {
  uint8_t encoded[MAX_SEQUENCE_BYTES];
  size_t count = encode(code_point, encoded);
  if (*length + count > capacity) return false;
  memcpy(out + *length, encoded, count);
  *length += count;
  return true;
}

size_t text_from_utf8(const uint8_t *bytes, size_t length, char *out, size_t capacity, size_t *needed) {
  size_t written = 0;
  size_t total = 0;
  bool full = false;
  for (size_t at = 0; at < length;) {
    uint32_t code_point;
    uint8_t encoded[MAX_SEQUENCE_BYTES];
    at += decode(bytes + at, length - at, &code_point);
    total += encode(code_point, encoded);
    /* Once one character does not fit, none after it is written: the cut is at a character boundary. */
    full = full || !append(code_point, out, capacity, &written);
    if (full && needed == NULL) break;
  }
  if (needed != NULL) *needed = total;
  return written;
}

size_t text_log(const uint8_t *bytes, size_t length, char out[TEXT_LOG_MAX_BYTES]) {
  return text_from_utf8(bytes, length, out, TEXT_LOG_MAX_BYTES, NULL);
}

/* UTF-16 (RFC 2781 §2.2): a high surrogate followed by a low one is one code point; alone, either is U+FFFD. */
#define HIGH_SURROGATE_MIN 0xD800u
#define LOW_SURROGATE_MIN 0xDC00u
#define SURROGATE_END 0xE000u
#define SUPPLEMENTARY_BASE 0x10000u
/* AssemblyScript's object header: the payload's byte length (rtSize) sits just before it. */
#define AS_SIZE_BYTES 4

static uint16_t unit_at(const uint8_t *bytes, size_t index) {
  return (uint16_t)(bytes[2 * index] | bytes[2 * index + 1] << 8);
}

size_t text_from_as_string(const app_memory_t *memory, uint32_t ptr, char *out, size_t capacity) {
  if (ptr < AS_SIZE_BYTES || !app_memory_holds(memory, ptr - AS_SIZE_BYTES, AS_SIZE_BYTES)) return 0;
  const uint8_t *header = memory->data + ptr - AS_SIZE_BYTES;
  uint32_t byte_length = (uint32_t)(header[0] | header[1] << 8 | header[2] << 16 | (uint32_t)header[3] << 24);
  byte_length &= ~1u;
  if (!app_memory_holds(memory, ptr, byte_length)) return 0;
  const uint8_t *units = memory->data + ptr;
  size_t count = byte_length / 2;
  size_t written = 0;
  /* A leading U+FEFF is kept, as by the simulator's TextDecoder('utf-16le', {ignoreBOM: true}). */
  size_t at = 0;
  while (at < count) {
    uint32_t unit = unit_at(units, at++);
    uint32_t code_point = unit;
    if (unit >= HIGH_SURROGATE_MIN && unit < SURROGATE_END) {
      bool paired = unit < LOW_SURROGATE_MIN && at < count && unit_at(units, at) >= LOW_SURROGATE_MIN &&
                    unit_at(units, at) < SURROGATE_END;
      if (paired) {
        code_point = SUPPLEMENTARY_BASE + ((unit - HIGH_SURROGATE_MIN) << 10) + (unit_at(units, at++) - LOW_SURROGATE_MIN);
      } else {
        code_point = REPLACEMENT_CHARACTER;
      }
    }
    if (!append(code_point, out, capacity, &written)) break;
  }
  return written;
}

size_t text_trap(const app_memory_t *memory, uint32_t ptr, char out[TEXT_TRAP_MAX_BYTES]) {
  return text_from_as_string(memory, ptr, out, TEXT_TRAP_MAX_BYTES);
}

/* JavaScript's Number::toString (ECMA-262 §6.1.6.1.20) prints integers below 10^21 in full. */
#define JS_INTEGER_DIGITS_LIMIT 1e21
#define FRACTION_SIGNIFICANT_DIGITS 6

static size_t put_text(char *out, const char *text) {
  size_t length = strlen(text);
  memcpy(out, text, length);
  return length;
}

/* The decimal digits of `value` (< 10^21, an integer), most significant first. */
static size_t put_integer(char *out, double value) {
  char digits[TEXT_NUMBER_MAX_BYTES];
  size_t count = 0;
  do {
    double quotient = floor(value / 10);
    digits[count++] = (char)('0' + (int)(value - quotient * 10));
    value = quotient;
  } while (value >= 1);
  for (size_t i = 0; i < count; i++) out[i] = digits[count - 1 - i];
  return count;
}

size_t text_from_number(double value, char out[TEXT_NUMBER_MAX_BYTES]) {
  if (isnan(value)) return put_text(out, "NaN");
  size_t length = 0;
  if (value < 0) {
    out[length++] = '-';
    value = -value;
  }
  if (isinf(value)) return length + put_text(out + length, "Infinity");
  if (value == 0) return put_text(out, "0");
  if (value == floor(value) && value < JS_INTEGER_DIGITS_LIMIT) return length + put_integer(out + length, value);
  /* d.ddddde±x with trailing zeros dropped, or a plain decimal between 1e-6 and 1e21 as JavaScript does. */
  int exponent = 0;
  while (value >= 10) {
    value /= 10;
    exponent++;
  }
  while (value < 1) {
    value *= 10;
    exponent--;
  }
  double scaled = floor(value * 1e5 + 0.5);
  if (scaled >= 1e6) {
    scaled /= 10;
    exponent++;
  }
  char digits[FRACTION_SIGNIFICANT_DIGITS + 1];
  size_t count = put_integer(digits, scaled);
  while (count > 1 && digits[count - 1] == '0') count--;
  if (exponent >= -6 && exponent < 21) {
    if (exponent < 0) {
      length += put_text(out + length, "0.");
      for (int i = -1; i > exponent; i--) out[length++] = '0';
      memcpy(out + length, digits, count);
      return length + count;
    }
    for (size_t i = 0; i < count || (int)i <= exponent; i++) {
      if ((int)i == exponent + 1) out[length++] = '.';
      out[length++] = i < count ? digits[i] : '0';
    }
    return length;
  }
  out[length++] = digits[0];
  if (count > 1) {
    out[length++] = '.';
    memcpy(out + length, digits + 1, count - 1);
    length += count - 1;
  }
  out[length++] = 'e';
  out[length++] = exponent < 0 ? '-' : '+';
  return length + put_integer(out + length, exponent < 0 ? -exponent : exponent);
}
