#include "uid.h"

#include "mmio.h"

/* §39.1: three words at 0x1FFF7A10. */
#define UID_BASE 0x1FFF7A10u
#define UID_WORDS 3u
#define HEX_DIGITS_PER_WORD 8u
/* FNV-1a (Fowler, Noll, Vo), 32 bits. */
#define FNV_OFFSET 0x811C9DC5u
#define FNV_PRIME 0x01000193u

static const char PREFIX[] = "stm32-";
static char device_id[sizeof PREFIX - 1 + UID_WORDS * HEX_DIGITS_PER_WORD];

link_str_t uid_device_id(void) {
  static const char digits[] = "0123456789abcdef";
  char *at = device_id;
  for (const char *c = PREFIX; *c != '\0'; c++) *at++ = *c;
  for (unsigned word = 0; word < UID_WORDS; word++) {
    uint32_t value = MMIO32(UID_BASE + 4u * word);
    for (int shift = 28; shift >= 0; shift -= 4) *at++ = digits[(value >> shift) & 0xFu];
  }
  return (link_str_t){device_id, sizeof device_id};
}

double uid_seed(void) {
  uint32_t hash = FNV_OFFSET;
  for (unsigned word = 0; word < UID_WORDS; word++) {
    uint32_t value = MMIO32(UID_BASE + 4u * word);
    for (unsigned byte = 0; byte < 4; byte++) hash = (hash ^ ((value >> (8u * byte)) & 0xFFu)) * FNV_PRIME;
  }
  return hash;
}
