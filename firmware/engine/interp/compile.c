/*
 * One function body: validated by the algorithm of the Wasm core spec's Appendix A.3 (an operand stack of value
 * types, a control stack of frames) and, in the same pass, compiled to cells (module.h): each instruction an
 * opcode cell and its immediates, locals and branch heights resolved to slot offsets in the frame. Every stack
 * height is known statically, so a branch carries where its values go; code the validator finds unreachable is
 * checked but not emitted.
 *
 * A frame's slots (exec.c): the parameters, the other locals, two slots of return record, then the operands.
 */
#include <string.h>

#include "module.h"
#include "reader.h"

#define UNKNOWN 0
#define NO_FIXUP UINT32_MAX
/* §5.4.1 control opcodes, and the frame kind of the function body itself. */
#define KIND_FUNCTION 0x00
#define OP_UNREACHABLE 0x00
#define OP_NOP 0x01
#define OP_BLOCK 0x02
#define OP_LOOP 0x03
#define OP_IF 0x04
#define OP_ELSE 0x05
#define OP_END 0x0B
#define OP_BR 0x0C
#define OP_BR_IF 0x0D
#define OP_BR_TABLE 0x0E
#define OP_RETURN 0x0F
#define OP_CALL 0x10
#define OP_CALL_INDIRECT 0x11
#define OP_DROP 0x1A
#define OP_SELECT 0x1B
#define OP_LOCAL_GET 0x20
#define OP_LOCAL_SET 0x21
#define OP_LOCAL_TEE 0x22
#define OP_GLOBAL_GET 0x23
#define OP_GLOBAL_SET 0x24
#define OP_MEMORY_SIZE 0x3F
#define OP_MEMORY_GROW 0x40
#define OP_I32_CONST 0x41
#define OP_I64_CONST 0x42
#define OP_F32_CONST 0x43
#define OP_F64_CONST 0x44
#define PREFIX_MISC 0xFC

static const uint8_t SINGLE_TYPES[4] = {VALTYPE_F64, VALTYPE_F32, VALTYPE_I64, VALTYPE_I32};

typedef struct {
  const uint8_t *in;
  const uint8_t *out;
  uint32_t in_count;
  uint32_t out_count;
  uint32_t height;      /* operand values below the block */
  uint32_t slot_height; /* the frame slot where the block's values start */
  uint32_t end_fixups;
  uint32_t else_fixup;
  uint32_t loop_start;
  uint8_t kind;
  uint8_t unreachable;
  uint8_t dead; /* inside code that never runs: validated, not emitted */
} ctrl_t;

static reader_t r;
static uint8_t *vals;
static uint32_t val_count, val_capacity;
/*
 * The control stack grows down the arena's scratch one frame at a time, as deep as the function nests, so the
 * arena the build measures holds no more than the module needs: frame i is at ctrl_first - i.
 */
_Static_assert(sizeof(ctrl_t) % 8 == 0, "control frames must stay contiguous in the 8-byte-aligned scratch");
static ctrl_t *ctrl_first;
static uint32_t ctrl_count, ctrl_capacity;
static uint8_t *local_types;
static uint32_t *local_slot;
static uint32_t local_count;
static uint32_t slots, max_slots;
static uint32_t instruction_at;

static _Noreturn void invalid(const char *what) {
  load_refuse(what, "", instruction_at);
}

/* A feature refused by name (docs/firmware.md "Features"). */
static _Noreturn void unsupported(const char *feature) {
  load_refuse("unsupported feature:", feature, instruction_at);
}

static ctrl_t *frame_at(uint32_t index) {
  return ctrl_first - index;
}

static ctrl_t *top(void) {
  return frame_at(ctrl_count - 1);
}

static int emitting(void) {
  return !top()->unreachable && !top()->dead;
}

/* ---- emission ---- */

static uint32_t here(void) {
  return (uint32_t)((cell_t *)arena_take(0) - module.code);
}

static void emit(cell_t cell) {
  *(cell_t *)arena_take(sizeof(cell_t)) = cell;
}

static void emit64(const uint8_t *bytes) {
  cell_t cells[2];
  memcpy(cells, bytes, 8);
  emit(cells[0]);
  emit(cells[1]);
}

/*
 * Fused pairs: an opcode may take the place of the one before it when nothing jumps between them (`barrier`, the
 * latest branch target):
 * - `i32.const c` and an i32 binary operator become the operator with c as immediate (`i64.const` and an i64
 *   arithmetic operator alike), a `local.get` and an arithmetic operator the operator with the local as its
 *   second operand (i32 and i64);
 * - two `local.get`s, and `local.get` or `i32.const` then `i32.const`, push both; with an operator after them,
 *   the operator on the two locals, or on the local and c;
 * - `local.get` or `i32.const` and a call become the call that pushes it first;
 * - a stack `mul` then `shr_s` by a constant becomes one fixed-point multiply (i32 and i64), and an `i64.mul` of
 *   an `i64.load32_s` from a local one widening multiply; an i64 `shl` or `shr_s` by a constant then `i64.add`
 *   adds the shifted value in the same instruction; an `i32.mul` by an `i32.load` from a local (after two
 *   `local.get`s too) is one instruction, with a `shr_s` by a constant too;
 * - an i32 comparison (or eqz) before a conditional branch becomes a compare-and-branch.
 * The operators on locals go on to register-style forms that never touch the operand stack: with a `local.set`
 * after an arithmetic one on a local and an immediate the result goes to that local (with a `local.tee` there
 * too), and a comparison of locals, or a `local.get` alone, becomes the condition of a branch after it;
 * `i32.const` then `local.set` becomes one store of the constant; an i32 load from a local then `local.set` loads
 * to that local, and `select` then `local.set` selects into the local (on an `and` of a local and an immediate
 * before it too). The loop has each fused form for some operators only (exec.c); `fuse` leaves the others unfused.
 */
static uint32_t last_op_at = NO_FIXUP;
static cell_t last_op;
/* The opcode before the last one, when it ends where the last one starts. */
static uint32_t previous_op_at = NO_FIXUP;
static cell_t previous_op;
static uint32_t barrier;

static int takes_immediate(cell_t op) {
  return (op >= OP_I32_EQ && op <= OP_I32_GE_U) || (op >= OP_I32_ADD && op <= OP_I32_MUL) ||
         (op >= OP_I32_AND && op <= OP_I32_SHR_U);
}

/* Whether `op` is one of the nine arithmetic operators (ARITHMETIC_INDEX) of the type whose add is `add`. */
static int is_arithmetic(cell_t op, cell_t add) {
  return (op >= add && op <= add + 2) || (op >= add + 7 && op <= add + 12);
}

static int takes_immediate64(cell_t op) {
  return is_arithmetic(op, OP_I64_ADD);
}

/* Whether the last opcode, `cells` cells long with its immediates, is the last thing emitted and no target follows it. */
static int last_op_fusable(uint32_t cells) {
  return last_op_at != NO_FIXUP && last_op_at >= barrier && last_op_at + cells == here();
}

static void replace_last_op(cell_t op) {
  module.code[last_op_at] = interp_opcode_cell(op);
  last_op = op;
}

/* The last opcode replaced by the fused `op`, unless the loop lacks that form (exec.c has it for some operators). */
static int fuse(cell_t op) {
  if (!interp_has_handler(op)) return 0;
  replace_last_op(op);
  return 1;
}

/* Whether `op` is one of the i32 comparisons of the fused range starting at `range`. */
static int is_comparison_in(cell_t op, cell_t range) {
  return op >= range && op < range + I32_COMPARISON_COUNT;
}

/*
 * The branch taken when the comparison `range + k` (k from i32.eq, 0x46..0x4F) holds, or, `unless`, when it does
 * not: the opposite comparison's (eq and ne, lt and ge, gt and le).
 */
static cell_t branch_on(cell_t branch_range, cell_t range, cell_t comparison, int unless) {
  static const uint8_t OPPOSITE[I32_COMPARISON_COUNT] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
  cell_t k = comparison - range;
  return branch_range + (unless ? OPPOSITE[k] : k);
}

/* Whether `op` is one of the arithmetic operators of the fused range starting at `range` (after its comparisons). */
static int is_arithmetic_in(cell_t op, cell_t range) {
  return op >= range + I32_COMPARISON_COUNT && op < range + I32_FUSED_COUNT;
}

/*
 * Whether the select just emitted takes its condition from an `i32.and` of a local and an immediate just before
 * it: then its cells [and a c] become the select's to a local, [select a c], the local to follow.
 */
static int select_on_bits(void) {
  if (previous_op_at == NO_FIXUP || previous_op_at < barrier || previous_op_at + 3 != last_op_at) return 0;
  if (previous_op != OP_I32_LOCAL_IMMEDIATE + I32_FUSED_INDEX(OP_I32_AND)) return 0;
  arena_give_back(sizeof(cell_t));
  last_op_at = previous_op_at;
  previous_op_at = NO_FIXUP;
  return 1;
}

/* The register-style forms (module.h) of `op` after the last opcode, or 0 when there is none. */
static cell_t register_form(cell_t op) {
  if (op == OP_LOCAL_SET) {
    if (last_op == OP_I32_CONST && last_op_fusable(2)) return OP_LOCAL_SET_CONST;
    if (is_arithmetic_in(last_op, OP_I32_LOCAL_IMMEDIATE) && last_op_fusable(3)) {
      return OP_I32_LOCAL_IMMEDIATE_TO_LOCAL + (last_op - OP_I32_LOCAL_IMMEDIATE - I32_COMPARISON_COUNT);
    }
    if (last_op >= OP_LOAD_FROM_LOCAL && last_op <= OP_LOAD_FROM_LOCAL + (OP_LAST_I32_LOAD - OP_FIRST_LOAD) &&
        last_op_fusable(3)) {
      return OP_LOAD_TO_LOCAL + (last_op - OP_LOAD_FROM_LOCAL);
    }
    if (last_op == OP_SELECT && last_op_fusable(1)) return select_on_bits() ? OP_SELECT_ON_BITS_TO_LOCAL : OP_SELECT_TO_LOCAL;
    return 0;
  }
  if (op == OP_LOCAL_TEE) {
    if (is_arithmetic_in(last_op, OP_I32_LOCAL_IMMEDIATE) && last_op_fusable(3)) {
      return OP_I32_LOCAL_IMMEDIATE_TEE + (last_op - OP_I32_LOCAL_IMMEDIATE - I32_COMPARISON_COUNT);
    }
    return 0;
  }
  if (op != OP_BR_UNLESS && op != OP_BR_IF) return 0;
  int unless = op == OP_BR_UNLESS;
  if (last_op == OP_LOCAL_GET && last_op_fusable(2)) return unless ? OP_BR_UNLESS_LOCAL : OP_BR_IF_LOCAL;
  if (is_comparison_in(last_op, OP_I32_LOCAL_IMMEDIATE) && last_op_fusable(3)) {
    return branch_on(OP_BR_IF_LOCAL_IMMEDIATE, OP_I32_LOCAL_IMMEDIATE, last_op, unless);
  }
  if (is_comparison_in(last_op, OP_I32_LOCALS) && last_op_fusable(3)) {
    return branch_on(OP_BR_IF_LOCALS, OP_I32_LOCALS, last_op, unless);
  }
  return 0;
}

/*
 * A pair ending in a constant (OP_LOCAL_GET_CONST, OP_CONST2) back into its first instruction and `i32.const`,
 * for the constant to fuse with what follows.
 */
static void split_const_pair(void) {
  cell_t constant = module.code[last_op_at + 2];
  module.code[last_op_at] = interp_opcode_cell(last_op == OP_LOCAL_GET_CONST ? OP_LOCAL_GET : OP_I32_CONST);
  module.code[last_op_at + 2] = interp_opcode_cell(OP_I32_CONST);
  emit(constant);
  previous_op_at = last_op_at;
  previous_op = last_op == OP_LOCAL_GET_CONST ? OP_LOCAL_GET : OP_I32_CONST;
  last_op_at += 2;
  last_op = OP_I32_CONST;
}

/*
 * Whether the stack `mul` before the constant just emitted (`const_cells` long with its value) takes the `shr_s`
 * `op` as its fixed-point form: then [mul][const c] becomes [mul and shift, c modulo the width].
 */
static int fixed_point_multiply(cell_t op, cell_t const_cells) {
  if (op == OP_I32_SHR_S && previous_op == OP_I32_MUL_LOAD_FROM_LOCAL && previous_op_at != NO_FIXUP &&
      previous_op_at >= barrier && previous_op_at + 3 == last_op_at) {
    /* [mul by load a end][const c] becomes [mul by load and shift, a, end, c modulo 32]. */
    module.code[previous_op_at] = interp_opcode_cell(OP_I32_MUL_LOAD_FROM_LOCAL_SHR_S_IMMEDIATE);
    module.code[previous_op_at + 3] = module.code[last_op_at + 1] & 31;
    arena_give_back(const_cells * sizeof(cell_t));
    last_op_at = previous_op_at;
    last_op = OP_I32_MUL_LOAD_FROM_LOCAL_SHR_S_IMMEDIATE;
    previous_op_at = NO_FIXUP;
    return 1;
  }
  cell_t mul = op == OP_I32_SHR_S ? OP_I32_MUL : OP_I64_MUL;
  if (previous_op != mul || previous_op_at == NO_FIXUP || previous_op_at < barrier || previous_op_at + 1 != last_op_at) {
    return 0;
  }
  cell_t shift = module.code[last_op_at + 1] & (op == OP_I32_SHR_S ? 31 : 63);
  module.code[previous_op_at] = interp_opcode_cell(op == OP_I32_SHR_S ? OP_I32_MUL_SHR_S_IMMEDIATE : OP_I64_MUL_SHR_S_IMMEDIATE);
  module.code[previous_op_at + 1] = shift;
  arena_give_back(const_cells * sizeof(cell_t));
  last_op_at = previous_op_at;
  last_op = op == OP_I32_SHR_S ? OP_I32_MUL_SHR_S_IMMEDIATE : OP_I64_MUL_SHR_S_IMMEDIATE;
  previous_op_at = NO_FIXUP;
  return 1;
}

/*
 * Whether the `i64.add` being emitted takes the shift just before it: [shl or shr_s c_low c_high] becomes [shift
 * then add, c_low modulo 64].
 */
static int shifted_add(void) {
  int shl = last_op == OP_I64_IMMEDIATE + ARITHMETIC_INDEX(OP_I64_SHL, OP_I64_ADD);
  if (!(shl || last_op == OP_I64_IMMEDIATE + ARITHMETIC_INDEX(OP_I64_SHR_S, OP_I64_ADD)) || !last_op_fusable(3)) return 0;
  replace_last_op(shl ? OP_I64_SHL_IMMEDIATE_ADD : OP_I64_SHR_S_IMMEDIATE_ADD);
  module.code[last_op_at + 1] &= 63;
  arena_give_back(sizeof(cell_t));
  return 1;
}

/*
 * A shift's immediate count, the cell just emitted, reduced below 32 (§4.3.2 ishl, ishr_s, ishr_u take it modulo
 * the width), so that the handlers shift by it as it is (exec.c reduced_count).
 */
static void reduce_shift_count(cell_t op) {
  if (op == OP_I32_SHL || op == OP_I32_SHR_S || op == OP_I32_SHR_U) module.code[here() - 1] &= 31;
}

static void emit_op(cell_t op) {
  int takes_constant = op == OP_LOCAL_SET || (takes_immediate(op) && last_op == OP_CONST2);
  if (takes_constant && (last_op == OP_LOCAL_GET_CONST || last_op == OP_CONST2) && last_op_fusable(3)) split_const_pair();
  cell_t fused = register_form(op);
  if (fused && fuse(fused)) return;
  if (takes_immediate(op) && last_op == OP_LOCAL_GET_CONST && last_op_fusable(3) &&
      fuse(OP_I32_LOCAL_IMMEDIATE + I32_FUSED_INDEX(op))) {
    reduce_shift_count(op);
    return;
  }
  if (takes_immediate(op) && last_op == OP_I32_CONST && last_op_fusable(2)) {
    if (op == OP_I32_SHR_S && fixed_point_multiply(op, 1)) return;
    if (fuse(OP_I32_IMMEDIATE + I32_FUSED_INDEX(op))) {
      reduce_shift_count(op);
      return;
    }
  }
  if (op == OP_I32_CONST && (last_op == OP_LOCAL_GET || last_op == OP_I32_CONST) && last_op_fusable(2)) {
    /* The caller writes the constant after it. */
    replace_last_op(last_op == OP_LOCAL_GET ? OP_LOCAL_GET_CONST : OP_CONST2);
    return;
  }
  if (op == OP_CALL && (last_op == OP_LOCAL_GET || last_op == OP_I32_CONST) && last_op_fusable(2)) {
    /* The caller writes the function's cell after it. */
    replace_last_op(last_op == OP_LOCAL_GET ? OP_LOCAL_GET_CALL : OP_CONST_CALL);
    return;
  }
  if (is_arithmetic(op, OP_I32_ADD) && last_op == OP_LOCAL_GET && last_op_fusable(2) &&
      fuse(OP_I32_WITH_LOCAL + ARITHMETIC_INDEX(op, OP_I32_ADD))) {
    return;
  }
  if (is_arithmetic(op, OP_I64_ADD) && last_op == OP_LOCAL_GET64 && last_op_fusable(2) &&
      fuse(OP_I64_WITH_LOCAL + ARITHMETIC_INDEX(op, OP_I64_ADD))) {
    return;
  }
  if (op == OP_I64_ADD && shifted_add()) return;
  if (op == OP_I32_MUL && last_op == OP_LOAD_FROM_LOCAL + (OP_I32_LOAD - OP_FIRST_LOAD) && last_op_fusable(3)) {
    replace_last_op(OP_I32_MUL_LOAD_FROM_LOCAL);
    return;
  }
  if (op == OP_I32_LOAD && last_op == OP_LOCAL_GET2 && last_op_fusable(3)) {
    /* [local.get2 a b][load] becomes [local.get a][load from b], for an `i32.mul` after it to take the load. */
    cell_t from = module.code[last_op_at + 2];
    module.code[last_op_at] = interp_opcode_cell(OP_LOCAL_GET);
    module.code[last_op_at + 2] = interp_opcode_cell(OP_LOAD_FROM_LOCAL + (op - OP_FIRST_LOAD));
    emit(from);
    previous_op_at = last_op_at;
    previous_op = OP_LOCAL_GET;
    last_op_at += 2;
    last_op = OP_LOAD_FROM_LOCAL + (op - OP_FIRST_LOAD);
    return;
  }
  if (op == OP_I64_MUL && last_op == OP_LOAD_FROM_LOCAL + (OP_I64_LOAD32_S - OP_FIRST_LOAD) && last_op_fusable(3)) {
    replace_last_op(OP_I64_MUL_LOAD32_S_FROM_LOCAL);
    return;
  }
  if (takes_immediate64(op) && last_op == OP_CONST64 && last_op_fusable(3)) {
    if (op == OP_I64_SHR_S && fixed_point_multiply(op, 2)) return;
    if (fuse(OP_I64_IMMEDIATE + ARITHMETIC_INDEX(op, OP_I64_ADD))) return;
  }
  if (takes_immediate(op) && last_op == OP_LOCAL_GET2 && last_op_fusable(3) && fuse(OP_I32_LOCALS + I32_FUSED_INDEX(op))) {
    return;
  }
  if (op == OP_LOCAL_GET && last_op == OP_LOCAL_GET && last_op_fusable(2)) {
    replace_last_op(OP_LOCAL_GET2);
    return;
  }
  if (op >= OP_FIRST_LOAD && op <= OP_LAST_LOAD && last_op == OP_LOCAL_GET && last_op_fusable(2) &&
      fuse(OP_LOAD_FROM_LOCAL + (op - OP_FIRST_LOAD))) {
    /* [local.get x][load] becomes [load from x]; the caller writes the access's end after it. */
    return;
  }
  if ((op == OP_BR_UNLESS || op == OP_BR_IF) && last_op_fusable(1)) {
    if (last_op == OP_I32_EQZ) {
      replace_last_op(op == OP_BR_UNLESS ? OP_BR_IF : OP_BR_UNLESS);
      return;
    }
    if (is_comparison_in(last_op, OP_I32_EQ) && fuse(branch_on(OP_BR_IF_COMPARE, OP_I32_EQ, last_op, op == OP_BR_UNLESS))) {
      return;
    }
  }
  previous_op_at = last_op_at;
  previous_op = last_op;
  last_op_at = here();
  last_op = op;
  emit(interp_opcode_cell(op));
}

/* A forward target: the cell holds the chain's previous link until patch() writes the target in each. */
static void emit_fixup(uint32_t *chain) {
  uint32_t at = here();
  emit(*chain);
  *chain = at;
}

static void patch(uint32_t chain, uint32_t target) {
  if (chain != NO_FIXUP) barrier = target;
  while (chain != NO_FIXUP) {
    uint32_t next = module.code[chain];
    module.code[chain] = interp_target_cell(target);
    chain = next;
  }
}

/* ---- the operand stack (Appendix A.3) ---- */

static void push(uint8_t type) {
  if (val_count == val_capacity) invalid("function too complex: operand stack");
  vals[val_count++] = type;
  if (type != UNKNOWN) slots += valtype_slots(type);
  if (emitting() && slots > max_slots) max_slots = slots;
}

static uint8_t pop(void) {
  ctrl_t *frame = top();
  if (val_count == frame->height) {
    if (frame->unreachable) return UNKNOWN;
    invalid("type mismatch: operand stack underflow");
  }
  uint8_t type = vals[--val_count];
  if (type != UNKNOWN) slots -= valtype_slots(type);
  return type;
}

static uint8_t pop_expect(uint8_t expected) {
  uint8_t actual = pop();
  if (actual != expected && actual != UNKNOWN && expected != UNKNOWN) invalid("type mismatch");
  return actual == UNKNOWN ? expected : actual;
}

static void pop_vals(const uint8_t *types, uint32_t count) {
  for (uint32_t i = count; i-- > 0;) pop_expect(types[i]);
}

static void push_vals(const uint8_t *types, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) push(types[i]);
}

static uint32_t slots_of(const uint8_t *types, uint32_t count) {
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; i++) total += valtype_slots(types[i]);
  return total;
}

static void push_ctrl(uint8_t kind, const uint8_t *in, uint32_t in_count, const uint8_t *out, uint32_t out_count) {
  if (ctrl_count == ctrl_capacity) {
    ctrl_t *more = arena_scratch(sizeof(ctrl_t));
    if (ctrl_capacity == 0) ctrl_first = more;
    ctrl_capacity++;
  }
  int dead = ctrl_count > 0 && (top()->dead || top()->unreachable);
  ctrl_t *frame = frame_at(ctrl_count++);
  frame->kind = kind;
  frame->in = in;
  frame->in_count = in_count;
  frame->out = out;
  frame->out_count = out_count;
  frame->height = val_count;
  frame->slot_height = slots;
  frame->end_fixups = NO_FIXUP;
  frame->else_fixup = NO_FIXUP;
  frame->loop_start = here();
  if (kind == OP_LOOP) barrier = frame->loop_start;
  frame->unreachable = 0;
  frame->dead = (uint8_t)dead;
  push_vals(in, in_count);
}

static ctrl_t pop_ctrl(void) {
  if (ctrl_count == 0) invalid("unexpected end");
  ctrl_t frame = *top();
  pop_vals(frame.out, frame.out_count);
  if (val_count != frame.height) invalid("type mismatch: values left at a block's end");
  ctrl_count--;
  return frame;
}

/* Resets the operand stack to the frame's height and marks the rest of the block unreachable. */
static void unreachable(void) {
  ctrl_t *frame = top();
  val_count = frame->height;
  slots = frame->slot_height;
  frame->unreachable = 1;
}

static const uint8_t *label_types(const ctrl_t *frame, uint32_t *count) {
  *count = frame->kind == OP_LOOP ? frame->in_count : frame->out_count;
  return frame->kind == OP_LOOP ? frame->in : frame->out;
}

/* ---- immediates ---- */

static uint32_t read_index(void) {
  return read_u32(&r);
}

/* §5.4.1 blocktype: empty, one value type, or a type index (multi-value). */
static void read_blocktype(const uint8_t **in, uint32_t *in_count, const uint8_t **out, uint32_t *out_count) {
  if (r.at >= r.end) invalid("unexpected end");
  uint8_t first = *r.at;
  *in = NULL;
  *in_count = 0;
  *out = NULL;
  *out_count = 0;
  if (first == 0x40) {
    r.at++;
    return;
  }
  if (first >= VALTYPE_F64 && first <= VALTYPE_I32) {
    r.at++;
    *out = &SINGLE_TYPES[first - VALTYPE_F64];
    *out_count = 1;
    return;
  }
  int64_t index = read_signed(&r, 33);
  if (index < 0 || (uint64_t)index >= module.type_count) invalid("unknown type");
  const func_type_t *type = &module.types[index];
  *in = module.valtypes + type->types_at;
  *in_count = type->param_count;
  *out = *in + type->param_count;
  *out_count = type->result_count;
}

/* ---- branches ---- */

/* Emits a jump to `frame`'s label that keeps the label's values: to the start of a loop, or a fixup for an end. */
static void emit_target(ctrl_t *frame) {
  if (frame->kind == OP_LOOP) {
    emit(interp_target_cell(frame->loop_start));
  } else {
    emit_fixup(&frame->end_fixups);
  }
}

static uint32_t function_result_slots, function_local_slots;

/* The branch on locals alone taken where the branch `test` is not. */
static cell_t opposite_branch(cell_t test) {
  if (test == OP_BR_IF_LOCAL || test == OP_BR_UNLESS_LOCAL) return test == OP_BR_IF_LOCAL ? OP_BR_UNLESS_LOCAL : OP_BR_IF_LOCAL;
  cell_t range = test < OP_BR_IF_LOCALS ? OP_BR_IF_LOCAL_IMMEDIATE : OP_BR_IF_LOCALS;
  return branch_on(range, range, test, 1);
}

/*
 * A loop whose first instruction is a branch on locals alone (register_form) is rotated where the body branches
 * back: the opposite branch into the body after that test, then the branch to the test itself, so that going
 * round takes one dispatch and leaving it (the test again, taken) two more. The test's opcode, or 0 (also when
 * the loop lacks the opposite branch's form).
 */
static cell_t loop_test(const ctrl_t *frame) {
  if (here() < frame->loop_start + 4) return 0;
  for (cell_t op = OP_BR_IF_LOCAL_IMMEDIATE; op <= OP_BR_UNLESS_LOCAL; op++) {
    if (op != OP_LOCAL_SET_CONST && module.code[frame->loop_start] == interp_opcode_cell(op)) {
      return interp_has_handler(opposite_branch(op)) ? op : 0;
    }
  }
  return 0;
}

static void emit_rotated_loop_branch(const ctrl_t *frame, cell_t test) {
  uint32_t cells = test == OP_BR_IF_LOCAL || test == OP_BR_UNLESS_LOCAL ? 3 : 4;
  emit_op(opposite_branch(test));
  for (uint32_t operand = 1; operand < cells - 1; operand++) emit(module.code[frame->loop_start + operand]);
  emit(interp_target_cell(frame->loop_start + cells));
  emit_op(OP_BR);
  emit(interp_target_cell(frame->loop_start));
}

/* §4.4.10 return: no result slot and one take their own forms, [op locals]; others [return results locals]. */
static void emit_return(void) {
  if (function_result_slots <= 1) {
    emit_op(function_result_slots == 0 ? OP_RETURN_NO_SLOTS : OP_RETURN_ONE_SLOT);
  } else {
    emit_op(OP_RETURN);
    emit(function_result_slots);
  }
  emit(function_local_slots);
}

static void emit_branch(ctrl_t *frame, int conditional) {
  uint32_t count;
  const uint8_t *types = label_types(frame, &count);
  uint32_t keep = slots_of(types, count);
  if (frame == frame_at(0)) {
    /* A branch to the function's own label is a return (§4.4.8 br to the outermost label). */
    uint32_t skip = NO_FIXUP;
    if (conditional) {
      emit_op(OP_BR_UNLESS);
      emit_fixup(&skip);
    }
    emit_return();
    patch(skip, here());
    return;
  }
  cell_t test = frame->kind == OP_LOOP && !conditional && keep == 0 ? loop_test(frame) : 0;
  if (test && slots == frame->slot_height) {
    emit_rotated_loop_branch(frame, test);
    return;
  }
  if (slots - keep == frame->slot_height) {
    emit_op(conditional ? OP_BR_IF : OP_BR);
  } else {
    emit_op(conditional ? OP_BR_IF_MOVE : OP_BR_MOVE);
    emit(keep);
    emit(frame->slot_height);
  }
  emit_target(frame);
}

static ctrl_t *label(uint32_t depth) {
  if (depth >= ctrl_count) invalid("unknown label");
  return frame_at(ctrl_count - 1 - depth);
}

/* ---- instructions by kind ---- */

/* §3.3 numeric instructions 0x45..0xC4: operand types and result type. */
static void numeric_signature(uint8_t op, uint8_t *a, uint8_t *b, uint8_t *result) {
  const uint8_t i = VALTYPE_I32, I = VALTYPE_I64, f = VALTYPE_F32, F = VALTYPE_F64;
  *b = UNKNOWN;
  if (op == 0x45) { *a = i; *result = i; return; }
  if (op <= 0x4F) { *a = *b = i; *result = i; return; }
  if (op == 0x50) { *a = I; *result = i; return; }
  if (op <= 0x5A) { *a = *b = I; *result = i; return; }
  if (op <= 0x60) { *a = *b = f; *result = i; return; }
  if (op <= 0x66) { *a = *b = F; *result = i; return; }
  if (op <= 0x69) { *a = i; *result = i; return; }
  if (op <= 0x78) { *a = *b = i; *result = i; return; }
  if (op <= 0x7B) { *a = I; *result = I; return; }
  if (op <= 0x8A) { *a = *b = I; *result = I; return; }
  if (op <= 0x91) { *a = f; *result = f; return; }
  if (op <= 0x98) { *a = *b = f; *result = f; return; }
  if (op <= 0x9F) { *a = F; *result = F; return; }
  if (op <= 0xA6) { *a = *b = F; *result = F; return; }
  /* 0xA7..0xBF conversions, 0xC0..0xC4 sign extension: one operand each. */
  static const char conversions[] = "Ii" "fi" "fi" "Fi" "Fi" "iI" "iI" "fI" "fI" "FI" "FI"
                                    "if" "if" "If" "If" "Ff" "iF" "iF" "IF" "IF" "fF"
                                    "fi" "FI" "if" "IF" "ii" "ii" "II" "II" "II";
  const char *pair = &conversions[(op - 0xA7) * 2];
  *a = pair[0] == 'i' ? i : pair[0] == 'I' ? I : pair[0] == 'f' ? f : F;
  *result = pair[1] == 'i' ? i : pair[1] == 'I' ? I : pair[1] == 'f' ? f : F;
}

/* §3.3.7 memory instructions: access size in bytes (log2 of the natural alignment) and value type. */
static void memory_access(uint8_t op, uint32_t *log2_bytes, uint8_t *type) {
  static const uint8_t sizes[] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2};
  static const char types[] = "iIfFiiiiIIIIIIiIfFiiIII";
  uint32_t at = op - 0x28;
  *log2_bytes = sizes[at];
  char t = types[at];
  *type = t == 'i' ? VALTYPE_I32 : t == 'I' ? VALTYPE_I64 : t == 'f' ? VALTYPE_F32 : VALTYPE_F64;
}

static void require_memory(void) {
  if (!module.has_memory) invalid("unknown memory 0");
}

static void read_zero_byte(void) {
  if (read_byte(&r) != 0) invalid("zero byte expected");
}

static uint8_t local_type(uint32_t index) {
  if (index >= local_count) invalid("unknown local");
  return local_types[index];
}

static void emit_local(uint8_t op32, uint8_t op64, uint32_t index) {
  uint8_t type = local_type(index);
  if (!emitting()) return;
  emit_op(valtype_slots(type) == 2 ? op64 : op32);
  emit(local_slot[index]);
}

static void call(uint32_t function_index) {
  const function_t *function = &module.functions[function_index];
  const func_type_t *type = &module.types[function->type];
  if (emitting()) {
    if (function_index < module.imported_functions) {
      /* [op function params results]: the host function and its slots, which the call needs and nothing else. */
      emit_op(OP_CALL_HOST);
      emit(interp_host_function_cell(function->code_at));
      emit(type->param_slots);
      emit(type->result_slots);
    } else {
      emit_op(OP_CALL);
      emit(interp_function_cell(function_index));
    }
  }
  const uint8_t *types = module.valtypes + type->types_at;
  pop_vals(types, type->param_count);
  push_vals(types + type->param_count, type->result_count);
}

/* §4.3.2 trunc and trunc_sat: [trunc kind] (module.h TRUNC_*). */
static void emit_trunc(uint32_t kind) {
  if (!emitting()) return;
  emit_op(OP_TRUNC);
  emit(kind);
}

static void misc_instruction(void) {
  uint32_t sub = read_u32(&r);
  const uint8_t i = VALTYPE_I32;
  if (sub <= 7) {
    /* Non-trapping float-to-int conversions: i32.trunc_sat_f32_s .. i64.trunc_sat_f64_u. */
    static const uint8_t from[] = {VALTYPE_F32, VALTYPE_F32, VALTYPE_F64, VALTYPE_F64, VALTYPE_F32, VALTYPE_F32, VALTYPE_F64, VALTYPE_F64};
    pop_expect(from[sub]);
    emit_trunc(sub | TRUNC_SATURATING);
    push(sub < 4 ? i : VALTYPE_I64);
    return;
  }
  switch (sub) {
    case 8: { /* memory.init */
      uint32_t segment = read_index();
      read_zero_byte();
      require_memory();
      if (interp_data_count_declared() == UINT32_MAX) invalid("data count section required");
      if (segment >= interp_data_count_declared()) invalid("unknown data segment");
      pop_expect(i);
      pop_expect(i);
      pop_expect(i);
      if (emitting()) {
        emit_op(OP_MEMORY_INIT);
        emit(segment);
      }
      return;
    }
    case 9: { /* data.drop */
      uint32_t segment = read_index();
      if (interp_data_count_declared() == UINT32_MAX) invalid("data count section required");
      if (segment >= interp_data_count_declared()) invalid("unknown data segment");
      if (emitting()) {
        emit_op(OP_DATA_DROP);
        emit(segment);
      }
      return;
    }
    case 10: /* memory.copy */
      read_zero_byte();
      read_zero_byte();
      require_memory();
      pop_expect(i);
      pop_expect(i);
      pop_expect(i);
      if (emitting()) emit_op(OP_MEMORY_COPY);
      return;
    case 11: /* memory.fill */
      read_zero_byte();
      require_memory();
      pop_expect(i);
      pop_expect(i);
      pop_expect(i);
      if (emitting()) emit_op(OP_MEMORY_FILL);
      return;
    case 12: case 13: case 14: case 15: case 16: case 17:
      unsupported("table instructions");
    default:
      invalid("unknown 0xFC instruction");
  }
}

static void instruction(uint8_t op) {
  const uint8_t i = VALTYPE_I32;
  switch (op) {
    case OP_UNREACHABLE:
      if (emitting()) emit_op(OP_UNREACHABLE);
      unreachable();
      return;
    case OP_NOP:
      return;
    case OP_BLOCK:
    case OP_LOOP:
    case OP_IF: {
      const uint8_t *in, *out;
      uint32_t in_count, out_count;
      read_blocktype(&in, &in_count, &out, &out_count);
      if (op == OP_IF) pop_expect(i);
      pop_vals(in, in_count);
      uint32_t else_fixup = NO_FIXUP;
      if (op == OP_IF && emitting()) {
        emit_op(OP_BR_UNLESS);
        emit_fixup(&else_fixup);
      }
      push_ctrl(op, in, in_count, out, out_count);
      top()->else_fixup = else_fixup;
      return;
    }
    case OP_ELSE: {
      if (ctrl_count == 0 || top()->kind != OP_IF) invalid("else without if");
      ctrl_t *frame = top();
      pop_vals(frame->out, frame->out_count);
      if (val_count != frame->height) invalid("type mismatch: values left at else");
      if (emitting()) {
        emit_op(OP_BR);
        emit_fixup(&frame->end_fixups);
      }
      patch(frame->else_fixup, here());
      frame->else_fixup = NO_FIXUP;
      frame->kind = OP_ELSE;
      frame->unreachable = 0;
      slots = frame->slot_height;
      push_vals(frame->in, frame->in_count);
      return;
    }
    case OP_END: {
      ctrl_t frame = pop_ctrl();
      if (frame.kind == OP_IF && (frame.in_count != frame.out_count || (frame.in_count && memcmp(frame.in, frame.out, frame.in_count) != 0))) {
        invalid("type mismatch: if without else");
      }
      patch(frame.else_fixup, here());
      patch(frame.end_fixups, here());
      slots = frame.slot_height;
      if (ctrl_count == 0) {
        /* The function's end: return its results (§4.4.10). */
        if (!frame.dead) {
          emit_return();
        }
        return;
      }
      push_vals(frame.out, frame.out_count);
      return;
    }
    case OP_BR: {
      ctrl_t *frame = label(read_index());
      uint32_t count;
      const uint8_t *types = label_types(frame, &count);
      if (emitting()) emit_branch(frame, 0);
      pop_vals(types, count);
      unreachable();
      return;
    }
    case OP_BR_IF: {
      ctrl_t *frame = label(read_index());
      pop_expect(i);
      uint32_t count;
      const uint8_t *types = label_types(frame, &count);
      if (emitting()) emit_branch(frame, 1);
      pop_vals(types, count);
      push_vals(types, count);
      return;
    }
    case OP_BR_TABLE: {
      uint32_t targets = read_u32(&r);
      if (targets > 0xFFFF) invalid("br_table too large");
      pop_expect(i);
      int emit_now = emitting();
      if (emit_now) {
        emit_op(OP_BR_TABLE);
        emit(targets);
      }
      uint32_t arity = UINT32_MAX;
      for (uint32_t t = 0; t <= targets; t++) {
        ctrl_t *frame = label(read_index());
        uint32_t count;
        const uint8_t *types = label_types(frame, &count);
        if (arity == UINT32_MAX) arity = count;
        if (count != arity) invalid("type mismatch: br_table arity");
        if (emit_now) {
          uint32_t keep = slots_of(types, count);
          emit(keep);
          emit(frame->slot_height);
          emit_target(frame);
        }
        /* Appendix A.3: each label's types must match the operands (popped and pushed back). */
        uint8_t popped[256];
        if (count > sizeof popped) invalid("function too complex: br_table arity");
        for (uint32_t v = count; v-- > 0;) popped[v] = pop_expect(types[v]);
        push_vals(popped, count);
      }
      for (uint32_t v = 0; v < arity; v++) pop();
      unreachable();
      return;
    }
    case OP_RETURN: {
      ctrl_t *frame = frame_at(0);
      if (emitting()) emit_branch(frame, 0);
      pop_vals(frame->out, frame->out_count);
      unreachable();
      return;
    }
    case OP_CALL: {
      uint32_t function = read_index();
      if (function >= module.function_count) invalid("unknown function");
      call(function);
      return;
    }
    case OP_CALL_INDIRECT: {
      uint32_t type_index = read_index();
      if (type_index >= module.type_count) invalid("unknown type");
      if (read_byte(&r) != 0) unsupported("reference types");
      if (!module.has_table) invalid("unknown table 0");
      pop_expect(i);
      const func_type_t *type = &module.types[type_index];
      if (emitting()) {
        emit_op(OP_CALL_INDIRECT);
        emit(type->canonical);
      }
      const uint8_t *types = module.valtypes + type->types_at;
      pop_vals(types, type->param_count);
      push_vals(types + type->param_count, type->result_count);
      return;
    }
    case 0x12:
    case 0x13:
      unsupported("tail calls");
    case OP_DROP: {
      uint8_t type = pop();
      if (emitting()) emit_op(valtype_slots(type) == 2 ? OP_DROP64 : OP_DROP);
      return;
    }
    case OP_SELECT: {
      pop_expect(i);
      uint8_t a = pop();
      uint8_t b = pop();
      if (a != UNKNOWN && b != UNKNOWN && a != b) invalid("type mismatch");
      uint8_t type = a != UNKNOWN ? a : b;
      if (emitting()) emit_op(valtype_slots(type) == 2 ? OP_SELECT64 : OP_SELECT);
      push(type);
      return;
    }
    case 0x1C:
      unsupported("reference types");
    case OP_LOCAL_GET: {
      uint32_t index = read_index();
      emit_local(OP_LOCAL_GET, OP_LOCAL_GET64, index);
      push(local_types[index]);
      return;
    }
    case OP_LOCAL_SET: {
      uint32_t index = read_index();
      uint8_t type = local_type(index);
      pop_expect(type);
      emit_local(OP_LOCAL_SET, OP_LOCAL_SET64, index);
      return;
    }
    case OP_LOCAL_TEE: {
      uint32_t index = read_index();
      uint8_t type = local_type(index);
      pop_expect(type);
      push(type);
      emit_local(OP_LOCAL_TEE, OP_LOCAL_TEE64, index);
      return;
    }
    case OP_GLOBAL_GET:
    case OP_GLOBAL_SET: {
      uint32_t index = read_index();
      if (index >= module.global_count) invalid("unknown global");
      const global_t *global = &module.globals[index];
      if (op == OP_GLOBAL_SET) {
        if (!global->mutable_) invalid("global is immutable");
        pop_expect(global->type);
      }
      if (emitting()) {
        int wide = valtype_slots(global->type) == 2;
        emit_op(op == OP_GLOBAL_GET ? (wide ? OP_GLOBAL_GET64 : OP_GLOBAL_GET) : (wide ? OP_GLOBAL_SET64 : OP_GLOBAL_SET));
        emit(global->slot);
      }
      if (op == OP_GLOBAL_GET) push(global->type);
      return;
    }
    case OP_MEMORY_SIZE:
      read_zero_byte();
      require_memory();
      if (emitting()) emit_op(op);
      push(i);
      return;
    case OP_MEMORY_GROW:
      read_zero_byte();
      require_memory();
      pop_expect(i);
      if (emitting()) emit_op(op);
      push(i);
      return;
    case OP_I32_CONST: {
      int32_t value = (int32_t)read_signed(&r, 32);
      if (emitting()) {
        emit_op(op);
        emit((cell_t)value);
      }
      push(i);
      return;
    }
    case OP_I64_CONST: {
      uint64_t value = (uint64_t)read_signed(&r, 64);
      if (emitting()) {
        emit_op(OP_CONST64);
        emit64((const uint8_t *)&value);
      }
      push(VALTYPE_I64);
      return;
    }
    case OP_F32_CONST: {
      uint32_t bits = read_fixed32(&r);
      if (emitting()) {
        emit_op(OP_I32_CONST);
        emit(bits);
      }
      push(VALTYPE_F32);
      return;
    }
    case OP_F64_CONST: {
      const uint8_t *bytes = read_bytes(&r, 8);
      if (emitting()) {
        emit_op(OP_CONST64);
        emit64(bytes);
      }
      push(VALTYPE_F64);
      return;
    }
    case PREFIX_MISC:
      misc_instruction();
      return;
    case 0xD0: case 0xD1: case 0xD2:
      unsupported("reference types");
    case 0xFD:
      unsupported("SIMD");
    case 0xFE:
      unsupported("threads");
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x18: case 0x19:
      unsupported("exception handling");
    case 0x25: case 0x26:
      unsupported("reference types");
    default:
      break;
  }
  if (op >= 0x28 && op <= 0x3E) {
    uint32_t log2_bytes;
    uint8_t type;
    memory_access(op, &log2_bytes, &type);
    uint32_t align = read_u32(&r);
    uint32_t offset = read_u32(&r);
    require_memory();
    if (align > log2_bytes) invalid("alignment must not be larger than natural");
    if (op <= 0x35) {
      pop_expect(i);
      push(type);
    } else {
      pop_expect(type);
      pop_expect(i);
    }
    if (emitting()) {
      /*
       * The i64 loads of 8 and 16 bits and of 32 bits unsigned are the i32 load of as many bits and then the
       * extension to i64 (§4.4.7 load: extended by the load's own signedness), the i64 stores of 8 to 32 bits the
       * wrap to i32 and then the i32 store: the loop keeps no handlers for them.
       */
      static const uint8_t I32_ACCESS[] = {0x2C, 0x2D, 0x2E, 0x2F, 0, 0x28, 0, 0, 0, 0, 0, 0, 0x3A, 0x3B, 0x36};
      uint8_t narrow = op >= 0x30 && op <= 0x3E ? I32_ACCESS[op - 0x30] : 0;
      if (narrow && op > 0x35) emit_op(OP_I32_WRAP_I64);
      emit_op(narrow ? narrow : op);
      /* The access's end past its address (exec.c address); one past every memory when it is past 2^32. */
      uint64_t end = (uint64_t)offset + (1u << log2_bytes);
      emit(end > UINT32_MAX ? UINT32_MAX : (cell_t)end);
      if (narrow && op <= 0x35) emit_op(op & 1 ? OP_I64_EXTEND_I32_U : OP_I64_EXTEND_I32_S);
    }
    return;
  }
  if (op >= 0x45 && op <= 0xC4) {
    uint8_t a, b, result;
    numeric_signature(op, &a, &b, &result);
    if (b != UNKNOWN) pop_expect(b);
    pop_expect(a);
    if ((op >= 0xA8 && op <= 0xAB) || (op >= 0xAE && op <= 0xB1)) {
      emit_trunc(op < 0xAE ? op - 0xA8u : op - 0xAEu + TRUNC_TO_I64);
    } else if (emitting() && interp_has_handler(op)) {
      emit_op(op);
    } else if (emitting()) {
      /* An operator the loop runs out of line (exec.c operate). */
      emit_op(OP_OPERATOR);
      emit(op);
    }
    push(result);
    return;
  }
  invalid("illegal opcode");
}

void compile_exit(void) {
  emit(interp_opcode_cell(OP_EXIT));
}

/* §5.5.13 code: the locals' declarations, then the expression. */
void compile_function(uint32_t function_index, const uint8_t *body, const uint8_t *end) {
  function_t *function = &module.functions[function_index];
  const func_type_t *type = &module.types[function->type];
  const uint8_t *types = module.valtypes + type->types_at;
  r.at = body;
  r.end = end;
  instruction_at = reader_offset(&r);

  /* Count the locals first, so that their tables can be sized. */
  uint64_t declared = type->param_count;
  uint32_t groups = read_u32(&r);
  reader_t locals_start = r;
  for (uint32_t g = 0; g < groups; g++) {
    declared += read_u32(&r);
    read_valtype(&r);
    if (declared > 50000) invalid("too many locals");
  }
  local_count = (uint32_t)declared;
  local_types = arena_scratch(local_count);
  local_slot = arena_scratch(local_count * sizeof(uint32_t));
  uint32_t next_slot = 0;
  for (uint32_t p = 0; p < type->param_count; p++) {
    local_types[p] = types[p];
    local_slot[p] = next_slot;
    next_slot += valtype_slots(types[p]);
  }
  r = locals_start;
  uint32_t index = type->param_count;
  for (uint32_t g = 0; g < groups; g++) {
    uint32_t count = read_u32(&r);
    uint8_t local = read_valtype(&r);
    for (uint32_t n = 0; n < count; n++, index++) {
      local_types[index] = local;
      local_slot[index] = next_slot;
      next_slot += valtype_slots(local);
    }
  }
  if (next_slot > 0xFFF0) invalid("too many locals");

  uint32_t body_bytes = (uint32_t)(end - r.at);
  val_capacity = body_bytes + 256;
  vals = arena_scratch(val_capacity);
  ctrl_capacity = 0;
  val_count = 0;
  ctrl_count = 0;

  function->local_slots = (uint16_t)next_slot;
  function->code_at = interp_target_cell(here());
  barrier = here();
  last_op_at = NO_FIXUP;
  previous_op_at = NO_FIXUP;
  function_local_slots = next_slot;
  function_result_slots = type->result_slots;
  slots = next_slot + 2;
  max_slots = slots;
  push_ctrl(KIND_FUNCTION, NULL, 0, types + type->param_count, type->result_count);
  while (ctrl_count > 0) {
    instruction_at = reader_offset(&r);
    instruction(read_byte(&r));
  }
  if (r.at != r.end) load_refuse("operators after the function's end", "", reader_offset(&r));
  function->frame_slots = max_slots;
  arena_scratch_release();
}
