/*
 * Drives firmware/link/ from test/firmware/link-vectors.test.ts, one request per line on stdin, one answer per
 * line on stdout. A message travels as its type name, its seq and its fields in the order of
 * docs/link-protocol.md §4; numbers in decimal, byte and text fields as hex with an `x` prefix (`x` alone is
 * empty), f64 values as the hex of their IEEE 754 bits so nothing is lost.
 *
 *   hello <seq> <device_id> <firmware_version> <app_version> <app_hash> <abi> <boot> <n> (<id> <name> <unit>)*n
 *   data <seq> <time_ms> <n> (<id> <bits>)*n
 *   log <seq> <time_ms> <level> <text>
 *   event <seq> <time_ms> <kind> <code> <message> <file> <line> <column>
 *   command <seq> <command_id> <payload>
 *   command-result <seq> <command_id> <status>
 *   proxy-request <seq> <request_id> <time_us> <op> <target> <read_len> <value> <duty> <data>
 *   proxy-response <seq> <request_id> <status> <data>
 *
 * Requests: `encode <message>` answers the wire frame in hex (delimiter included) or `refused`;
 * `decode x<wire bytes>` answers one entry per finished segment, separated by `;`: the message, or
 * `drop <reason>` and for a malformed payload the field its detail names.
 *
 * The device's inbox (link/inbox.h) keeps its state from line to line: `expect <request_id>` and `expect-none`
 * answer `ok`; `receive x<wire bytes>` feeds the bytes in and answers the response kept, `response <status>
 * <data>`, or `none`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../firmware/link/decoder.h"
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
    {"data", LINK_TYPE_DATA},
    {"log", LINK_TYPE_LOG},
    {"event", LINK_TYPE_EVENT},
    {"command", LINK_TYPE_COMMAND},
    {"command-result", LINK_TYPE_COMMAND_RESULT},
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

static bool encode_message(link_type_t type, link_writer_t *writer) {
  static uint8_t entries[LINK_MAX_PAYLOAD_BYTES];
  size_t length;
  switch (type) {
    case LINK_TYPE_HELLO: {
      link_hello_t m = {.device_id = next_str(), .firmware_version = next_str(), .app_version = next_str()};
      m.app_hash = next_bytes(&length);
      if (length != LINK_APP_HASH_BYTES) fail("app_hash");
      m.abi_version = (uint32_t)next_number();
      m.boot_reason = (link_boot_reason_t)next_number();
      m.metric_count = (uint8_t)next_number();
      link_writer_t table;
      link_writer_init(&table, entries, sizeof entries);
      for (int i = 0; i < m.metric_count; i++) {
        uint8_t id = (uint8_t)next_number();
        link_str_t name = next_str();
        link_put_metric(&table, id, name, next_str());
      }
      m.metrics = entries;
      m.metrics_length = table.length;
      return !table.overflow && link_encode_hello(writer, &m);
    }
    case LINK_TYPE_DATA: {
      link_data_t m = {.time_ms = next_number(), .count = (uint8_t)next_number(), .values = entries};
      for (int i = 0; i < m.count; i++) {
        uint8_t id = (uint8_t)next_number();
        link_put_data_value(entries + i * LINK_DATA_VALUE_BYTES, id, next_f64());
      }
      return link_encode_data(writer, &m);
    }
    case LINK_TYPE_LOG: {
      link_log_t m = {.time_ms = next_number(), .level = (uint8_t)next_number(), .text = next_str()};
      return link_encode_log(writer, &m);
    }
    case LINK_TYPE_EVENT: {
      link_event_t m = {.time_ms = next_number()};
      m.kind = (link_event_kind_t)next_number();
      m.code = (uint16_t)next_number();
      m.message = next_str();
      m.file = next_str();
      m.line = (uint32_t)next_number();
      m.column = (uint32_t)next_number();
      return link_encode_event(writer, &m);
    }
    case LINK_TYPE_COMMAND: {
      link_command_t m = {.command_id = (uint16_t)next_number()};
      m.payload = next_bytes(&length);
      m.length = (uint8_t)length;
      return link_encode_command(writer, &m);
    }
    case LINK_TYPE_COMMAND_RESULT: {
      link_command_result_t m = {.command_id = (uint16_t)next_number()};
      m.status = (uint8_t)next_number();
      return link_encode_command_result(writer, &m);
    }
    case LINK_TYPE_PROXY_REQUEST: {
      link_proxy_request_t m = {.request_id = (uint16_t)next_number()};
      m.time_us = next_number();
      m.op = (link_proxy_op_t)next_number();
      m.target = (uint8_t)next_number();
      m.read_length = (uint8_t)next_number();
      m.value = (uint8_t)next_number();
      m.duty = (uint16_t)next_number();
      m.data = next_bytes(&length);
      m.data_length = (uint8_t)length;
      return link_encode_proxy_request(writer, &m);
    }
    case LINK_TYPE_PROXY_RESPONSE: {
      link_proxy_response_t m = {.request_id = (uint16_t)next_number()};
      m.status = (uint8_t)next_number();
      m.data = next_bytes(&length);
      m.length = (uint8_t)length;
      return link_encode_proxy_response(writer, &m);
    }
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
  uint16_t seq = (uint16_t)next_number();
  link_writer_t writer;
  link_writer_init(&writer, body + LINK_PAYLOAD_AT, LINK_MAX_PAYLOAD_BYTES);
  if (!encode_message(type, &writer)) {
    puts("refused");
    return;
  }
  link_frame_send(body, writer.length, (uint8_t)type, seq, print_sink, NULL);
  putchar('\n');
}

/* ---- decode ---- */

static void print_message(uint16_t seq, const link_message_t *message) {
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    if (TYPES[i].type == message->type) printf("%s %u", TYPES[i].name, seq);
  }
  switch (message->type) {
    case LINK_TYPE_HELLO: {
      const link_hello_t *m = &message->as.hello;
      print_str(m->device_id);
      print_str(m->firmware_version);
      print_str(m->app_version);
      print_hex(m->app_hash, LINK_APP_HASH_BYTES);
      printf(" %" PRIu32 " %u %u", m->abi_version, m->boot_reason, m->metric_count);
      link_reader_t reader;
      link_reader_init(&reader, m->metrics, m->metrics_length);
      for (int i = 0; i < m->metric_count; i++) {
        uint8_t id;
        link_str_t name;
        link_str_t unit;
        link_get_metric(&reader, &id, &name, &unit);
        printf(" %u", id);
        print_str(name);
        print_str(unit);
      }
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
    case LINK_TYPE_COMMAND_RESULT:
      printf(" %u %u", message->as.command_result.command_id, message->as.command_result.status);
      break;
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
  link_decoder_init(&decoder, link_decode_any);
  size_t length;
  const uint8_t *wire = next_bytes(&length);
  int finished = 0;
  for (size_t i = 0; i < length; i++) {
    /* Zeroed so fields a decoder leaves alone (a proxy op's unused ones) print as 0. */
    link_decoded_t decoded = {0};
    if (!link_decoder_push(&decoder, wire[i], &decoded)) continue;
    if (finished++ > 0) putchar(';');
    if (decoded.drop == LINK_ACCEPTED) {
      print_message(decoded.seq, &decoded.message);
    } else {
      printf("drop %s", DROP_NAMES[decoded.drop]);
      if (decoded.field != NULL) print_field(decoded.field, decoded.field_index);
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

int main(void) {
  static char line[LINE_BYTES];
  inbox_init();
  while (fgets(line, sizeof line, stdin) != NULL) {
    if (strchr(line, '\n') == NULL) fail("line too long");
    arena_used = 0;
    char *verb = strtok_r(line, " \n", &cursor);
    if (verb == NULL) continue;
    if (strcmp(verb, "encode") == 0) {
      encode();
    } else if (strcmp(verb, "decode") == 0) {
      decode();
    } else if (strcmp(verb, "expect") == 0) {
      expect();
    } else if (strcmp(verb, "expect-none") == 0) {
      expect_none();
    } else if (strcmp(verb, "receive") == 0) {
      receive();
    } else {
      fail("unknown request");
    }
    fflush(stdout);
  }
  return 0;
}
