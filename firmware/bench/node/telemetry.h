/*
 * Metric declarations (docs/hal-abi.md §4.6), as drivers/hal/telemetry.ts makes them: the name and unit copied
 * into buffers of the ABI's limits in the node's memory. Reports are hal_metric_report() itself.
 */
#ifndef WASMOTE_BENCH_NODE_TELEMETRY_H
#define WASMOTE_BENCH_NODE_TELEMETRY_H

#include <stdint.h>

#include "../../hal/status.h"

/* §4.6: name 1..24 bytes, unit 0..8 bytes. */
#define NODE_METRIC_NAME_BYTES 24
#define NODE_METRIC_UNIT_BYTES 8

/* UCUM codes for the units the drivers report in (docs/link-protocol.md §4.2.1). */
#define NODE_UNIT_CELSIUS "Cel"
#define NODE_UNIT_RELATIVE_HUMIDITY "%RH"
#define NODE_UNIT_PASCAL "Pa"
#define NODE_UNIT_METRES_PER_SECOND_SQUARED "m/s2"
#define NODE_UNIT_RADIANS_PER_SECOND "rad/s"

/* Declares metric `id` (only allowed during init); BAD_ARGUMENT without a HAL call if a text is too long. */
hal_status_t node_declare_metric(int32_t id, const char *name, const char *unit);

#endif
