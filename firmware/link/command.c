/* COMMAND, type 0x05, edge → device (docs/link-protocol.md §4.5): bytes for the app's `command` export. */
#include "messages.h"

bool link_encode_command(link_writer_t *writer, const link_command_t *message) {
  if (message->length < LINK_COMMAND_MIN_BYTES || message->length > LINK_COMMAND_MAX_BYTES) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u16(writer, message->command_id);
  link_put_bytes(writer, message->payload, message->length);
  return !writer->overflow;
}

bool link_decode_command(link_reader_t *reader, link_command_t *message) {
  size_t length;
  message->command_id = link_get_u16(reader, "command_id");
  message->payload = link_get_rest(reader, "payload", LINK_COMMAND_MIN_BYTES, LINK_COMMAND_MAX_BYTES, &length);
  message->length = (uint8_t)length;
  return link_reader_end(reader);
}
