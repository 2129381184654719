/*
 * The parts of wasm-rt.h the generated module calls, for a microcontroller: linear memory, the table and the
 * function signatures live in static storage sized by the build; nothing is allocated at run time. The stock
 * wasm-rt-impl.c maps 8 GiB and installs signal handlers instead.
 *
 * Memory below one page: an app built with AssemblyScript's --lowMemoryLimit declares one 64 KiB page but uses
 * a few KiB. Only ENGINE_MEMORY_LIMIT_BYTES are backed; `size` says so, and every access is checked against it
 * (WASM_RT_MEMCHECK_SIGNAL_HANDLER 0, overrides.h), so an access past the limit traps instead of touching
 * firmware memory.
 */
#include <stdarg.h>
#include <string.h>

#include "config.h"
#include "wasm-rt.h"

#define PAGE_BYTES 65536u

uint8_t engine_linear_memory[ENGINE_MEMORY_LIMIT_BYTES] __attribute__((aligned(8)));

/* At most as many bytes as the limit backs, however many pages the app declares. */
static uint32_t backed_bytes(uint64_t pages) {
  uint64_t bytes = pages * PAGE_BYTES;
  return bytes < ENGINE_MEMORY_LIMIT_BYTES ? (uint32_t)bytes : ENGINE_MEMORY_LIMIT_BYTES;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  memset(engine_linear_memory, 0, ENGINE_MEMORY_LIMIT_BYTES);
  memory->data = engine_linear_memory;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = backed_bytes(initial_pages);
}

/* overrides.h, LOAD_PACKED_DATA: bit i % 8 of packed[i / 8] says whether byte i is one of the bytes after the map. */
void engine_unpack_data(uint8_t *dest, const uint8_t *packed, uint32_t length) {
  const uint8_t *bytes = packed + (length + 7u) / 8u;
  for (uint32_t i = 0; i < length; i++) dest[i] = (packed[i / 8u] >> (i % 8u)) & 1u ? *bytes++ : 0;
}

/* Z_app_free() calls these; static storage has nothing to give back. */
void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  (void)memory;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *table) {
  (void)table;
}

/*
 * Grows while the new pages start inside the backed bytes: an app below one page may grow from 0 to 1 page,
 * never past the limit. Returns the old page count, or UINT32_MAX (wasm `memory.grow` failure).
 */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = (uint64_t)old_pages + delta;
  if (new_pages > memory->max_pages || (new_pages > 0 && (new_pages - 1) * PAGE_BYTES >= ENGINE_MEMORY_LIMIT_BYTES)) {
    return UINT32_MAX;
  }
  memory->pages = (uint32_t)new_pages;
  memory->size = backed_bytes(new_pages);
  return old_pages;
}

/*
 * Function signatures, for call_indirect's check: equal signatures get equal numbers. Each is kept as its
 * parameter count, result count and value types, one byte each, in a pool the build sizes to the app's type
 * section. Numbers start at 1; 0 never matches a table entry.
 */
static uint8_t signatures[ENGINE_SIGNATURE_BYTES > 0 ? ENGINE_SIGNATURE_BYTES : 1];
static size_t signatures_used;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  size_t length = 2 + params + results;
  if (params > UINT8_MAX || results > UINT8_MAX || signatures_used + length > ENGINE_SIGNATURE_BYTES) return 0;
  uint8_t *candidate = signatures + signatures_used;
  candidate[0] = (uint8_t)params;
  candidate[1] = (uint8_t)results;
  va_list types;
  va_start(types, results);
  for (size_t i = 2; i < length; i++) candidate[i] = (uint8_t)va_arg(types, int);
  va_end(types);
  uint32_t number = 1;
  for (size_t at = 0; at < signatures_used; number++) {
    size_t known_length = 2 + (size_t)signatures[at] + signatures[at + 1];
    if (known_length == length && memcmp(signatures + at, candidate, length) == 0) return number;
    at += known_length;
  }
  signatures_used += length;
  return number;
}

/* The app's one funcref table (AssemblyScript's indirect calls), its elements in static storage. */
static wasm_rt_funcref_t table_elements[ENGINE_TABLE_ELEMENTS > 0 ? ENGINE_TABLE_ELEMENTS : 1];
static const uint32_t table_capacity = ENGINE_TABLE_ELEMENTS;

/* More elements than the capacity make the element segments' bounds checks trap at instantiation. */
void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *table, uint32_t elements, uint32_t max_elements) {
  memset(table_elements, 0, sizeof table_elements);
  table->data = table_elements;
  table->size = elements <= table_capacity ? elements : table_capacity;
  table->max_size = max_elements < table_capacity ? max_elements : table_capacity;
}

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *table, uint32_t delta, wasm_rt_funcref_t init) {
  uint32_t old_elements = table->size;
  if ((uint64_t)old_elements + delta > table->max_size) return UINT32_MAX;
  for (uint32_t i = old_elements; i < old_elements + delta; i++) table->data[i] = init;
  table->size = old_elements + delta;
  return old_elements;
}
