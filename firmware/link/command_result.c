/* COMMAND_RESULT, type 0x06, device → edge (docs/link-protocol.md §4.6): what the app's `command` returned. */
#include "messages.h"

bool link_encode_command_result(link_writer_t *writer, const link_command_result_t *message) {
  link_put_u16(writer, message->command_id);
  link_put_u8(writer, message->status);
  return !writer->overflow;
}

bool link_decode_command_result(link_reader_t *reader, link_command_result_t *message) {
  message->command_id = link_get_u16(reader, "command_id");
  message->status = link_get_u8(reader, "status");
  return link_reader_end(reader);
}
