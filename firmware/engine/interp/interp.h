/*
 * The interpreter's core, apart from engine.h so that the host build (host/) runs it too: load (decode and
 * validate a module into the static arena, and compile it one function at a time against the compiled code the
 * build put in flash), instantiate, call an exported function. A trap ends the call through interp_trap(), which
 * whoever embeds the core defines (engine.c on the board, host/main.c on a PC).
 */
#ifndef WASMOTE_ENGINE_INTERP_H
#define WASMOTE_ENGINE_INTERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../trap.h"

/* A value slot: i32 and f32 take one, i64 and f64 two, low word first (docs/firmware.md, "Interpreter"). */
typedef uint32_t slot_t;

/*
 * A host function the module may import: `signature` lists the parameter types, a colon, the result types, one
 * letter each (i i32, I i64, f f32, F f64), e.g. "iF:i". The function reads its arguments from `slots` and writes
 * its results there, from slots[0].
 */
typedef void (*interp_host_fn_t)(slot_t *slots);
typedef struct {
  const char *module;
  const char *name;
  const char *signature;
  interp_host_fn_t function;
} interp_host_import_t;

/* Where the core keeps its state: fixed at build time (config.h). */
typedef struct {
  uint8_t *arena;
  uint32_t arena_bytes;
  slot_t *stack;
  uint32_t stack_slots;
  uint8_t *memory;
  uint32_t memory_limit_bytes;
  /*
   * The compiled code's home (docs/firmware.md, "Interpreter"): `code_cells` cells, in flash on the board, that
   * the build wrote with this same image's compiler. A load compiles each function in the arena and refuses the
   * module if its cells differ from the home's; the interpreter then runs the home's. With `write_code` it hands
   * them to it instead, one function at a time, and compares nothing: the build's run of an image whose code is
   * still blank, or a host's load into memory of its own.
   */
  const uint32_t *code;
  uint32_t code_cells;
  void (*write_code)(const uint32_t *cells, uint32_t count);
} interp_storage_t;

/* The module's bytes stay where they are (flash on the board): data segments are copied from them. */
bool interp_load(const interp_storage_t *storage, const uint8_t *wasm, uint32_t length,
                 const interp_host_import_t *imports, uint32_t import_count);
/* Why the last interp_load() refused the module. */
const char *interp_load_error(void);
/*
 * The most bytes of the arena loading the module held at once: the loaded form, and while a function compiles its
 * cells and scratch.
 */
uint32_t interp_arena_peak(void);

/* Fresh memory, globals and table, data and element segments, then the start function. May trap. */
void interp_instantiate(void);

/* The index of the exported function `name`, or -1. */
int32_t interp_export_function(const char *name);
/* The value of the exported i32 global `name`; false if there is none. */
bool interp_export_i32_global(const char *name, uint32_t *value);
uint32_t interp_function_count(void);
/* The exports, by position: the function's index and name when the export at `position` is a function. */
uint32_t interp_export_count(void);
bool interp_export_function_at(uint32_t position, char *name, size_t size, uint32_t *function);
/* A function's parameter and result types as a signature string ("iF:i"), into `text` of `size` bytes. */
void interp_function_signature(uint32_t function, char *text, size_t size);
/* Calls `function` with its arguments in `slots`; its results replace them. May trap. */
void interp_call(uint32_t function, slot_t *slots);

/* Whether the module exports its memory. */
bool interp_exports_memory(void);

/* The instance's linear memory: its bytes and how many the app may address. */
uint8_t *interp_memory(void);
uint32_t interp_memory_bytes(void);

/* Defined by the embedder: ends the running call with a Wasm trap (never returns). */
_Noreturn void interp_trap(trap_code_t code, const char *message);

#endif
