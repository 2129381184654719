/* PROXY_RESPONSE, type 0x11, host → device (docs/link-protocol.md §4.10): the outcome of a PROXY_REQUEST. */
#include "messages.h"

bool link_encode_proxy_response(link_writer_t *writer, const link_proxy_response_t *message) {
  if (message->status > LINK_PROXY_STATUS_MAX || (message->length > 0 && message->data == NULL)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u16(writer, message->request_id);
  link_put_u8(writer, message->status);
  link_put_bytes(writer, message->data, message->length);
  return !writer->overflow;
}

bool link_decode_proxy_response(link_reader_t *reader, link_proxy_response_t *message) {
  size_t length;
  message->request_id = link_get_u16(reader, "request_id");
  message->status = link_get_u8_within(reader, "status", 0, LINK_PROXY_STATUS_MAX);
  message->data = link_get_rest(reader, "data", 0, LINK_PROXY_DATA_MAX_BYTES, &length);
  message->length = (uint8_t)length;
  return link_reader_end(reader);
}
