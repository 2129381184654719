/*
 * Drives firmware/hal/reset_record.c from test/firmware/reset-record.test.ts on one record that lives as long as
 * the process, one request per line on stdin, one answer per line on stdout, numbers in decimal:
 *
 *   power <seed>                           RAM as a power cycle leaves it: the record's words from `seed`
 *   boot <flags>                           reset_record_boot with RESET_FLAG_* bits; answers `<cause> <count>
 *                                          <fault kind> <fault pc> <fault status> <fault address>`
 *   reboot                                 reset_record_reboot
 *   fault <kind> <pc> <status> <address>   reset_record_fault
 *   nonce <identity> <sample>              answers reset_record_nonce
 *   poke <word> <value>                    overwrites one word of the record, as a stray write would
 *
 * Requests without an answer answer `ok`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../firmware/hal/reset_record.h"

#define LINE_BYTES 256
#define RECORD_WORDS (sizeof(reset_record_t) / sizeof(uint32_t))

static void fail(const char *what) {
  fprintf(stderr, "reset-record-harness: %s\n", what);
  exit(2);
}

static uint32_t number(const char *text) {
  char *end;
  unsigned long value = strtoul(text, &end, 10);
  if (end == text) fail("expected a number");
  return (uint32_t)value;
}

int main(void) {
  static reset_record_t record;
  uint32_t *words = (uint32_t *)(void *)&record;
  char line[LINE_BYTES];
  while (fgets(line, sizeof line, stdin) != NULL) {
    char *argv[5] = {0};
    int argc = 0;
    for (char *token = strtok(line, " \n"); token != NULL && argc < 5; token = strtok(NULL, " \n")) {
      argv[argc++] = token;
    }
    if (argc == 0) fail("empty line");
    if (strcmp(argv[0], "power") == 0 && argc == 2) {
      /* xorshift32 from the seed: a fresh pattern for each seed, like an SRAM's power-up state. */
      uint32_t state = number(argv[1]) | 1u;
      for (size_t i = 0; i < RECORD_WORDS; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        words[i] = state;
      }
      puts("ok");
    } else if (strcmp(argv[0], "boot") == 0 && argc == 2) {
      boot_info_t info = reset_record_boot(&record, number(argv[1]));
      printf("%d %" PRIu32 " %d %" PRIu32 " %" PRIu32 " %" PRIu32 "\n", (int)info.cause, info.count,
             (int)info.fault.kind, info.fault.pc, info.fault.status, info.fault.address);
    } else if (strcmp(argv[0], "reboot") == 0 && argc == 1) {
      reset_record_reboot(&record);
      puts("ok");
    } else if (strcmp(argv[0], "fault") == 0 && argc == 5) {
      boot_fault_t fault = {(boot_fault_kind_t)number(argv[1]), number(argv[2]), number(argv[3]), number(argv[4])};
      reset_record_fault(&record, &fault);
      puts("ok");
    } else if (strcmp(argv[0], "nonce") == 0 && argc == 3) {
      printf("%" PRIu32 "\n", reset_record_nonce(&record, number(argv[1]), number(argv[2])));
    } else if (strcmp(argv[0], "poke") == 0 && argc == 3) {
      uint32_t word = number(argv[1]);
      if (word >= RECORD_WORDS) fail("no such word");
      words[word] = number(argv[2]);
      puts("ok");
    } else {
      fail("unknown request");
    }
    fflush(stdout);
  }
  return 0;
}
