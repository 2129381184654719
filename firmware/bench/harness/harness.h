/*
 * Both benchmark images' main loop (docs/firmware.md, "Benchmark"; bench/firmware.ts): each image lists its runs,
 * every run times the same work on two sides in one image, the app through the engine and plain C.
 */
#ifndef WASMOTE_BENCH_HARNESS_H
#define WASMOTE_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* One side of a run: `iterations` of workload `id`; returns its checksum, non-negative, or -1 if the app trapped. */
typedef int32_t (*harness_side_t)(uint8_t id, int32_t iterations);

typedef struct {
  /* The figure's id in the LOG line; bench/firmware.ts names it. */
  uint8_t id;
  int32_t iterations;
  harness_side_t wasm;
  harness_side_t c;
} harness_run_t;

/*
 * Boots, loads the engine and sends `bench load <µs>`, then makes each run: a fresh instance of the app and a
 * fresh C side (`start_c`), both started untimed, then each side timed. Sends `bench <id> <iterations> <wasm µs> <c µs> <wasm checksum> <c checksum>` per run and
 * `bench done` as LOG lines, then idles.
 */
_Noreturn void harness_main(const harness_run_t *runs, size_t count, void (*start_c)(void));

#endif
