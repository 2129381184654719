/*
 * What the app declares in `init` and says while it runs (docs/hal-abi.md §4.6, §4.7): its metrics with their
 * kind and range (METRIC, docs/link-protocol.md §4.2), the opcodes it handles (HELLO's opcodes), the standard
 * outputs' states (HELLO's and HEARTBEAT's report interval and LED), and the values reported during the current
 * tick (DATA). The phase checks are the imports' (imports.c); this table checks the values.
 *
 * The runner reads it with the getters below; telemetry_reset() starts a fresh instance's table.
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

/* §4.6 metric_describe kinds, as METRIC's `kind` carries them. */
typedef enum {
  TELEMETRY_KIND_NUMBER = 0,
  TELEMETRY_KIND_INTEGER = 1,
  TELEMETRY_KIND_BOOLEAN = 2,
} telemetry_kind_t;

/* §4.7 output_state outputs. */
typedef enum {
  TELEMETRY_OUTPUT_REPORT_INTERVAL = 0,
  TELEMETRY_OUTPUT_LED_MODE = 1,
  TELEMETRY_OUTPUT_LED_PERIOD = 2,
} telemetry_output_t;

/* docs/link-protocol.md §4.8: `led_mode` before the app sets it. */
#define TELEMETRY_LED_MODE_NOT_SET 255u
/* §4.7: opcodes 0x01..0x6F and 0x80..0xFF; HELLO lists at most this many. */
#define TELEMETRY_MAX_OPCODES (0x6F + 0x80)

/* One declared metric as METRIC carries it: a copy, which the caller keeps as long as it likes. */
typedef struct {
  /* The sensor's range when `has_range`; both 0 otherwise, as METRIC sends them. */
  double min;
  double max;
  uint8_t id;
  uint8_t kind; /* telemetry_kind_t */
  bool has_range;
  uint8_t name_length;
  uint8_t unit_length;
  char name[TELEMETRY_MAX_NAME_BYTES];
  /* Valid UTF-8. */
  char unit[TELEMETRY_MAX_UNIT_BYTES];
} telemetry_metric_t;

/* A fresh instance: no metrics, no opcodes, no values, outputs not set. */
void telemetry_reset(void);

/* `name` and `unit` are the app's bytes; the unit is made valid UTF-8 first, as the simulator decodes it. */
hal_status_t telemetry_declare(int32_t id, const uint8_t *name, uint32_t name_length, const uint8_t *unit,
                               uint32_t unit_length);
/* §4.6: kind 0..2 and a range finite with min <= max, or both NaN for none; a later call replaces an earlier. */
hal_status_t telemetry_describe(int32_t id, int32_t kind, double min, double max);
/* §4.7: 0x01..0x6F or 0x80..0xFF; declaring one twice is harmless. */
hal_status_t telemetry_declare_command(int32_t opcode);
/* §4.7: records an output's state; BAD_ARGUMENT for another output or a value out of its range. */
hal_status_t telemetry_set_output(int32_t output, int32_t value);
hal_status_t telemetry_report(int32_t id, double value);

/* HELLO's `metric_count`, and the metrics in declaration order (index < count), for the METRIC messages. */
uint8_t telemetry_metric_count(void);
bool telemetry_metric(uint8_t index, telemetry_metric_t *metric);

/* HELLO's opcodes: whether one is declared, how many are, and all of them ascending into `out`; returns the count. */
bool telemetry_opcode_declared(uint8_t opcode);
uint8_t telemetry_opcode_count(void);
uint8_t telemetry_opcodes(uint8_t out[TELEMETRY_MAX_OPCODES]);

/* The outputs as the app last set them: interval 0, LED mode TELEMETRY_LED_MODE_NOT_SET, period 0 until it does. */
uint32_t telemetry_report_interval_ms(void);
uint8_t telemetry_led_mode(void);
uint16_t telemetry_led_period_ms(void);

/* Stamps the values reported from now on with `time_ms`, the start of the tick they belong to. */
void telemetry_begin_tick(uint64_t time_ms);

/*
 * Sends the values reported and not yet sent as one DATA message, if there are any: at the end of a tick (each 24th
 * value reported sends the 24 at once, docs/link-protocol.md §7.2).
 */
void telemetry_send(void);

#endif
