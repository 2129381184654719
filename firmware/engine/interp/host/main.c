/*
 * The interpreter built for the host, for tests and the build: `interp-host FILE.wasm` loads the module with
 * Binaryen's fuzzing imports (fuzzing-support.log-*), instantiates it and calls each exported function with
 * zero arguments in export order, printing one line per log, result and trap, then a hash of the linear
 * memory; test/firmware/interp/ compares the lines with V8's. `interp-host --validate FILE.wasm` only loads it
 * with those imports and prints `valid` or `refused` and the reason. `interp-host --arena FILE.wasm` prints the
 * arena bytes the module needs with the HAL ABI's imports and the cells of its compiled code, which the firmware
 * build sizes the board's arena and its flash for the code by. Each loads the module twice, as a board image's
 * build and then the board do: the first load hands the compiled code to keep_code(), the second compiles it again
 * and compares it with what was kept, and the module runs from there.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hal_abi.h"
#include "../interp.h"

#define ARENA_BYTES (4u << 20)
#define STACK_SLOTS (1u << 20)
/* Wasm memories of up to 256 pages run as they would anywhere; the board backs only its limit. */
#define MEMORY_LIMIT_BYTES (256u * 65536u)

static uint8_t arena[ARENA_BYTES];
static slot_t stack[STACK_SLOTS];
static uint8_t memory[MEMORY_LIMIT_BYTES];
static jmp_buf trap_target;
static trap_code_t trapped;

_Noreturn void interp_trap(trap_code_t code, const char *message) {
  (void)message;
  trapped = code;
  longjmp(trap_target, 1);
}

static void log_i32(slot_t *slots) {
  printf("log i32 %" PRId32 "\n", (int32_t)slots[0]);
}
static void log_i64(slot_t *slots) {
  uint64_t value;
  memcpy(&value, slots, 8);
  printf("log i64 %" PRId64 "\n", (int64_t)value);
}
static void log_f32(slot_t *slots) {
  printf("log f32 %08" PRIx32 "\n", slots[0]);
}
static void log_f64(slot_t *slots) {
  uint64_t value;
  memcpy(&value, slots, 8);
  printf("log f64 %016" PRIx64 "\n", value);
}
static void ignore(slot_t *slots) {
  slots[0] = 0;
}

static const interp_host_import_t FUZZING_IMPORTS[] = {
    {"fuzzing-support", "log-i32", "i:", log_i32},
    {"fuzzing-support", "log-i64", "I:", log_i64},
    {"fuzzing-support", "log-f32", "f:", log_f32},
    {"fuzzing-support", "log-f64", "F:", log_f64},
};

/* hal_abi.h: the board's imports, to validate and size an app (never called). */
#define UNBOUND(module, name, signature, function) {module, name, signature, ignore},
static const interp_host_import_t HAL_IMPORTS[] = {HAL_ABI_IMPORTS(UNBOUND)};

static uint32_t *code;
static uint32_t code_cells, code_capacity;

static void keep_code(const uint32_t *cells, uint32_t count) {
  if (code_cells + count > code_capacity) {
    code_capacity = 2 * (code_cells + count);
    code = realloc(code, code_capacity * sizeof(uint32_t));
    if (!code) {
      fprintf(stderr, "out of memory for the compiled code\n");
      exit(2);
    }
  }
  memcpy(code + code_cells, cells, count * sizeof(uint32_t));
  code_cells += count;
}

static uint8_t *read_file(const char *path, uint32_t *length) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *bytes = malloc(size > 0 ? (size_t)size : 1);
  if (!bytes || fread(bytes, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(file);
  *length = (uint32_t)size;
  return bytes;
}

static void print_results(const char *signature, const slot_t *slots) {
  const char *results = strchr(signature, ':') + 1;
  for (; *results; results++) {
    uint64_t wide;
    switch (*results) {
      case 'i': printf(" i32 %" PRId32, (int32_t)*slots++); break;
      case 'f': printf(" f32 %08" PRIx32, *slots++); break;
      case 'I':
        memcpy(&wide, slots, 8);
        slots += 2;
        printf(" i64 %" PRId64, (int64_t)wide);
        break;
      case 'F':
        memcpy(&wide, slots, 8);
        slots += 2;
        printf(" f64 %016" PRIx64, wide);
        break;
    }
  }
  printf("\n");
}

/* FNV-1a of the exported memory's bytes (of none when the module keeps its memory to itself). */
static uint32_t memory_hash(void) {
  uint32_t hash = 2166136261u;
  const uint8_t *bytes = interp_memory();
  uint32_t length = interp_exports_memory() ? interp_memory_bytes() : 0;
  for (uint32_t i = 0; i < length; i++) hash = (hash ^ bytes[i]) * 16777619u;
  return hash;
}

int main(int argc, char **argv) {
  int sizing = argc == 3 && strcmp(argv[1], "--arena") == 0;
  int validating = argc == 3 && strcmp(argv[1], "--validate") == 0;
  if (argc != 2 && !sizing && !validating) {
    fprintf(stderr, "usage: interp-host [--arena | --validate] FILE.wasm\n");
    return 2;
  }
  uint32_t length;
  uint8_t *wasm = read_file(argv[argc - 1], &length);
  interp_storage_t storage = {arena, ARENA_BYTES, stack, STACK_SLOTS, memory, MEMORY_LIMIT_BYTES, NULL, UINT32_MAX, keep_code};
  const interp_host_import_t *imports = sizing ? HAL_IMPORTS : FUZZING_IMPORTS;
  uint32_t import_count = sizing ? sizeof HAL_IMPORTS / sizeof HAL_IMPORTS[0] : sizeof FUZZING_IMPORTS / sizeof FUZZING_IMPORTS[0];
  bool loaded = interp_load(&storage, wasm, length, imports, import_count);
  if (loaded) {
    storage.code = code;
    storage.code_cells = code_cells;
    storage.write_code = NULL;
    loaded = interp_load(&storage, wasm, length, imports, import_count);
  }
  if (!loaded) {
    printf("refused %s\n", interp_load_error());
    return sizing ? 1 : 0;
  }
  if (sizing) {
    printf("%" PRIu32 " %" PRIu32 "\n", interp_arena_peak(), code_cells);
    return 0;
  }
  if (validating) {
    printf("valid\n");
    return 0;
  }
  if (setjmp(trap_target) != 0) {
    printf("instantiate trap\n");
    return 0;
  }
  interp_instantiate();
  static slot_t slots[512];
  for (volatile uint32_t e = 0; e < interp_export_count(); e++) {
    char name[256], signature[600];
    uint32_t function;
    if (!interp_export_function_at(e, name, sizeof name, &function)) continue;
    interp_function_signature(function, signature, sizeof signature);
    printf("call %s\n", name);
    fflush(stdout);
    memset(slots, 0, sizeof slots);
    if (setjmp(trap_target) != 0) {
      printf("trap %d\n", (int)trapped);
      continue;
    }
    interp_call(function, slots);
    printf("result");
    print_results(signature, slots);
  }
  printf("memory %08" PRIx32 "\n", memory_hash());
  free(wasm);
  return 0;
}
