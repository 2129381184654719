/*
 * engine.h over the interpreter: the app's .wasm is in flash as data (app_wasm.c, written by the build), loaded
 * once per boot into the static arena and compiled against the code the build put in flash (app_code), or into
 * app_code in RAM with INTERP_CODE_IN_RAM, which the interpreter then runs; every call runs in the interpreter
 * and a trap unwinds with longjmp to the call that entered the app, as the wasm2c backend does.
 */
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include "../../hal/stm32f4/semihosting.h"
#include "../engine.h"
#include "app_wasm.h"
#include "config.h"
#include "imports.h"
#include "interp.h"

static uint8_t arena[INTERP_ARENA_BYTES] __attribute__((aligned(8)));
static slot_t value_stack[ENGINE_APP_STACK_BYTES / sizeof(slot_t)];
static uint8_t linear_memory[ENGINE_MEMORY_LIMIT_BYTES] __attribute__((aligned(8)));

static bool loaded;
static int32_t export_init, export_tick, export_command_buffer, export_command;
static jmp_buf trap_target;
static trap_t *pending_trap;

_Noreturn void interp_trap(trap_code_t code, const char *message) {
  trap_set(pending_trap, code, message);
  longjmp(trap_target, 1);
}

_Noreturn void engine_raise(const trap_t *trap) {
  *pending_trap = *trap;
  longjmp(trap_target, 1);
}

/* Runs `call` with traps caught: true when it returned. setjmp is in the macro so that its frame is the caller's. */
#define GUARDED(trap, call)                      \
  do {                                           \
    pending_trap = (trap);                       \
    if (setjmp(trap_target) != 0) return false;  \
    call;                                        \
    return true;                                 \
  } while (0)

#ifdef INTERP_CODE_IN_RAM
/*
 * The code's home is RAM (a board QEMU has no machine for, so no build's run wrote it to flash): every boot
 * compiles the app into it, one function at a time. The loader refuses more cells than it holds.
 */
static uint32_t code_written;

static void write_code(const uint32_t *cells, uint32_t count) {
  memcpy(&app_code[code_written], cells, count * sizeof *cells);
  code_written += count;
}

static bool load_app(interp_storage_t *storage) {
  code_written = 0;
  storage->write_code = write_code;
  return interp_load(storage, app_wasm, app_wasm_length, engine_imports, engine_import_count);
}
#else
/* Erased flash reads as all ones (RM0090 §3.6): the code the build's first link leaves for its run to write. */
#define ERASED_WORD 0xFFFFFFFFu
/* Where that run writes the code, in QEMU's folder (host/firmware/code-section.ts). */
static const char CODE_FILE[] = "interp-code.bin";
static int32_t code_file;

/* The first cell is the exit instruction's, a handler's address in flash: never an erased word once written. */
static bool code_blank(void) {
  return app_code[0] == ERASED_WORD;
}

static void write_code(const uint32_t *cells, uint32_t count) {
  if (!semihosting_write(code_file, cells, count * sizeof *cells)) semihosting_exit(false);
}

static bool load_app(interp_storage_t *storage) {
  bool blank = code_blank();
  if (blank) {
    code_file = semihosting_create(CODE_FILE);
    storage->write_code = write_code;
  }
  bool ok = interp_load(storage, app_wasm, app_wasm_length, engine_imports, engine_import_count);
  /* The build's run of the image with blank code ends here, with the code written: no board runs that image. */
  if (blank) {
    semihosting_close(code_file);
    semihosting_exit(ok && code_file >= 0);
  }
  return ok;
}
#endif

void engine_load(void) {
  static interp_storage_t storage = {
      arena, sizeof arena, value_stack, sizeof value_stack / sizeof value_stack[0], linear_memory, sizeof linear_memory,
      app_code, 0, NULL,
  };
  storage.code_cells = app_code_cells;
  loaded = load_app(&storage);
  export_init = interp_export_function("init");
  export_tick = interp_export_function("tick");
  export_command_buffer = interp_export_function("command_buffer");
  export_command = interp_export_function("command");
}

/* A module the build accepted is refused on the board only if it is not the one the build checked. */
static void require_loaded(void) {
  if (!loaded) interp_trap(TRAP_OTHER, interp_load_error());
}

static void require_export(int32_t function) {
  require_loaded();
  if (function < 0) interp_trap(TRAP_OTHER, "the app lacks an export the HAL ABI requires");
}

bool engine_instantiate(trap_t *trap) {
  GUARDED(trap, require_loaded(); interp_instantiate());
}

uint32_t engine_abi_version(void) {
  uint32_t version = 0;
  interp_export_i32_global("wasmote_abi_version", &version);
  return version;
}

app_memory_t engine_memory(void) {
  return (app_memory_t){interp_memory(), interp_memory_bytes()};
}

/* Calls the export with its parameters in `slots`, where its results are once it returns; false if it trapped. */
static bool call_export(int32_t function, slot_t *slots, trap_t *trap) {
  GUARDED(trap, require_export(function); interp_call((uint32_t)function, slots));
}

bool engine_call_init(trap_t *trap) {
  slot_t slots[1];
  return call_export(export_init, slots, trap);
}

bool engine_call_tick(uint64_t now_ms, uint32_t *delay_ms, trap_t *trap) {
  slot_t slots[2] = {(slot_t)now_ms, (slot_t)(now_ms >> 32)};
  if (!call_export(export_tick, slots, trap)) return false;
  *delay_ms = slots[0];
  return true;
}

bool engine_call_command_buffer(uint32_t length, uint32_t *ptr, trap_t *trap) {
  slot_t slots[1] = {length};
  if (!call_export(export_command_buffer, slots, trap)) return false;
  *ptr = slots[0];
  return true;
}

bool engine_call_command(uint32_t ptr, uint32_t length, uint32_t *status, trap_t *trap) {
  slot_t slots[2] = {ptr, length};
  if (!call_export(export_command, slots, trap)) return false;
  *status = slots[0];
  return true;
}
