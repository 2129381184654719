/*
 * The firmware benchmark's plain-C side (docs/firmware.md, "Benchmark"): the algorithms of workloads.ts, written
 * from the same datasheets as the drivers, for the same checksums.
 */
#ifndef WASMOTE_BENCH_WORKLOADS_H
#define WASMOTE_BENCH_WORKLOADS_H

#include <stdint.h>

/* Command opcodes of workloads.ts, restated. */
typedef enum {
  WORKLOAD_SHT31_CRC = 0x80,
  WORKLOAD_BME280_COMPENSATION = 0x81,
  WORKLOAD_FIR_FILTER = 0x82,
} workload_t;

void workloads_init(void);

/* Runs `iterations` of `workload`; returns its checksum, non-negative as the Wasm side returns it. */
int32_t workload_run(workload_t workload, int32_t iterations);

#endif
