#include "log.h"

#include "../../hal/imports.h"
#include "memory.h"

#define DECIMAL_BASE 10
#define I32_MAX_DIGITS 10

static uint32_t length;

static void put(char c) {
  if (length < NODE_LOG_TEXT_BYTES) node_ram.log_text[length++] = c;
}

void node_log_begin(void) {
  length = 0;
}

void node_log_text(const char *text) {
  while (*text != '\0') put(*text++);
}

void node_log_int(int32_t value) {
  uint32_t magnitude = (uint32_t)value;
  if (value < 0) {
    put('-');
    magnitude = 0u - magnitude;
  }
  char digits[I32_MAX_DIGITS];
  int count = 0;
  do {
    digits[count++] = (char)('0' + magnitude % DECIMAL_BASE);
    magnitude /= DECIMAL_BASE;
  } while (magnitude != 0);
  while (count > 0) put(digits[--count]);
}

hal_status_t node_log_send(node_log_level_t level) {
  return hal_log(&node_memory, level, node_ptr(node_ram.log_text), length);
}
