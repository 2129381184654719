/*
 * drivers/apps/sensor-node.ts's init and tick in plain C, against the same C HAL functions the app's imports
 * call (hal/imports.h): the benchmark's C side of a whole tick (docs/firmware.md, "Benchmark"). It takes no
 * commands, so its interval and the user's LED mode stay at the app's defaults.
 */
#ifndef WASMOTE_BENCH_NODE_SENSOR_NODE_H
#define WASMOTE_BENCH_NODE_SENSOR_NODE_H

#include <stdint.h>

/* A fresh node, as a fresh instance: probes the four chips, declares the metrics of those found, initialises them. */
void sensor_node_init(void);

/* Reads the sensors when the interval is due; returns the ms from `now_ms` until the next reading or LED edge. */
uint32_t sensor_node_tick(int64_t now_ms);

#endif
