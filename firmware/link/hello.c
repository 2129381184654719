/* HELLO, type 0x01, device → edge (docs/link-protocol.md §4.1): who the device is and what it will report. */
#include "messages.h"

void link_put_metric(link_writer_t *writer, uint8_t id, link_str_t name, link_str_t unit) {
  link_put_u8(writer, id);
  link_put_str(writer, name, LINK_STR_MAX_BYTES);
  link_put_str(writer, unit, LINK_STR_MAX_BYTES);
}

void link_get_metric(link_reader_t *reader, uint8_t *id, link_str_t *name, link_str_t *unit) {
  *id = link_get_u8(reader, "metrics[#].id");
  *name = link_get_str(reader, "metrics[#].name", LINK_STR_MAX_BYTES);
  *unit = link_get_str(reader, "metrics[#].unit", LINK_STR_MAX_BYTES);
}

bool link_encode_hello(link_writer_t *writer, const link_hello_t *message) {
  link_put_str(writer, message->device_id, LINK_IDENTITY_MAX_BYTES);
  link_put_str(writer, message->firmware_version, LINK_IDENTITY_MAX_BYTES);
  link_put_str(writer, message->app_version, LINK_IDENTITY_MAX_BYTES);
  link_put_bytes(writer, message->app_hash, LINK_APP_HASH_BYTES);
  link_put_u32(writer, message->abi_version);
  link_put_u8(writer, (uint8_t)message->boot_reason);
  link_put_u8(writer, message->metric_count);
  link_put_bytes(writer, message->metrics, message->metrics_length);
  return !writer->overflow;
}

bool link_decode_hello(link_reader_t *reader, link_hello_t *message) {
  message->device_id = link_get_str(reader, "device_id", LINK_IDENTITY_MAX_BYTES);
  message->firmware_version = link_get_str(reader, "firmware_version", LINK_IDENTITY_MAX_BYTES);
  message->app_version = link_get_str(reader, "app_version", LINK_IDENTITY_MAX_BYTES);
  message->app_hash = link_get_bytes(reader, "app_hash", LINK_APP_HASH_BYTES);
  message->abi_version = link_get_u32(reader, "abi_version");
  message->boot_reason =
      (link_boot_reason_t)link_get_u8_within(reader, "boot_reason", LINK_BOOT_POWER_ON, LINK_BOOT_APP_RESTART);
  message->metric_count = link_get_u8(reader, "metric_count");
  size_t metrics_at = reader->position;
  for (unsigned i = 0; i < message->metric_count; i++) {
    uint8_t id;
    link_str_t name;
    link_str_t unit;
    reader->index = i;
    link_get_metric(reader, &id, &name, &unit);
  }
  message->metrics = reader->bytes + metrics_at;
  message->metrics_length = reader->position - metrics_at;
  return link_reader_end(reader);
}
