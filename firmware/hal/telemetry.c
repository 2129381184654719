#include "telemetry.h"

#include <math.h>
#include <string.h>

#include "../link/device.h"
#include "text.h"

/* HELLO entry: id u8, name str, unit str (docs/link-protocol.md §4.1). */
#define ENTRY_BYTES (1 + 1 + TELEMETRY_MAX_NAME_BYTES + 1 + TELEMETRY_MAX_UNIT_BYTES)
/*
 * Values held for one DATA message; a tick that reports more sends them in several, all stamped with the tick's
 * start. One per metric covers a tick that reports each once.
 */
#define PENDING_VALUES TELEMETRY_MAX_METRICS

static uint8_t entries[TELEMETRY_MAX_METRICS * ENTRY_BYTES];
static size_t entries_length;
static uint8_t metric_count;
static uint8_t declared[(TELEMETRY_MAX_METRIC_ID + 8) / 8];
static bool declaring;

static uint8_t pending[PENDING_VALUES * LINK_DATA_VALUE_BYTES];
static uint8_t pending_count;
static uint64_t tick_time_ms;

static bool is_declared(int32_t id) {
  return id >= 0 && id <= TELEMETRY_MAX_METRIC_ID && (declared[id / 8] & (1u << (id % 8))) != 0;
}

/* §4.6: `[a-z0-9_.]`, 1..24 bytes. */
static bool valid_name(const uint8_t *name, uint32_t length) {
  if (length == 0 || length > TELEMETRY_MAX_NAME_BYTES) return false;
  for (uint32_t i = 0; i < length; i++) {
    uint8_t c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

void telemetry_reset(void) {
  entries_length = 0;
  metric_count = 0;
  memset(declared, 0, sizeof declared);
  pending_count = 0;
}

void telemetry_set_declaring(bool value) {
  declaring = value;
}

hal_status_t telemetry_declare(int32_t id, const uint8_t *name, uint32_t name_length, const uint8_t *unit,
                               uint32_t unit_length) {
  if (!declaring || id < 0 || id > TELEMETRY_MAX_METRIC_ID || is_declared(id)) return HAL_BAD_ARGUMENT;
  if (metric_count >= TELEMETRY_MAX_METRICS || !valid_name(name, name_length)) return HAL_BAD_ARGUMENT;
  char valid_unit[TELEMETRY_MAX_UNIT_BYTES];
  size_t unit_needed;
  size_t valid_unit_length = text_from_utf8(unit, unit_length, valid_unit, sizeof valid_unit, &unit_needed);
  if (unit_needed > TELEMETRY_MAX_UNIT_BYTES) return HAL_BAD_ARGUMENT;
  link_writer_t writer;
  link_writer_init(&writer, entries + entries_length, sizeof entries - entries_length);
  link_put_metric(&writer, (uint8_t)id, (link_str_t){(const char *)name, name_length},
                  (link_str_t){valid_unit, valid_unit_length});
  entries_length += writer.length;
  metric_count++;
  declared[id / 8] |= (uint8_t)(1u << (id % 8));
  return HAL_OK;
}

hal_status_t telemetry_report(int32_t id, double value) {
  if (!is_declared(id) || !isfinite(value)) return HAL_BAD_ARGUMENT;
  if (pending_count == PENDING_VALUES) telemetry_send();
  link_put_data_value(pending + pending_count * LINK_DATA_VALUE_BYTES, (uint8_t)id, value);
  pending_count++;
  return HAL_OK;
}

uint8_t telemetry_metric_count(void) {
  return metric_count;
}

const uint8_t *telemetry_metric_entries(size_t *length) {
  *length = entries_length;
  return entries;
}

void telemetry_begin_tick(uint64_t time_ms) {
  tick_time_ms = time_ms;
  pending_count = 0;
}

void telemetry_send(void) {
  if (pending_count == 0) return;
  link_message_t message = {.type = LINK_TYPE_DATA};
  message.as.data = (link_data_t){.time_ms = tick_time_ms, .count = pending_count, .values = pending};
  link_device_send(&message);
  pending_count = 0;
}
