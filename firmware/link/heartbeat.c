/* HEARTBEAT, type 0x08, device → edge (docs/link-protocol.md §4.8): the runner's own state, 76 bytes. */
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

/* last_failure_kind: none, trap or runaway. */
static bool failure_kind_valid(uint8_t kind) {
  return kind == 0 || kind == LINK_EVENT_TRAP || kind == LINK_EVENT_RUNAWAY;
}

/* led_mode: off, on, blinking, not set. */
static bool led_mode_valid(uint8_t mode) {
  return mode == 0 || mode == 1 || mode == 3 || mode == LINK_LED_NOT_SET;
}

/* led_level: low, high, not an output. */
static bool led_level_valid(uint8_t level) {
  return level == 0 || level == 1 || level == LINK_LED_LEVEL_NONE;
}

bool link_encode_heartbeat(link_writer_t *writer, const link_heartbeat_t *message) {
  if ((unsigned)message->app_state > LINK_APP_BACKING_OFF || !failure_kind_valid(message->last_failure_kind) ||
      !led_mode_valid(message->led_mode) || !led_level_valid(message->led_level)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u64(writer, message->uptime_ms);
  link_put_u32(writer, message->session);
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
  message->boot_count = link_get_u32(reader, "boot_count");
  message->app_state =
      (link_app_state_t)link_get_u8_within(reader, "app_state", LINK_APP_RUNNING, LINK_APP_BACKING_OFF);
  message->restart_at_ms = link_get_u64(reader, "restart_at_ms");
  message->consecutive_failures = link_get_u16(reader, "consecutive_failures");
  message->last_failure_kind = link_get_u8(reader, "last_failure_kind");
  if (!failure_kind_valid(message->last_failure_kind)) link_reader_fail(reader, "last_failure_kind");
  message->last_failure_code = link_get_u16(reader, "last_failure_code");
  for (unsigned i = 0; i < LINK_OUTCOMES; i++) message->rx.count[i] = link_get_u32(reader, RX_FIELDS[i]);
  message->commands_dropped = link_get_u32(reader, "commands_dropped");
  message->led_mode = link_get_u8(reader, "led_mode");
  if (!led_mode_valid(message->led_mode)) link_reader_fail(reader, "led_mode");
  message->led_period_ms = link_get_u16(reader, "led_period_ms");
  message->led_level = link_get_u8(reader, "led_level");
  if (!led_level_valid(message->led_level)) link_reader_fail(reader, "led_level");
  message->brightness_u16 = link_get_u16(reader, "brightness_u16");
  message->report_interval_ms = link_get_u32(reader, "report_interval_ms");
  return link_reader_end(reader);
}
