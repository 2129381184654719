/*
 * A trap inside the app (docs/hal-abi.md §7) as the runner reports it: the link's trap code and, for
 * env.abort, the app's message and location (docs/hal-abi.md §5).
 */
#ifndef WASMOTE_ENGINE_TRAP_H
#define WASMOTE_ENGINE_TRAP_H

#include <stdint.h>

/* The link's trap codes (host/link/messages.ts TrapCode; docs/link-protocol.md, EVENT). */
typedef enum {
  TRAP_ABORT = 1,
  TRAP_UNREACHABLE = 2,
  TRAP_MEMORY_OUT_OF_BOUNDS = 3,
  TRAP_CALL_STACK_EXHAUSTED = 4,
  TRAP_INTEGER_FAULT = 5,
  TRAP_INDIRECT_CALL = 6,
  TRAP_OTHER = 7,
  /* Not a Wasm trap and never on the wire as one: the runner's time budget ended the call (a RUNAWAY event). */
  TRAP_TIME_BUDGET = 0x100,
} trap_code_t;

/* Room for the message and file of an EVENT: UTF-8, truncated at a character boundary. */
#define TRAP_TEXT_BYTES 96

typedef struct {
  trap_code_t code;
  char message[TRAP_TEXT_BYTES];
  uint8_t message_length;
  char file[TRAP_TEXT_BYTES];
  uint8_t file_length;
  uint32_t line;
  uint32_t column;
} trap_t;

/* Sets `trap` to `code` with a NUL-free ASCII `message` and no location. */
void trap_set(trap_t *trap, trap_code_t code, const char *message);

#endif
