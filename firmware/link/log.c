/* LOG, type 0x03, device → edge (docs/link-protocol.md §4.4): one line the app logged (hal-abi.md §4.5). */
#include "messages.h"

/* §4.4: 0 error, 1 warning, 2 info, 3 debug. */
#define LEVEL_MAX 3

bool link_encode_log(link_writer_t *writer, const link_log_t *message) {
  if (message->level > LEVEL_MAX) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u64(writer, message->time_ms);
  link_put_u8(writer, message->level);
  link_put_str(writer, message->text, LINK_STR_MAX_BYTES);
  return !writer->overflow;
}

bool link_decode_log(link_reader_t *reader, link_log_t *message) {
  message->time_ms = link_get_u64(reader, "time_ms");
  message->level = link_get_u8_within(reader, "level", 0, LEVEL_MAX);
  message->text = link_get_str(reader, "text", LINK_STR_MAX_BYTES);
  return link_reader_end(reader);
}
