#include "device.h"

#include "frame.h"

/* The longest payload of each type the device sends (§4), all within LINK_DEVICE_MAX_PAYLOAD_BYTES. */
#define STR_BYTES(max) (1 + (max))
#define HELLO_MAX_BYTES                                                                                        \
  (3 * STR_BYTES(LINK_ID_MAX_BYTES) + 1 + 2 * STR_BYTES(LINK_VERSION_TEXT_MAX_BYTES) + 2 + LINK_APP_HASH_BYTES + \
   4 + 1 + 1 + 4 + 4 + 8 + 4 + 4 + 1 + 1 + 1 + LINK_HELLO_MAX_OPCODES)
#define EVENT_MAX_BYTES (8 + 1 + 2 + 2 * STR_BYTES(LINK_STR_MAX_BYTES) + 4 + 4)
#define DATA_MAX_BYTES (8 + 1 + LINK_DATA_MAX_VALUES * LINK_DATA_VALUE_BYTES)
#define LOG_MAX_BYTES (8 + 1 + STR_BYTES(LINK_STR_MAX_BYTES))
#define PROXY_REQUEST_MAX_BYTES (2 + 8 + 1 + 1 + 1 + 255)
#define COMMAND_RESULT_MAX_BYTES (2 + 1 + 1 + 1 + LINK_RESULT_PAYLOAD_MAX_BYTES)
_Static_assert(HELLO_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "HELLO fits");
_Static_assert(EVENT_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "EVENT fits");
_Static_assert(DATA_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "DATA fits");
_Static_assert(LOG_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "LOG fits");
_Static_assert(PROXY_REQUEST_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "PROXY_REQUEST fits");
_Static_assert(COMMAND_RESULT_MAX_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "COMMAND_RESULT fits");
_Static_assert(LINK_HEARTBEAT_BYTES <= LINK_DEVICE_MAX_PAYLOAD_BYTES, "HEARTBEAT fits");

static uint8_t body[LINK_HEADER_BYTES + LINK_DEVICE_MAX_PAYLOAD_BYTES + LINK_CRC_BYTES];
static uint16_t next_seq;
static uint32_t session;
static byte_sink_t transmit;
static void *transmit_context;
volatile bool link_device_transmitting;

void link_device_init(byte_sink_t sink, void *context, uint32_t boot_session) {
  transmit = sink;
  transmit_context = context;
  session = boot_session;
  next_seq = 0;
}

uint32_t link_device_session(void) {
  return session;
}

/* §5.1: HELLO and HEARTBEAT give the full session of the tag their frame carries: the device's. */
static bool session_matches(const link_message_t *message) {
  if (message->type == LINK_TYPE_HELLO) return message->as.hello.session == session;
  if (message->type == LINK_TYPE_HEARTBEAT) return message->as.heartbeat.session == session;
  return true;
}

static bool encode(const link_message_t *message, link_writer_t *writer) {
  switch (message->type) {
    case LINK_TYPE_HELLO:
      return link_encode_hello(writer, &message->as.hello);
    case LINK_TYPE_METRIC:
      return link_encode_metric(writer, &message->as.metric);
    case LINK_TYPE_DATA:
      return link_encode_data(writer, &message->as.data);
    case LINK_TYPE_LOG:
      return link_encode_log(writer, &message->as.log);
    case LINK_TYPE_EVENT:
      return link_encode_event(writer, &message->as.event);
    case LINK_TYPE_COMMAND_RESULT:
      return link_encode_command_result(writer, &message->as.command_result);
    case LINK_TYPE_HEARTBEAT:
      return link_encode_heartbeat(writer, &message->as.heartbeat);
    case LINK_TYPE_PROXY_REQUEST:
      return link_encode_proxy_request(writer, &message->as.proxy_request);
    default:
      /* COMMAND and PROXY_RESPONSE go the other way (§1). */
      return false;
  }
}

bool link_device_send(const link_message_t *message) {
  link_writer_t writer;
  link_writer_init(&writer, body + LINK_PAYLOAD_AT, LINK_DEVICE_MAX_PAYLOAD_BYTES);
  if (!session_matches(message) || !encode(message, &writer)) return false;
  link_device_transmitting = true;
  link_frame_send(body, writer.length, (uint8_t)message->type, LINK_SESSION_TAG(session), next_seq, transmit,
                  transmit_context);
  link_device_transmitting = false;
  next_seq++;
  return true;
}
