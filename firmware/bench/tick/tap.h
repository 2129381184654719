/*
 * What a side of the whole-tick workload hands the HAL, folded into one checksum (FNV-1a over 32-bit words,
 * draft-eastlake-fnv): every I2C transaction and pin call (responder/), every wait and every metric report
 * (tap.c). Equal checksums mean the app and the C node did the same I/O and reported the same values.
 */
#ifndef WASMOTE_BENCH_TICK_TAP_H
#define WASMOTE_BENCH_TICK_TAP_H

#include <stdint.h>

/* FNV's 32-bit offset basis and prime. */
#define TAP_FNV_OFFSET_BASIS 0x811C9DC5u
#define TAP_FNV_PRIME 0x01000193u

extern uint32_t tap_state;

static inline void tap_reset(void) {
  tap_state = TAP_FNV_OFFSET_BASIS;
}

static inline void tap_fold(uint32_t word) {
  tap_state = (tap_state ^ word) * TAP_FNV_PRIME;
}

#endif
