/*
 * Instantiation and execution (Wasm core spec §4.5.4 instantiation, §4.4 instructions) of the cells compile.c
 * wrote. Dispatch is direct-threaded: an opcode cell holds its handler's address (GCC's computed goto), or on a
 * 64-bit host its offset from a label of the loop. Values live in 32-bit slots, i64 and f64 in two; f32 arithmetic is single precision throughout.
 * One loop runs every call of the app, so Wasm calls take value-stack slots, not the firmware's stack: exhaustion
 * is a frame that does not fit the value stack, the stack budget of the call.
 */
#include <math.h>
#include <string.h>

#include "module.h"
#include "reader.h"

#define PAGE_BYTES 65536u

static slot_t *stack_base;
static slot_t *stack_end;
static uint8_t *memory;
static uint32_t memory_limit_bytes;
static uint32_t memory_bytes;
static uint32_t memory_pages;

void interp_bind_storage(const interp_storage_t *storage) {
  stack_base = storage->stack;
  stack_end = storage->stack + storage->stack_slots;
  memory = storage->memory;
  memory_limit_bytes = storage->memory_limit_bytes;
}

uint8_t *interp_memory(void) {
  return memory;
}

uint32_t interp_memory_bytes(void) {
  return memory_bytes;
}

/* The trap messages of docs/firmware.md's table (wasm2c's traps, in V8's words). */
static _Noreturn void trap_out_of_bounds(void) {
  interp_trap(TRAP_MEMORY_OUT_OF_BOUNDS, "memory access out of bounds");
}
static _Noreturn void trap_integer(const char *message) {
  interp_trap(TRAP_INTEGER_FAULT, message);
}
static _Noreturn void trap_exhausted(void) {
  interp_trap(TRAP_CALL_STACK_EXHAUSTED, "call stack exhausted");
}
static _Noreturn void trap_indirect(void) {
  interp_trap(TRAP_INDIRECT_CALL, "null function or function signature mismatch");
}

static inline uint64_t get64(const slot_t *at) {
  uint64_t value;
  memcpy(&value, at, 8);
  return value;
}
static inline void put64(slot_t *at, uint64_t value) {
  memcpy(at, &value, 8);
}
static inline float as_f32(slot_t bits) {
  float value;
  memcpy(&value, &bits, 4);
  return value;
}
static inline slot_t f32_bits(float value) {
  slot_t bits;
  memcpy(&bits, &value, 4);
  return bits;
}
static inline double as_f64(uint64_t bits) {
  double value;
  memcpy(&value, &bits, 8);
  return value;
}
static inline uint64_t f64_bits(double value) {
  uint64_t bits;
  memcpy(&bits, &value, 8);
  return bits;
}

/* §4.3.3 fmin, fmax: a NaN operand gives NaN; -0 is below +0. */
static float f32_min(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return as_f32(f32_bits(a) | f32_bits(b));
  return a < b ? a : b;
}
static float f32_max(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return as_f32(f32_bits(a) & f32_bits(b));
  return a > b ? a : b;
}
static double f64_min(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return as_f64(f64_bits(a) | f64_bits(b));
  return a < b ? a : b;
}
static double f64_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return as_f64(f64_bits(a) & f64_bits(b));
  return a > b ? a : b;
}

/*
 * The f64 operators out of the loop, each reached through one call site of its shape there (binary, comparison,
 * unary); each returns its result's bits. Without a double-precision FPU, GCC moves a double in the loop through
 * the loop's stack frame; here it goes from the slots straight into the registers of libgcc's and libm's calls.
 * The unary ones take their operand's first slot; f64.min and f64.max are operate()'s.
 */
typedef uint64_t f64_operator_t(const slot_t *at);
/*
 * The arithmetic operators and comparisons take their operands' bits, and on the board they are libgcc's functions
 * themselves (the Arm run-time ABI's __aeabi_dadd..., RTABI32 §4.1.2), which take and return doubles in core
 * registers as a uint64_t is: the loop's call site loads the slots straight into those registers. A host has
 * functions of the same shape.
 */
typedef uint64_t f64_binary_t(uint64_t a, uint64_t b);
typedef int f64_compare_t(uint64_t a, uint64_t b);
#ifdef __ARM_EABI__
f64_binary_t __aeabi_dadd, __aeabi_dsub, __aeabi_dmul, __aeabi_ddiv;
f64_compare_t __aeabi_dcmpeq, __aeabi_dcmplt, __aeabi_dcmple, __aeabi_dcmpgt, __aeabi_dcmpge;
#define f64_add __aeabi_dadd
#define f64_sub __aeabi_dsub
#define f64_mul __aeabi_dmul
#define f64_div __aeabi_ddiv
#define f64_eq __aeabi_dcmpeq
#define f64_lt __aeabi_dcmplt
#define f64_le __aeabi_dcmple
#define f64_gt __aeabi_dcmpgt
#define f64_ge __aeabi_dcmpge
#else
#define F64_BINARY(name, expression)                \
  static uint64_t name(uint64_t x, uint64_t y) {    \
    double a = as_f64(x), b = as_f64(y);            \
    return f64_bits(expression);                    \
  }
#define F64_COMPARE(name, expression)               \
  static int name(uint64_t x, uint64_t y) {         \
    double a = as_f64(x), b = as_f64(y);            \
    return (expression);                            \
  }
F64_BINARY(f64_add, a + b)
F64_BINARY(f64_sub, a - b)
F64_BINARY(f64_mul, a * b)
F64_BINARY(f64_div, a / b)
F64_COMPARE(f64_eq, a == b)
F64_COMPARE(f64_lt, a < b)
F64_COMPARE(f64_le, a <= b)
F64_COMPARE(f64_gt, a > b)
F64_COMPARE(f64_ge, a >= b)
#endif
static int f64_ne(uint64_t a, uint64_t b) {
  return !f64_eq(a, b);
}
#define F64_UNARY(name, expression)        \
  static uint64_t name(const slot_t *at) { \
    double a = as_f64(get64(at));          \
    return f64_bits(expression);           \
  }
F64_UNARY(f64_ceil, ceil(a))
F64_UNARY(f64_floor, floor(a))
F64_UNARY(f64_trunc, trunc(a))
F64_UNARY(f64_nearest, nearbyint(a))
F64_UNARY(f64_sqrt, __builtin_sqrt(a))

/*
 * An immediate shift count, which compile.c reduced below the width (§4.3.2 ishl, ishr_s, ishr_u take it modulo
 * the width): saying so lets GCC drop a handler's `& 31`, an instruction of every shift by a constant.
 */
static inline uint32_t reduced_count(uint32_t count) {
  if (count > 31) __builtin_unreachable();
  return count;
}
/* An i32 operator's immediate operand, its count reduced if it is a shift (shl, shr_s, shr_u). */
#define IMMEDIATE_OPERAND(op, cell) ((op) >= OP_I32_SHL && (op) <= OP_I32_SHR_U ? reduced_count(cell) : (cell))

static uint32_t rotl32(uint32_t x, uint32_t n) {
  n &= 31;
  return n ? (x << n) | (x >> (32 - n)) : x;
}
static uint64_t rotl64(uint64_t x, uint64_t n) {
  n &= 63;
  return n ? (x << n) | (x >> (64 - n)) : x;
}

/*
 * §4.3.2 trunc and trunc_sat, all sixteen in one function out of the loop: the float at `at` (an f32 converts to
 * f64 exactly) as the integer its kind (module.h TRUNC_*) says, or a trap, or for trunc_sat NaN as 0 and values
 * past the range as its ends. The ranges' ends, both exclusive, of i32, u32, i64 and u64.
 */
static const double TRUNC_RANGES[4][2] = {
    {-2147483649.0, 2147483648.0},
    {-1.0, 4294967296.0},
    {-9223372036854777856.0, 9223372036854775808.0},
    {-1.0, 18446744073709551616.0},
};
__attribute__((noinline)) static uint64_t truncated(const slot_t *at, uint32_t kind) {
  double a = kind & TRUNC_FROM_F64 ? as_f64(get64(at)) : (double)as_f32(at[0]);
  const double *range = TRUNC_RANGES[(kind & TRUNC_UNSIGNED) | (kind & TRUNC_TO_I64) >> 1];
  if (a > range[0] && a < range[1]) return kind & TRUNC_UNSIGNED ? (uint64_t)a : (uint64_t)(int64_t)a;
  if (!(kind & TRUNC_SATURATING)) {
    trap_integer(a != a ? "float unrepresentable in integer range" : "integer overflow");
  }
  if (a != a) return 0;
  uint64_t max = kind & TRUNC_TO_I64 ? UINT64_MAX : UINT32_MAX;
  if (!(kind & TRUNC_UNSIGNED)) max >>= 1;
  return a > 0 ? max : kind & TRUNC_UNSIGNED ? 0 : ~max;
}

/*
 * The conversions of i64 to f64 out of the loop as the operators above are, through the unary operators' call
 * site. The i32 conversions to f64 stay in the loop, where their operand is a single slot.
 */
static uint64_t f64_convert_i64_s(const slot_t *at) {
  return f64_bits((double)(int64_t)get64(at));
}
static uint64_t f64_convert_i64_u(const slot_t *at) {
  return f64_bits((double)get64(at));
}

/*
 * The numeric operators that none of the benchmark's workloads runs (docs/firmware.md "The interpreter's figures"),
 * out of the loop in one function compiled for size: the loop has no handler for them, so compile.c emits each as
 * [OP_OPERATOR opcode]. Takes the operand stack's top and returns it after the operator. (Not `cold`: GCC would move
 * the loop's block that calls it to another section, out of reach of the handlers' label differences.)
 */
#define SLOW_UNARY32(op, expression) \
  case op: {                         \
    uint32_t a = sp[-1];             \
    sp[-1] = (expression);           \
    return sp;                       \
  }
#define SLOW_BINARY32(op, expression)    \
  case op: {                             \
    uint32_t a = sp[-2], b = sp[-1];     \
    sp[-2] = (expression);               \
    return sp - 1;                       \
  }
#define SLOW_F32_COMPARE(op, expression)                  \
  case op: {                                              \
    float a = as_f32(sp[-2]), b = as_f32(sp[-1]);         \
    sp[-2] = (expression);                                \
    return sp - 1;                                        \
  }
#define SLOW_F32_UNARY(op, expression) \
  case op: {                           \
    float a = as_f32(sp[-1]);          \
    sp[-1] = f32_bits(expression);     \
    return sp;                         \
  }
#define SLOW_UNARY64(op, expression)  \
  case op: {                          \
    uint64_t a = get64(sp - 2);       \
    put64(sp - 2, (expression));      \
    return sp;                        \
  }
#define SLOW_BINARY64(op, expression)                   \
  case op: {                                            \
    uint64_t a = get64(sp - 4), b = get64(sp - 2);      \
    put64(sp - 4, (expression));                        \
    return sp - 2;                                      \
  }
#define SLOW_COMPARE64(op, expression)                  \
  case op: {                                            \
    uint64_t a = get64(sp - 4), b = get64(sp - 2);      \
    sp[-4] = (expression);                              \
    return sp - 3;                                      \
  }
#define SLOW_F64_BINARY(op, expression)                                  \
  case op: {                                                             \
    double a = as_f64(get64(sp - 4)), b = as_f64(get64(sp - 2));         \
    put64(sp - 4, f64_bits(expression));                                 \
    return sp - 2;                                                       \
  }
__attribute__((noinline, optimize("Os"))) static slot_t *operate(uint32_t op, slot_t *sp) {
  switch (op) {
    SLOW_COMPARE64(0x51, a == b)
    SLOW_COMPARE64(0x52, a != b)
    SLOW_COMPARE64(0x56, a > b)
    SLOW_COMPARE64(0x58, a <= b)
    SLOW_COMPARE64(0x5A, a >= b)
    SLOW_F32_COMPARE(0x5B, a == b)
    SLOW_F32_COMPARE(0x5C, a != b)
    SLOW_F32_COMPARE(0x5D, a < b)
    SLOW_F32_COMPARE(0x5E, a > b)
    SLOW_F32_COMPARE(0x5F, a <= b)
    SLOW_F32_COMPARE(0x60, a >= b)
    SLOW_UNARY32(0x67, a ? (uint32_t)__builtin_clz(a) : 32u)
    SLOW_UNARY32(0x68, a ? (uint32_t)__builtin_ctz(a) : 32u)
    SLOW_UNARY32(0x69, (uint32_t)__builtin_popcount(a))
    case 0x6D: case 0x6E: case 0x6F: case 0x70:
      /* §4.3.2 idiv, irem: a zero divisor traps, and so does the one signed quotient past the range. */
      if (sp[-1] == 0) trap_integer("divide by zero");
      if (op == 0x6D && sp[-2] == 0x80000000u && sp[-1] == UINT32_MAX) trap_integer("integer overflow");
      switch (op) {
        SLOW_BINARY32(0x6D, (uint32_t)((int32_t)a / (int32_t)b))
        SLOW_BINARY32(0x6E, a / b)
        SLOW_BINARY32(0x6F, b == UINT32_MAX ? 0 : (uint32_t)((int32_t)a % (int32_t)b))
        SLOW_BINARY32(0x70, a % b)
      }
      break;
    SLOW_BINARY32(0x77, rotl32(a, b))
    SLOW_BINARY32(0x78, rotl32(a, 32 - (b & 31)))
    SLOW_UNARY64(0x79, a ? (uint64_t)__builtin_clzll(a) : 64u)
    SLOW_UNARY64(0x7A, a ? (uint64_t)__builtin_ctzll(a) : 64u)
    SLOW_UNARY64(0x7B, (uint64_t)__builtin_popcountll(a))
    case 0x80: case 0x81: case 0x82:
      if (get64(sp - 2) == 0) trap_integer("divide by zero");
      switch (op) {
        SLOW_BINARY64(0x80, a / b)
        SLOW_BINARY64(0x81, b == UINT64_MAX ? 0 : (uint64_t)((int64_t)a % (int64_t)b))
        SLOW_BINARY64(0x82, a % b)
      }
      break;
    SLOW_BINARY64(0x83, a & b)
    SLOW_BINARY64(0x84, a | b)
    SLOW_BINARY64(0x85, a ^ b)
    SLOW_BINARY64(0x88, a >> (b & 63))
    SLOW_BINARY64(0x89, rotl64(a, b))
    SLOW_BINARY64(0x8A, rotl64(a, 64 - (b & 63)))
    /* §4.3.3: abs, neg and copysign act on the sign bit alone, NaNs included. */
    SLOW_UNARY32(0x8B, a & 0x7FFFFFFFu)
    SLOW_UNARY32(0x8C, a ^ 0x80000000u)
    SLOW_F32_UNARY(0x8D, ceilf(a))
    SLOW_F32_UNARY(0x8E, floorf(a))
    SLOW_F32_UNARY(0x8F, truncf(a))
    SLOW_F32_UNARY(0x90, nearbyintf(a))
    SLOW_F32_UNARY(0x91, __builtin_sqrtf(a))
    SLOW_BINARY32(0x96, f32_bits(f32_min(as_f32(a), as_f32(b))))
    SLOW_BINARY32(0x97, f32_bits(f32_max(as_f32(a), as_f32(b))))
    SLOW_BINARY32(0x98, (a & 0x7FFFFFFFu) | (b & 0x80000000u))
    SLOW_UNARY32(0x99, a & 0x7FFFFFFFu)
    SLOW_UNARY32(0x9A, a ^ 0x80000000u)
    SLOW_F64_BINARY(0xA4, f64_min(a, b))
    SLOW_F64_BINARY(0xA5, f64_max(a, b))
    case 0xA6:
      sp[-3] = (sp[-3] & 0x7FFFFFFFu) | (sp[-1] & 0x80000000u);
      return sp - 2;
    SLOW_UNARY32(0xB2, f32_bits((float)(int32_t)a))
    SLOW_UNARY32(0xB3, f32_bits((float)a))
    case 0xB4:
      sp[-2] = f32_bits((float)(int64_t)get64(sp - 2));
      return sp - 1;
    case 0xB5:
      sp[-2] = f32_bits((float)get64(sp - 2));
      return sp - 1;
    case 0xB6:
      sp[-2] = f32_bits((float)as_f64(get64(sp - 2)));
      return sp - 1;
    case 0xBB:
      put64(sp - 1, f64_bits((double)as_f32(sp[-1])));
      return sp + 1;
    SLOW_UNARY32(0xC0, (uint32_t)(int32_t)(int8_t)a)
    SLOW_UNARY32(0xC1, (uint32_t)(int32_t)(int16_t)a)
    SLOW_UNARY64(0xC2, (uint64_t)(int64_t)(int8_t)a)
    SLOW_UNARY64(0xC3, (uint64_t)(int64_t)(int16_t)a)
    SLOW_UNARY64(0xC4, (uint64_t)(int64_t)(int32_t)a)
  }
  return sp;
}

static uint32_t backed_bytes(uint64_t pages) {
  uint64_t bytes = pages * PAGE_BYTES;
  return bytes < memory_limit_bytes ? (uint32_t)bytes : memory_limit_bytes;
}

/* docs/firmware.md "Memory below one page": memory.grow succeeds while the new pages start inside the backing. */
static uint32_t grow_memory(uint32_t delta) {
  uint32_t old_pages = memory_pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  if (new_pages > module.memory_max_pages || (new_pages > 0 && (new_pages - 1) * PAGE_BYTES >= memory_limit_bytes)) {
    return UINT32_MAX;
  }
  memory_pages = (uint32_t)new_pages;
  memory_bytes = backed_bytes(new_pages);
  return old_pages;
}

/*
 * §4.4.7 memory instructions: the `bytes` bytes at base + offset in the memory of `size` bytes at `at`, or a trap
 * unless all are in it. The code holds the access's end past its base, `end` (offset + bytes, compile.c).
 */
static inline uint8_t *address(uint8_t *at, uint32_t size, uint32_t base, uint32_t end, uint32_t bytes) {
  /* The access's end as one 32-bit sum: a carry out of it is past 2^32, so past every memory. */
  uint32_t past;
  if (__builtin_add_overflow(base, end, &past) || past > size) trap_out_of_bounds();
  return at + past - bytes;
}

/*
 * The few slots a branch keeps or a return moves, one word at a time (as a call zeroes its locals): a library
 * memmove or memset costs more than the copy itself at these sizes (the build keeps the compiler from turning
 * the loops back into those calls). The count runs down: with a loop that compares pointers, GCC (12) spends an
 * instruction more in every handler that pushes.
 */
static inline void move_slots_down(slot_t *to, const slot_t *from, uint32_t count) {
  while (count != 0) {
    *to++ = *from++;
    count--;
  }
}

static void run(uint32_t entry, slot_t *fp);

/* Where a cell fits an address, the opcode cells hold their handlers' addresses: a dispatch is a load and a jump. */
#define CELL_HOLDS_ADDRESS (UINTPTR_MAX == UINT32_MAX)
/*
 * On Thumb-2 an opcode cell's handler address has bit 0 set, the Thumb state a `bx` or a load to the pc needs
 * (ARMv7-M ARM, BXWritePC): GCC sets that bit before every `goto *` whatever the address holds; the board build
 * drops those instructions from the loop and makes each dispatch one `ldr pc` (host/firmware/thumb-dispatch.ts).
 * A handler's offset from the `invalid` label takes 16 bits on the boards, whose loop the build keeps under
 * 32 KiB (host/firmware/thumb-dispatch.ts), and 32 on a host, whose loop built with the sanitizers is some 290 KB.
 */
#if CELL_HOLDS_ADDRESS && defined(__thumb2__)
#define THUMB_STATE_BIT 1u
typedef int16_t handler_offset_t;
#else
#define THUMB_STATE_BIT 0u
typedef int32_t handler_offset_t;
#endif
static const handler_offset_t *handler_offsets;
static uintptr_t handler_base;

cell_t interp_target_cell(uint32_t at) {
  uint32_t cell = module.code_cells + at;
  return CELL_HOLDS_ADDRESS ? (cell_t)(uintptr_t)(module.code_home + cell) : cell;
}

cell_t interp_function_cell(uint32_t function_index) {
  return CELL_HOLDS_ADDRESS ? (cell_t)(uintptr_t)&module.functions[function_index] : function_index;
}

cell_t interp_host_function_cell(uint32_t host_index) {
  return CELL_HOLDS_ADDRESS ? (cell_t)(uintptr_t)module.host[host_index].function : host_index;
}

cell_t interp_opcode_cell(uint32_t op) {
  return CELL_HOLDS_ADDRESS ? (cell_t)((handler_base + (uintptr_t)(intptr_t)handler_offsets[op]) | THUMB_STATE_BIT)
                            : (cell_t)handler_offsets[op];
}

int interp_has_handler(uint32_t op) {
  return handler_offsets[op] != 0;
}

void interp_prepare_dispatch(void) {
  run(0, NULL);
}

void interp_call(uint32_t function_index, slot_t *slots) {
  const function_t *function = &module.functions[function_index];
  const func_type_t *type = &module.types[function->type];
  if (function_index < module.imported_functions) {
    module.host[function->code_at].function(slots);
    return;
  }
  memcpy(stack_base, slots, type->param_slots * sizeof(slot_t));
  run(function_index, stack_base);
  memcpy(slots, stack_base, type->result_slots * sizeof(slot_t));
}

void interp_instantiate(void) {
  memset(memory, 0, memory_limit_bytes);
  memory_pages = module.memory_min_pages;
  memory_bytes = module.has_memory ? backed_bytes(memory_pages) : 0;
  for (uint32_t g = 0; g < module.global_count; g++) {
    const global_t *global = &module.globals[g];
    memcpy(&module.global_values[global->slot], global->init, valtype_slots(global->type) * sizeof(slot_t));
  }
  for (uint32_t t = 0; t < module.table_size; t++) module.table[t] = NO_FUNCTION;
  if (module.data_count) memset(module.data_dropped, 0, module.data_count);
  /* §4.5.4: element segments, then data segments, in order; an active segment is dropped once applied. */
  if (module.elements_at) {
    /* The element section, which the loader validated: reading it again refuses nothing. */
    reader_t r = {module.wasm + module.elements_at, module.wasm + module.wasm_length};
    uint32_t count = read_u32(&r);
    for (uint32_t s = 0; s < count; s++) {
      read_u32(&r);                  /* form 0 */
      r.at++;                        /* i32.const */
      uint32_t offset = (uint32_t)read_signed(&r, 32);
      r.at++;                        /* end */
      uint32_t functions = read_u32(&r);
      if ((uint64_t)offset + functions > module.table_size) interp_trap(TRAP_OTHER, "table index is out of bounds");
      for (uint32_t f = 0; f < functions; f++) module.table[offset + f] = read_u32(&r);
    }
  }
  for (uint32_t d = 0; d < module.data_count; d++) {
    const data_segment_t *segment = &module.data[d];
    if (!segment->active) continue;
    if ((uint64_t)segment->memory_offset + segment->length > memory_bytes) trap_out_of_bounds();
    memcpy(memory + segment->memory_offset, module.wasm + segment->bytes_at, segment->length);
    module.data_dropped[d] = 1;
  }
  if (module.start_function != NO_FUNCTION) {
    slot_t none[1];
    interp_call(module.start_function, none);
  }
}

/* Binary operators on the top two slots (i32, f32) or two slot pairs (i64, f64). */
#define I32_BINARY(expression)        \
  do {                                \
    uint32_t a = sp[-2], b = sp[-1];  \
    sp[-2] = (expression);            \
    sp--;                             \
  } while (0)
#define I32_UNARY(expression) \
  do {                        \
    uint32_t a = sp[-1];      \
    sp[-1] = (expression);    \
  } while (0)
#define I64_BINARY(expression)                      \
  do {                                              \
    uint64_t a = get64(sp - 4), b = get64(sp - 2);  \
    put64(sp - 4, (expression));                    \
    sp -= 2;                                        \
  } while (0)
#define I64_COMPARE(expression)                     \
  do {                                              \
    uint64_t a = get64(sp - 4), b = get64(sp - 2);  \
    sp[-4] = (expression);                          \
    sp -= 3;                                        \
  } while (0)
#define F32_BINARY(expression)                        \
  do {                                                \
    float a = as_f32(sp[-2]), b = as_f32(sp[-1]);     \
    sp[-2] = f32_bits(expression);                    \
    sp--;                                             \
  } while (0)
#define LOAD32(type, cast)                                   \
  do {                                                       \
    type value;                                              \
    memcpy(&value, address(memory_at, memory_size, sp[-1], *ip++, sizeof value), sizeof value); \
    sp[-1] = (uint32_t)(cast)value;                          \
  } while (0)
#define LOAD64(type, cast)                                   \
  do {                                                       \
    type value;                                              \
    memcpy(&value, address(memory_at, memory_size, sp[-1], *ip++, sizeof value), sizeof value); \
    put64(sp - 1, (uint64_t)(cast)value);                    \
    sp++;                                                    \
  } while (0)
/* A load whose address is the local of slot ip[0], the end of its access ip[1]. */
#define FROM_LOCAL(op) (OP_LOAD_FROM_LOCAL + (op) - OP_FIRST_LOAD)
#define LOAD32_FROM_LOCAL(type, cast)                                            \
  do {                                                                           \
    type value;                                                                  \
    memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);       \
    ip += 2;                                                                     \
    *sp++ = (uint32_t)(cast)value;                                               \
  } while (0)
#define LOAD64_FROM_LOCAL(type, cast)                                            \
  do {                                                                           \
    type value;                                                                  \
    memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);       \
    ip += 2;                                                                     \
    put64(sp, (uint64_t)(cast)value);                                            \
    sp += 2;                                                                     \
  } while (0)
/* [op a end d]: an i32 load from the local of slot a to the local of slot d. */
#define TO_LOCAL(op) (OP_LOAD_TO_LOCAL + (op) - OP_FIRST_LOAD)
#define LOAD32_TO_LOCAL(type, cast)                                                                  \
  do {                                                                                               \
    type value;                                                                                      \
    memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);  \
    fp[ip[2]] = (uint32_t)(cast)value;                                                               \
    ip += 3;                                                                                         \
  } while (0)
#define STORE32(type)                                              \
  do {                                                             \
    type value = (type)sp[-1];                                     \
    memcpy(address(memory_at, memory_size, sp[-2], *ip++, sizeof value), &value, sizeof value); \
    sp -= 2;                                                       \
  } while (0)
#define STORE64(type)                                              \
  do {                                                             \
    type value = (type)get64(sp - 2);                              \
    memcpy(address(memory_at, memory_size, sp[-3], *ip++, sizeof value), &value, sizeof value); \
    sp -= 3;                                                       \
  } while (0)

/*
 * Direct threading: an opcode cell holds its handler's address, or its offset from the `invalid` label; a
 * branch's target cell, and a return record's, the address of the code it goes to, or that code's cell index;
 * a call's function cell the address of the function's record, or the function's index (a host call's the host
 * function's address, or its index in module.host); a return record's link to the caller's frame that frame's
 * address, or how many bytes below the callee's it starts (a return then loads the caller's frame, where
 * subtracting a distance takes an instruction more in every call and return).
 */
#if CELL_HOLDS_ADDRESS
#define NEXT() goto *(void *)(uintptr_t)*ip++
#define TARGET(cell) ((const cell_t *)(uintptr_t)(cell))
#define RETURN_CELL(at) ((cell_t)(uintptr_t)(at))
#define FUNCTION(cell) ((const function_t *)(uintptr_t)(cell))
#define HOST_FUNCTION(cell) ((interp_host_fn_t)(uintptr_t)(cell))
#define CALLER_LINK(caller_fp, callee_fp) ((slot_t)(uintptr_t)(caller_fp))
#define CALLER_FRAME(callee_fp, link) ((slot_t *)(uintptr_t)(link))
#else
#define NEXT() goto *(&&invalid + (int32_t)*ip++)
#define TARGET(cell) (code + (cell))
#define RETURN_CELL(at) ((cell_t)((at) - code))
#define FUNCTION(cell) (&functions[cell])
#define HOST_FUNCTION(cell) (module.host[cell].function)
#define CALLER_LINK(caller_fp, callee_fp) ((slot_t)((uintptr_t)(callee_fp) - (uintptr_t)(caller_fp)))
#define CALLER_FRAME(callee_fp, link) ((slot_t *)((uintptr_t)(callee_fp) - (link)))
#endif

/* The fused opcodes of an i32 operator (compile.c emit_op). */
#define IMMEDIATE(op) (OP_I32_IMMEDIATE + I32_FUSED_INDEX(op))
#define IF(op) (OP_BR_IF_COMPARE + I32_FUSED_INDEX(op))
/* An i32 operator whose second operand is the cell after it. */
#define I32_IMMEDIATE(expression) \
  do {                            \
    uint32_t a = sp[-1], b = *ip++; \
    sp[-1] = (expression);        \
  } while (0)
#define LOCAL_IMMEDIATE(op) (OP_I32_LOCAL_IMMEDIATE + I32_FUSED_INDEX(op))
#define LOCALS(op) (OP_I32_LOCALS + I32_FUSED_INDEX(op))
/* An i32 operator on the local of slot ip[0] and the immediate ip[1], or on the locals of slots ip[0] and ip[1]. */
#define LOCAL_AND_IMMEDIATE(expression) \
  do {                                  \
    uint32_t a = fp[ip[0]], b = ip[1];  \
    ip += 2;                            \
    *sp++ = (expression);               \
  } while (0)
#define TWO_LOCALS(expression)             \
  do {                                     \
    uint32_t a = fp[ip[0]], b = fp[ip[1]]; \
    ip += 2;                               \
    *sp++ = (expression);                  \
  } while (0)
/*
 * The operators the fusions take (compile.c emit_op, register_form), each X(opcode, name, expression of a and b).
 * A fused form is in the loop only for the operators listed for it below, those the benchmark's workloads (docs/
 * firmware.md) run in that form: compile.c leaves the others unfused (interp_has_handler).
 */
#define I32_LT_S(X) X(0x48, lt_s, (int32_t)a < (int32_t)b)
#define I32_GT_S(X) X(0x4A, gt_s, (int32_t)a > (int32_t)b)
#define I32_GE_S(X) X(0x4E, ge_s, (int32_t)a >= (int32_t)b)
#define I32_ADD(X) X(0x6A, add, a + b)
#define I32_SUB(X) X(0x6B, sub, a - b)
#define I32_SHL(X) X(0x74, shl, a << (b & 31))
#define I32_SHR_S(X) X(0x75, shr_s, (uint32_t)((int32_t)a >> (b & 31)))
#define I64_ADD(X) X(0x7C, add, a + b)
#define I64_SUB(X) X(0x7D, sub, a - b)
#define I64_MUL(X) X(0x7E, mul, a * b)
#define I64_SHL(X) X(0x86, shl, a << (b & 63))
#define I64_SHR_S(X) X(0x87, shr_s, (uint64_t)((int64_t)a >> (b & 63)))
/* The branches on a local and an immediate, and on two locals. */
#define LOCAL_IMMEDIATE_BRANCHES(X) I32_LT_S(X) I32_GE_S(X)
#define LOCALS_BRANCHES(X) I32_LT_S(X) I32_GT_S(X) I32_GE_S(X)
/* The operators on a local and an immediate to a local, and the same with local.tee. */
#define TO_LOCAL_OPERATORS(X) I32_ADD(X) I32_SUB(X)
#define TEE_OPERATORS(X) I32_SUB(X) I32_SHL(X)
/* The operators on the stack and a local. */
#define I32_WITH_LOCAL_OPERATORS(X) I32_SUB(X) I32_SHR_S(X)
#define I64_WITH_LOCAL_OPERATORS(X) I64_ADD(X) I64_SUB(X) I64_MUL(X)
/* The i64 operators with an immediate: [op c_low c_high]. */
#define I64_IMMEDIATE_OPERATORS(X) I64_WITH_LOCAL_OPERATORS(X) I64_SHL(X) I64_SHR_S(X)
#define I64_IMMEDIATE_ENTRY(op, name, expression) [OP_I64_IMMEDIATE + ARITHMETIC_INDEX(op, OP_I64_ADD)] = &&op_i64_##name##_imm - &&invalid,
#define I64_IMMEDIATE_HANDLER(op, name, expression) \
  op_i64_##name##_imm: {                            \
    uint64_t a = get64(sp - 2), b = get64(ip);      \
    put64(sp - 2, (expression));                    \
    ip += 2;                                        \
    NEXT();                                         \
  }
/*
 * The register-style forms' table entries: each form's opcode is its range's start plus the operator's
 * ARITHMETIC_INDEX (I32_FUSED_INDEX for the branches).
 */
#define TO_LOCAL_ENTRY(op, name, expression) \
  [OP_I32_LOCAL_IMMEDIATE_TO_LOCAL + ARITHMETIC_INDEX(op, OP_I32_ADD)] = &&op_##name##_local_imm_to_local - &&invalid,
#define TEE_ENTRY(op, name, expression) \
  [OP_I32_LOCAL_IMMEDIATE_TEE + ARITHMETIC_INDEX(op, OP_I32_ADD)] = &&op_##name##_local_imm_tee - &&invalid,
#define LOCAL_IMMEDIATE_BRANCH_ENTRY(op, name, expression) \
  [OP_BR_IF_LOCAL_IMMEDIATE + I32_FUSED_INDEX(op)] = &&op_br_if_##name##_local_imm - &&invalid,
#define LOCALS_BRANCH_ENTRY(op, name, expression) \
  [OP_BR_IF_LOCALS + I32_FUSED_INDEX(op)] = &&op_br_if_##name##_locals - &&invalid,
/* [op a c d]: local d = local a (operator) c, and the same pushed too for local.tee. */
#define TO_LOCAL_HANDLER(op, name, expression)                \
  op_##name##_local_imm_to_local: {                           \
    uint32_t a = fp[ip[0]], b = IMMEDIATE_OPERAND(op, ip[1]); \
    fp[ip[2]] = (expression);                                 \
    ip += 3;                                                  \
    NEXT();                                                   \
  }
#define TEE_HANDLER(op, name, expression)                     \
  op_##name##_local_imm_tee: {                                \
    uint32_t a = fp[ip[0]], b = IMMEDIATE_OPERAND(op, ip[1]); \
    fp[ip[2]] = *sp++ = (expression);                         \
    ip += 3;                                                  \
    NEXT();                                                   \
  }
/* [op a c target] and [op a b target]: a branch taken when a local compares so with c, or with local b. */
#define LOCAL_IMMEDIATE_BRANCH_HANDLER(op, name, expression) \
  op_br_if_##name##_local_imm: {                             \
    uint32_t a = fp[ip[0]], b = ip[1];                       \
    ip = (expression) ? TARGET(ip[2]) : ip + 3;              \
    NEXT();                                                  \
  }
#define LOCALS_BRANCH_HANDLER(op, name, expression) \
  op_br_if_##name##_locals: {                       \
    uint32_t a = fp[ip[0]], b = fp[ip[1]];          \
    ip = (expression) ? TARGET(ip[2]) : ip + 3;     \
    NEXT();                                         \
  }

/* [op x]: an arithmetic operator on the top of the stack and the local of slot x. */
#define I32_WITH_LOCAL_ENTRY(op, name, expression) \
  [OP_I32_WITH_LOCAL + ARITHMETIC_INDEX(op, OP_I32_ADD)] = &&op_i32_##name##_with_local - &&invalid,
#define I64_WITH_LOCAL_ENTRY(op, name, expression) \
  [OP_I64_WITH_LOCAL + ARITHMETIC_INDEX(op, OP_I64_ADD)] = &&op_i64_##name##_with_local - &&invalid,
#define I32_WITH_LOCAL_HANDLER(op, name, expression) \
  op_i32_##name##_with_local: {                      \
    uint32_t a = sp[-1], b = fp[*ip++];              \
    sp[-1] = (expression);                           \
    NEXT();                                          \
  }
#define I64_WITH_LOCAL_HANDLER(op, name, expression)  \
  op_i64_##name##_with_local: {                       \
    uint64_t a = get64(sp - 2), b = get64(fp + *ip++); \
    put64(sp - 2, (expression));                      \
    NEXT();                                           \
  }
/* A branch taken when an i32 comparison of the top two slots holds. */
#define BRANCH_ON(comparison)            \
  do {                                   \
    uint32_t a = sp[-2], b = sp[-1];     \
    sp -= 2;                             \
    ip = (comparison) ? TARGET(*ip) : ip + 1; \
  } while (0)

static void run(uint32_t entry, slot_t *fp) {
/*
 * Each opcode's handler as its offset from the `invalid` label (GCC's label differences), from which
 * interp_opcode_cell() makes the cell compile.c writes. Every opcode not named below is invalid: the
 * range sets them first, the named ones override it.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
  static const handler_offset_t handlers[OP_COUNT] = {
      [0 ... OP_COUNT - 1] = &&invalid - &&invalid,
      [0x00] = &&op_unreachable - &&invalid, [0x0C] = &&op_br - &&invalid, [0x0D] = &&op_br_if - &&invalid, [0x0E] = &&op_br_table - &&invalid,
      [0x0F] = &&op_return - &&invalid, [0x10] = &&op_call - &&invalid, [0x11] = &&op_call_indirect - &&invalid, [0x1A] = &&op_drop - &&invalid,
      [0x1B] = &&op_select - &&invalid, [0x20] = &&op_local_get - &&invalid, [0x21] = &&op_local_set - &&invalid, [0x22] = &&op_local_tee - &&invalid,
      [0x23] = &&op_global_get - &&invalid, [0x24] = &&op_global_set - &&invalid,
      [0x28] = &&op_i32_load - &&invalid, [0x29] = &&op_i64_load - &&invalid, [0x2A] = &&op_i32_load - &&invalid, [0x2B] = &&op_i64_load - &&invalid,
      [0x2C] = &&op_i32_load8_s - &&invalid, [0x2D] = &&op_i32_load8_u - &&invalid, [0x2E] = &&op_i32_load16_s - &&invalid, [0x2F] = &&op_i32_load16_u - &&invalid,
      [0x34] = &&op_i64_load32_s - &&invalid,
      [0x36] = &&op_i32_store - &&invalid, [0x37] = &&op_i64_store - &&invalid, [0x38] = &&op_i32_store - &&invalid, [0x39] = &&op_i64_store - &&invalid,
      [0x3A] = &&op_i32_store8 - &&invalid, [0x3B] = &&op_i32_store16 - &&invalid, 
      [0x3F] = &&op_memory_size - &&invalid, [0x40] = &&op_memory_grow - &&invalid, [0x41] = &&op_const32 - &&invalid,
      [0x45] = &&op_i32_eqz - &&invalid, [0x46] = &&op_i32_eq - &&invalid, [0x47] = &&op_i32_ne - &&invalid, [0x48] = &&op_i32_lt_s - &&invalid, [0x49] = &&op_i32_lt_u - &&invalid,
      [0x4A] = &&op_i32_gt_s - &&invalid, [0x4B] = &&op_i32_gt_u - &&invalid, [0x4C] = &&op_i32_le_s - &&invalid, [0x4D] = &&op_i32_le_u - &&invalid,
      [0x4E] = &&op_i32_ge_s - &&invalid, [0x4F] = &&op_i32_ge_u - &&invalid,
      [0x50] = &&op_i64_eqz - &&invalid, [0x53] = &&op_i64_lt_s - &&invalid, [0x54] = &&op_i64_lt_u - &&invalid,
      [0x55] = &&op_i64_gt_s - &&invalid, [0x57] = &&op_i64_le_s - &&invalid, 
      [0x59] = &&op_i64_ge_s - &&invalid, 
      
      
      [0x61] = &&op_f64_eq - &&invalid, [0x62] = &&op_f64_ne - &&invalid, [0x63] = &&op_f64_lt - &&invalid, [0x64] = &&op_f64_gt - &&invalid, [0x65] = &&op_f64_le - &&invalid,
      [0x66] = &&op_f64_ge - &&invalid,
      [0x6A] = &&op_i32_add - &&invalid,
      [0x6B] = &&op_i32_sub - &&invalid, [0x6C] = &&op_i32_mul - &&invalid, 
      [0x71] = &&op_i32_and - &&invalid, [0x72] = &&op_i32_or - &&invalid,
      [0x73] = &&op_i32_xor - &&invalid, [0x74] = &&op_i32_shl - &&invalid, [0x75] = &&op_i32_shr_s - &&invalid, [0x76] = &&op_i32_shr_u - &&invalid,
      
      [0x7C] = &&op_i64_add - &&invalid,
      [0x7D] = &&op_i64_sub - &&invalid, [0x7E] = &&op_i64_mul - &&invalid, [0x7F] = &&op_i64_div_s - &&invalid, 
      
      [0x86] = &&op_i64_shl - &&invalid, [0x87] = &&op_i64_shr_s - &&invalid, 
      
      
      [0x92] = &&op_f32_add - &&invalid,
      [0x93] = &&op_f32_sub - &&invalid, [0x94] = &&op_f32_mul - &&invalid, [0x95] = &&op_f32_div - &&invalid, 
      
      [0x9B] = &&op_f64_ceil - &&invalid, [0x9C] = &&op_f64_floor - &&invalid,
      [0x9D] = &&op_f64_trunc - &&invalid, [0x9E] = &&op_f64_nearest - &&invalid, [0x9F] = &&op_f64_sqrt - &&invalid, [0xA0] = &&op_f64_add - &&invalid,
      [0xA1] = &&op_f64_sub - &&invalid, [0xA2] = &&op_f64_mul - &&invalid, [0xA3] = &&op_f64_div - &&invalid, 
      
      [0xA7] = &&op_i32_wrap_i64 - &&invalid, [0xAC] = &&op_i64_extend_i32_s - &&invalid,
      [0xAD] = &&op_i64_extend_i32_u - &&invalid, 
      
      [0xB7] = &&op_f64_convert_i32_s - &&invalid, [0xB8] = &&op_f64_convert_i32_u - &&invalid,
      [0xB9] = &&op_f64_convert_i64_s - &&invalid, [0xBA] = &&op_f64_convert_i64_u - &&invalid, 
      [0xBC] = &&op_nop - &&invalid, [0xBD] = &&op_nop - &&invalid, [0xBE] = &&op_nop - &&invalid, [0xBF] = &&op_nop - &&invalid,
      
      
      [OP_BR_UNLESS] = &&op_br_unless - &&invalid, [OP_BR_MOVE] = &&op_br_move - &&invalid, [OP_BR_IF_MOVE] = &&op_br_if_move - &&invalid,
      [OP_CALL_HOST] = &&op_call_host - &&invalid, [OP_DROP64] = &&op_drop64 - &&invalid, [OP_SELECT64] = &&op_select64 - &&invalid,
      [OP_LOCAL_GET64] = &&op_local_get64 - &&invalid, [OP_LOCAL_SET64] = &&op_local_set64 - &&invalid, [OP_LOCAL_TEE64] = &&op_local_tee64 - &&invalid,
      [OP_GLOBAL_GET64] = &&op_global_get64 - &&invalid, [OP_GLOBAL_SET64] = &&op_global_set64 - &&invalid, [OP_CONST64] = &&op_const64 - &&invalid,
      [OP_EXIT] = &&op_exit - &&invalid,
      [OP_TRUNC] = &&op_trunc - &&invalid, [OP_OPERATOR] = &&op_operator - &&invalid,
      [OP_MEMORY_INIT] = &&op_memory_init - &&invalid, [OP_DATA_DROP] = &&op_data_drop - &&invalid, [OP_MEMORY_COPY] = &&op_memory_copy - &&invalid,
      [OP_MEMORY_FILL] = &&op_memory_fill - &&invalid,
      [IMMEDIATE(0x46)] = &&op_i32_eq_imm - &&invalid, 
      
      
      [IMMEDIATE(0x6A)] = &&op_i32_add_imm - &&invalid, [IMMEDIATE(0x6B)] = &&op_i32_sub_imm - &&invalid,
      [IMMEDIATE(0x6C)] = &&op_i32_mul_imm - &&invalid, [IMMEDIATE(0x71)] = &&op_i32_and_imm - &&invalid, 
      [IMMEDIATE(0x73)] = &&op_i32_xor_imm - &&invalid, [IMMEDIATE(0x74)] = &&op_i32_shl_imm - &&invalid, [IMMEDIATE(0x75)] = &&op_i32_shr_s_imm - &&invalid,
      [IMMEDIATE(0x76)] = &&op_i32_shr_u_imm - &&invalid,
      [IF(0x46)] = &&op_br_if_eq - &&invalid, [IF(0x47)] = &&op_br_if_ne - &&invalid, 
      [IF(0x4B)] = &&op_br_if_gt_u - &&invalid, [IF(0x4C)] = &&op_br_if_le_s - &&invalid, 
      [IF(0x4E)] = &&op_br_if_ge_s - &&invalid, 
      [OP_LOCAL_GET2] = &&op_local_get2 - &&invalid,
      [FROM_LOCAL(0x28)] = &&op_i32_load_from_local - &&invalid,
      
      [FROM_LOCAL(0x2A)] = &&op_i32_load_from_local - &&invalid,
      
      
      [FROM_LOCAL(0x2D)] = &&op_i32_load8_u_from_local - &&invalid,
      
      
      
      
      
      
      [FROM_LOCAL(0x34)] = &&op_i64_load32_s_from_local - &&invalid,
      [TO_LOCAL(0x28)] = &&op_i32_load_to_local - &&invalid, [TO_LOCAL(0x2A)] = &&op_i32_load_to_local - &&invalid,
      
      
      
      
      
      [LOCAL_IMMEDIATE(0x47)] = &&op_i32_ne_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x48)] = &&op_i32_lt_s_local_imm - &&invalid,
      
      [LOCAL_IMMEDIATE(0x4A)] = &&op_i32_gt_s_local_imm - &&invalid,
      
      
      
      [LOCAL_IMMEDIATE(0x4E)] = &&op_i32_ge_s_local_imm - &&invalid,
      
      [LOCAL_IMMEDIATE(0x6A)] = &&op_i32_add_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x6B)] = &&op_i32_sub_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x6C)] = &&op_i32_mul_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x71)] = &&op_i32_and_local_imm - &&invalid,
      
      
      [LOCAL_IMMEDIATE(0x74)] = &&op_i32_shl_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x75)] = &&op_i32_shr_s_local_imm - &&invalid,
      [LOCAL_IMMEDIATE(0x76)] = &&op_i32_shr_u_local_imm - &&invalid, 
      [LOCALS(0x48)] = &&op_i32_lt_s_locals - &&invalid,
      [LOCALS(0x4A)] = &&op_i32_gt_s_locals - &&invalid,
      [LOCALS(0x4C)] = &&op_i32_le_s_locals - &&invalid,
      [LOCALS(0x4E)] = &&op_i32_ge_s_locals - &&invalid,
      
      [LOCALS(0x6B)] = &&op_i32_sub_locals - &&invalid, [LOCALS(0x6C)] = &&op_i32_mul_locals - &&invalid,
      
      
      
      TO_LOCAL_OPERATORS(TO_LOCAL_ENTRY) TEE_OPERATORS(TEE_ENTRY)
      LOCAL_IMMEDIATE_BRANCHES(LOCAL_IMMEDIATE_BRANCH_ENTRY) LOCALS_BRANCHES(LOCALS_BRANCH_ENTRY)
      [OP_LOCAL_SET_CONST] = &&op_local_set_const - &&invalid,
      [OP_BR_UNLESS_LOCAL] = &&op_br_unless_local - &&invalid,
      [OP_SELECT_TO_LOCAL] = &&op_select_to_local - &&invalid, I64_IMMEDIATE_OPERATORS(I64_IMMEDIATE_ENTRY)
      [OP_LOCAL_GET_CONST] = &&op_local_get_const - &&invalid, [OP_CONST2] = &&op_const64 - &&invalid, /* two i32 slots push as one i64 does */
      I32_WITH_LOCAL_OPERATORS(I32_WITH_LOCAL_ENTRY) I64_WITH_LOCAL_OPERATORS(I64_WITH_LOCAL_ENTRY)
      [OP_LOCAL_GET_CALL] = &&op_local_get_call - &&invalid, [OP_CONST_CALL] = &&op_const_call - &&invalid,
      [OP_SELECT_ON_BITS_TO_LOCAL] = &&op_select_on_bits_to_local - &&invalid,
      [OP_RETURN_NO_SLOTS] = &&op_return_no_slots - &&invalid, [OP_RETURN_ONE_SLOT] = &&op_return_one_slot - &&invalid,
      [OP_I32_MUL_SHR_S_IMMEDIATE] = &&op_i32_mul_shr_s_imm - &&invalid,
      [OP_I64_MUL_SHR_S_IMMEDIATE] = &&op_i64_mul_shr_s_imm - &&invalid,
      [OP_I64_MUL_LOAD32_S_FROM_LOCAL] = &&op_i64_mul_load32_s_from_local - &&invalid,
      [OP_I64_SHL_IMMEDIATE_ADD] = &&op_i64_shl_imm_add - &&invalid,
      [OP_I64_SHR_S_IMMEDIATE_ADD] = &&op_i64_shr_s_imm_add - &&invalid,
      [OP_I32_MUL_LOAD_FROM_LOCAL] = &&op_i32_mul_load_from_local - &&invalid,
      [OP_I32_MUL_LOAD_FROM_LOCAL_SHR_S_IMMEDIATE] = &&op_i32_mul_load_from_local_shr_s_imm - &&invalid,
  };
#pragma GCC diagnostic pop
  if (fp == NULL) {
    handler_offsets = handlers;
    handler_base = (uintptr_t)&&invalid;
    return;
  }
  const cell_t *const code = module.code_home;
  slot_t *const globals = module.global_values;
  const function_t *const functions = module.functions;
  slot_t *const frames_end = stack_end;
  /* The memory as loads and stores see it: its size changes only by memory.grow. */
  uint8_t *const memory_at = memory;
  uint32_t memory_size = memory_bytes;
  f64_operator_t *f64_operator;
  f64_binary_t *f64_arithmetic;
  f64_compare_t *f64_comparison;
  /* The host's call: its arguments are at the stack's base, and its frame returns to the code's exit cell. */
  const function_t *callee = &functions[entry];
  slot_t *sp = fp + callee->param_slots;
  const cell_t *ip = code + EXIT_CELL;
  goto enter;

op_local_get_call:
  *sp++ = fp[*ip++];
  goto op_call;
op_const_call:
  *sp++ = *ip++;
  goto op_call;
op_call:
  callee = FUNCTION(*ip++);
enter: {
  /*
   * §4.4.10 invocation: a frame of the parameters (already on the stack), zeroed locals, and the return record:
   * where the caller goes on, and the caller's frame (its address, or on a 64-bit host how many bytes below
   * this frame it starts).
   */
  slot_t *callee_fp = sp - callee->param_slots;
  slot_t *locals_end = callee_fp + callee->local_slots;
  if (callee_fp + callee->frame_slots > frames_end) trap_exhausted();
  for (slot_t *local = sp; local < locals_end; local++) *local = 0;
  locals_end[0] = RETURN_CELL(ip);
  locals_end[1] = CALLER_LINK(fp, callee_fp);
  sp = locals_end + 2;
  fp = callee_fp;
  ip = TARGET(callee->code_at);
  NEXT();
}

invalid:
  interp_trap(TRAP_OTHER, "invalid instruction");
op_unreachable:
  interp_trap(TRAP_UNREACHABLE, "unreachable");
op_nop:
  NEXT();

op_br:
  ip = TARGET(*ip);
  NEXT();
op_br_if:
  if (*--sp) ip = TARGET(*ip);
  else ip++;
  NEXT();
op_br_unless:
  if (!*--sp) ip = TARGET(*ip);
  else ip++;
  NEXT();
op_br_if_move:
  if (!*--sp) {
    ip += 3;
    NEXT();
  }
  /* fall through */
op_br_move: {
  /* Keep the label's ip[0] slots of values and drop the operands between them and the block's height ip[1]. */
  uint32_t keep = ip[0];
  slot_t *to = fp + ip[1];
  move_slots_down(to, sp - keep, keep);
  sp = to + keep;
  ip = TARGET(ip[2]);
  NEXT();
}
op_br_table: {
  uint32_t targets = *ip++;
  uint32_t index = *--sp;
  const cell_t *entry_cells = ip + 3 * (index < targets ? index : targets);
  uint32_t keep = entry_cells[0];
  slot_t *to = fp + entry_cells[1];
  move_slots_down(to, sp - keep, keep);
  sp = to + keep;
  ip = TARGET(entry_cells[2]);
  NEXT();
}
op_return: {
  /* [op results locals]: the results go down to the frame's start, and the caller goes on where its record says. */
  uint32_t results = ip[0];
  const slot_t *record = fp + ip[1];
  ip = TARGET(record[0]);
  slot_t *back_fp = CALLER_FRAME(fp, record[1]);
  move_slots_down(fp, sp - results, results);
  sp = fp + results;
  fp = back_fp;
  NEXT();
}
op_return_no_slots: {
  /* [op locals] */
  const slot_t *record = fp + ip[0];
  ip = TARGET(record[0]);
  sp = fp;
  fp = CALLER_FRAME(fp, record[1]);
  NEXT();
}
op_return_one_slot: {
  /* [op locals] */
  const slot_t *record = fp + ip[0];
  ip = TARGET(record[0]);
  fp[0] = sp[-1];
  sp = fp + 1;
  fp = CALLER_FRAME(fp, record[1]);
  NEXT();
}
op_exit:
  return;
op_call_host: {
  /* [op function params results]: the arguments' slots on the stack become the results'. */
  slot_t *arguments = sp - ip[1];
  slot_t *results_end = arguments + ip[2];
  if (results_end > frames_end) trap_exhausted();
  HOST_FUNCTION(ip[0])(arguments);
  sp = results_end;
  ip += 3;
  NEXT();
}
op_call_indirect: {
  uint32_t canonical = *ip++;
  uint32_t element = *--sp;
  if (element >= module.table_size || module.table[element] == NO_FUNCTION) trap_indirect();
  uint32_t function_index = module.table[element];
  const function_t *function = &functions[function_index];
  const func_type_t *type = &module.types[function->type];
  if (type->canonical != canonical) trap_indirect();
  if (function_index < module.imported_functions) {
    slot_t *arguments = sp - function->param_slots;
    if (arguments + type->result_slots > frames_end) trap_exhausted();
    module.host[function->code_at].function(arguments);
    sp = arguments + type->result_slots;
    NEXT();
  }
  callee = function;
  goto enter;
}

op_drop:
  sp--;
  NEXT();
op_drop64:
  sp -= 2;
  NEXT();
op_select:
  sp -= 2;
  if (!sp[1]) sp[-1] = sp[0];
  NEXT();
op_select64:
  sp -= 3;
  if (!sp[2]) {
    sp[-2] = sp[0];
    sp[-1] = sp[1];
  }
  NEXT();

op_local_get:
  *sp++ = fp[*ip++];
  NEXT();
op_local_set:
  fp[*ip++] = *--sp;
  NEXT();
op_local_tee:
  fp[*ip++] = sp[-1];
  NEXT();
op_local_get2:
  sp[0] = fp[ip[0]];
  sp[1] = fp[ip[1]];
  sp += 2;
  ip += 2;
  NEXT();
op_local_get64: {
  const slot_t *local = fp + *ip++;
  sp[0] = local[0];
  sp[1] = local[1];
  sp += 2;
  NEXT();
}
op_local_set64: {
  slot_t *local = fp + *ip++;
  sp -= 2;
  local[0] = sp[0];
  local[1] = sp[1];
  NEXT();
}
op_local_tee64: {
  slot_t *local = fp + *ip++;
  local[0] = sp[-2];
  local[1] = sp[-1];
  NEXT();
}
op_global_get:
  *sp++ = globals[*ip++];
  NEXT();
op_global_set:
  globals[*ip++] = *--sp;
  NEXT();
op_global_get64: {
  const slot_t *global = globals + *ip++;
  sp[0] = global[0];
  sp[1] = global[1];
  sp += 2;
  NEXT();
}
op_global_set64: {
  slot_t *global = globals + *ip++;
  sp -= 2;
  global[0] = sp[0];
  global[1] = sp[1];
  NEXT();
}
op_const32:
  *sp++ = *ip++;
  NEXT();
op_const64:
  sp[0] = ip[0];
  sp[1] = ip[1];
  sp += 2;
  ip += 2;
  NEXT();

op_i32_load: LOAD32(uint32_t, uint32_t); NEXT();
op_i32_load8_s: LOAD32(int8_t, int32_t); NEXT();
op_i32_load8_u: LOAD32(uint8_t, uint32_t); NEXT();
op_i32_load16_s: LOAD32(int16_t, int32_t); NEXT();
op_i32_load16_u: LOAD32(uint16_t, uint32_t); NEXT();
op_i64_load: LOAD64(uint64_t, uint64_t); NEXT();
op_i64_load32_s: LOAD64(int32_t, int64_t); NEXT();
op_i32_load_from_local: LOAD32_FROM_LOCAL(uint32_t, uint32_t); NEXT();
op_i32_load8_u_from_local: LOAD32_FROM_LOCAL(uint8_t, uint32_t); NEXT();
op_i64_load32_s_from_local: LOAD64_FROM_LOCAL(int32_t, int64_t); NEXT();
op_i32_load_to_local: LOAD32_TO_LOCAL(uint32_t, uint32_t); NEXT();
op_i32_store: STORE32(uint32_t); NEXT();
op_i32_store8: STORE32(uint8_t); NEXT();
op_i32_store16: STORE32(uint16_t); NEXT();
op_i64_store: STORE64(uint64_t); NEXT();
op_memory_size:
  *sp++ = memory_pages;
  NEXT();
op_memory_grow:
  sp[-1] = grow_memory(sp[-1]);
  memory_size = memory_bytes;
  NEXT();
op_memory_init: {
  /* §4.4.7.6: the segment's bytes [source, source + n) to [dest, dest + n), both checked before any copy. */
  const data_segment_t *segment = &module.data[*ip++];
  uint32_t n = sp[-1], source = sp[-2], dest = sp[-3];
  sp -= 3;
  uint32_t length = module.data_dropped[segment - module.data] ? 0 : segment->length;
  if ((uint64_t)source + n > length || (uint64_t)dest + n > memory_bytes) trap_out_of_bounds();
  memcpy(memory + dest, module.wasm + segment->bytes_at + source, n);
  NEXT();
}
op_data_drop:
  module.data_dropped[*ip++] = 1;
  NEXT();
op_memory_copy: {
  uint32_t n = sp[-1], source = sp[-2], dest = sp[-3];
  sp -= 3;
  if ((uint64_t)source + n > memory_bytes || (uint64_t)dest + n > memory_bytes) trap_out_of_bounds();
  memmove(memory + dest, memory + source, n);
  NEXT();
}
op_memory_fill: {
  uint32_t n = sp[-1], value = sp[-2], dest = sp[-3];
  sp -= 3;
  if ((uint64_t)dest + n > memory_bytes) trap_out_of_bounds();
  memset(memory + dest, (int)(uint8_t)value, n);
  NEXT();
}

op_i32_eqz: I32_UNARY(a == 0); NEXT();
op_i32_eq: I32_BINARY(a == b); NEXT();
op_i32_ne: I32_BINARY(a != b); NEXT();
op_i32_lt_s: I32_BINARY((int32_t)a < (int32_t)b); NEXT();
op_i32_lt_u: I32_BINARY(a < b); NEXT();
op_i32_gt_s: I32_BINARY((int32_t)a > (int32_t)b); NEXT();
op_i32_gt_u: I32_BINARY(a > b); NEXT();
op_i32_le_s: I32_BINARY((int32_t)a <= (int32_t)b); NEXT();
op_i32_le_u: I32_BINARY(a <= b); NEXT();
op_i32_ge_s: I32_BINARY((int32_t)a >= (int32_t)b); NEXT();
op_i32_ge_u: I32_BINARY(a >= b); NEXT();
op_i64_eqz:
  sp[-2] = get64(sp - 2) == 0;
  sp--;
  NEXT();
op_i64_lt_s: I64_COMPARE((int64_t)a < (int64_t)b); NEXT();
op_i64_lt_u: I64_COMPARE(a < b); NEXT();
op_i64_gt_s: I64_COMPARE((int64_t)a > (int64_t)b); NEXT();
op_i64_le_s: I64_COMPARE((int64_t)a <= (int64_t)b); NEXT();
op_i64_ge_s: I64_COMPARE((int64_t)a >= (int64_t)b); NEXT();
op_f64_eq: f64_comparison = f64_eq; goto f64_compare;
op_f64_ne: f64_comparison = f64_ne; goto f64_compare;
op_f64_lt: f64_comparison = f64_lt; goto f64_compare;
op_f64_gt: f64_comparison = f64_gt; goto f64_compare;
op_f64_le: f64_comparison = f64_le; goto f64_compare;
op_f64_ge: f64_comparison = f64_ge; goto f64_compare;
f64_compare:
  sp[-4] = (slot_t)f64_comparison(get64(sp - 4), get64(sp - 2));
  sp -= 3;
  NEXT();

op_i32_eq_imm: I32_IMMEDIATE(a == b); NEXT();
op_i32_add_imm: I32_IMMEDIATE(a + b); NEXT();
op_i32_sub_imm: I32_IMMEDIATE(a - b); NEXT();
op_i32_mul_imm: I32_IMMEDIATE(a * b); NEXT();
op_i32_and_imm: I32_IMMEDIATE(a & b); NEXT();
op_i32_xor_imm: I32_IMMEDIATE(a ^ b); NEXT();
op_i32_shl_imm: I32_IMMEDIATE(a << reduced_count(b)); NEXT();
op_i32_shr_s_imm: I32_IMMEDIATE((uint32_t)((int32_t)a >> reduced_count(b))); NEXT();
op_i32_shr_u_imm: I32_IMMEDIATE(a >> reduced_count(b)); NEXT();
op_i32_ne_local_imm: LOCAL_AND_IMMEDIATE(a != b); NEXT();
op_i32_lt_s_local_imm: LOCAL_AND_IMMEDIATE((int32_t)a < (int32_t)b); NEXT();
op_i32_gt_s_local_imm: LOCAL_AND_IMMEDIATE((int32_t)a > (int32_t)b); NEXT();
op_i32_ge_s_local_imm: LOCAL_AND_IMMEDIATE((int32_t)a >= (int32_t)b); NEXT();
op_i32_add_local_imm: LOCAL_AND_IMMEDIATE(a + b); NEXT();
op_i32_sub_local_imm: LOCAL_AND_IMMEDIATE(a - b); NEXT();
op_i32_mul_local_imm: LOCAL_AND_IMMEDIATE(a * b); NEXT();
op_i32_and_local_imm: LOCAL_AND_IMMEDIATE(a & b); NEXT();
op_i32_shl_local_imm: LOCAL_AND_IMMEDIATE(a << reduced_count(b)); NEXT();
op_i32_shr_s_local_imm: LOCAL_AND_IMMEDIATE((uint32_t)((int32_t)a >> reduced_count(b))); NEXT();
op_i32_shr_u_local_imm: LOCAL_AND_IMMEDIATE(a >> reduced_count(b)); NEXT();
op_i32_lt_s_locals: TWO_LOCALS((int32_t)a < (int32_t)b); NEXT();
op_i32_gt_s_locals: TWO_LOCALS((int32_t)a > (int32_t)b); NEXT();
op_i32_le_s_locals: TWO_LOCALS((int32_t)a <= (int32_t)b); NEXT();
op_i32_ge_s_locals: TWO_LOCALS((int32_t)a >= (int32_t)b); NEXT();
op_i32_sub_locals: TWO_LOCALS(a - b); NEXT();
op_i32_mul_locals: TWO_LOCALS(a * b); NEXT();
op_br_if_eq: BRANCH_ON(a == b); NEXT();
op_br_if_ne: BRANCH_ON(a != b); NEXT();
op_br_if_gt_u: BRANCH_ON(a > b); NEXT();
op_br_if_le_s: BRANCH_ON((int32_t)a <= (int32_t)b); NEXT();
op_br_if_ge_s: BRANCH_ON((int32_t)a >= (int32_t)b); NEXT();

TO_LOCAL_OPERATORS(TO_LOCAL_HANDLER)
TEE_OPERATORS(TEE_HANDLER)
LOCAL_IMMEDIATE_BRANCHES(LOCAL_IMMEDIATE_BRANCH_HANDLER)
LOCALS_BRANCHES(LOCALS_BRANCH_HANDLER)
op_local_set_const:
  fp[ip[1]] = ip[0];
  ip += 2;
  NEXT();
op_br_unless_local:
  ip = fp[ip[0]] ? ip + 2 : TARGET(ip[1]);
  NEXT();
op_select_to_local:
  sp -= 3;
  fp[*ip++] = sp[2] ? sp[0] : sp[1];
  NEXT();
op_select_on_bits_to_local: {
  /* [op a c d]: local d = the first of the two values on the stack if local a has any of the bits c, else the second. */
  uint32_t bits = fp[ip[0]] & ip[1];
  sp -= 2;
  fp[ip[2]] = bits ? sp[0] : sp[1];
  ip += 3;
  NEXT();
}
I64_IMMEDIATE_OPERATORS(I64_IMMEDIATE_HANDLER)
op_local_get_const:
  sp[0] = fp[ip[0]];
  sp[1] = ip[1];
  sp += 2;
  ip += 2;
  NEXT();
I32_WITH_LOCAL_OPERATORS(I32_WITH_LOCAL_HANDLER)
I64_WITH_LOCAL_OPERATORS(I64_WITH_LOCAL_HANDLER)
op_i32_mul_shr_s_imm: /* [op shift], the shift below 32 */
  I32_BINARY((uint32_t)((int32_t)(a * b) >> *ip));
  ip++;
  NEXT();
op_i64_mul_shr_s_imm: /* [op shift], the shift below 64 */
  I64_BINARY((uint64_t)((int64_t)(a * b) >> *ip));
  ip++;
  NEXT();
op_i64_shl_imm_add: /* [op shift], the shift below 64 */
  I64_BINARY(a + (b << *ip));
  ip++;
  NEXT();
op_i64_shr_s_imm_add: /* [op shift], the shift below 64 */
  I64_BINARY(a + (uint64_t)((int64_t)b >> *ip));
  ip++;
  NEXT();
op_i32_mul_load_from_local: {
  /* [op a end]: the i32 on the stack times the i32 at the address in the local of slot a. */
  uint32_t value;
  memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);
  ip += 2;
  sp[-1] *= value;
  NEXT();
}
op_i32_mul_load_from_local_shr_s_imm: {
  /* [op a end shift]: that product shifted right, arithmetically, by the shift below 32. */
  uint32_t value;
  memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);
  sp[-1] = (uint32_t)((int32_t)(sp[-1] * value) >> ip[2]);
  ip += 3;
  NEXT();
}
op_i64_mul_load32_s_from_local: {
  /* [op a end]: the i64 on the stack times the i32 at the address in the local of slot a, sign-extended. */
  int32_t value;
  memcpy(&value, address(memory_at, memory_size, fp[ip[0]], ip[1], sizeof value), sizeof value);
  ip += 2;
  put64(sp - 2, get64(sp - 2) * (uint64_t)(int64_t)value);
  NEXT();
}

op_i32_add: I32_BINARY(a + b); NEXT();
op_i32_sub: I32_BINARY(a - b); NEXT();
op_i32_mul: I32_BINARY(a * b); NEXT();
op_i32_and: I32_BINARY(a & b); NEXT();
op_i32_or: I32_BINARY(a | b); NEXT();
op_i32_xor: I32_BINARY(a ^ b); NEXT();
op_i32_shl: I32_BINARY(a << (b & 31)); NEXT();
op_i32_shr_s: I32_BINARY((uint32_t)((int32_t)a >> (b & 31))); NEXT();
op_i32_shr_u: I32_BINARY(a >> (b & 31)); NEXT();

op_i64_add: I64_BINARY(a + b); NEXT();
op_i64_sub: I64_BINARY(a - b); NEXT();
op_i64_mul: I64_BINARY(a * b); NEXT();
op_i64_div_s:
  if (get64(sp - 2) == 0) trap_integer("divide by zero");
  if (get64(sp - 4) == 0x8000000000000000ull && get64(sp - 2) == UINT64_MAX) trap_integer("integer overflow");
  I64_BINARY((uint64_t)((int64_t)a / (int64_t)b));
  NEXT();
op_i64_shl: I64_BINARY(a << (b & 63)); NEXT();
op_i64_shr_s: I64_BINARY((uint64_t)((int64_t)a >> (b & 63))); NEXT();

/* §4.3.3: abs, neg and copysign act on the sign bit alone, NaNs included. */
op_f32_add: F32_BINARY(a + b); NEXT();
op_f32_sub: F32_BINARY(a - b); NEXT();
op_f32_mul: F32_BINARY(a * b); NEXT();
op_f32_div: F32_BINARY(a / b); NEXT();
op_f64_ceil: f64_operator = f64_ceil; goto f64_unary;
op_f64_floor: f64_operator = f64_floor; goto f64_unary;
op_f64_trunc: f64_operator = f64_trunc; goto f64_unary;
op_f64_nearest: f64_operator = f64_nearest; goto f64_unary;
op_f64_sqrt: f64_operator = f64_sqrt; goto f64_unary;
op_f64_add: f64_arithmetic = f64_add; goto f64_binary;
op_f64_sub: f64_arithmetic = f64_sub; goto f64_binary;
op_f64_mul: f64_arithmetic = f64_mul; goto f64_binary;
op_f64_div: f64_arithmetic = f64_div; goto f64_binary;
f64_binary:
  put64(sp - 4, f64_arithmetic(get64(sp - 4), get64(sp - 2)));
  sp -= 2;
  NEXT();
f64_unary:
  put64(sp - 2, f64_operator(sp - 2));
  NEXT();

op_i32_wrap_i64:
  sp--;
  NEXT();
op_i64_extend_i32_s:
  put64(sp - 1, (uint64_t)(int64_t)(int32_t)sp[-1]);
  sp++;
  NEXT();
op_i64_extend_i32_u:
  sp[0] = 0;
  sp++;
  NEXT();
op_f64_convert_i32_s:
  put64(sp - 1, f64_bits((double)(int32_t)sp[-1]));
  sp++;
  NEXT();
op_f64_convert_i32_u:
  put64(sp - 1, f64_bits((double)sp[-1]));
  sp++;
  NEXT();
op_f64_convert_i64_s: f64_operator = f64_convert_i64_s; goto f64_unary;
op_f64_convert_i64_u: f64_operator = f64_convert_i64_u; goto f64_unary;


op_operator:
  /* [op opcode]: a numeric operator without a handler in the loop. */
  sp = operate(*ip++, sp);
  NEXT();
op_trunc: {
  /* [op kind]: the float on the stack as the integer its kind (module.h TRUNC_*) says. */
  uint32_t kind = *ip++;
  slot_t *at = sp - (kind & TRUNC_FROM_F64 ? 2 : 1);
  uint64_t value = truncated(at, kind);
  at[0] = (slot_t)value;
  if (kind & TRUNC_TO_I64) at[1] = (slot_t)(value >> 32);
  sp = at + (kind & TRUNC_TO_I64 ? 2 : 1);
  NEXT();
}
}
