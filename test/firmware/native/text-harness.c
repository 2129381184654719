/*
 * The firmware's text rules (firmware/hal/text.c) on the host, driven by test/abi/text-rules.test.ts one request
 * per line on stdin, so they can be held to the simulator's (host/abi/text-rules.ts) on the same input:
 *
 *   log <hex bytes>          -> x<hex>: the LOG text for bytes an app logged (repaired, cut to 255 bytes)
 *   trap <hex UTF-16LE>      -> x<hex>: an abort's message or file from an AssemblyScript string (cut to 96 bytes)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../../firmware/hal/text.h"

#define LINE_BYTES 4096
#define HEADER_BYTES 4

static uint8_t memory_bytes[LINE_BYTES];

static size_t from_hex(const char *hex, uint8_t *out) {
  size_t length = strlen(hex) / 2;
  for (size_t i = 0; i < length; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
  return length;
}

static void print_hex(const char *bytes, size_t length) {
  putchar('x');
  for (size_t i = 0; i < length; i++) printf("%02x", (uint8_t)bytes[i]);
  putchar('\n');
}

int main(void) {
  static char line[2 * LINE_BYTES + 16];
  while (fgets(line, sizeof line, stdin) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    char *argument = strchr(line, ' ');
    if (argument == NULL) argument = line + strlen(line);
    else *argument++ = '\0';
    if (strcmp(line, "log") == 0) {
      uint8_t bytes[LINE_BYTES];
      size_t length = from_hex(argument, bytes);
      char text[TEXT_LOG_MAX_BYTES];
      print_hex(text, text_log(bytes, length, text));
    } else if (strcmp(line, "trap") == 0) {
      /* An AssemblyScript string at offset 4, its byte length in the u32 before it (docs/hal-abi.md §5). */
      uint32_t length = (uint32_t)from_hex(argument, memory_bytes + HEADER_BYTES);
      for (int i = 0; i < HEADER_BYTES; i++) memory_bytes[i] = (uint8_t)(length >> (8 * i));
      app_memory_t memory = {memory_bytes, HEADER_BYTES + length};
      char text[TEXT_TRAP_MAX_BYTES];
      print_hex(text, text_trap(&memory, HEADER_BYTES, text));
    } else {
      fprintf(stderr, "text-harness: unknown request %s\n", line);
      return 2;
    }
  }
  return 0;
}
