/*
 * COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): the one answer to a COMMAND, from the
 * app or the runner, with a payload by status.
 */
#include "messages.h"

#include <string.h>

/* §4.6: APP_NOT_RUNNING carries restart_at_ms u64, STATUS_OUT_OF_RANGE the app's status i32. */
#define RESTART_AT_BYTES 8
#define APP_STATUS_BYTES 4
/* §4.6: what STATUS_OUT_OF_RANGE carries lies outside the statuses an app can return as they are. */
#define APP_STATUS_MAX 255

static bool status_valid(link_result_origin_t origin, uint8_t status) {
  return origin != LINK_ORIGIN_RUNNER || status <= LINK_RUNNER_NO_COMMAND_BUFFER;
}

/* Bit 0 only, and never on a runner answer that is not stored (§7.4). */
static bool flags_valid(link_result_origin_t origin, uint8_t status, uint8_t flags) {
  if ((flags & (uint8_t)~LINK_RESULT_CACHED) != 0) return false;
  bool never_cached = origin == LINK_ORIGIN_RUNNER &&
                      (status == LINK_RUNNER_QUEUE_FULL || status == LINK_RUNNER_APP_NOT_RUNNING);
  return flags == 0 || !never_cached;
}

/* The payload's length by origin and status: a runner status's exactly, an app's 0..16 bytes. */
static void payload_bounds(link_result_origin_t origin, uint8_t status, size_t *min, size_t *max) {
  *min = 0;
  *max = 0;
  if (origin == LINK_ORIGIN_APP) {
    *max = LINK_RESULT_PAYLOAD_MAX_BYTES;
  } else if (status == LINK_RUNNER_APP_NOT_RUNNING) {
    *min = *max = RESTART_AT_BYTES;
  } else if (status == LINK_RUNNER_STATUS_OUT_OF_RANGE) {
    *min = *max = APP_STATUS_BYTES;
  }
}

/* A payload of the right length: the field its value breaks, or NULL. */
static const char *broken_payload_value(const link_command_result_t *message) {
  if (message->origin != LINK_ORIGIN_RUNNER) return NULL;
  link_reader_t reader;
  link_reader_init(&reader, message->payload, message->payload_length);
  if (message->status == LINK_RUNNER_APP_NOT_RUNNING) {
    /* §3.3: a u64 above 2^53 - 1 is malformed. */
    link_get_u64(&reader, "restart_at_ms");
    return reader.failed_field;
  }
  if (message->status == LINK_RUNNER_STATUS_OUT_OF_RANGE) {
    int32_t app_status = (int32_t)link_get_u32(&reader, "status");
    if (app_status >= 0 && app_status <= APP_STATUS_MAX) return "status";
  }
  return NULL;
}

/* The result within §4.6's rules: the first field in wire order that breaks them, or NULL. */
static const char *broken_field(const link_command_result_t *message) {
  if ((unsigned)message->origin > LINK_ORIGIN_RUNNER) return "origin";
  if (!status_valid(message->origin, message->status)) return "status";
  if (!flags_valid(message->origin, message->status, message->flags)) return "flags";
  size_t min, max;
  payload_bounds(message->origin, message->status, &min, &max);
  if (message->payload_length < min || message->payload_length > max) return "payload";
  return broken_payload_value(message);
}

static link_command_result_t result(uint16_t command_id, link_result_origin_t origin, uint8_t status) {
  link_command_result_t made;
  memset(&made, 0, sizeof made);
  made.command_id = command_id;
  made.origin = origin;
  made.status = status;
  return made;
}

link_command_result_t link_result_app(uint16_t command_id, uint8_t status) {
  return result(command_id, LINK_ORIGIN_APP, status);
}

link_command_result_t link_result_runner(uint16_t command_id, link_runner_status_t status) {
  return result(command_id, LINK_ORIGIN_RUNNER, (uint8_t)status);
}

link_command_result_t link_result_app_not_running(uint16_t command_id, uint64_t restart_at_ms) {
  link_command_result_t made = result(command_id, LINK_ORIGIN_RUNNER, LINK_RUNNER_APP_NOT_RUNNING);
  link_writer_t writer;
  link_writer_init(&writer, made.payload, sizeof made.payload);
  link_put_u64(&writer, restart_at_ms);
  made.payload_length = (uint8_t)writer.length;
  return made;
}

link_command_result_t link_result_status_out_of_range(uint16_t command_id, int32_t app_status) {
  link_command_result_t made = result(command_id, LINK_ORIGIN_RUNNER, LINK_RUNNER_STATUS_OUT_OF_RANGE);
  link_writer_t writer;
  link_writer_init(&writer, made.payload, sizeof made.payload);
  link_put_u32(&writer, (uint32_t)app_status);
  made.payload_length = (uint8_t)writer.length;
  return made;
}

bool link_encode_command_result(link_writer_t *writer, const link_command_result_t *message) {
  if (broken_field(message) != NULL) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u16(writer, message->command_id);
  link_put_u8(writer, (uint8_t)message->origin);
  link_put_u8(writer, message->status);
  link_put_u8(writer, message->flags);
  link_put_bytes(writer, message->payload, message->payload_length);
  return !writer->overflow;
}

bool link_decode_command_result(link_reader_t *reader, link_command_result_t *message) {
  message->command_id = link_get_u16(reader, "command_id");
  message->origin = (link_result_origin_t)link_get_u8_within(reader, "origin", LINK_ORIGIN_APP, LINK_ORIGIN_RUNNER);
  message->status = link_get_u8(reader, "status");
  if (!status_valid(message->origin, message->status)) link_reader_fail(reader, "status");
  message->flags = link_get_u8(reader, "flags");
  if (!flags_valid(message->origin, message->status, message->flags)) link_reader_fail(reader, "flags");
  size_t min, max, length;
  payload_bounds(message->origin, message->status, &min, &max);
  const uint8_t *payload = link_get_rest(reader, "payload", min, max, &length);
  message->payload_length = payload == NULL ? 0 : (uint8_t)length;
  if (payload != NULL) memcpy(message->payload, payload, length);
  if (reader->failed_field == NULL) {
    const char *field = broken_payload_value(message);
    if (field != NULL) link_reader_fail(reader, field);
  }
  return link_reader_end(reader);
}
