/*
 * Included before wasm-rt.h in every file of this backend and in the generated module (compiled with
 * `-include`), so both agree on how the runtime behaves (wabt 1.0.32, /usr/src/wasm2c/wasm-rt.h).
 */
#ifndef WASMOTE_ENGINE_WASM2C_CONFIG_H
#define WASMOTE_ENGINE_WASM2C_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

/* No MMU, no signals: every load and store is checked (overrides.h, RANGE_CHECK). */
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 0
/* Call-stack exhaustion is checked on the stack pointer instead of a depth count (overrides.h, FUNC_PROLOGUE). */
#define WASM_RT_USE_STACK_DEPTH_COUNT 0

/* The lowest stack pointer the app's code may run at; engine.c sets it for each call into the app. */
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

/* The same, as a value the compiler may reuse within a function: its stack pointer moves only in its prologue. */
static inline uintptr_t engine_stack_pointer_relaxed(void) {
#if defined(__arm__)
  uintptr_t sp;
  __asm__("mov %0, sp" : "=r"(sp));
  return sp;
#else
  return (uintptr_t)__builtin_frame_address(0);
#endif
}

/* The app's linear memory (runtime.c): one static array, so its address is a link-time constant. */
extern uint8_t engine_linear_memory[];

/*
 * Sizes the build computes from the app (host/firmware/translate.ts) and passes with -D: the bytes of linear
 * memory the app may use and whether they are its size from instantiation on, the elements of its table, the
 * bytes of its function signatures, and the stack one call into the app may use.
 */
#ifndef ENGINE_MEMORY_LIMIT_BYTES
#error "ENGINE_MEMORY_LIMIT_BYTES must be defined by the build"
#endif
#ifndef ENGINE_MEMORY_SIZE_FIXED
#error "ENGINE_MEMORY_SIZE_FIXED must be defined by the build"
#endif
#ifndef ENGINE_TABLE_ELEMENTS
#error "ENGINE_TABLE_ELEMENTS must be defined by the build"
#endif
#ifndef ENGINE_SIGNATURE_BYTES
#error "ENGINE_SIGNATURE_BYTES must be defined by the build"
#endif
#ifndef ENGINE_APP_STACK_BYTES
#error "ENGINE_APP_STACK_BYTES must be defined by the build"
#endif

#endif
