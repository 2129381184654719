#include "inbox.h"

#include <string.h>

#include "crc32.h"
#include "decoder.h"

/* Ring indices are free-running uint8_t counts, so the slot counts must divide 256. */
_Static_assert((INBOX_COMMAND_SLOTS & (INBOX_COMMAND_SLOTS - 1)) == 0, "a power of two");
_Static_assert((INBOX_REFUSAL_SLOTS & (INBOX_REFUSAL_SLOTS - 1)) == 0, "a power of two");

static uint8_t body[LINK_DEVICE_RX_BODY_BYTES];
static link_decoder_t decoder;

static inbox_command_t commands[INBOX_COMMAND_SLOTS];
/* Free-running counts of commands kept (by the interrupt) and taken (by the main loop). */
static volatile uint8_t command_head;
static volatile uint8_t command_tail;

static uint16_t refused[INBOX_REFUSAL_SLOTS];
static volatile uint8_t refused_head;
static volatile uint8_t refused_tail;
static volatile uint32_t commands_dropped;

static inbox_response_t response;
static volatile bool expecting_response;
static volatile uint16_t expected_request;
static volatile bool response_ready;

/* §1: the device receives COMMAND and PROXY_RESPONSE; anything else is not for it. */
static link_drop_t decode_received(uint8_t type, link_reader_t *reader, link_message_t *message) {
  switch (type) {
    case LINK_TYPE_COMMAND:
      return link_decode_command(reader, &message->as.command) ? LINK_ACCEPTED : LINK_DROP_MALFORMED;
    case LINK_TYPE_PROXY_RESPONSE:
      return link_decode_proxy_response(reader, &message->as.proxy_response) ? LINK_ACCEPTED : LINK_DROP_MALFORMED;
    default:
      return LINK_DROP_UNKNOWN_TYPE;
  }
}

void inbox_init(void) {
  link_decoder_init(&decoder, body, sizeof body, decode_received);
  command_head = 0;
  command_tail = 0;
  refused_head = 0;
  refused_tail = 0;
  commands_dropped = 0;
  expecting_response = false;
  response_ready = false;
}

static void refuse_command(uint16_t command_id) {
  commands_dropped++;
  if ((uint8_t)(refused_head - refused_tail) == INBOX_REFUSAL_SLOTS) return;
  refused[refused_head % INBOX_REFUSAL_SLOTS] = command_id;
  refused_head++;
}

static void keep_command(uint16_t session_tag, const link_command_t *received) {
  if ((uint8_t)(command_head - command_tail) == INBOX_COMMAND_SLOTS) {
    refuse_command(received->command_id);
    return;
  }
  inbox_command_t *slot = &commands[command_head % INBOX_COMMAND_SLOTS];
  slot->session_tag = session_tag;
  slot->command_id = received->command_id;
  slot->length = received->length;
  memcpy(slot->payload, received->payload, received->length);
  command_head++;
}

static void keep_response(const link_proxy_response_t *received) {
  if (!expecting_response || response_ready || received->request_id != expected_request) return;
  response.status = received->status;
  response.length = received->length;
  memcpy(response.data, received->data, received->length);
  response_ready = true;
}

void inbox_receive(uint8_t byte) {
  link_decoded_t decoded;
  if (!link_decoder_push(&decoder, byte, &decoded) || decoded.drop != LINK_ACCEPTED) return;
  if (decoded.message.type == LINK_TYPE_COMMAND) keep_command(decoded.session_tag, &decoded.message.as.command);
  if (decoded.message.type == LINK_TYPE_PROXY_RESPONSE) keep_response(&decoded.message.as.proxy_response);
}

link_rx_counts_t inbox_rx_counts(void) {
  return decoder.counts;
}

bool inbox_has_command(void) {
  return command_head != command_tail;
}

bool inbox_take_command(inbox_command_t *command) {
  if (!inbox_has_command()) return false;
  *command = commands[command_tail % INBOX_COMMAND_SLOTS];
  command_tail++;
  return true;
}

bool inbox_take_refused(uint16_t *command_id) {
  if (refused_head == refused_tail) return false;
  *command_id = refused[refused_tail % INBOX_REFUSAL_SLOTS];
  refused_tail++;
  return true;
}

uint32_t inbox_commands_dropped(void) {
  return commands_dropped;
}

uint32_t inbox_command_crc(const inbox_command_t *command) {
  return crc32_final(crc32_update(CRC32_INITIAL, command->payload, command->length));
}

/* The interrupt keeps nothing while no response is expected, so the slot is reset before one is. */
void inbox_expect_response(uint16_t request_id) {
  expecting_response = false;
  response_ready = false;
  expected_request = request_id;
  expecting_response = true;
}

void inbox_expect_no_response(void) {
  expecting_response = false;
}

bool inbox_has_response(void) {
  return response_ready;
}

const inbox_response_t *inbox_response(void) {
  return &response;
}
