/*
 * engine.h over wasm2c: the app, translated ahead of time to C (the build names the module `app`, so its
 * symbols are Z_app*), runs as native code; traps unwind with longjmp to the call that entered the app.
 */
#include <setjmp.h>
#include <stddef.h>

#include "config.h"
#include "../engine.h"
#include "app.h"

/*
 * wasm2c passes one instance pointer per module the app imports from; the imports here are free functions that
 * need none (imports.c), so each is NULL. The build counts the modules (APP_IMPORTED_MODULES).
 */
#if APP_IMPORTED_MODULES == 0
#define INSTANTIATE(instance) Z_app_instantiate(instance)
#elif APP_IMPORTED_MODULES == 1
#define INSTANTIATE(instance) Z_app_instantiate(instance, NULL)
#elif APP_IMPORTED_MODULES == 2
#define INSTANTIATE(instance) Z_app_instantiate(instance, NULL, NULL)
#else
#error "an app imports from `hal` and `env` only (docs/hal-abi.md §4, §5)"
#endif

uintptr_t engine_stack_floor;

static Z_app_instance_t instance;
static jmp_buf trap_target;
static trap_t *pending_trap;

/* wasm-rt.h's trap reasons as the link's trap codes, with V8's wording where it has the same trap. */
static void describe_runtime_trap(wasm_rt_trap_t reason, trap_t *trap) {
  switch (reason) {
    case WASM_RT_TRAP_OOB:
      trap_set(trap, TRAP_MEMORY_OUT_OF_BOUNDS, "memory access out of bounds");
      return;
    case WASM_RT_TRAP_INT_OVERFLOW:
      trap_set(trap, TRAP_INTEGER_FAULT, "integer overflow");
      return;
    case WASM_RT_TRAP_DIV_BY_ZERO:
      trap_set(trap, TRAP_INTEGER_FAULT, "divide by zero");
      return;
    case WASM_RT_TRAP_INVALID_CONVERSION:
      trap_set(trap, TRAP_INTEGER_FAULT, "float unrepresentable in integer range");
      return;
    case WASM_RT_TRAP_UNREACHABLE:
      trap_set(trap, TRAP_UNREACHABLE, "unreachable");
      return;
    case WASM_RT_TRAP_CALL_INDIRECT:
      trap_set(trap, TRAP_INDIRECT_CALL, "null function or function signature mismatch");
      return;
    case WASM_RT_TRAP_EXHAUSTION:
      trap_set(trap, TRAP_CALL_STACK_EXHAUSTED, "call stack exhausted");
      return;
    default:
      trap_set(trap, TRAP_OTHER, "trap");
      return;
  }
}

void wasm_rt_trap(wasm_rt_trap_t reason) {
  describe_runtime_trap(reason, pending_trap);
  longjmp(trap_target, 1);
}

_Noreturn void engine_raise(const trap_t *trap) {
  *pending_trap = *trap;
  longjmp(trap_target, 1);
}

/*
 * Runs `call` with traps caught: true when it returned. setjmp is in the macro so that its frame is the
 * caller's, which stays live while the app runs.
 */
#define GUARDED(trap, call)                                                         \
  do {                                                                              \
    pending_trap = (trap);                                                          \
    engine_stack_floor = engine_stack_pointer() - ENGINE_APP_STACK_BYTES;           \
    if (setjmp(trap_target) != 0) return false;                                     \
    call;                                                                           \
    return true;                                                                    \
  } while (0)

void engine_load(void) {
  Z_app_init_module();
}

bool engine_instantiate(trap_t *trap) {
  GUARDED(trap, INSTANTIATE(&instance));
}

uint32_t engine_abi_version(void) {
  return *Z_appZ_wasmote_abi_version(&instance);
}

app_memory_t engine_memory(void) {
  const wasm_rt_memory_t *memory = Z_appZ_memory(&instance);
  return (app_memory_t){memory->data, memory->size};
}

bool engine_call_init(trap_t *trap) {
  GUARDED(trap, Z_appZ_init(&instance));
}

bool engine_call_tick(uint64_t now_ms, uint32_t *delay_ms, trap_t *trap) {
  GUARDED(trap, *delay_ms = Z_appZ_tick(&instance, now_ms));
}

bool engine_call_command_buffer(uint32_t length, uint32_t *ptr, trap_t *trap) {
  GUARDED(trap, *ptr = Z_appZ_command_buffer(&instance, length));
}

bool engine_call_command(uint32_t ptr, uint32_t length, uint32_t *status, trap_t *trap) {
  GUARDED(trap, *status = Z_appZ_command(&instance, ptr, length));
}
