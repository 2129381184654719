/*
 * Drives firmware/link/ from test/firmware/link-vectors.test.ts, one request per line on stdin, one answer per
 * line on stdout. A message travels as its type name, its frame's session_tag and seq, and its fields in the order
 * of docs/link-protocol.md §4; numbers in decimal, byte and text fields as hex with an `x` prefix (`x` alone is
 * empty), f64 values as the hex of their IEEE 754 bits so nothing is lost.
 *
 *   hello <tag> <seq> <device_id> <link_minor> <firmware_version> <capabilities> <board> <app_name> <app_version>
 *         <app_hash> <abi> <boot_reason> <hello_reason> <session> <boot_count> <uptime_ms> <heartbeat_period_ms>
 *         <report_interval_ms> <app_state> <metric_count> <n> <opcode>*n
 *   metric <tag> <seq> <id> <name> <unit> <kind> <has_range> <min> <max>
 *   data <tag> <seq> <time_ms> <n> (<id> <bits>)*n
 *   log <tag> <seq> <time_ms> <level> <text>
 *   event <tag> <seq> <time_ms> <kind> <code> <message> <file> <line> <column>
 *   command <tag> <seq> <command_id> <payload>
 *   command-result <tag> <seq> <command_id> <origin> <status> <flags> <payload>
 *   heartbeat <tag> <seq> <uptime_ms> <session> <heartbeat_period_ms> <boot_count> <app_state> <restart_at_ms>
 *             <consecutive_failures> <last_failure_kind> <last_failure_code> <rx_frames> <rx_oversize> <rx_cobs>
 *             <rx_short> <rx_crc> <rx_version> <rx_unknown_type> <rx_malformed> <commands_dropped> <led_mode>
 *             <led_period_ms> <led_level> <brightness_u16> <report_interval_ms>
 *   proxy-request <tag> <seq> <request_id> <time_us> <op> <target> <read_len> <value> <duty> <data>
 *   proxy-response <tag> <seq> <request_id> <status> <data>
 *
 * Requests: `encode <message>` answers the wire frame in hex (delimiter included) or `refused`; `frame <type>
 * <tag> <seq> x<payload>` answers the frame of any payload, as it is; `decode x<wire bytes>` answers, from a
 * receiver of every type (LINK_RX_BODY_BYTES), one entry per finished segment, separated by `;`: the message, or
 * `drop <reason>` and for a malformed payload the field its detail names, for a newer device's HELLO `peer
 * <device_id> <link_minor> <firmware_version>` (§4.1.1).
 *
 * The device's sending half (link/device.h): `send <message>` sends it with the device's own session_tag and seq
 * (the line's are ignored) and answers the wire frame, or `refused`.
 *
 * The device's inbox (link/inbox.h) keeps its state from line to line: `expect <request_id>` and `expect-none`
 * answer `ok`; `receive x<wire bytes>` feeds the bytes in and answers the response kept, `response <status>
 * <data>`, or `none`; `counts` answers the receiver's counts, accepted then each reason; `take` answers the
 * oldest waiting command, `command <session_tag> <command_id> <payload> <crc>`, or `none`; `take-refused` the id
 * of the oldest refused one, `refused <command_id>`, or `none`; `dropped` the commands refused so far; `reset
 * <session>` starts the inbox and the device afresh with that session, as a boot does, and answers `ok`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../firmware/link/decoder.h"
#include "../../../firmware/link/device.h"
#include "../../../firmware/link/inbox.h"

#define LINE_BYTES 16384
#define ARENA_BYTES (LINE_BYTES / 2)

static const char *const DROP_NAMES[] = {
    [LINK_DROP_OVERSIZE] = "oversize", [LINK_DROP_COBS] = "cobs",
    [LINK_DROP_SHORT] = "short",       [LINK_DROP_CRC] = "crc",
    [LINK_DROP_VERSION] = "version",   [LINK_DROP_UNKNOWN_TYPE] = "unknownType",
    [LINK_DROP_MALFORMED] = "malformed",
};

static const struct {
  const char *name;
  link_type_t type;
} TYPES[] = {
    {"hello", LINK_TYPE_HELLO},
    {"metric", LINK_TYPE_METRIC},
    {"data", LINK_TYPE_DATA},
    {"log", LINK_TYPE_LOG},
    {"event", LINK_TYPE_EVENT},
    {"command", LINK_TYPE_COMMAND},
    {"command-result", LINK_TYPE_COMMAND_RESULT},
    {"heartbeat", LINK_TYPE_HEARTBEAT},
    {"proxy-request", LINK_TYPE_PROXY_REQUEST},
    {"proxy-response", LINK_TYPE_PROXY_RESPONSE},
};

static void fail(const char *what) {
  fprintf(stderr, "link-harness: %s\n", what);
  exit(2);
}

/* ---- reading a request ---- */

static char *cursor;
static uint8_t arena[ARENA_BYTES];
static size_t arena_used;

static char *next_token(void) {
  char *token = strtok_r(NULL, " \n", &cursor);
  if (token == NULL) fail("missing field");
  return token;
}

static uint64_t next_number(void) {
  return strtoull(next_token(), NULL, 10);
}

static const uint8_t *next_bytes(size_t *length) {
  const char *hex = next_token();
  if (hex[0] != 'x') fail("byte field without x");
  *length = strlen(hex + 1) / 2;
  if (arena_used + *length > ARENA_BYTES) fail("arena full");
  uint8_t *bytes = arena + arena_used;
  for (size_t i = 0; i < *length; i++) sscanf(hex + 1 + 2 * i, "%2hhx", &bytes[i]);
  arena_used += *length;
  return bytes;
}

static link_str_t next_str(void) {
  size_t length;
  const uint8_t *bytes = next_bytes(&length);
  return (link_str_t){(const char *)bytes, length};
}

static double next_f64(void) {
  const char *hex = next_token();
  uint64_t bits = strtoull(hex + 1, NULL, 16);
  double value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

/* ---- writing an answer ---- */

static void print_hex(const uint8_t *bytes, size_t length) {
  printf(" x");
  for (size_t i = 0; i < length; i++) printf("%02x", bytes[i]);
}

static void print_str(link_str_t text) {
  print_hex((const uint8_t *)text.bytes, text.length);
}

static void print_f64(double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  printf(" x%016" PRIx64, bits);
}

static void print_sink(void *context, const uint8_t *bytes, size_t length) {
  (void)context;
  for (size_t i = 0; i < length; i++) printf("%02x", bytes[i]);
}

/* ---- encode ---- */

/* Reads a message's fields (after its seq) from the request. */
static void read_message(link_type_t type, link_message_t *message) {
  static uint8_t entries[LINK_MAX_PAYLOAD_BYTES];
  size_t length;
  message->type = type;
  switch (type) {
    case LINK_TYPE_HELLO: {
      link_hello_t *m = &message->as.hello;
      m->device_id = next_str();
      m->link_minor = (uint8_t)next_number();
      m->firmware_version = next_str();
      m->capabilities = (uint16_t)next_number();
      m->board = next_str();
      m->app_name = next_str();
      m->app_version = next_str();
      m->app_hash = next_bytes(&length);
      if (length != LINK_APP_HASH_BYTES) fail("app_hash");
      m->abi_version = (uint32_t)next_number();
      m->boot_reason = (link_boot_reason_t)next_number();
      m->hello_reason = (link_hello_reason_t)next_number();
      m->session = (uint32_t)next_number();
      m->boot_count = (uint32_t)next_number();
      m->uptime_ms = next_number();
      m->heartbeat_period_ms = (uint32_t)next_number();
      m->report_interval_ms = (uint32_t)next_number();
      m->app_state = (link_app_state_t)next_number();
      m->metric_count = (uint8_t)next_number();
      m->opcode_count = (uint8_t)next_number();
      for (int i = 0; i < m->opcode_count; i++) entries[i] = (uint8_t)next_number();
      m->opcodes = entries;
      break;
    }
    case LINK_TYPE_METRIC: {
      link_metric_t *m = &message->as.metric;
      m->id = (uint8_t)next_number();
      m->name = next_str();
      m->unit = next_str();
      m->kind = (link_metric_kind_t)next_number();
      m->has_range = next_number() != 0;
      m->min = next_f64();
      m->max = next_f64();
      break;
    }
    case LINK_TYPE_DATA: {
      link_data_t *m = &message->as.data;
      m->time_ms = next_number();
      m->count = (uint8_t)next_number();
      m->values = entries;
      for (int i = 0; i < m->count; i++) {
        uint8_t id = (uint8_t)next_number();
        link_put_data_value(entries + i * LINK_DATA_VALUE_BYTES, id, next_f64());
      }
      break;
    }
    case LINK_TYPE_LOG: {
      link_log_t *m = &message->as.log;
      m->time_ms = next_number();
      m->level = (uint8_t)next_number();
      m->text = next_str();
      break;
    }
    case LINK_TYPE_EVENT: {
      link_event_t *m = &message->as.event;
      m->time_ms = next_number();
      m->kind = (link_event_kind_t)next_number();
      m->code = (uint16_t)next_number();
      m->message = next_str();
      m->file = next_str();
      m->line = (uint32_t)next_number();
      m->column = (uint32_t)next_number();
      break;
    }
    case LINK_TYPE_COMMAND: {
      link_command_t *m = &message->as.command;
      m->command_id = (uint16_t)next_number();
      m->payload = next_bytes(&length);
      m->length = (uint8_t)length;
      if (length > 255) fail("payload");
      break;
    }
    case LINK_TYPE_COMMAND_RESULT: {
      link_command_result_t *m = &message->as.command_result;
      m->command_id = (uint16_t)next_number();
      m->origin = (link_result_origin_t)next_number();
      m->status = (uint8_t)next_number();
      m->flags = (uint8_t)next_number();
      const uint8_t *payload = next_bytes(&length);
      /* A payload too long for the struct is one the encoder must refuse: 255 stands for it. */
      m->payload_length = length > LINK_RESULT_PAYLOAD_MAX_BYTES ? 255 : (uint8_t)length;
      memcpy(m->payload, payload, length > LINK_RESULT_PAYLOAD_MAX_BYTES ? LINK_RESULT_PAYLOAD_MAX_BYTES : length);
      break;
    }
    case LINK_TYPE_HEARTBEAT: {
      link_heartbeat_t *m = &message->as.heartbeat;
      m->uptime_ms = next_number();
      m->session = (uint32_t)next_number();
      m->heartbeat_period_ms = (uint32_t)next_number();
      m->boot_count = (uint32_t)next_number();
      m->app_state = (link_app_state_t)next_number();
      m->restart_at_ms = next_number();
      m->consecutive_failures = (uint16_t)next_number();
      m->last_failure_kind = (uint8_t)next_number();
      m->last_failure_code = (uint16_t)next_number();
      for (int i = 0; i < LINK_OUTCOMES; i++) m->rx.count[i] = (uint32_t)next_number();
      m->commands_dropped = (uint32_t)next_number();
      m->led_mode = (uint8_t)next_number();
      m->led_period_ms = (uint16_t)next_number();
      m->led_level = (uint8_t)next_number();
      m->brightness_u16 = (uint16_t)next_number();
      m->report_interval_ms = (uint32_t)next_number();
      break;
    }
    case LINK_TYPE_PROXY_REQUEST: {
      link_proxy_request_t *m = &message->as.proxy_request;
      m->request_id = (uint16_t)next_number();
      m->time_us = next_number();
      m->op = (link_proxy_op_t)next_number();
      m->target = (uint8_t)next_number();
      m->read_length = (uint8_t)next_number();
      m->value = (uint8_t)next_number();
      m->duty = (uint16_t)next_number();
      m->data = next_bytes(&length);
      m->data_length = (uint8_t)length;
      break;
    }
    case LINK_TYPE_PROXY_RESPONSE: {
      link_proxy_response_t *m = &message->as.proxy_response;
      m->request_id = (uint16_t)next_number();
      m->status = (uint8_t)next_number();
      m->data = next_bytes(&length);
      m->length = (uint8_t)length;
      break;
    }
  }
}

static bool encode_message(const link_message_t *message, link_writer_t *writer) {
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
    case LINK_TYPE_COMMAND:
      return link_encode_command(writer, &message->as.command);
    case LINK_TYPE_COMMAND_RESULT:
      return link_encode_command_result(writer, &message->as.command_result);
    case LINK_TYPE_HEARTBEAT:
      return link_encode_heartbeat(writer, &message->as.heartbeat);
    case LINK_TYPE_PROXY_REQUEST:
      return link_encode_proxy_request(writer, &message->as.proxy_request);
    case LINK_TYPE_PROXY_RESPONSE:
      return link_encode_proxy_response(writer, &message->as.proxy_response);
  }
  return false;
}

static link_type_t next_type(void) {
  const char *name = next_token();
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    if (strcmp(TYPES[i].name, name) == 0) return TYPES[i].type;
  }
  fail("unknown message type");
  return LINK_TYPE_HELLO;
}

static void encode(void) {
  static uint8_t body[LINK_MAX_BODY_BYTES];
  link_type_t type = next_type();
  uint16_t session_tag = (uint16_t)next_number();
  uint16_t seq = (uint16_t)next_number();
  link_message_t message;
  memset(&message, 0, sizeof message);
  read_message(type, &message);
  link_writer_t writer;
  link_writer_init(&writer, body + LINK_PAYLOAD_AT, LINK_MAX_PAYLOAD_BYTES);
  if (!encode_message(&message, &writer)) {
    puts("refused");
    return;
  }
  link_frame_send(body, writer.length, (uint8_t)type, session_tag, seq, print_sink, NULL);
  putchar('\n');
}

static void frame(void) {
  static uint8_t body[LINK_MAX_BODY_BYTES];
  uint8_t type = (uint8_t)next_number();
  uint16_t session_tag = (uint16_t)next_number();
  uint16_t seq = (uint16_t)next_number();
  size_t length;
  const uint8_t *payload = next_bytes(&length);
  if (length > LINK_MAX_PAYLOAD_BYTES) fail("payload");
  memcpy(body + LINK_PAYLOAD_AT, payload, length);
  link_frame_send(body, length, type, session_tag, seq, print_sink, NULL);
  putchar('\n');
}

static void send(void) {
  link_type_t type = next_type();
  next_number();
  next_number();
  link_message_t message;
  memset(&message, 0, sizeof message);
  read_message(type, &message);
  if (!link_device_send(&message)) {
    puts("refused");
    return;
  }
  putchar('\n');
}

/* ---- decode ---- */

static void print_message(uint16_t session_tag, uint16_t seq, const link_message_t *message) {
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    if (TYPES[i].type == message->type) printf("%s %u %u", TYPES[i].name, session_tag, seq);
  }
  switch (message->type) {
    case LINK_TYPE_HELLO: {
      const link_hello_t *m = &message->as.hello;
      print_str(m->device_id);
      printf(" %u", m->link_minor);
      print_str(m->firmware_version);
      printf(" %u", m->capabilities);
      print_str(m->board);
      print_str(m->app_name);
      print_str(m->app_version);
      print_hex(m->app_hash, LINK_APP_HASH_BYTES);
      printf(" %" PRIu32 " %u %u %" PRIu32 " %" PRIu32 " %" PRIu64 " %" PRIu32 " %" PRIu32 " %u %u %u",
             m->abi_version, m->boot_reason, m->hello_reason, m->session, m->boot_count, m->uptime_ms,
             m->heartbeat_period_ms, m->report_interval_ms, m->app_state, m->metric_count, m->opcode_count);
      for (int i = 0; i < m->opcode_count; i++) printf(" %u", m->opcodes[i]);
      break;
    }
    case LINK_TYPE_METRIC: {
      const link_metric_t *m = &message->as.metric;
      printf(" %u", m->id);
      print_str(m->name);
      print_str(m->unit);
      printf(" %u %u", m->kind, m->has_range ? 1 : 0);
      print_f64(m->min);
      print_f64(m->max);
      break;
    }
    case LINK_TYPE_DATA: {
      const link_data_t *m = &message->as.data;
      printf(" %" PRIu64 " %u", m->time_ms, m->count);
      for (int i = 0; i < m->count; i++) {
        uint8_t id;
        double value;
        link_get_data_value(m->values + i * LINK_DATA_VALUE_BYTES, &id, &value);
        printf(" %u", id);
        print_f64(value);
      }
      break;
    }
    case LINK_TYPE_LOG:
      printf(" %" PRIu64 " %u", message->as.log.time_ms, message->as.log.level);
      print_str(message->as.log.text);
      break;
    case LINK_TYPE_EVENT: {
      const link_event_t *m = &message->as.event;
      printf(" %" PRIu64 " %u %u", m->time_ms, m->kind, m->code);
      print_str(m->message);
      print_str(m->file);
      printf(" %" PRIu32 " %" PRIu32, m->line, m->column);
      break;
    }
    case LINK_TYPE_COMMAND:
      printf(" %u", message->as.command.command_id);
      print_hex(message->as.command.payload, message->as.command.length);
      break;
    case LINK_TYPE_COMMAND_RESULT: {
      const link_command_result_t *m = &message->as.command_result;
      printf(" %u %u %u %u", m->command_id, m->origin, m->status, m->flags);
      print_hex(m->payload, m->payload_length);
      break;
    }
    case LINK_TYPE_HEARTBEAT: {
      const link_heartbeat_t *m = &message->as.heartbeat;
      printf(" %" PRIu64 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %u %" PRIu64 " %u %u %u", m->uptime_ms, m->session,
             m->heartbeat_period_ms, m->boot_count, m->app_state, m->restart_at_ms, m->consecutive_failures,
             m->last_failure_kind, m->last_failure_code);
      for (int i = 0; i < LINK_OUTCOMES; i++) printf(" %" PRIu32, m->rx.count[i]);
      printf(" %" PRIu32 " %u %u %u %u %" PRIu32, m->commands_dropped, m->led_mode, m->led_period_ms, m->led_level,
             m->brightness_u16, m->report_interval_ms);
      break;
    }
    case LINK_TYPE_PROXY_REQUEST: {
      const link_proxy_request_t *m = &message->as.proxy_request;
      printf(" %u %" PRIu64 " %u %u %u %u %u", m->request_id, m->time_us, m->op, m->target, m->read_length,
             m->value, m->duty);
      print_hex(m->data, m->data_length);
      break;
    }
    case LINK_TYPE_PROXY_RESPONSE:
      printf(" %u %u", message->as.proxy_response.request_id, message->as.proxy_response.status);
      print_hex(message->as.proxy_response.data, message->as.proxy_response.length);
      break;
  }
}

/* The field name with its `#` replaced by the entry's index, as host/link/ names it. */
static void print_field(const char *field, unsigned index) {
  putchar(' ');
  for (const char *c = field; *c != '\0'; c++) {
    if (*c == '#') {
      printf("%u", index);
    } else {
      putchar(*c);
    }
  }
}

static void decode(void) {
  static link_decoder_t decoder;
  static uint8_t body[LINK_RX_BODY_BYTES];
  link_decoder_init(&decoder, body, sizeof body, link_decode_any);
  size_t length;
  const uint8_t *wire = next_bytes(&length);
  int finished = 0;
  for (size_t i = 0; i < length; i++) {
    /* Zeroed so fields a decoder leaves alone (a proxy op's unused ones) print as 0. */
    link_decoded_t decoded = {0};
    if (!link_decoder_push(&decoder, wire[i], &decoded)) continue;
    if (finished++ > 0) putchar(';');
    link_newer_peer_t peer;
    if (decoded.drop == LINK_ACCEPTED) {
      print_message(decoded.session_tag, decoded.seq, &decoded.message);
    } else {
      printf("drop %s", DROP_NAMES[decoded.drop]);
      if (decoded.field != NULL) print_field(decoded.field, decoded.field_index);
      if (link_read_newer_peer(&decoded, &peer)) {
        printf(" peer");
        print_str(peer.device_id);
        printf(" %u", peer.link_minor);
        print_str(peer.firmware_version);
      }
    }
  }
  putchar('\n');
}

/* ---- the inbox ---- */

static void expect(void) {
  inbox_expect_response((uint16_t)next_number());
  puts("ok");
}

static void expect_none(void) {
  inbox_expect_no_response();
  puts("ok");
}

static void receive(void) {
  size_t length;
  const uint8_t *wire = next_bytes(&length);
  for (size_t i = 0; i < length; i++) inbox_receive(wire[i]);
  if (!inbox_has_response()) {
    puts("none");
    return;
  }
  const inbox_response_t *response = inbox_response();
  printf("response %u", response->status);
  print_hex(response->data, response->length);
  putchar('\n');
}

static void counts(void) {
  link_rx_counts_t rx = inbox_rx_counts();
  printf("counts");
  for (int i = 0; i < LINK_OUTCOMES; i++) printf(" %" PRIu32, rx.count[i]);
  putchar('\n');
}

static void take(void) {
  inbox_command_t command;
  if (!inbox_take_command(&command)) {
    puts("none");
    return;
  }
  printf("command %u %u", command.session_tag, command.command_id);
  print_hex(command.payload, command.length);
  printf(" %08" PRIx32 "\n", inbox_command_crc(&command));
}

static void take_refused(void) {
  uint16_t command_id;
  if (!inbox_take_refused(&command_id)) {
    puts("none");
    return;
  }
  printf("refused %u\n", command_id);
}

static void dropped(void) {
  printf("%" PRIu32 "\n", inbox_commands_dropped());
}

static void reset(void) {
  uint32_t session = (uint32_t)next_number();
  inbox_init();
  link_device_init(print_sink, NULL, session);
  puts("ok");
}

static const struct {
  const char *verb;
  void (*run)(void);
} VERBS[] = {
    {"encode", encode}, {"frame", frame},            {"decode", decode},   {"send", send},  {"expect", expect},
    {"expect-none", expect_none}, {"receive", receive}, {"counts", counts}, {"take", take},
    {"take-refused", take_refused}, {"dropped", dropped}, {"reset", reset},
};

int main(void) {
  static char line[LINE_BYTES];
  inbox_init();
  link_device_init(print_sink, NULL, 1);
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strchr(line, '\n') == NULL) fail("line too long");
    arena_used = 0;
    char *verb = strtok_r(line, " \n", &cursor);
    if (verb == NULL) continue;
    size_t i = 0;
    while (i < sizeof VERBS / sizeof VERBS[0] && strcmp(VERBS[i].verb, verb) != 0) i++;
    if (i == sizeof VERBS / sizeof VERBS[0]) fail("unknown request");
    VERBS[i].run();
    fflush(stdout);
  }
  return 0;
}
