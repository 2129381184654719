#include "telemetry.h"

#include <math.h>
#include <string.h>

#include "../link/device.h"
#include "text.h"

/*
 * Values held for one DATA message: each 24th value reported sends them, and the runner sends the rest when the
 * tick ends, all stamped with the tick's start (docs/link-protocol.md §4.3, §7.2: 24 values to a message).
 */
#define PENDING_VALUES TELEMETRY_MAX_METRICS
#define BITS_PER_BYTE 8u
/* §4.7 and docs/link-protocol.md §4.5.1: the runner's opcodes, and the highest opcode. */
#define RUNNER_OPCODE_MIN 0x70
#define RUNNER_OPCODE_MAX 0x7F
#define OPCODE_MIN 0x01
#define OPCODE_MAX 0xFF
/* §4.7 output_state ranges; LED modes 0 off, 1 on, 3 blinking. */
#define REPORT_INTERVAL_MIN_MS 1
#define REPORT_INTERVAL_MAX_MS 3600000
#define LED_MODE_OFF 0
#define LED_MODE_ON 1
#define LED_MODE_BLINKING 3
#define LED_PERIOD_MAX_MS 0xFFFF

/*
 * A name's characters `[a-z0-9_.]` are 38 symbols, so each is kept in 6 bits: 24 of them in 18 bytes. The table
 * is sized for the ABI's worst case (24 metrics with 24-byte names), and this saves 144 of its bytes of RAM.
 */
#define NAME_CODE_BITS 6u
#define NAME_CODE_MASK 0x3Fu
#define NAME_PACKED_BYTES ((TELEMETRY_MAX_NAME_BYTES * NAME_CODE_BITS + BITS_PER_BYTE - 1) / BITS_PER_BYTE)
#define LETTERS 26u
#define DIGITS 10u
#define CODE_UNDERSCORE (LETTERS + DIGITS)
#define CODE_DOT (CODE_UNDERSCORE + 1)

/* One metric, bytes only (no padding): 30 bytes. Its range lives in `ranges`, 8-byte aligned. */
typedef struct {
  uint8_t id;
  uint8_t kind;
  uint8_t name_length;
  uint8_t unit_length;
  uint8_t name[NAME_PACKED_BYTES];
  char unit[TELEMETRY_MAX_UNIT_BYTES];
} entry_t;

static entry_t entries[TELEMETRY_MAX_METRICS];
/* min, max of each entry; NaN, NaN when it has no range. */
static double ranges[TELEMETRY_MAX_METRICS][2];
static uint8_t metric_count;
/* One bit per id 0..254 and per opcode 0..255. */
static uint8_t declared[(TELEMETRY_MAX_METRIC_ID + BITS_PER_BYTE) / BITS_PER_BYTE];
static uint8_t opcodes[(OPCODE_MAX + BITS_PER_BYTE) / BITS_PER_BYTE];

static uint32_t report_interval_ms;
static uint16_t led_period_ms;
static uint8_t led_mode = TELEMETRY_LED_MODE_NOT_SET;

static uint8_t pending[PENDING_VALUES * LINK_DATA_VALUE_BYTES];
static uint8_t pending_count;
static uint64_t tick_time_ms;

static bool bit(const uint8_t *bits, uint32_t index) {
  return (bits[index / BITS_PER_BYTE] & (1u << (index % BITS_PER_BYTE))) != 0;
}

static void set_bit(uint8_t *bits, uint32_t index) {
  bits[index / BITS_PER_BYTE] |= (uint8_t)(1u << (index % BITS_PER_BYTE));
}

static bool is_declared(int32_t id) {
  return id >= 0 && id <= TELEMETRY_MAX_METRIC_ID && bit(declared, (uint32_t)id);
}

/* §4.6: `[a-z0-9_.]`, 1..24 bytes. */
static bool valid_name(const uint8_t *name, uint32_t length) {
  if (length == 0 || length > TELEMETRY_MAX_NAME_BYTES) return false;
  for (uint32_t i = 0; i < length; i++) {
    uint8_t c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

static uint8_t name_code(uint8_t c) {
  if (c >= 'a' && c <= 'z') return (uint8_t)(c - 'a');
  if (c >= '0' && c <= '9') return (uint8_t)(LETTERS + c - '0');
  return c == '_' ? CODE_UNDERSCORE : CODE_DOT;
}

static char name_char(uint32_t code) {
  if (code < LETTERS) return (char)('a' + code);
  if (code < LETTERS + DIGITS) return (char)('0' + code - LETTERS);
  return code == CODE_UNDERSCORE ? '_' : '.';
}

/* Character i's code starts at bit 6i, least significant bit first, and spills into the next byte past bit 2. */
static void pack_name(const uint8_t *name, uint32_t length, uint8_t packed[NAME_PACKED_BYTES]) {
  memset(packed, 0, NAME_PACKED_BYTES);
  for (uint32_t i = 0; i < length; i++) {
    uint32_t at = i * NAME_CODE_BITS;
    uint32_t code = name_code(name[i]);
    packed[at / BITS_PER_BYTE] |= (uint8_t)(code << (at % BITS_PER_BYTE));
    if (at % BITS_PER_BYTE > BITS_PER_BYTE - NAME_CODE_BITS) {
      packed[at / BITS_PER_BYTE + 1] |= (uint8_t)(code >> (BITS_PER_BYTE - at % BITS_PER_BYTE));
    }
  }
}

static void unpack_name(const uint8_t packed[NAME_PACKED_BYTES], uint32_t length, char *out) {
  for (uint32_t i = 0; i < length; i++) {
    uint32_t at = i * NAME_CODE_BITS;
    uint32_t code = (uint32_t)packed[at / BITS_PER_BYTE] >> (at % BITS_PER_BYTE);
    if (at % BITS_PER_BYTE > BITS_PER_BYTE - NAME_CODE_BITS) {
      code |= (uint32_t)packed[at / BITS_PER_BYTE + 1] << (BITS_PER_BYTE - at % BITS_PER_BYTE);
    }
    out[i] = name_char(code & NAME_CODE_MASK);
  }
}

void telemetry_reset(void) {
  metric_count = 0;
  memset(declared, 0, sizeof declared);
  memset(opcodes, 0, sizeof opcodes);
  report_interval_ms = 0;
  led_period_ms = 0;
  led_mode = TELEMETRY_LED_MODE_NOT_SET;
  pending_count = 0;
}

hal_status_t telemetry_declare(int32_t id, const uint8_t *name, uint32_t name_length, const uint8_t *unit,
                               uint32_t unit_length) {
  if (id < 0 || id > TELEMETRY_MAX_METRIC_ID || is_declared(id)) return HAL_BAD_ARGUMENT;
  if (metric_count >= TELEMETRY_MAX_METRICS || !valid_name(name, name_length)) return HAL_BAD_ARGUMENT;
  entry_t *entry = &entries[metric_count];
  size_t unit_needed;
  size_t valid_unit_length = text_from_utf8(unit, unit_length, entry->unit, sizeof entry->unit, &unit_needed);
  if (unit_needed > TELEMETRY_MAX_UNIT_BYTES) return HAL_BAD_ARGUMENT;
  entry->id = (uint8_t)id;
  entry->kind = TELEMETRY_KIND_NUMBER;
  entry->name_length = (uint8_t)name_length;
  pack_name(name, name_length, entry->name);
  entry->unit_length = (uint8_t)valid_unit_length;
  ranges[metric_count][0] = NAN;
  ranges[metric_count][1] = NAN;
  metric_count++;
  set_bit(declared, (uint32_t)id);
  return HAL_OK;
}

hal_status_t telemetry_describe(int32_t id, int32_t kind, double min, double max) {
  if (!is_declared(id) || kind < TELEMETRY_KIND_NUMBER || kind > TELEMETRY_KIND_BOOLEAN) return HAL_BAD_ARGUMENT;
  bool no_range = isnan(min) && isnan(max);
  if (!no_range && !(isfinite(min) && isfinite(max) && min <= max)) return HAL_BAD_ARGUMENT;
  uint8_t index = 0;
  while (entries[index].id != id) index++;
  entries[index].kind = (uint8_t)kind;
  ranges[index][0] = min;
  ranges[index][1] = max;
  return HAL_OK;
}

hal_status_t telemetry_declare_command(int32_t opcode) {
  if (opcode < OPCODE_MIN || opcode > OPCODE_MAX) return HAL_BAD_ARGUMENT;
  if (opcode >= RUNNER_OPCODE_MIN && opcode <= RUNNER_OPCODE_MAX) return HAL_BAD_ARGUMENT;
  set_bit(opcodes, (uint32_t)opcode);
  return HAL_OK;
}

hal_status_t telemetry_set_output(int32_t output, int32_t value) {
  switch (output) {
    case TELEMETRY_OUTPUT_REPORT_INTERVAL:
      if (value < REPORT_INTERVAL_MIN_MS || value > REPORT_INTERVAL_MAX_MS) return HAL_BAD_ARGUMENT;
      report_interval_ms = (uint32_t)value;
      return HAL_OK;
    case TELEMETRY_OUTPUT_LED_MODE:
      if (value != LED_MODE_OFF && value != LED_MODE_ON && value != LED_MODE_BLINKING) return HAL_BAD_ARGUMENT;
      led_mode = (uint8_t)value;
      return HAL_OK;
    case TELEMETRY_OUTPUT_LED_PERIOD:
      if (value < 0 || value > LED_PERIOD_MAX_MS) return HAL_BAD_ARGUMENT;
      led_period_ms = (uint16_t)value;
      return HAL_OK;
    default:
      return HAL_BAD_ARGUMENT;
  }
}

hal_status_t telemetry_report(int32_t id, double value) {
  if (!is_declared(id) || !isfinite(value)) return HAL_BAD_ARGUMENT;
  link_put_data_value(pending + pending_count * LINK_DATA_VALUE_BYTES, (uint8_t)id, value);
  pending_count++;
  /* docs/link-protocol.md §7.2: a DATA goes out as soon as 24 values have built up, the rest at the tick's end. */
  if (pending_count == PENDING_VALUES) telemetry_send();
  return HAL_OK;
}

uint8_t telemetry_metric_count(void) {
  return metric_count;
}

bool telemetry_metric(uint8_t index, telemetry_metric_t *metric) {
  if (index >= metric_count) return false;
  const entry_t *entry = &entries[index];
  bool has_range = !isnan(ranges[index][0]);
  metric->min = has_range ? ranges[index][0] : 0;
  metric->max = has_range ? ranges[index][1] : 0;
  metric->id = entry->id;
  metric->kind = entry->kind;
  metric->has_range = has_range;
  metric->name_length = entry->name_length;
  unpack_name(entry->name, entry->name_length, metric->name);
  metric->unit_length = entry->unit_length;
  memcpy(metric->unit, entry->unit, entry->unit_length);
  return true;
}

bool telemetry_opcode_declared(uint8_t opcode) {
  return bit(opcodes, opcode);
}

uint8_t telemetry_opcode_count(void) {
  uint8_t count = 0;
  for (uint32_t opcode = OPCODE_MIN; opcode <= OPCODE_MAX; opcode++) {
    if (bit(opcodes, opcode)) count++;
  }
  return count;
}

uint8_t telemetry_opcodes(uint8_t out[TELEMETRY_MAX_OPCODES]) {
  uint8_t count = 0;
  for (uint32_t opcode = OPCODE_MIN; opcode <= OPCODE_MAX; opcode++) {
    if (bit(opcodes, opcode)) out[count++] = (uint8_t)opcode;
  }
  return count;
}

uint32_t telemetry_report_interval_ms(void) {
  return report_interval_ms;
}

uint8_t telemetry_led_mode(void) {
  return led_mode;
}

uint16_t telemetry_led_period_ms(void) {
  return led_period_ms;
}

void telemetry_begin_tick(uint64_t time_ms) {
  tick_time_ms = time_ms;
  pending_count = 0;
}

void telemetry_send(void) {
  if (pending_count == 0) return;
  link_message_t message = {.type = LINK_TYPE_DATA};
  message.as.data = (link_data_t){.time_ms = tick_time_ms, .count = pending_count, .values = pending};
  link_device_send(&message);
  pending_count = 0;
}
