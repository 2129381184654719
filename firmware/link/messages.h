/*
 * The link's messages (docs/link-protocol.md §4), one module per type as host/link/ has: an encoder and a
 * decoder each. The device's image links the encoders of what it sends and the decoders it dispatches to;
 * the test harness exercises all of them against test/vectors/link-frames.json (§7).
 */
#ifndef WASMOTE_LINK_MESSAGES_H
#define WASMOTE_LINK_MESSAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"

/* §3.4 */
typedef enum {
  LINK_TYPE_HELLO = 0x01,
  LINK_TYPE_DATA = 0x02,
  LINK_TYPE_LOG = 0x03,
  LINK_TYPE_EVENT = 0x04,
  LINK_TYPE_COMMAND = 0x05,
  LINK_TYPE_COMMAND_RESULT = 0x06,
  LINK_TYPE_PROXY_REQUEST = 0x10,
  LINK_TYPE_PROXY_RESPONSE = 0x11,
} link_type_t;

/* ---- HELLO, device → edge (§4.1) ---- */

typedef enum {
  LINK_BOOT_POWER_ON = 0,
  LINK_BOOT_RESET = 1,
  LINK_BOOT_WATCHDOG = 2,
  LINK_BOOT_APP_RESTART = 3,
} link_boot_reason_t;

/* A SHA-256 digest (FIPS 180-4 §1). */
#define LINK_APP_HASH_BYTES 32
/* §4.1: device_id, firmware_version and app_version. */
#define LINK_IDENTITY_MAX_BYTES 32

typedef struct {
  link_str_t device_id;
  link_str_t firmware_version;
  link_str_t app_version;
  const uint8_t *app_hash;
  uint32_t abi_version;
  link_boot_reason_t boot_reason;
  uint8_t metric_count;
  /* `metric_count` entries as on the wire (id u8, name str, unit str), written with link_put_metric(). */
  const uint8_t *metrics;
  size_t metrics_length;
} link_hello_t;

void link_put_metric(link_writer_t *writer, uint8_t id, link_str_t name, link_str_t unit);
/* Reads the metric entry at the reader's position (reader->index names it). */
void link_get_metric(link_reader_t *reader, uint8_t *id, link_str_t *name, link_str_t *unit);
bool link_encode_hello(link_writer_t *writer, const link_hello_t *message);
bool link_decode_hello(link_reader_t *reader, link_hello_t *message);

/* ---- DATA, device → edge (§4.2) ---- */

/* One value on the wire: id u8, value f64. */
#define LINK_DATA_VALUE_BYTES 9

typedef struct {
  uint64_t time_ms;
  uint8_t count;
  /* `count` entries as on the wire, written with link_put_data_value(). */
  const uint8_t *values;
} link_data_t;

void link_put_data_value(uint8_t entry[LINK_DATA_VALUE_BYTES], uint8_t id, double value);
void link_get_data_value(const uint8_t entry[LINK_DATA_VALUE_BYTES], uint8_t *id, double *value);
bool link_encode_data(link_writer_t *writer, const link_data_t *message);
bool link_decode_data(link_reader_t *reader, link_data_t *message);

/* ---- LOG, device → edge (§4.3) ---- */

typedef struct {
  uint64_t time_ms;
  uint8_t level;
  link_str_t text;
} link_log_t;

bool link_encode_log(link_writer_t *writer, const link_log_t *message);
bool link_decode_log(link_reader_t *reader, link_log_t *message);

/* ---- EVENT, device → edge (§4.4) ---- */

typedef enum {
  LINK_EVENT_TRAP = 1,
  LINK_EVENT_FAULT = 2,
  LINK_EVENT_REBOOT = 3,
  LINK_EVENT_RUNAWAY = 4,
} link_event_kind_t;

typedef struct {
  uint64_t time_ms;
  link_event_kind_t kind;
  uint16_t code;
  link_str_t message;
  link_str_t file;
  uint32_t line;
  uint32_t column;
} link_event_t;

bool link_encode_event(link_writer_t *writer, const link_event_t *message);
bool link_decode_event(link_reader_t *reader, link_event_t *message);

/* ---- COMMAND, edge → device (§4.5) ---- */

typedef struct {
  uint16_t command_id;
  const uint8_t *payload;
  uint8_t length;
} link_command_t;

bool link_encode_command(link_writer_t *writer, const link_command_t *message);
bool link_decode_command(link_reader_t *reader, link_command_t *message);

/* ---- COMMAND_RESULT, device → edge (§4.6) ---- */

typedef struct {
  uint16_t command_id;
  uint8_t status;
} link_command_result_t;

bool link_encode_command_result(link_writer_t *writer, const link_command_result_t *message);
bool link_decode_command_result(link_reader_t *reader, link_command_result_t *message);

/* ---- PROXY_REQUEST, device → host (§4.7) ---- */

typedef enum {
  LINK_PROXY_I2C_WRITE = 1,
  LINK_PROXY_I2C_READ = 2,
  LINK_PROXY_I2C_WRITE_READ = 3,
  LINK_PROXY_GPIO_MODE = 4,
  LINK_PROXY_GPIO_WRITE = 5,
  LINK_PROXY_GPIO_READ = 6,
  LINK_PROXY_PWM_SET = 7,
} link_proxy_op_t;

typedef struct {
  uint16_t request_id;
  uint64_t time_us;
  link_proxy_op_t op;
  /* The I2C address, GPIO pin or PWM channel. */
  uint8_t target;
  /* I2C reads: bytes to read. */
  uint8_t read_length;
  /* GPIO_MODE: the mode; GPIO_WRITE: the level. */
  uint8_t value;
  /* PWM_SET */
  uint16_t duty;
  /* I2C writes: the bytes to write. */
  const uint8_t *data;
  uint8_t data_length;
} link_proxy_request_t;

bool link_encode_proxy_request(link_writer_t *writer, const link_proxy_request_t *message);
bool link_decode_proxy_request(link_reader_t *reader, link_proxy_request_t *message);

/* ---- PROXY_RESPONSE, host → device (§4.8) ---- */

typedef struct {
  uint16_t request_id;
  uint8_t status;
  const uint8_t *data;
  uint8_t length;
} link_proxy_response_t;

bool link_encode_proxy_response(link_writer_t *writer, const link_proxy_response_t *message);
bool link_decode_proxy_response(link_reader_t *reader, link_proxy_response_t *message);

/* ---- any of them ---- */

typedef struct {
  link_type_t type;
  union {
    link_hello_t hello;
    link_data_t data;
    link_log_t log;
    link_event_t event;
    link_command_t command;
    link_command_result_t command_result;
    link_proxy_request_t proxy_request;
    link_proxy_response_t proxy_response;
  } as;
} link_message_t;

#endif
