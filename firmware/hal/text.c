#include "text.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "../engine/trap.h"
#include "../link/utf8.h"

_Static_assert(TEXT_TRAP_MAX_BYTES == TRAP_TEXT_BYTES, "a trap's text buffers hold the cut text exactly");

/* Appends a code point if it fits; returns false otherwise. */
static bool append(uint32_t code_point, char *out, size_t capacity, size_t *length) {
  uint8_t encoded[UTF8_MAX_SEQUENCE_BYTES];
  size_t count = utf8_encode(code_point, encoded);
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
    bool well_formed;
    uint8_t encoded[UTF8_MAX_SEQUENCE_BYTES];
    /* utf8_decode takes one maximal ill-formed subpart at a time (Unicode §3.9 D93b) and gives U+FFFD for it. */
    at += utf8_decode(bytes + at, length - at, &code_point, &well_formed);
    total += utf8_encode(code_point, encoded);
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
        code_point = UTF8_REPLACEMENT_CHARACTER;
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
