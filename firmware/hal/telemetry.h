/*
 * The app's metrics (docs/hal-abi.md §4.6): the table declared during `init`, kept as HELLO carries it, and
 * the values reported during the current tick, kept as DATA carries them (docs/link-protocol.md §4.1, §4.2).
 */
#ifndef WASMOTE_HAL_TELEMETRY_H
#define WASMOTE_HAL_TELEMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* docs/hal-abi.md §4.6 limits. */
#define TELEMETRY_MAX_METRICS 24
#define TELEMETRY_MAX_METRIC_ID 254
#define TELEMETRY_MAX_NAME_BYTES 24
#define TELEMETRY_MAX_UNIT_BYTES 8

/* A fresh instance: no metrics, no values. */
void telemetry_reset(void);

/* §4.6: declarations are accepted only while `init` runs. */
void telemetry_set_declaring(bool declaring);

/* `name` and `unit` are the app's bytes; the unit is made valid UTF-8 first, as the simulator decodes it. */
hal_status_t telemetry_declare(int32_t id, const uint8_t *name, uint32_t name_length, const uint8_t *unit,
                               uint32_t unit_length);
hal_status_t telemetry_report(int32_t id, double value);

/* HELLO's metric_count and entries. */
uint8_t telemetry_metric_count(void);
const uint8_t *telemetry_metric_entries(size_t *length);

/* Stamps the values reported from now on with `time_ms`, the start of the tick they belong to. */
void telemetry_begin_tick(uint64_t time_ms);

/* Sends the values reported since telemetry_begin_tick() as one DATA message, if there are any. */
void telemetry_send(void);

#endif
