/*
 * Included before wasm-rt.h in every file of this backend and in the generated module (compiled with
 * `-include`), so both agree on how the runtime behaves (wabt 1.0.32, /usr/src/wasm2c/wasm-rt.h).
 */
#ifndef WASMOTE_ENGINE_WASM2C_CONFIG_H
#define WASMOTE_ENGINE_WASM2C_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* No MMU, no signals: every load and store is checked against the memory's size (wasm-rt.h, MEMCHECK). */
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 0
#define WASM_RT_USE_STACK_DEPTH_COUNT 1

/*
 * Call-stack exhaustion is measured in bytes of the firmware's stack, not in frames: the generated prologue
 * (`++wasm_rt_call_stack_depth > WASM_RT_MAX_CALL_STACK_DEPTH`) traps once the stack pointer is below the floor
 * engine.c sets for each call, since a frame's size differs per function and per compiler.
 */
extern uintptr_t engine_stack_floor;

static inline uintptr_t engine_stack_pointer(void) {
#if defined(__arm__)
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
#else
  return (uintptr_t)__builtin_frame_address(0);
#endif
}

#define WASM_RT_MAX_CALL_STACK_DEPTH (engine_stack_pointer() < engine_stack_floor ? 0u : UINT32_MAX)

/*
 * Sizes the build computes from the app (host/firmware/app-sections.ts) and passes with -D: the bytes of linear
 * memory the app may use, the elements of its table, and the bytes of its function signatures.
 */
#ifndef ENGINE_MEMORY_LIMIT_BYTES
#error "ENGINE_MEMORY_LIMIT_BYTES must be defined by the build"
#endif
#ifndef ENGINE_TABLE_ELEMENTS
#error "ENGINE_TABLE_ELEMENTS must be defined by the build"
#endif
#ifndef ENGINE_SIGNATURE_BYTES
#error "ENGINE_SIGNATURE_BYTES must be defined by the build"
#endif
/* Bytes of stack one call into the app may use before it traps (docs/hal-abi.md §7, call-stack exhaustion). */
#ifndef ENGINE_APP_STACK_BYTES
#error "ENGINE_APP_STACK_BYTES must be defined by the build"
#endif

#endif
