/*
 * COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): the one answer to a COMMAND, from the
 * app or the runner, with a payload by status.
 */
#include "messages.h"

#include <string.h>

/* §4.6: APP_NOT_RUNNING carries restart_at_ms u64, STATUS_OUT_OF_RANGE the app's status i32. */
#define RESTART_AT_BYTES 8
#define APP_STATUS_BYTES 4

/*
 * Whether a payload of `length` bytes fits the status: a runner status carries exactly its table's payload
 * (every one but two none); an app's status may carry 0..16 bytes, though no app can make one (hal-abi.md §2).
 */
static bool payload_fits(link_result_origin_t origin, uint8_t status, size_t length) {
  if (origin == LINK_ORIGIN_APP) return length <= LINK_RESULT_PAYLOAD_MAX_BYTES;
  if (status == LINK_RUNNER_APP_NOT_RUNNING) return length == RESTART_AT_BYTES;
  if (status == LINK_RUNNER_STATUS_OUT_OF_RANGE) return length == APP_STATUS_BYTES;
  return length == 0;
}

/* The result's status and payload within §4.6's rules; the field that breaks them, or NULL. */
static const char *broken_field(const link_command_result_t *message) {
  if ((unsigned)message->origin > LINK_ORIGIN_RUNNER) return "origin";
  if (message->origin == LINK_ORIGIN_RUNNER && message->status > LINK_RUNNER_NO_COMMAND_BUFFER) return "status";
  if ((message->flags & (uint8_t)~LINK_RESULT_CACHED) != 0) return "flags";
  if (!payload_fits(message->origin, message->status, message->payload_length)) return "payload";
  if (message->origin == LINK_ORIGIN_RUNNER && message->status == LINK_RUNNER_APP_NOT_RUNNING) {
    /* §3.3: a u64 above 2^53 - 1 is malformed. */
    link_reader_t reader;
    link_reader_init(&reader, message->payload, RESTART_AT_BYTES);
    link_get_u64(&reader, "restart_at_ms");
    if (reader.failed_field != NULL) return reader.failed_field;
  }
  return NULL;
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
  size_t length;
  message->command_id = link_get_u16(reader, "command_id");
  message->origin = (link_result_origin_t)link_get_u8_within(reader, "origin", LINK_ORIGIN_APP, LINK_ORIGIN_RUNNER);
  message->status = link_get_u8(reader, "status");
  message->flags = link_get_u8(reader, "flags");
  const uint8_t *payload = link_get_rest(reader, "payload", 0, LINK_RESULT_PAYLOAD_MAX_BYTES, &length);
  message->payload_length = payload == NULL ? 0 : (uint8_t)length;
  if (payload != NULL) memcpy(message->payload, payload, length);
  if (reader->failed_field == NULL) {
    const char *field = broken_field(message);
    if (field != NULL) link_reader_fail(reader, field);
  }
  return link_reader_end(reader);
}
