/*
 * The conversion workloads' image (docs/firmware.md, "Benchmark"; bench/firmware.ts): each workload of
 * workloads.ts through the app's `command` export, against workloads.c's plain C. harness/ starts and times both.
 */
#include "../engine/engine.h"
#include "harness/harness.h"
#include "workloads.h"

/* workloads.ts: opcode, then the iterations as a little-endian u32. */
#define COMMAND_BYTES 5u
#define ITERATIONS_AT 1u
#define ITERATIONS_BYTES 4u
#define BITS_PER_BYTE 8u

static int32_t wasm_workload(uint8_t opcode, int32_t iterations) {
  trap_t trap;
  uint32_t ptr;
  uint32_t checksum;
  if (!engine_call_command_buffer(COMMAND_BYTES, &ptr, &trap) || ptr == 0) return -1;
  uint8_t *command = engine_memory().data + ptr;
  command[0] = opcode;
  for (unsigned i = 0; i < ITERATIONS_BYTES; i++) {
    command[ITERATIONS_AT + i] = (uint8_t)((uint32_t)iterations >> (BITS_PER_BYTE * i));
  }
  if (!engine_call_command(ptr, COMMAND_BYTES, &checksum, &trap)) return -1;
  return (int32_t)checksum;
}

static int32_t c_workload(uint8_t opcode, int32_t iterations) {
  return workload_run((workload_t)opcode, iterations);
}

static const harness_run_t RUNS[] = {
    {WORKLOAD_SHT31_CRC, 20000, wasm_workload, c_workload},
    {WORKLOAD_BME280_COMPENSATION, 5000, wasm_workload, c_workload},
    {WORKLOAD_FIR_FILTER, 5000, wasm_workload, c_workload},
};

int main(void) {
  harness_main(RUNS, sizeof RUNS / sizeof RUNS[0], workloads_init);
}
