/*
 * Decoding and validating a module's sections (Wasm core spec §5.5 binary format, §3.4 module validation): what
 * each section declares goes into the static arena in the fixed-width records of module.h; function bodies go
 * to compile.c, one at a time, and their cells to the code's home (place_code). Anything invalid, or valid but
 * beyond what the interpreter supports, refuses the module with a reason naming it; the arena is then left as it
 * was, and nothing else is touched.
 */
#include <setjmp.h>
#include <string.h>

#include "../../link/utf8.h"
#include "module.h"
#include "reader.h"

module_t module;

uint8_t read_byte(reader_t *r) {
  if (r->at >= r->end) load_refuse("unexpected end", "", reader_offset(r));
  return *r->at++;
}

/* §5.2.2: unsigned LEB128 of at most ceil(bits / 7) bytes, the unused bits of the last one zero. */
uint64_t read_unsigned(reader_t *r, uint32_t bits) {
  uint64_t value = 0;
  for (uint32_t shift = 0;; shift += 7) {
    uint8_t byte = read_byte(r);
    if (shift + 7 >= bits && (byte & 0x7F) >> (bits - shift) != 0) load_refuse("integer too large", "", reader_offset(r));
    value |= (uint64_t)(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return value;
    if (shift + 7 >= bits) load_refuse("integer representation too long", "", reader_offset(r));
  }
}

/* §5.2.2: signed LEB128; the unused bits of the last byte repeat the sign bit. */
int64_t read_signed(reader_t *r, uint32_t bits) {
  uint64_t value = 0;
  uint32_t shift = 0;
  uint8_t byte;
  do {
    byte = read_byte(r);
    if (shift + 7 >= bits) {
      if (byte & 0x80) load_refuse("integer representation too long", "", reader_offset(r));
      uint32_t used = bits - shift;
      uint8_t upper = (uint8_t)((byte & 0x7F) >> (used - 1));
      if (upper != 0 && upper != (0x7F >> (used - 1))) load_refuse("integer too large", "", reader_offset(r));
    }
    value |= (uint64_t)(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 64 && (byte & 0x40)) value |= ~(uint64_t)0 << shift;
  return (int64_t)value;
}

uint32_t read_u32(reader_t *r) {
  return (uint32_t)read_unsigned(r, 32);
}

const uint8_t *read_bytes(reader_t *r, uint32_t length) {
  if ((uint32_t)(r->end - r->at) < length) load_refuse("unexpected end", "", reader_offset(r));
  const uint8_t *bytes = r->at;
  r->at += length;
  return bytes;
}

uint32_t read_fixed32(reader_t *r) {
  uint32_t value;
  memcpy(&value, read_bytes(r, 4), 4);
  return value;
}

/* §5.5.2 section ids, in the order §5.5.16 requires (DataCount, 12, comes between Element and Code). */
enum {
  SECTION_CUSTOM = 0,
  SECTION_TYPE = 1,
  SECTION_IMPORT = 2,
  SECTION_FUNCTION = 3,
  SECTION_TABLE = 4,
  SECTION_MEMORY = 5,
  SECTION_GLOBAL = 6,
  SECTION_EXPORT = 7,
  SECTION_START = 8,
  SECTION_ELEMENT = 9,
  SECTION_CODE = 10,
  SECTION_DATA = 11,
  SECTION_DATA_COUNT = 12,
};
/* Each section's rank in the required order. */
static const uint8_t SECTION_RANK[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

#define WASM_MAGIC 0x6D736100u
#define WASM_VERSION 1u
/* §2.5.5: memory limits are in 64 KiB pages, at most 2^16 of them. */
#define MAX_PAGES 65536u
#define FUNCREF 0x70
#define EXTERNAL_FUNCTION 0
#define EXTERNAL_TABLE 1
#define EXTERNAL_MEMORY 2
#define EXTERNAL_GLOBAL 3
/* §5.4.9 const instructions. */
#define OPCODE_END 0x0B
#define OPCODE_I32_CONST 0x41
#define OPCODE_I64_CONST 0x42
#define OPCODE_F32_CONST 0x43
#define OPCODE_F64_CONST 0x44
#define OPCODE_GLOBAL_GET 0x23

static uint8_t *arena;
static uint32_t arena_bytes;
static uint32_t arena_used;
static uint32_t scratch_floor;
static uint32_t arena_peak;
static jmp_buf refusal;
static char error_text[112];
static uint32_t error_length;

/*
 * The most the arena held at once: the loaded module and, while a function compiles, its scratch. The build
 * measures it with the host build (host/main.c --arena) and sizes the board's arena by it; the board keeps none.
 */
#ifdef __arm__
#define TRACKS_ARENA_PEAK 0
#else
#define TRACKS_ARENA_PEAK 1
#endif

static void note_peak(void) {
  if (!TRACKS_ARENA_PEAK) return;
  uint32_t held = arena_used + ((arena_bytes & ~7u) - scratch_floor);
  if (held > arena_peak) arena_peak = held;
}

void *arena_take(uint32_t bytes) {
  bytes = (bytes + 3u) & ~3u;
  if (bytes > scratch_floor - arena_used) load_refuse("the module does not fit the arena", "", 0);
  void *taken = arena + arena_used;
  memset(taken, 0, bytes);
  arena_used += bytes;
  note_peak();
  return taken;
}

void arena_give_back(uint32_t bytes) {
  arena_used -= bytes;
}

void *arena_scratch(uint32_t bytes) {
  /* Scratch records hold pointers: 8-byte aligned, for the host build. */
  bytes = (bytes + 7u) & ~7u;
  if (bytes + 8u > scratch_floor - arena_used) load_refuse("the module does not fit the arena", "", 0);
  scratch_floor -= bytes;
  note_peak();
  return arena + scratch_floor;
}

void arena_scratch_release(void) {
  scratch_floor = arena_bytes & ~7u;
}

uint32_t arena_code_room(void) {
  return scratch_floor - arena_used;
}

uint32_t interp_arena_peak(void) {
  return arena_peak;
}

static void append_text(const char *text) {
  while (*text && error_length + 1 < sizeof error_text) error_text[error_length++] = *text++;
  error_text[error_length] = 0;
}

static void append_number(uint32_t number) {
  char digits[11];
  int count = 0;
  do {
    digits[count++] = (char)('0' + number % 10);
    number /= 10;
  } while (number);
  while (count) {
    char one[2] = {digits[--count], 0};
    append_text(one);
  }
}

_Noreturn void load_refuse(const char *what, const char *detail, uint32_t offset) {
  error_length = 0;
  append_text(what);
  if (*detail) {
    append_text(" ");
    append_text(detail);
  }
  if (offset) {
    append_text(" at byte ");
    append_number(offset);
  }
  longjmp(refusal, 1);
}

const char *interp_load_error(void) {
  return error_text;
}

uint8_t read_valtype(reader_t *r) {
  uint32_t at = reader_offset(r);
  uint8_t type = read_byte(r);
  if (type == VALTYPE_I32 || type == VALTYPE_I64 || type == VALTYPE_F32 || type == VALTYPE_F64) return type;
  if (type == 0x7B) load_refuse("unsupported feature:", "SIMD", at);
  if (type == 0x70 || type == 0x6F) load_refuse("unsupported feature:", "reference types", at);
  load_refuse("invalid value type", "", at);
}

/* §5.3.6 function types. */
static void read_types(reader_t *r) {
  module.type_count = read_u32(r);
  if (module.type_count > 0xFFFF) load_refuse("too many types", "", reader_offset(r));
  module.types = arena_take(module.type_count * sizeof(func_type_t));
  for (uint32_t i = 0; i < module.type_count; i++) {
    func_type_t *type = &module.types[i];
    if (read_byte(r) != 0x60) load_refuse("invalid function type", "", reader_offset(r));
    uint8_t read[255 * 2];
    uint32_t params = read_u32(r);
    if (params > 255) load_refuse("unsupported: over 255 parameter or result slots", "", reader_offset(r));
    for (uint32_t p = 0; p < params; p++) read[p] = read_valtype(r);
    uint32_t results = read_u32(r);
    if (results > 255) load_refuse("unsupported: over 255 parameter or result slots", "", reader_offset(r));
    for (uint32_t p = 0; p < results; p++) read[params + p] = read_valtype(r);
    uint8_t *types = arena_take(params + results);
    memcpy(types, read, params + results);
    type->types_at = (uint32_t)(types - arena);
    type->param_count = (uint8_t)params;
    type->result_count = (uint8_t)results;
    uint32_t param_slots = 0, result_slots = 0;
    for (uint32_t p = 0; p < params; p++) param_slots += valtype_slots(types[p]);
    for (uint32_t p = 0; p < results; p++) result_slots += valtype_slots(types[params + p]);
    if (param_slots > 255 || result_slots > 255) load_refuse("unsupported: over 255 parameter or result slots", "", reader_offset(r));
    type->param_slots = (uint8_t)param_slots;
    type->result_slots = (uint8_t)result_slots;
    type->canonical = i;
    for (uint32_t j = 0; j < i; j++) {
      const func_type_t *other = &module.types[j];
      if (other->param_count == params && other->result_count == results &&
          memcmp(arena + other->types_at, types, params + results) == 0) {
        type->canonical = j;
        break;
      }
    }
  }
  module.valtypes = arena;
}

/* §5.2.4 names: UTF-8, checked when a section is read (the checked names are read again later unchecked). */
static uint32_t read_name(reader_t *r, const uint8_t **name) {
  uint32_t length = read_u32(r);
  *name = read_bytes(r, length);
  return length;
}

static uint32_t read_checked_name(reader_t *r, const uint8_t **name) {
  uint32_t at = reader_offset(r);
  uint32_t length = read_name(r, name);
  if (!utf8_valid(*name, length)) load_refuse("malformed UTF-8 encoding of a name", "", at);
  return length;
}

static int name_is(const uint8_t *name, uint32_t length, const char *text) {
  return strlen(text) == length && memcmp(name, text, length) == 0;
}

static void check_type_index(uint32_t index, uint32_t at) {
  if (index >= module.type_count) load_refuse("unknown type", "", at);
}

/* The signature string of a type ("iF:i"), as interp_host_import_t gives it. */
static void signature_of(const func_type_t *type, char *text, size_t size) {
  size_t at = 0;
  const uint8_t *types = module.valtypes + type->types_at;
  for (uint32_t i = 0; i < (uint32_t)type->param_count + type->result_count + 1 && at + 1 < size; i++) {
    if (i == type->param_count) {
      text[at++] = ':';
      if (at + 1 >= size) break;
    }
    if (i == (uint32_t)type->param_count + type->result_count) break;
    uint8_t t = types[i];
    text[at++] = t == VALTYPE_I32 ? 'i' : t == VALTYPE_I64 ? 'I' : t == VALTYPE_F32 ? 'f' : 'F';
  }
  text[at] = 0;
}

void interp_function_signature(uint32_t function, char *text, size_t size) {
  signature_of(&module.types[module.functions[function].type], text, size);
}

static void read_limits(reader_t *r, uint32_t *min, uint32_t *max, uint32_t bound, const char *what) {
  uint32_t at = reader_offset(r);
  uint8_t flags = read_byte(r);
  if (flags > 1) load_refuse(flags < 4 ? "unsupported feature:" : "invalid limits", flags < 4 ? "shared memory" : "", at);
  *min = read_u32(r);
  *max = flags ? read_u32(r) : bound;
  /* §3.2.1 limits: min <= max <= bound. */
  if ((uint64_t)*min > bound || (uint64_t)*max > bound) load_refuse(what, "size must be at most 65536 pages", at);
  if (*min > *max) load_refuse(what, "minimum above maximum", at);
}

static void read_imports(reader_t *r, uint32_t host_count) {
  uint32_t count = read_u32(r);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t at = reader_offset(r);
    const uint8_t *module_name, *name;
    uint32_t module_length = read_checked_name(r, &module_name);
    uint32_t name_length = read_checked_name(r, &name);
    uint8_t kind = read_byte(r);
    if (kind != EXTERNAL_FUNCTION) load_refuse("only functions may be imported (HAL ABI)", "", at);
    uint32_t type = read_u32(r);
    check_type_index(type, at);
    uint32_t host = 0;
    while (host < host_count && !(name_is(module_name, module_length, module.host[host].module) &&
                                  name_is(name, name_length, module.host[host].name))) {
      host++;
    }
    if (host == host_count) {
      char import_name[64];
      uint32_t module_part = module_length < 31 ? module_length : 31;
      uint32_t name_part = name_length < 31 ? name_length : 31;
      memcpy(import_name, module_name, module_part);
      import_name[module_part] = '.';
      memcpy(import_name + module_part + 1, name, name_part);
      import_name[module_part + 1 + name_part] = 0;
      load_refuse("an import the HAL ABI lacks:", import_name, at);
    }
    char signature[64];
    signature_of(&module.types[type], signature, sizeof signature);
    if (strcmp(signature, module.host[host].signature) != 0) load_refuse("an import with the wrong signature:", module.host[host].name, at);
    function_t *function = arena_take(sizeof(function_t));
    if (module.function_count == 0) module.functions = function;
    function->type = type;
    function->param_slots = module.types[type].param_slots;
    function->code_at = host;
    module.function_count++;
    module.imported_functions++;
  }
}

static void read_functions(reader_t *r) {
  uint32_t count = read_u32(r);
  if (count > 0xFFFF) load_refuse("too many functions", "", reader_offset(r));
  for (uint32_t i = 0; i < count; i++) {
    uint32_t at = reader_offset(r);
    uint32_t type = read_u32(r);
    check_type_index(type, at);
    function_t *function = arena_take(sizeof(function_t));
    if (module.function_count == 0) module.functions = function;
    function->type = type;
    function->param_slots = module.types[type].param_slots;
    function->code_at = NO_FUNCTION;
    module.function_count++;
  }
}

static void read_table(reader_t *r) {
  uint32_t count = read_u32(r);
  if (count > 1) load_refuse("unsupported feature:", "reference types", reader_offset(r));
  if (count == 0) return;
  uint32_t at = reader_offset(r);
  if (read_byte(r) != FUNCREF) load_refuse("unsupported feature:", "reference types", at);
  uint32_t min, max;
  read_limits(r, &min, &max, UINT32_MAX, "table");
  if (min > 0xFFFF) load_refuse("unsupported: over 65535 table elements", "", at);
  module.has_table = 1;
  module.table_size = min;
  module.table = arena_take(min * sizeof(uint32_t));
}

static void read_memory(reader_t *r) {
  uint32_t count = read_u32(r);
  if (count > 1) load_refuse("unsupported feature:", "multiple memories", reader_offset(r));
  if (count == 0) return;
  module.has_memory = 1;
  read_limits(r, &module.memory_min_pages, &module.memory_max_pages, MAX_PAGES, "memory");
}

/* §3.3.10 constant expressions: a constant of `type`, then end (no imported globals, so no global.get). */
static void read_const_expr(reader_t *r, uint8_t type, uint32_t value[2]) {
  uint32_t at = reader_offset(r);
  uint8_t opcode = read_byte(r);
  uint8_t found;
  value[0] = value[1] = 0;
  switch (opcode) {
    case OPCODE_I32_CONST:
      found = VALTYPE_I32;
      value[0] = (uint32_t)(int32_t)read_signed(r, 32);
      break;
    case OPCODE_I64_CONST: {
      found = VALTYPE_I64;
      uint64_t v = (uint64_t)read_signed(r, 64);
      memcpy(value, &v, 8);
      break;
    }
    case OPCODE_F32_CONST:
      found = VALTYPE_F32;
      value[0] = read_fixed32(r);
      break;
    case OPCODE_F64_CONST:
      found = VALTYPE_F64;
      value[0] = read_fixed32(r);
      value[1] = read_fixed32(r);
      break;
    case OPCODE_GLOBAL_GET:
      load_refuse("constant expression reads a global not imported", "", at);
    default:
      load_refuse("constant expression required", "", at);
  }
  if (found != type) load_refuse("type mismatch", "", at);
  if (read_byte(r) != OPCODE_END) load_refuse("constant expression required", "", at);
}

static void read_globals(reader_t *r) {
  module.global_count = read_u32(r);
  if (module.global_count > 0xFFFF) load_refuse("too many globals", "", reader_offset(r));
  module.globals = arena_take(module.global_count * sizeof(global_t));
  for (uint32_t i = 0; i < module.global_count; i++) {
    global_t *global = &module.globals[i];
    global->type = read_valtype(r);
    uint32_t at = reader_offset(r);
    uint8_t mutability = read_byte(r);
    if (mutability > 1) load_refuse("invalid mutability", "", at);
    global->mutable_ = mutability;
    read_const_expr(r, global->type, global->init);
    global->slot = (uint16_t)module.global_slots;
    module.global_slots += valtype_slots(global->type);
    if (module.global_slots > 0xFFFF) load_refuse("too many globals", "", at);
  }
  module.global_values = arena_take(module.global_slots * sizeof(slot_t));
}

/* §3.4.8 exports: a known index of each kind, every name distinct (checked pairwise: modules export few). */
static void read_exports(reader_t *r) {
  module.exports_at = reader_offset(r);
  uint32_t count = read_u32(r);
  const uint8_t *first_name = r->at;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t at = reader_offset(r);
    const uint8_t *name;
    uint32_t length = read_checked_name(r, &name);
    uint8_t kind = read_byte(r);
    uint32_t index = read_u32(r);
    uint32_t bound = kind == EXTERNAL_FUNCTION ? module.function_count
                     : kind == EXTERNAL_TABLE  ? module.has_table
                     : kind == EXTERNAL_MEMORY ? module.has_memory
                     : kind == EXTERNAL_GLOBAL ? module.global_count
                                               : 0;
    if (kind > EXTERNAL_GLOBAL) load_refuse("invalid export kind", "", at);
    if (index >= bound) load_refuse("export of an unknown index", "", at);
    reader_t earlier = {first_name, name};
    for (uint32_t j = 0; j < i; j++) {
      const uint8_t *other;
      uint32_t other_length = read_name(&earlier, &other);
      read_byte(&earlier);
      read_u32(&earlier);
      if (other_length == length && memcmp(other, name, length) == 0) load_refuse("duplicate export name", "", at);
    }
  }
}

static void read_start(reader_t *r) {
  uint32_t at = reader_offset(r);
  uint32_t function = read_u32(r);
  if (function >= module.function_count) load_refuse("unknown start function", "", at);
  const func_type_t *type = &module.types[module.functions[function].type];
  if (type->param_count || type->result_count) load_refuse("start function with parameters or results", "", at);
  module.start_function = function;
}

/* §5.5.12: element segments of form 0 (active, table 0, an i32 offset, function indices); the rest are reference types'. */
static void read_elements(reader_t *r) {
  module.elements_at = reader_offset(r);
  uint32_t count = read_u32(r);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t at = reader_offset(r);
    uint32_t form = read_u32(r);
    if (form != 0) load_refuse("unsupported feature:", "element segment form", at);
    if (!module.has_table) load_refuse("an element segment without a table", "", at);
    uint32_t offset[2];
    read_const_expr(r, VALTYPE_I32, offset);
    uint32_t functions = read_u32(r);
    for (uint32_t f = 0; f < functions; f++) {
      uint32_t function_at = reader_offset(r);
      if (read_u32(r) >= module.function_count) load_refuse("unknown function", "", function_at);
    }
  }
}

static uint32_t declared_data_count = UINT32_MAX;

static const interp_storage_t *storage_in_use;
static const char CODE_NOT_THIS_MODULES[] = "the compiled code in flash is not this module's";

/*
 * The cells just compiled at module.code, a function's (or the exit cell): handed to the writer, or compared with
 * the home's at the same place, `at` the body's offset for a refusal; then the arena has them back.
 */
static void place_code(uint32_t at) {
  uint32_t cells = (uint32_t)((cell_t *)(arena + arena_used) - module.code);
  const interp_storage_t *storage = storage_in_use;
  if (cells > storage->code_cells - module.code_cells) load_refuse(CODE_NOT_THIS_MODULES, "", at);
  if (storage->write_code) {
    storage->write_code(module.code, cells);
  } else if (memcmp(module.code, storage->code + module.code_cells, cells * sizeof(cell_t)) != 0) {
    load_refuse(CODE_NOT_THIS_MODULES, "", at);
  }
  arena_give_back(cells * sizeof(cell_t));
  module.code_cells += cells;
}

static void read_code(reader_t *r, uint32_t defined) {
  uint32_t count = read_u32(r);
  if (count != defined) load_refuse("function and code section lengths differ", "", reader_offset(r));
  module.code_home = storage_in_use->code;
  module.code = (cell_t *)(arena + arena_used);
  compile_exit();
  place_code(0);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t size = read_u32(r);
    uint32_t at = reader_offset(r);
    const uint8_t *body = read_bytes(r, size);
    compile_function(module.imported_functions + i, body, body + size);
    place_code(at);
  }
  if (!storage_in_use->write_code && module.code_cells != storage_in_use->code_cells) {
    load_refuse(CODE_NOT_THIS_MODULES, "", 0);
  }
}

static void read_data(reader_t *r) {
  uint32_t count = read_u32(r);
  if (declared_data_count != UINT32_MAX && count != declared_data_count) {
    load_refuse("data count and data section lengths differ", "", reader_offset(r));
  }
  module.data_count = count;
  module.data = arena_take(count * sizeof(data_segment_t));
  module.data_dropped = arena_take(count);
  for (uint32_t i = 0; i < count; i++) {
    data_segment_t *segment = &module.data[i];
    uint32_t at = reader_offset(r);
    uint32_t form = read_u32(r);
    if (form > 2) load_refuse("invalid data segment form", "", at);
    if (form == 2 && read_u32(r) != 0) load_refuse("unknown memory", "", at);
    if (form != 1) {
      if (!module.has_memory) load_refuse("unknown memory", "", at);
      uint32_t offset[2];
      read_const_expr(r, VALTYPE_I32, offset);
      segment->memory_offset = offset[0];
      segment->active = 1;
    }
    segment->length = read_u32(r);
    segment->bytes_at = (uint32_t)(read_bytes(r, segment->length) - module.wasm);
  }
}

uint32_t interp_data_count_declared(void) {
  return declared_data_count;
}

static void read_module(uint32_t host_count) {
  reader_t r = {module.wasm, module.wasm + module.wasm_length};
  if (read_fixed32(&r) != WASM_MAGIC) load_refuse("not a Wasm module (magic)", "", 0);
  if (read_fixed32(&r) != WASM_VERSION) load_refuse("unsupported Wasm version", "", 4);
  uint32_t last_rank = 0;
  uint32_t defined_functions = 0;
  int code_seen = 0;
  while (r.at < r.end) {
    uint32_t at = reader_offset(&r);
    uint8_t id = read_byte(&r);
    uint32_t size = read_u32(&r);
    reader_t section = {read_bytes(&r, size), r.at};
    if (id > SECTION_DATA_COUNT) load_refuse("unknown section", "", at);
    if (id == SECTION_CUSTOM) {
      const uint8_t *name;
      read_checked_name(&section, &name);
      continue;
    }
    if (SECTION_RANK[id] <= last_rank) load_refuse("section out of order or repeated", "", at);
    last_rank = SECTION_RANK[id];
    switch (id) {
      case SECTION_TYPE: read_types(&section); break;
      case SECTION_IMPORT: read_imports(&section, host_count); break;
      case SECTION_FUNCTION: {
        uint32_t before = module.function_count;
        read_functions(&section);
        defined_functions = module.function_count - before;
        break;
      }
      case SECTION_TABLE: read_table(&section); break;
      case SECTION_MEMORY: read_memory(&section); break;
      case SECTION_GLOBAL: read_globals(&section); break;
      case SECTION_EXPORT: read_exports(&section); break;
      case SECTION_START: read_start(&section); break;
      case SECTION_ELEMENT: read_elements(&section); break;
      case SECTION_DATA_COUNT: declared_data_count = read_u32(&section); break;
      case SECTION_CODE: read_code(&section, defined_functions); code_seen = 1; break;
      case SECTION_DATA: read_data(&section); break;
    }
    if (section.at != section.end) load_refuse("section size mismatch", "", at);
  }
  if (defined_functions && !code_seen) load_refuse("function and code section lengths differ", "", 0);
  if (declared_data_count != UINT32_MAX && module.data == NULL && declared_data_count != 0) {
    load_refuse("data count and data section lengths differ", "", 0);
  }
}

bool interp_load(const interp_storage_t *storage, const uint8_t *wasm, uint32_t length,
                 const interp_host_import_t *imports, uint32_t import_count) {
  memset(&module, 0, sizeof module);
  module.wasm = wasm;
  module.wasm_length = length;
  module.host = imports;
  module.start_function = NO_FUNCTION;
  storage_in_use = storage;
  arena = storage->arena;
  arena_bytes = storage->arena_bytes;
  arena_used = 0;
  arena_peak = 0;
  arena_scratch_release();
  declared_data_count = UINT32_MAX;
  error_length = 0;
  error_text[0] = 0;
  if (setjmp(refusal) != 0) {
    memset(&module, 0, sizeof module);
    return false;
  }
  interp_prepare_dispatch();
  read_module(import_count);
  interp_bind_storage(storage);
  return true;
}

int32_t interp_export_function(const char *name) {
  if (!module.exports_at) return -1;
  reader_t r = {module.wasm + module.exports_at, module.wasm + module.wasm_length};
  uint32_t count = read_u32(&r);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *export_name;
    uint32_t length = read_name(&r, &export_name);
    uint8_t kind = read_byte(&r);
    uint32_t index = read_u32(&r);
    if (kind == EXTERNAL_FUNCTION && name_is(export_name, length, name)) return (int32_t)index;
  }
  return -1;
}

bool interp_export_i32_global(const char *name, uint32_t *value) {
  if (!module.exports_at) return false;
  reader_t r = {module.wasm + module.exports_at, module.wasm + module.wasm_length};
  uint32_t count = read_u32(&r);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *export_name;
    uint32_t length = read_name(&r, &export_name);
    uint8_t kind = read_byte(&r);
    uint32_t index = read_u32(&r);
    if (kind == EXTERNAL_GLOBAL && name_is(export_name, length, name) && module.globals[index].type == VALTYPE_I32) {
      *value = module.global_values[module.globals[index].slot];
      return true;
    }
  }
  return false;
}

uint32_t interp_function_count(void) {
  return module.function_count;
}

uint32_t interp_export_count(void) {
  if (!module.exports_at) return 0;
  reader_t r = {module.wasm + module.exports_at, module.wasm + module.wasm_length};
  return read_u32(&r);
}

bool interp_export_function_at(uint32_t position, char *name, size_t size, uint32_t *function) {
  reader_t r = {module.wasm + module.exports_at, module.wasm + module.wasm_length};
  uint32_t count = read_u32(&r);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *export_name;
    uint32_t length = read_name(&r, &export_name);
    uint8_t kind = read_byte(&r);
    uint32_t index = read_u32(&r);
    if (i != position) continue;
    if (kind != EXTERNAL_FUNCTION || length + 1 > size) return false;
    memcpy(name, export_name, length);
    name[length] = 0;
    *function = index;
    return true;
  }
  return false;
}

bool interp_exports_memory(void) {
  if (!module.exports_at) return false;
  reader_t r = {module.wasm + module.exports_at, module.wasm + module.wasm_length};
  uint32_t count = read_u32(&r);
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *name;
    read_name(&r, &name);
    uint8_t kind = read_byte(&r);
    read_u32(&r);
    if (kind == EXTERNAL_MEMORY) return true;
  }
  return false;
}
