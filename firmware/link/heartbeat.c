/* HEARTBEAT, type 0x08, device → edge (docs/link-protocol.md §4.8): the runner's own state, 80 bytes. */
#include "messages.h"

/* HEARTBEAT's names of the receiver's counts (§4.8), in the order of link_drop_t. */
static const char *const RX_FIELDS[LINK_OUTCOMES] = {
    [LINK_ACCEPTED] = "rx_frames",
    [LINK_DROP_OVERSIZE] = "rx_oversize",
    [LINK_DROP_COBS] = "rx_cobs",
    [LINK_DROP_SHORT] = "rx_short",
    [LINK_DROP_CRC] = "rx_crc",
    [LINK_DROP_VERSION] = "rx_version",
    [LINK_DROP_UNKNOWN_TYPE] = "rx_unknown_type",
    [LINK_DROP_MALFORMED] = "rx_malformed",
};

static bool period_valid(uint32_t period_ms) {
  return period_ms >= LINK_HEARTBEAT_PERIOD_MIN_MS && period_ms <= LINK_HEARTBEAT_PERIOD_MAX_MS;
}

/* restart_at_ms: 0 while the app runs. */
static bool restart_valid(link_app_state_t state, uint64_t restart_at_ms) {
  return state != LINK_APP_RUNNING || restart_at_ms == 0;
}

/* last_failure_kind: none, trap or runaway. */
static bool failure_kind_valid(uint8_t kind) {
  return kind == 0 || kind == LINK_EVENT_TRAP || kind == LINK_EVENT_RUNAWAY;
}

/* last_failure_code: 0 with no failure, else in the kind's list (§4.7). */
static bool failure_code_valid(uint8_t kind, uint16_t code) {
  return kind == 0 ? code == 0 : link_event_code_valid(kind, code);
}

/* led_mode: off, on, blinking, not set. */
static bool led_mode_valid(uint8_t mode) {
  return mode == LINK_LED_OFF || mode == LINK_LED_ON || mode == LINK_LED_BLINKING || mode == LINK_LED_NOT_SET;
}

/* led_period_ms: 1..65535 while blinking, 0 in any other mode. */
static bool led_period_valid(uint8_t mode, uint16_t period_ms) {
  return (mode == LINK_LED_BLINKING) == (period_ms != 0);
}

/* led_level: low, high, not an output. */
static bool led_level_valid(uint8_t level) {
  return level == 0 || level == 1 || level == LINK_LED_LEVEL_NONE;
}

bool link_encode_heartbeat(link_writer_t *writer, const link_heartbeat_t *message) {
  if (!period_valid(message->heartbeat_period_ms) || (unsigned)message->app_state > LINK_APP_BACKING_OFF ||
      !restart_valid(message->app_state, message->restart_at_ms) || !failure_kind_valid(message->last_failure_kind) ||
      !failure_code_valid(message->last_failure_kind, message->last_failure_code) ||
      !led_mode_valid(message->led_mode) || !led_period_valid(message->led_mode, message->led_period_ms) ||
      !led_level_valid(message->led_level) || message->report_interval_ms > LINK_REPORT_INTERVAL_MAX_MS) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u64(writer, message->uptime_ms);
  link_put_u32(writer, message->session);
  link_put_u32(writer, message->heartbeat_period_ms);
  link_put_u32(writer, message->boot_count);
  link_put_u8(writer, (uint8_t)message->app_state);
  link_put_u64(writer, message->restart_at_ms);
  link_put_u16(writer, message->consecutive_failures);
  link_put_u8(writer, message->last_failure_kind);
  link_put_u16(writer, message->last_failure_code);
  for (unsigned i = 0; i < LINK_OUTCOMES; i++) link_put_u32(writer, message->rx.count[i]);
  link_put_u32(writer, message->commands_dropped);
  link_put_u8(writer, message->led_mode);
  link_put_u16(writer, message->led_period_ms);
  link_put_u8(writer, message->led_level);
  link_put_u16(writer, message->brightness_u16);
  link_put_u32(writer, message->report_interval_ms);
  return !writer->overflow;
}

bool link_decode_heartbeat(link_reader_t *reader, link_heartbeat_t *message) {
  message->uptime_ms = link_get_u64(reader, "uptime_ms");
  message->session = link_get_u32(reader, "session");
  message->heartbeat_period_ms = link_get_u32(reader, "heartbeat_period_ms");
  if (!period_valid(message->heartbeat_period_ms)) link_reader_fail(reader, "heartbeat_period_ms");
  message->boot_count = link_get_u32(reader, "boot_count");
  message->app_state =
      (link_app_state_t)link_get_u8_within(reader, "app_state", LINK_APP_RUNNING, LINK_APP_BACKING_OFF);
  message->restart_at_ms = link_get_u64(reader, "restart_at_ms");
  if (!restart_valid(message->app_state, message->restart_at_ms)) link_reader_fail(reader, "restart_at_ms");
  message->consecutive_failures = link_get_u16(reader, "consecutive_failures");
  message->last_failure_kind = link_get_u8(reader, "last_failure_kind");
  if (!failure_kind_valid(message->last_failure_kind)) link_reader_fail(reader, "last_failure_kind");
  message->last_failure_code = link_get_u16(reader, "last_failure_code");
  if (!failure_code_valid(message->last_failure_kind, message->last_failure_code)) {
    link_reader_fail(reader, "last_failure_code");
  }
  for (unsigned i = 0; i < LINK_OUTCOMES; i++) message->rx.count[i] = link_get_u32(reader, RX_FIELDS[i]);
  message->commands_dropped = link_get_u32(reader, "commands_dropped");
  message->led_mode = link_get_u8(reader, "led_mode");
  if (!led_mode_valid(message->led_mode)) link_reader_fail(reader, "led_mode");
  message->led_period_ms = link_get_u16(reader, "led_period_ms");
  if (!led_period_valid(message->led_mode, message->led_period_ms)) link_reader_fail(reader, "led_period_ms");
  message->led_level = link_get_u8(reader, "led_level");
  if (!led_level_valid(message->led_level)) link_reader_fail(reader, "led_level");
  message->brightness_u16 = link_get_u16(reader, "brightness_u16");
  message->report_interval_ms = link_get_u32(reader, "report_interval_ms");
  if (message->report_interval_ms > LINK_REPORT_INTERVAL_MAX_MS) link_reader_fail(reader, "report_interval_ms");
  return link_reader_end(reader);
}
