/* HELLO, type 0x01, device → edge (docs/link-protocol.md §4.1): who the device is and why it (re)started. */
#include "messages.h"

/* §4.1: an app's opcode, one HELLO may list: not 0x00 and not the runner's own (0x70..0x7F). */
static bool app_opcode(uint8_t opcode) {
  return opcode != 0 && (opcode < LINK_RUNNER_OPCODE_FIRST || opcode > LINK_RUNNER_OPCODE_LAST);
}

/* §4.1: at most 16 app opcodes, strictly ascending. */
static bool opcodes_valid(const uint8_t *opcodes, uint8_t count) {
  if (count > LINK_HELLO_MAX_OPCODES || (count > 0 && opcodes == NULL)) return false;
  for (unsigned i = 0; i < count; i++) {
    if (!app_opcode(opcodes[i]) || (i > 0 && opcodes[i] <= opcodes[i - 1])) return false;
  }
  return true;
}

static bool period_valid(uint32_t period_ms) {
  return period_ms >= LINK_HEARTBEAT_PERIOD_MIN_MS && period_ms <= LINK_HEARTBEAT_PERIOD_MAX_MS;
}

bool link_encode_hello(link_writer_t *writer, const link_hello_t *message) {
  if (message->app_hash == NULL || (unsigned)message->boot_reason > LINK_BOOT_FAULT ||
      (unsigned)message->hello_reason > LINK_HELLO_REQUESTED || (unsigned)message->app_state > LINK_APP_BACKING_OFF ||
      !period_valid(message->heartbeat_period_ms) || message->report_interval_ms > LINK_REPORT_INTERVAL_MAX_MS ||
      !opcodes_valid(message->opcodes, message->opcode_count)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_id(writer, message->device_id);
  link_put_u8(writer, message->link_minor);
  link_put_str(writer, message->firmware_version, LINK_VERSION_TEXT_MAX_BYTES);
  link_put_u16(writer, message->capabilities);
  link_put_id(writer, message->board);
  link_put_id(writer, message->app_name);
  link_put_str(writer, message->app_version, LINK_VERSION_TEXT_MAX_BYTES);
  link_put_bytes(writer, message->app_hash, LINK_APP_HASH_BYTES);
  link_put_u32(writer, message->abi_version);
  link_put_u8(writer, (uint8_t)message->boot_reason);
  link_put_u8(writer, (uint8_t)message->hello_reason);
  link_put_u32(writer, message->session);
  link_put_u32(writer, message->boot_count);
  link_put_u64(writer, message->uptime_ms);
  link_put_u32(writer, message->heartbeat_period_ms);
  link_put_u32(writer, message->report_interval_ms);
  link_put_u8(writer, (uint8_t)message->app_state);
  link_put_u8(writer, message->metric_count);
  link_put_u8(writer, message->opcode_count);
  link_put_bytes(writer, message->opcodes, message->opcode_count);
  return !writer->overflow;
}

bool link_decode_hello(link_reader_t *reader, link_hello_t *message) {
  message->device_id = link_get_id(reader, "device_id");
  message->link_minor = link_get_u8(reader, "link_minor");
  message->firmware_version = link_get_str(reader, "firmware_version", LINK_VERSION_TEXT_MAX_BYTES);
  message->capabilities = link_get_u16(reader, "capabilities");
  message->board = link_get_id(reader, "board");
  message->app_name = link_get_id(reader, "app_name");
  message->app_version = link_get_str(reader, "app_version", LINK_VERSION_TEXT_MAX_BYTES);
  message->app_hash = link_get_bytes(reader, "app_hash", LINK_APP_HASH_BYTES);
  message->abi_version = link_get_u32(reader, "abi_version");
  message->boot_reason =
      (link_boot_reason_t)link_get_u8_within(reader, "boot_reason", LINK_BOOT_POWER_ON, LINK_BOOT_FAULT);
  message->hello_reason =
      (link_hello_reason_t)link_get_u8_within(reader, "hello_reason", LINK_HELLO_BOOT, LINK_HELLO_REQUESTED);
  message->session = link_get_u32(reader, "session");
  message->boot_count = link_get_u32(reader, "boot_count");
  message->uptime_ms = link_get_u64(reader, "uptime_ms");
  message->heartbeat_period_ms = link_get_u32(reader, "heartbeat_period_ms");
  if (!period_valid(message->heartbeat_period_ms)) link_reader_fail(reader, "heartbeat_period_ms");
  message->report_interval_ms = link_get_u32(reader, "report_interval_ms");
  if (message->report_interval_ms > LINK_REPORT_INTERVAL_MAX_MS) link_reader_fail(reader, "report_interval_ms");
  message->app_state =
      (link_app_state_t)link_get_u8_within(reader, "app_state", LINK_APP_RUNNING, LINK_APP_BACKING_OFF);
  message->metric_count = link_get_u8(reader, "metric_count");
  message->opcode_count = link_get_u8_within(reader, "opcode_count", 0, LINK_HELLO_MAX_OPCODES);
  /*
   * §6: opcode_count has its range only; a list that ends early names the opcode being read, bytes after it
   * name the payload (link_reader_end).
   */
  message->opcodes = reader->failed_field == NULL ? reader->bytes + reader->position : NULL;
  for (unsigned i = 0; reader->failed_field == NULL && i < message->opcode_count; i++) {
    reader->index = i;
    uint8_t opcode = link_get_u8(reader, "opcodes[#]");
    if (reader->failed_field == NULL && (!app_opcode(opcode) || (i > 0 && opcode <= message->opcodes[i - 1]))) {
      link_reader_fail(reader, "opcodes[#]");
    }
  }
  return link_reader_end(reader);
}
