/*
 * wasm2c's per-module runtime macros, redefined for a microcontroller. The build includes this file in the
 * generated module after wasm2c's own definitions and before their first use (host/firmware/translate.ts), for
 * wabt 1.0.32's output; each keeps the meaning wasm2c gives it.
 *
 * FUNC_PROLOGUE: wasm2c counts call depth against a fixed limit; a frame's size differs per function and per
 * compiler, so the firmware checks the stack pointer against the floor engine.c sets instead, and saves the
 * counter's increment and decrement on every call.
 *
 * RANGE_CHECK: when the memory's size is the limit from instantiation on (ENGINE_MEMORY_SIZE_FIXED: it starts
 * with at least that many bytes and cannot grow past them, runtime.c), bounds are checked against the constant,
 * not a size loaded from the instance.
 *
 * DEFINE_LOAD, DEFINE_STORE: the same little-endian accessors, always inlined; at -Os GCC otherwise calls them,
 * which costs more than the check and the access themselves.
 */
#if WABT_BIG_ENDIAN
#error "overrides.h redefines wasm2c's little-endian accessors only"
#endif

#undef FUNC_PROLOGUE
#undef FUNC_EPILOGUE
#define FUNC_PROLOGUE                                       \
  if (UNLIKELY(engine_stack_pointer() < engine_stack_floor)) \
    TRAP(EXHAUSTION);
#define FUNC_EPILOGUE

#if ENGINE_MEMORY_SIZE_FIXED
#undef RANGE_CHECK
#define RANGE_CHECK(mem, offset, len)                                      \
  if (UNLIKELY((offset) + (uint64_t)(len) > ENGINE_MEMORY_LIMIT_BYTES)) \
    TRAP(OOB);
#endif

#undef DEFINE_LOAD
#define DEFINE_LOAD(name, t1, t2, t3)                                                          \
  static inline __attribute__((always_inline)) t3 name(wasm_rt_memory_t* mem, u64 addr) {      \
    MEMCHECK(mem, addr, t1);                                                                   \
    t1 result;                                                                                 \
    wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1));                                     \
    wasm_asm("" ::"r"(result));                                                                \
    return (t3)(t2)result;                                                                     \
  }

#undef DEFINE_STORE
#define DEFINE_STORE(name, t1, t2)                                                               \
  static inline __attribute__((always_inline)) void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \
    MEMCHECK(mem, addr, t1);                                                                     \
    t1 wrapped = (t1)value;                                                                      \
    wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));                                      \
  }
