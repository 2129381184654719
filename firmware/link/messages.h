/*
 * The link's messages (docs/link-protocol.md §4), one module per type as host/link/ has: an encoder and a
 * decoder each. The device's image links the encoders of what it sends and the decoders it dispatches to;
 * the test harness exercises all of them against test/vectors/link-frames.json (§8).
 *
 * Every encoder refuses (returns false, writing nothing the caller may send) a message the decoder would drop
 * as malformed: a value outside its field's range, an `id` that breaks §3.3, a `str` too long or not UTF-8, a
 * u64 above 2^53 - 1, a non-finite f64, a payload too long.
 */
#ifndef WASMOTE_LINK_MESSAGES_H
#define WASMOTE_LINK_MESSAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"
#include "frame.h"

/* §3.4 */
typedef enum {
  LINK_TYPE_HELLO = 0x01,
  LINK_TYPE_DATA = 0x02,
  LINK_TYPE_LOG = 0x03,
  LINK_TYPE_EVENT = 0x04,
  LINK_TYPE_COMMAND = 0x05,
  LINK_TYPE_COMMAND_RESULT = 0x06,
  LINK_TYPE_METRIC = 0x07,
  LINK_TYPE_HEARTBEAT = 0x08,
  LINK_TYPE_PROXY_REQUEST = 0x10,
  LINK_TYPE_PROXY_RESPONSE = 0x11,
} link_type_t;

/* §4.1: HELLO's link_minor for this document. */
#define LINK_MINOR 0

/* ---- HELLO, device → edge (§4.1) ---- */

typedef enum {
  LINK_BOOT_POWER_ON = 0,
  LINK_BOOT_RESET = 1,
  LINK_BOOT_WATCHDOG = 2,
  LINK_BOOT_REBOOT = 3,
  /* The firmware reset itself after a processor fault (§4.7, EVENT fault). */
  LINK_BOOT_FAULT = 4,
} link_boot_reason_t;

typedef enum {
  LINK_HELLO_BOOT = 0,
  LINK_HELLO_APP_RESTART = 1,
  LINK_HELLO_REQUESTED = 2,
} link_hello_reason_t;

/* HELLO's and HEARTBEAT's app_state. */
typedef enum {
  LINK_APP_RUNNING = 0,
  LINK_APP_BACKING_OFF = 1,
} link_app_state_t;

/* HELLO's capabilities. */
#define LINK_CAPABILITY_BOOT_COUNT_PERSISTENT (1u << 0)
#define LINK_CAPABILITY_REBOOT (1u << 1)
#define LINK_CAPABILITY_PROXY (1u << 2)

/* A SHA-256 digest (FIPS 180-4 §1). */
#define LINK_APP_HASH_BYTES 32
/* §4.1: firmware_version and app_version. */
#define LINK_VERSION_TEXT_MAX_BYTES 32
/* §4.1: heartbeat_period_ms. */
#define LINK_HEARTBEAT_PERIOD_MIN_MS 1000u
#define LINK_HEARTBEAT_PERIOD_MAX_MS 3600000u
/* §4.1: report_interval_ms is 1..3_600_000, or 0 while the app has not said. */
#define LINK_REPORT_INTERVAL_MAX_MS 3600000u
/* §4.1: at most 16 opcodes, strictly ascending, none 0x00 and none of the runner's own (§4.5.1). */
#define LINK_HELLO_MAX_OPCODES 16
#define LINK_RUNNER_OPCODE_FIRST 0x70
#define LINK_RUNNER_OPCODE_LAST 0x7F

typedef struct {
  link_str_t device_id;
  uint8_t link_minor;
  link_str_t firmware_version;
  uint16_t capabilities;
  link_str_t board;
  link_str_t app_name;
  link_str_t app_version;
  const uint8_t *app_hash;
  uint32_t abi_version;
  link_boot_reason_t boot_reason;
  link_hello_reason_t hello_reason;
  uint32_t session;
  uint32_t boot_count;
  uint64_t uptime_ms;
  uint32_t heartbeat_period_ms;
  uint32_t report_interval_ms;
  link_app_state_t app_state;
  /* How many METRIC messages follow (§7.1). */
  uint8_t metric_count;
  /* 0..LINK_HELLO_MAX_OPCODES, strictly ascending, none 0x00 or LINK_RUNNER_OPCODE_FIRST..LAST. */
  uint8_t opcode_count;
  const uint8_t *opcodes;
} link_hello_t;

bool link_encode_hello(link_writer_t *writer, const link_hello_t *message);
bool link_decode_hello(link_reader_t *reader, link_hello_t *message);

/* ---- METRIC, device → edge (§4.2) ---- */

typedef enum {
  LINK_METRIC_NUMBER = 0,
  LINK_METRIC_INTEGER = 1,
  LINK_METRIC_BOOLEAN = 2,
} link_metric_kind_t;

typedef struct {
  uint8_t id;
  link_str_t name;
  link_str_t unit;
  link_metric_kind_t kind;
  /* Without a range, min and max go out as +0 whatever they hold, and decode as +0 (any other bits are malformed). */
  bool has_range;
  double min;
  double max;
} link_metric_t;

bool link_encode_metric(link_writer_t *writer, const link_metric_t *message);
bool link_decode_metric(link_reader_t *reader, link_metric_t *message);

/* ---- DATA, device → edge (§4.3) ---- */

/* One value on the wire: id u8, value f64. */
#define LINK_DATA_VALUE_BYTES 9
/* §4.3: 1..24 values a message. */
#define LINK_DATA_MAX_VALUES 24

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

/* ---- LOG, device → edge (§4.4) ---- */

typedef struct {
  uint64_t time_ms;
  uint8_t level;
  link_str_t text;
} link_log_t;

bool link_encode_log(link_writer_t *writer, const link_log_t *message);
bool link_decode_log(link_reader_t *reader, link_log_t *message);

/* ---- COMMAND, edge → device (§4.5) ---- */

/* §4.5: a command's payload, opcode first. */
#define LINK_COMMAND_MIN_BYTES 1
#define LINK_COMMAND_MAX_BYTES 64

/* §4.5.1 */
typedef enum {
  LINK_RUNNER_PING = 0x70,
  LINK_RUNNER_HELLO = 0x71,
  LINK_RUNNER_REBOOT = 0x72,
} link_runner_opcode_t;

typedef struct {
  uint16_t command_id;
  const uint8_t *payload;
  uint8_t length;
} link_command_t;

bool link_encode_command(link_writer_t *writer, const link_command_t *message);
bool link_decode_command(link_reader_t *reader, link_command_t *message);

/* ---- COMMAND_RESULT, device → edge (§4.6) ---- */

typedef enum {
  LINK_ORIGIN_APP = 0,
  LINK_ORIGIN_RUNNER = 1,
} link_result_origin_t;

/* Statuses of origin LINK_ORIGIN_RUNNER. */
typedef enum {
  LINK_RUNNER_OK = 0,
  LINK_RUNNER_QUEUE_FULL = 1,
  LINK_RUNNER_APP_NOT_RUNNING = 2,
  LINK_RUNNER_APP_TRAPPED = 3,
  LINK_RUNNER_STATUS_OUT_OF_RANGE = 4,
  LINK_RUNNER_UNSUPPORTED = 5,
  LINK_RUNNER_BAD_ARGUMENT = 6,
  LINK_RUNNER_NO_COMMAND_BUFFER = 7,
} link_runner_status_t;

/*
 * flags bit 0: the stored answer to a repeated command (§7.4). Never on QUEUE_FULL or APP_NOT_RUNNING, which are
 * not stored; any other bit is malformed.
 */
#define LINK_RESULT_CACHED 0x01u
#define LINK_RESULT_PAYLOAD_MAX_BYTES 16

/*
 * The payload is held in the struct, so a result is a value the runner can store for repeats (§7.4) and send
 * again with LINK_RESULT_CACHED set. The constructors below fill it by status. With origin runner the payload is
 * exactly the status's: 8 bytes of restart_at_ms for APP_NOT_RUNNING, 4 of the app's status for
 * STATUS_OUT_OF_RANGE, none for the others; with origin app 0..16 bytes.
 */
typedef struct {
  uint16_t command_id;
  link_result_origin_t origin;
  uint8_t status;
  uint8_t flags;
  uint8_t payload_length;
  uint8_t payload[LINK_RESULT_PAYLOAD_MAX_BYTES];
} link_command_result_t;

/* What the app's `command` export returned, 0..255, with no payload. */
link_command_result_t link_result_app(uint16_t command_id, uint8_t status);
/* A runner status with an empty payload (every one but the two below). */
link_command_result_t link_result_runner(uint16_t command_id, link_runner_status_t status);
/* APP_NOT_RUNNING with restart_at_ms. */
link_command_result_t link_result_app_not_running(uint16_t command_id, uint64_t restart_at_ms);
/* STATUS_OUT_OF_RANGE with the status the app returned; one inside 0..255 makes a result the encoder refuses. */
link_command_result_t link_result_status_out_of_range(uint16_t command_id, int32_t app_status);

bool link_encode_command_result(link_writer_t *writer, const link_command_result_t *message);
bool link_decode_command_result(link_reader_t *reader, link_command_result_t *message);

/* ---- EVENT, device → edge (§4.7) ---- */

typedef enum {
  LINK_EVENT_TRAP = 1,
  LINK_EVENT_FAULT = 2,
  LINK_EVENT_REBOOT = 3,
  LINK_EVENT_RUNAWAY = 4,
} link_event_kind_t;

/* §4.7: each kind's codes. Codes of LINK_EVENT_TRAP; LINK_EVENT_REBOOT's one code is 0. */
typedef enum {
  LINK_TRAP_ABORT = 1,
  LINK_TRAP_UNREACHABLE = 2,
  LINK_TRAP_MEMORY_OUT_OF_BOUNDS = 3,
  LINK_TRAP_CALL_STACK_EXHAUSTED = 4,
  LINK_TRAP_INTEGER_FAULT = 5,
  LINK_TRAP_INDIRECT_CALL = 6,
  LINK_TRAP_OTHER = 7,
} link_trap_code_t;

/* Codes of LINK_EVENT_FAULT (ARMv7-M ARM B1.5.2). */
typedef enum {
  LINK_FAULT_HARD = 1,
  LINK_FAULT_MEM_MANAGE = 2,
  LINK_FAULT_BUS = 3,
  LINK_FAULT_USAGE = 4,
} link_fault_code_t;

/* Codes of LINK_EVENT_RUNAWAY. */
typedef enum {
  LINK_RUNAWAY_TIME_BUDGET = 1,
  LINK_RUNAWAY_WATCHDOG = 2,
} link_runaway_code_t;

/* Whether `code` is in the list of `kind` (§4.7); HEARTBEAT's last_failure_code is checked with it too. */
bool link_event_code_valid(uint8_t kind, uint16_t code);

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

/* ---- HEARTBEAT, device → edge (§4.8) ---- */

/* §4.8: the payload is always 80 bytes. */
#define LINK_HEARTBEAT_BYTES 80
/* led_mode: 0 off, 1 on, 3 blinking (with led_period_ms 1..65535; 0 in every other mode), or not set. */
#define LINK_LED_OFF 0
#define LINK_LED_ON 1
#define LINK_LED_BLINKING 3
#define LINK_LED_NOT_SET 255
/* led_level when pin 0 is not an output. */
#define LINK_LED_LEVEL_NONE 255

typedef struct {
  uint64_t uptime_ms;
  uint32_t session;
  /* As in HELLO. */
  uint32_t heartbeat_period_ms;
  uint32_t boot_count;
  link_app_state_t app_state;
  /* 0 while the app runs. */
  uint64_t restart_at_ms;
  uint16_t consecutive_failures;
  /* 0, LINK_EVENT_TRAP or LINK_EVENT_RUNAWAY. */
  uint8_t last_failure_kind;
  /* 0 with kind 0, else in that kind's list (link_event_code_valid). */
  uint16_t last_failure_code;
  /* rx_frames and rx_oversize .. rx_malformed: the device's receiver's counts (inbox_rx_counts()). */
  link_rx_counts_t rx;
  uint32_t commands_dropped;
  uint8_t led_mode;
  uint16_t led_period_ms;
  uint8_t led_level;
  uint16_t brightness_u16;
  uint32_t report_interval_ms;
} link_heartbeat_t;

bool link_encode_heartbeat(link_writer_t *writer, const link_heartbeat_t *message);
bool link_decode_heartbeat(link_reader_t *reader, link_heartbeat_t *message);

/* ---- PROXY_REQUEST, device → host (§4.9) ---- */

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

/* ---- PROXY_RESPONSE, host → device (§4.10) ---- */

/* §4.10: at most one I2C read's worth of data. */
#define LINK_PROXY_DATA_MAX_BYTES 255

/* §4.10: status is a HAL status (hal-abi.md §3), 0..6. */
#define LINK_PROXY_STATUS_MAX 6

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
    link_metric_t metric;
    link_data_t data;
    link_log_t log;
    link_event_t event;
    link_command_t command;
    link_command_result_t command_result;
    link_heartbeat_t heartbeat;
    link_proxy_request_t proxy_request;
    link_proxy_response_t proxy_response;
  } as;
} link_message_t;

/*
 * The longest payload of a message a device sends (HELLO, METRIC, DATA, LOG, EVENT, COMMAND_RESULT, HEARTBEAT,
 * PROXY_REQUEST): METRIC and EVENT, whose two `str`s may hold 255 bytes each. Sizes the device's transmit body.
 */
#define LINK_DEVICE_MAX_PAYLOAD_BYTES (1 + 2 * (1 + LINK_STR_MAX_BYTES) + 1 + 1 + 8 + 8)
/* The longest payload a device receives (COMMAND, PROXY_RESPONSE): a PROXY_RESPONSE with 255 bytes of data. */
#define LINK_DEVICE_MAX_RECEIVED_PAYLOAD_BYTES (2 + 1 + LINK_PROXY_DATA_MAX_BYTES)

#endif
