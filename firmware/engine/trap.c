#include "trap.h"

#include <string.h>

void trap_set(trap_t *trap, trap_code_t code, const char *message) {
  size_t length = strlen(message);
  if (length > TRAP_TEXT_BYTES) length = TRAP_TEXT_BYTES;
  trap->code = code;
  memcpy(trap->message, message, length);
  trap->message_length = (uint8_t)length;
  trap->file_length = 0;
  trap->line = 0;
  trap->column = 0;
}
