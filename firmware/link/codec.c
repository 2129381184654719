#include "codec.h"

static link_drop_t outcome(bool well_formed) {
  return well_formed ? LINK_ACCEPTED : LINK_DROP_MALFORMED;
}

link_drop_t link_decode_any(uint8_t type, link_reader_t *reader, link_message_t *message) {
  switch (type) {
    case LINK_TYPE_HELLO:
      return outcome(link_decode_hello(reader, &message->as.hello));
    case LINK_TYPE_METRIC:
      return outcome(link_decode_metric(reader, &message->as.metric));
    case LINK_TYPE_DATA:
      return outcome(link_decode_data(reader, &message->as.data));
    case LINK_TYPE_LOG:
      return outcome(link_decode_log(reader, &message->as.log));
    case LINK_TYPE_EVENT:
      return outcome(link_decode_event(reader, &message->as.event));
    case LINK_TYPE_COMMAND:
      return outcome(link_decode_command(reader, &message->as.command));
    case LINK_TYPE_COMMAND_RESULT:
      return outcome(link_decode_command_result(reader, &message->as.command_result));
    case LINK_TYPE_HEARTBEAT:
      return outcome(link_decode_heartbeat(reader, &message->as.heartbeat));
    case LINK_TYPE_PROXY_REQUEST:
      return outcome(link_decode_proxy_request(reader, &message->as.proxy_request));
    case LINK_TYPE_PROXY_RESPONSE:
      return outcome(link_decode_proxy_response(reader, &message->as.proxy_response));
    default:
      /* §3.4: undefined and reserved (§4.11) types alike. */
      return LINK_DROP_UNKNOWN_TYPE;
  }
}
