#include "codec.h"

static bool decode_payload(uint8_t type, link_reader_t *reader, link_message_t *message) {
  switch (type) {
    case LINK_TYPE_HELLO:
      return link_decode_hello(reader, &message->as.hello);
    case LINK_TYPE_DATA:
      return link_decode_data(reader, &message->as.data);
    case LINK_TYPE_LOG:
      return link_decode_log(reader, &message->as.log);
    case LINK_TYPE_EVENT:
      return link_decode_event(reader, &message->as.event);
    case LINK_TYPE_COMMAND:
      return link_decode_command(reader, &message->as.command);
    case LINK_TYPE_COMMAND_RESULT:
      return link_decode_command_result(reader, &message->as.command_result);
    case LINK_TYPE_PROXY_REQUEST:
      return link_decode_proxy_request(reader, &message->as.proxy_request);
    default:
      return link_decode_proxy_response(reader, &message->as.proxy_response);
  }
}

static bool known_type(uint8_t type) {
  switch (type) {
    case LINK_TYPE_HELLO:
    case LINK_TYPE_DATA:
    case LINK_TYPE_LOG:
    case LINK_TYPE_EVENT:
    case LINK_TYPE_COMMAND:
    case LINK_TYPE_COMMAND_RESULT:
    case LINK_TYPE_PROXY_REQUEST:
    case LINK_TYPE_PROXY_RESPONSE:
      return true;
    default:
      return false;
  }
}

void link_decode_body(const uint8_t *body, size_t length, link_decoded_t *decoded) {
  link_opened_t opened;
  decoded->field = NULL;
  decoded->drop = link_frame_open(body, length, &opened);
  if (decoded->drop != LINK_ACCEPTED) return;
  /* §3.4: undefined and reserved (app upload, §4.9) types alike. */
  if (!known_type(opened.type)) {
    decoded->drop = LINK_DROP_UNKNOWN_TYPE;
    return;
  }
  link_reader_t reader;
  link_reader_init(&reader, opened.payload, opened.payload_length);
  decoded->seq = opened.seq;
  decoded->message.type = (link_type_t)opened.type;
  if (!decode_payload(opened.type, &reader, &decoded->message)) {
    decoded->drop = LINK_DROP_MALFORMED;
    decoded->field = reader.failed_field;
    decoded->field_index = reader.failed_index;
  }
}
