/*
 * The loaded module as the loader leaves it and the interpreter reads it. Every record is fixed-width and
 * pointer-free, so the arena a module needs is the same on the board and on the host (host/main.c reports it
 * for the build to size the board's arena).
 */
#ifndef WASMOTE_ENGINE_INTERP_MODULE_H
#define WASMOTE_ENGINE_INTERP_MODULE_H

#include <stdint.h>

#include "interp.h"

/* Wasm core spec §5.3.1 number types. */
#define VALTYPE_I32 0x7F
#define VALTYPE_I64 0x7E
#define VALTYPE_F32 0x7D
#define VALTYPE_F64 0x7C

typedef uint32_t cell_t;

typedef struct {
  uint32_t types_at; /* into module.valtypes: the parameters, then the results */
  uint8_t param_count;
  uint8_t result_count;
  uint8_t param_slots;
  uint8_t result_slots;
  uint32_t canonical; /* the first type index with the same parameters and results (§4.4.8 call_indirect) */
} func_type_t;

typedef struct {
  uint32_t type;
  uint16_t param_slots;
  uint16_t local_slots; /* parameters and declared locals */
  uint32_t frame_slots; /* locals, the return record and the deepest operand stack */
  uint32_t code_at;     /* the target cell of its code (interp_target_cell), or the host import's index if imported */
} function_t;

typedef struct {
  uint8_t type;
  uint8_t mutable_;
  uint16_t slot; /* into module.globals */
  uint32_t init[2];
} global_t;

typedef struct {
  uint32_t bytes_at; /* offset in the module's bytes */
  uint32_t length;
  uint32_t memory_offset;
  uint8_t active;
} data_segment_t;

#define NO_FUNCTION UINT32_MAX
#define EXIT_CELL 0

typedef struct {
  const uint8_t *wasm;
  uint32_t wasm_length;
  const interp_host_import_t *host;

  uint32_t type_count;
  func_type_t *types;
  uint8_t *valtypes;

  uint32_t imported_functions;
  uint32_t function_count;
  function_t *functions;
  uint16_t *import_bindings; /* imported function -> index into `host` */

  uint8_t has_table;
  uint32_t table_size;
  uint32_t *table; /* function indices, NO_FUNCTION for null */

  uint8_t has_memory;
  uint32_t memory_min_pages;
  uint32_t memory_max_pages;

  uint32_t global_count;
  global_t *globals;
  uint32_t global_slots;
  slot_t *global_values;

  uint32_t exports_at; /* the export section's vector in the module's bytes */
  uint32_t start_function; /* NO_FUNCTION if none */
  uint32_t elements_at;    /* the element section's vector, 0 if none */
  uint32_t data_count;
  data_segment_t *data;
  uint8_t *data_dropped;

  /*
   * The code: `code_cells` cells from `code_home`, where the interpreter runs them (flash on the board). A function
   * is compiled into the arena at `code`, its cells indexed from its first (compile.c), which goes to
   * code_home + code_cells; then its cells are compared with the home's, or handed out (loader.c place_code).
   */
  const cell_t *code_home;
  cell_t *code;
  uint32_t code_cells;
} module_t;

extern module_t module;

/*
 * The operators the fused forms take: the i32 comparisons (eq..ge_u), and the arithmetic operators of either
 * integer type (add, sub, mul, and, or, xor, shl, shr_s, shr_u).
 */
#define I32_COMPARISON_COUNT 10
#define ARITHMETIC_COUNT 9
#define I32_FUSED_COUNT (I32_COMPARISON_COUNT + ARITHMETIC_COUNT)

/* Internal opcodes beside the Wasm ones the interpreter keeps (numeric 0x45..0xC4, loads, stores...). */
enum {
  OP_BR_UNLESS = 0xC5,
  OP_BR_MOVE = 0xC6,
  OP_BR_IF_MOVE = 0xC7,
  OP_CALL_HOST = 0xC8,
  OP_DROP64 = 0xC9,
  OP_SELECT64 = 0xCA,
  OP_LOCAL_GET64 = 0xCB,
  OP_LOCAL_SET64 = 0xCC,
  OP_LOCAL_TEE64 = 0xCD,
  OP_GLOBAL_GET64 = 0xCE,
  OP_GLOBAL_SET64 = 0xCF,
  OP_CONST64 = 0xD0,
  /* The code's first cell, EXIT_CELL: where a frame the host called returns to, and leaves the loop. */
  OP_EXIT = 0xD1,
  /* The sixteen float-to-integer truncations, trunc and trunc_sat, [op kind] (TRUNC_* below). */
  OP_TRUNC = 0xE0,
  /* A numeric operator the loop has no handler for, run out of the loop (exec.c operate), [op opcode]. */
  OP_OPERATOR,
  OP_MEMORY_INIT,
  OP_DATA_DROP,
  OP_MEMORY_COPY,
  OP_MEMORY_FILL,
  /*
   * Fused pairs (compile.c emit_op), each range numbered by I32_FUSED_INDEX (the i32 comparisons, then the
   * arithmetic operators) or ARITHMETIC_INDEX: the i32 operators with an immediate second operand,
   */
  OP_I32_IMMEDIATE,
  /* the i32 comparisons as conditions of a branch (a branch unless one is a branch if the opposite), */
  OP_BR_IF_COMPARE = OP_I32_IMMEDIATE + I32_FUSED_COUNT,
  /* two local.gets, */
  OP_LOCAL_GET2 = OP_BR_IF_COMPARE + I32_COMPARISON_COUNT,
  /* and the operators of OP_I32_IMMEDIATE on a local and an immediate, or on two locals. */
  OP_I32_LOCAL_IMMEDIATE,
  OP_I32_LOCALS = OP_I32_LOCAL_IMMEDIATE + I32_FUSED_COUNT,
  /* The loads 0x28..0x35 with their address in a local. */
  OP_LOAD_FROM_LOCAL = OP_I32_LOCALS + I32_FUSED_COUNT,
  /* Register-style forms: the arithmetic operators of OP_I32_LOCAL_IMMEDIATE with a `local.set` after (by ARITHMETIC_INDEX), */
  OP_I32_LOCAL_IMMEDIATE_TO_LOCAL = OP_LOAD_FROM_LOCAL + 14,
  /* the comparisons of OP_I32_LOCAL_IMMEDIATE and OP_I32_LOCALS as conditions of a branch, */
  OP_BR_IF_LOCAL_IMMEDIATE = OP_I32_LOCAL_IMMEDIATE_TO_LOCAL + ARITHMETIC_COUNT,
  OP_BR_IF_LOCALS = OP_BR_IF_LOCAL_IMMEDIATE + I32_COMPARISON_COUNT,
  /* `i32.const` then `local.set`, and a branch on a local. */
  OP_LOCAL_SET_CONST = OP_BR_IF_LOCALS + I32_COMPARISON_COUNT,
  OP_BR_IF_LOCAL,
  OP_BR_UNLESS_LOCAL,
  /* The i32 loads 0x28..0x2F from a local to one. */
  OP_LOAD_TO_LOCAL,
  /* select then local.set, and the arithmetic operators of OP_I32_LOCAL_IMMEDIATE with a local.tee after. */
  OP_SELECT_TO_LOCAL = OP_LOAD_TO_LOCAL + 8,
  OP_I32_LOCAL_IMMEDIATE_TEE,
  /* The i64 arithmetic operators with an immediate second operand (`i64.const` before them). */
  OP_I64_IMMEDIATE = OP_I32_LOCAL_IMMEDIATE_TEE + ARITHMETIC_COUNT,
  /* `local.get` then `i32.const`, and two `i32.const`s, pushing both, */
  OP_LOCAL_GET_CONST = OP_I64_IMMEDIATE + ARITHMETIC_COUNT,
  OP_CONST2,
  /* and the i32 and i64 arithmetic operators with a `local.get` of their second operand before them. */
  OP_I32_WITH_LOCAL,
  OP_I64_WITH_LOCAL = OP_I32_WITH_LOCAL + ARITHMETIC_COUNT,
  /* A call whose last argument a `local.get` or `i32.const` before it pushes. */
  OP_LOCAL_GET_CALL = OP_I64_WITH_LOCAL + ARITHMETIC_COUNT,
  OP_CONST_CALL,
  /* select then local.set on the bits an `i32.and` of a local and an immediate before it leaves (a bit test). */
  OP_SELECT_ON_BITS_TO_LOCAL,
  /* A return of no result slot, or of one. */
  OP_RETURN_NO_SLOTS,
  OP_RETURN_ONE_SLOT,
  /*
   * Fixed-point multiplication: `i32.mul` or `i64.mul` on the stack, then `shr_s` by an immediate, [op shift]
   * (the shift already taken modulo the type's width, §4.3.2 ishr_s).
   */
  OP_I32_MUL_SHR_S_IMMEDIATE,
  OP_I64_MUL_SHR_S_IMMEDIATE,
  /* A widening multiply: `i64.mul` by an `i64.load32_s` from a local, [op a end] as OP_LOAD_FROM_LOCAL's. */
  OP_I64_MUL_LOAD32_S_FROM_LOCAL,
  /*
   * An `i64.add` of a shifted value, as fixed-point sums are written: `shl` or `shr_s` by an immediate then
   * `i64.add`, [op shift] (the shift already taken modulo 64, §4.3.2 ishl, ishr_s).
   */
  OP_I64_SHL_IMMEDIATE_ADD,
  OP_I64_SHR_S_IMMEDIATE_ADD,
  /*
   * `i32.mul` by an `i32.load` from a local, [op a end] as OP_LOAD_FROM_LOCAL's, and that then `shr_s` by an
   * immediate, [op a end shift] (the shift below 32), as the compensation formulas multiply by calibration words.
   */
  OP_I32_MUL_LOAD_FROM_LOCAL,
  OP_I32_MUL_LOAD_FROM_LOCAL_SHR_S_IMMEDIATE,
  OP_COUNT,
};

/*
 * A truncation's kind: its bits in the order of the opcodes 0xA8..0xAB and 0xAE..0xB1 (trunc) and 0xFC 0..7
 * (trunc_sat): unsigned, from f64 (else f32), to i64 (else i32); and saturating.
 */
#define TRUNC_UNSIGNED 1u
#define TRUNC_FROM_F64 2u
#define TRUNC_TO_I64 4u
#define TRUNC_SATURATING 8u

/* An arithmetic operator's place among the nine, from its type's add (i32.add or i64.add). */
#define ARITHMETIC_INDEX(op, add) ((op) - (add) < 3 ? (op) - (add) : (op) - (add) - 4)
/* An i32 operator's place among the fused ones: the comparisons, then the arithmetic operators. */
#define I32_FUSED_INDEX(op) \
  ((op) <= OP_I32_GE_U ? (op) - OP_I32_EQ : I32_COMPARISON_COUNT + ARITHMETIC_INDEX(op, OP_I32_ADD))

/* Wasm opcodes the fusions name (§5.4.7). */
enum {
  OP_I32_EQZ = 0x45,
  OP_I32_EQ = 0x46,
  OP_I32_GE_U = 0x4F,
  OP_I32_ADD = 0x6A,
  OP_I32_MUL = 0x6C,
  OP_I32_AND = 0x71,
  OP_I32_SHL = 0x74,
  OP_I32_SHR_S = 0x75,
  OP_I32_SHR_U = 0x76,
  OP_I64_ADD = 0x7C,
  OP_I64_MUL = 0x7E,
  OP_I64_AND = 0x83,
  OP_I64_SHL = 0x86,
  OP_I64_SHR_S = 0x87,
  OP_I64_SHR_U = 0x88,
  OP_I32_WRAP_I64 = 0xA7,
  OP_I64_EXTEND_I32_S = 0xAC,
  OP_I64_EXTEND_I32_U = 0xAD,
  OP_I32_LOAD = 0x28,
  OP_FIRST_LOAD = 0x28,
  OP_LAST_I32_LOAD = 0x2F,
  OP_I64_LOAD32_S = 0x34,
  OP_LAST_LOAD = 0x35,
};

/* Slots a value type takes. */
static inline uint32_t valtype_slots(uint8_t type) {
  return type == VALTYPE_I64 || type == VALTYPE_F64 ? 2 : 1;
}

/* compile.c: validates one function body (§3.3, Appendix A.3's algorithm) and appends its code. */
/*
 * exec.c: an opcode's cell, its handler's address where an address fits a cell (the board) and its offset from
 * a label of the loop otherwise (a 64-bit host); interp_prepare_dispatch() comes before the first.
 */
cell_t interp_opcode_cell(uint32_t op);
/*
 * exec.c: a branch's target cell for cell `at` of the function being compiled: that cell's address in the code's
 * home, or its index there on a 64-bit host.
 */
cell_t interp_target_cell(uint32_t at);
/* exec.c: a call's cell for the function: the address of its record where an address fits a cell, else its index. */
cell_t interp_function_cell(uint32_t function_index);
/* exec.c: a host call's cell for the import bound to module.host[host_index]: its function's address, or the index. */
cell_t interp_host_function_cell(uint32_t host_index);
/* exec.c: whether the loop has a handler for `op`; a fused form it lacks, compile.c does not emit. */
int interp_has_handler(uint32_t op);
void interp_prepare_dispatch(void);

/* exec.c: where the instance's value stack and memory are. */
void interp_bind_storage(const interp_storage_t *storage);

/* loader.c: the DataCount section's count, UINT32_MAX without one (memory.init and data.drop need it, §5.5.16). */
uint32_t interp_data_count_declared(void);

void compile_function(uint32_t function, const uint8_t *body, const uint8_t *end);
/* compile.c: the code's first cell, before any function's (EXIT_CELL). */
void compile_exit(void);

/* loader.c: the arena and the refusal a decoder or the compiler raises. */
void *arena_take(uint32_t bytes);
/* Hands back the last `bytes` taken (compile.c, when a fused instruction is shorter than its pair). */
void arena_give_back(uint32_t bytes);
void *arena_scratch(uint32_t bytes);
void arena_scratch_release(void);
uint32_t arena_code_room(void);
_Noreturn void load_refuse(const char *what, const char *detail, uint32_t offset);

#endif
