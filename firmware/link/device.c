#include "device.h"

#include "frame.h"

static uint8_t body[LINK_MAX_BODY_BYTES];
static uint16_t next_seq;
static byte_sink_t transmit;
static void *transmit_context;
volatile bool link_device_transmitting;

void link_device_init(byte_sink_t sink, void *context) {
  transmit = sink;
  transmit_context = context;
  next_seq = 0;
}

static bool encode(const link_message_t *message, link_writer_t *writer) {
  switch (message->type) {
    case LINK_TYPE_HELLO:
      return link_encode_hello(writer, &message->as.hello);
    case LINK_TYPE_DATA:
      return link_encode_data(writer, &message->as.data);
    case LINK_TYPE_LOG:
      return link_encode_log(writer, &message->as.log);
    case LINK_TYPE_EVENT:
      return link_encode_event(writer, &message->as.event);
    case LINK_TYPE_COMMAND_RESULT:
      return link_encode_command_result(writer, &message->as.command_result);
    case LINK_TYPE_PROXY_REQUEST:
      return link_encode_proxy_request(writer, &message->as.proxy_request);
    default:
      /* COMMAND and PROXY_RESPONSE go the other way (§1). */
      return false;
  }
}

bool link_device_send(const link_message_t *message) {
  link_writer_t writer;
  link_writer_init(&writer, body + LINK_PAYLOAD_AT, LINK_MAX_PAYLOAD_BYTES);
  if (!encode(message, &writer)) return false;
  link_device_transmitting = true;
  link_frame_send(body, writer.length, (uint8_t)message->type, next_seq, transmit, transmit_context);
  link_device_transmitting = false;
  next_seq++;
  return true;
}
