/*
 * wasm2c's per-module runtime macros, redefined for a microcontroller. The build includes this file in the
 * generated module after wasm2c's own definitions and before their first use (host/firmware/translate.ts), for
 * wabt 1.0.32's output; each keeps the meaning wasm2c gives it.
 *
 * FUNC_PROLOGUE: wasm2c counts call depth against a fixed limit; a frame's size differs per function and per
 * compiler, so the firmware checks the stack pointer against the floor engine.c sets instead, and saves the
 * counter's increment and decrement on every call. The stack pointer is read without `volatile`, so where
 * GCC inlines a function into its caller their checks merge into one.
 *
 * RANGE_CHECK: when the memory's size is the limit from instantiation on (ENGINE_MEMORY_SIZE_FIXED: it starts
 * with at least that many bytes and cannot grow past them, runtime.c), bounds are checked against the constant,
 * not a size loaded from the instance. memory.fill, memory.copy and data segments use it.
 *
 * LOAD_PACKED_DATA: an active data segment the build stored packed (translate.ts): a bitmap of its non-zero bytes,
 * then those bytes. AssemblyScript's static data is mostly zeros (UTF-16 text, headers, alignment): sensor-node's
 * 2987 bytes pack into 1081. The bounds check is LOAD_DATA's.
 *
 * DEFINE_LOAD, DEFINE_STORE: the accessors of loads and stores, always inlined. The build rewrites every call
 * so that the address comes as its two halves, the operand and the instruction's constant offset (Wasm core
 * spec §4.4.7: the effective address is their sum, as a 33-bit number), instead of wasm2c's 64-bit sum: the
 * check is then one 32-bit comparison with a constant the compiler folds, and where the operand's range is
 * known (a masked index into a static buffer) the compiler drops it. The bytes are those of the one static
 * linear memory (runtime.c), at an address the compiler knows. wasm2c's empty `asm` after each load, which
 * keeps the load in place for signal-based bounds checks, goes: these checks are explicit.
 */
#if WABT_BIG_ENDIAN
#error "overrides.h redefines wasm2c's little-endian accessors only"
#endif

#undef FUNC_PROLOGUE
#undef FUNC_EPILOGUE
#define FUNC_PROLOGUE                                                 \
  if (UNLIKELY(engine_stack_pointer_relaxed() < engine_stack_floor)) \
    TRAP(EXHAUSTION);
#define FUNC_EPILOGUE

#if ENGINE_MEMORY_SIZE_FIXED
#undef RANGE_CHECK
#define RANGE_CHECK(mem, offset, len)                                      \
  if (UNLIKELY((offset) + (uint64_t)(len) > ENGINE_MEMORY_LIMIT_BYTES)) \
    TRAP(OOB);
/* Whether `bytes` at `operand + offset` lie outside the memory; the limit is below 2^31 (translate.ts). */
#define OUT_OF_BOUNDS(mem, operand, offset, bytes)                 \
  ((offset) > ENGINE_MEMORY_LIMIT_BYTES - (bytes) ||               \
   (operand) > ENGINE_MEMORY_LIMIT_BYTES - (bytes) - (offset))
#else
#define OUT_OF_BOUNDS(mem, operand, offset, bytes) \
  ((uint64_t)(operand) + (offset) + (bytes) > (mem)->size)
#endif

/* runtime.c: writes `length` bytes at `dest` from `packed`, LOAD_PACKED_DATA's layout. */
void engine_unpack_data(u8* dest, const u8* packed, u32 length);
#define LOAD_PACKED_DATA(m, o, i, s)          \
  do {                                        \
    RANGE_CHECK((&m), o, s);                  \
    engine_unpack_data(&(m.data[o]), i, s);   \
  } while (0)

#undef DEFINE_LOAD
#define DEFINE_LOAD(name, t1, t2, t3)                                                                 \
  static inline __attribute__((always_inline)) t3 name(wasm_rt_memory_t* mem, u32 operand, u32 offset) { \
    if (UNLIKELY(OUT_OF_BOUNDS(mem, operand, offset, sizeof(t1)))) TRAP(OOB);                          \
    t1 result;                                                                                        \
    wasm_rt_memcpy(&result, engine_linear_memory + operand + offset, sizeof(t1));                     \
    return (t3)(t2)result;                                                                            \
  }

#undef DEFINE_STORE
#define DEFINE_STORE(name, t1, t2)                                                                              \
  static inline __attribute__((always_inline)) void name(wasm_rt_memory_t* mem, u32 operand, u32 offset, t2 value) { \
    if (UNLIKELY(OUT_OF_BOUNDS(mem, operand, offset, sizeof(t1)))) TRAP(OOB);                                        \
    t1 wrapped = (t1)value;                                                                                         \
    wasm_rt_memcpy(engine_linear_memory + operand + offset, &wrapped, sizeof(t1));                                  \
  }
