/*
 * The C library's memory and string functions the firmware uses, a byte at a time. newlib's are written for speed
 * (ARMv7-M assembly, 786 bytes for these four); the firmware copies little (a command, a frame's fields, the app's
 * data segment once per instantiation), and the flash goal (docs/firmware.md, "Benchmark") counts every byte.
 * The loops must not be turned back into calls to the functions they implement.
 */
#include <stddef.h>
#include <stdint.h>

#define BYTEWISE __attribute__((optimize("no-tree-loop-distribute-patterns")))

BYTEWISE void *memcpy(void *restrict to, const void *restrict from, size_t length) {
  uint8_t *out = to;
  const uint8_t *in = from;
  while (length-- > 0) *out++ = *in++;
  return to;
}

BYTEWISE void *memmove(void *to, const void *from, size_t length) {
  uint8_t *out = to;
  const uint8_t *in = from;
  if (out < in) {
    while (length-- > 0) *out++ = *in++;
  } else {
    while (length-- > 0) out[length] = in[length];
  }
  return to;
}

BYTEWISE void *memset(void *to, int value, size_t length) {
  uint8_t *out = to;
  while (length-- > 0) *out++ = (uint8_t)value;
  return to;
}

BYTEWISE int memcmp(const void *a, const void *b, size_t length) {
  const uint8_t *x = a;
  const uint8_t *y = b;
  for (; length > 0; length--, x++, y++) {
    if (*x != *y) return *x - *y;
  }
  return 0;
}

BYTEWISE size_t strlen(const char *text) {
  const char *end = text;
  while (*end != '\0') end++;
  return (size_t)(end - text);
}
