/*
 * Runs an app through firmware/engine/ (wasm2c) and firmware/hal/ on the host, driven by
 * test/firmware/engine.test.ts one request per line on stdin. The board is a recording one, like
 * test/support/recording-port.ts: no chips on the bus, pins 0..3, one PWM channel, a clock that delay_us moves.
 *
 *   instantiate | init | tick <now_ms> | command <hex payload>
 *     -> `ok [<value>]` or `trap <code> <message hex> <file hex> <line> <column>`
 *   state
 *     -> what the runner reads from the telemetry table (telemetry.h): one `metric <id> <kind> <has_range>
 *        <min bits hex> <max bits hex> <name> x<unit hex>` per metric, `opcodes <count> x<opcodes hex>` and
 *        `outputs <report interval> <LED mode> <LED period>`, then `ok`
 * Every frame the firmware sends prints as `frame <hex>` and every board call as `board ...`, when they happen.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../firmware/boards/board.h"
#include "../../../firmware/engine/engine.h"
#include "../../../firmware/hal/clock.h"
#include "../../../firmware/hal/imports.h"
#include "../../../firmware/hal/telemetry.h"
#include "../../../firmware/link/device.h"

#define GPIO_PINS 4
#define GPIO_OUTPUT 1
#define LINE_BYTES 1024

/* ---- the recording board ---- */

static uint64_t now_us;
static uint8_t gpio_modes[GPIO_PINS];

const char board_name[] = "native";

void board_init(void) {}

link_str_t board_device_id(void) {
  return (link_str_t){"native-0000", 11};
}

double board_seed(void) {
  return 1;
}

void board_link_transmit(void *context, const uint8_t *bytes, size_t length) {
  static int in_frame;
  (void)context;
  for (size_t i = 0; i < length; i++) {
    if (!in_frame) printf("frame ");
    in_frame = 1;
    printf("%02x", bytes[i]);
    if (bytes[i] == 0) {
      putchar('\n');
      in_frame = 0;
    }
  }
}

hal_status_t board_i2c_transfer(uint8_t address, const uint8_t *write, size_t write_length, uint8_t *read,
                                size_t read_length) {
  (void)write;
  (void)read;
  printf("board i2c %u w%zu r%zu\n", address, write_length, read_length);
  return HAL_NACK_ADDRESS;
}

hal_status_t board_gpio_mode(uint32_t pin, uint8_t mode) {
  if (pin >= GPIO_PINS) return HAL_UNSUPPORTED;
  gpio_modes[pin] = mode;
  printf("board gpio-mode %" PRIu32 " %u\n", pin, mode);
  return HAL_OK;
}

hal_status_t board_gpio_write(uint32_t pin, uint8_t level) {
  printf("board gpio-write %" PRIu32 " %u\n", pin, level);
  return pin < GPIO_PINS && gpio_modes[pin] == GPIO_OUTPUT ? HAL_OK : HAL_BAD_ARGUMENT;
}

hal_status_t board_gpio_read(uint32_t pin, uint8_t *level) {
  (void)pin;
  *level = 1;
  return HAL_OK;
}

hal_status_t board_pwm_set(uint32_t channel, uint16_t duty) {
  printf("board pwm %" PRIu32 " %u\n", channel, duty);
  return HAL_OK;
}

uint64_t clock_now_us(void) {
  return now_us;
}

void clock_delay_us(uint32_t us) {
  now_us += us;
}

/* ---- requests ---- */

static void print_hex(const char *bytes, size_t length) {
  printf(" x");
  for (size_t i = 0; i < length; i++) printf("%02x", (uint8_t)bytes[i]);
}

static void answer(bool returned, const trap_t *trap, const char *value) {
  if (returned) {
    printf("ok%s\n", value);
    return;
  }
  printf("trap %d", trap->code);
  print_hex(trap->message, trap->message_length);
  print_hex(trap->file, trap->file_length);
  printf(" %" PRIu32 " %" PRIu32 "\n", trap->line, trap->column);
}

static void command(const char *hex) {
  uint8_t payload[LINE_BYTES / 2];
  size_t length = strlen(hex) / 2;
  for (size_t i = 0; i < length; i++) sscanf(hex + 2 * i, "%2hhx", &payload[i]);
  trap_t trap;
  uint32_t ptr;
  hal_set_phase(HAL_PHASE_COMMAND);
  bool returned = engine_call_command_buffer((uint32_t)length, &ptr, &trap);
  if (!returned) {
    hal_set_phase(HAL_PHASE_IDLE);
    answer(false, &trap, "");
    return;
  }
  app_memory_t memory = engine_memory();
  if (ptr == 0 || !app_memory_holds(&memory, ptr, (uint32_t)length)) {
    hal_set_phase(HAL_PHASE_IDLE);
    printf("ok %d\n", HAL_BAD_ARGUMENT);
    return;
  }
  memcpy(memory.data + ptr, payload, length);
  uint32_t status;
  returned = engine_call_command(ptr, (uint32_t)length, &status, &trap);
  hal_set_phase(HAL_PHASE_IDLE);
  char value[16];
  snprintf(value, sizeof value, " %" PRIu32, status);
  answer(returned, &trap, value);
}

static void state(void) {
  for (uint8_t i = 0; i < telemetry_metric_count(); i++) {
    telemetry_metric_t metric;
    telemetry_metric(i, &metric);
    uint64_t min_bits;
    uint64_t max_bits;
    memcpy(&min_bits, &metric.min, sizeof min_bits);
    memcpy(&max_bits, &metric.max, sizeof max_bits);
    printf("metric %u %u %u %016" PRIx64 " %016" PRIx64 " %.*s", metric.id, metric.kind, metric.has_range, min_bits,
           max_bits, metric.name_length, metric.name);
    print_hex(metric.unit, metric.unit_length);
    putchar('\n');
  }
  uint8_t opcodes[TELEMETRY_MAX_OPCODES];
  uint8_t count = telemetry_opcodes(opcodes);
  printf("opcodes %u", telemetry_opcode_count());
  print_hex((const char *)opcodes, count);
  printf("\noutputs %" PRIu32 " %u %u\nok\n", telemetry_report_interval_ms(), telemetry_led_mode(),
         telemetry_led_period_ms());
}

int main(void) {
  static char line[LINE_BYTES];
  /* Any session: the harness reads frames only through their payloads. */
  link_device_init(board_link_transmit, NULL, 1);
  engine_load();
  while (fgets(line, sizeof line, stdin) != NULL) {
    char *argument = strchr(line, ' ');
    if (argument != NULL) *argument++ = '\0';
    line[strcspn(line, "\n")] = '\0';
    trap_t trap;
    char value[32] = "";
    if (strcmp(line, "instantiate") == 0) {
      telemetry_reset();
      bool returned = engine_instantiate(&trap);
      if (returned) snprintf(value, sizeof value, " %" PRIu32, engine_abi_version());
      answer(returned, &trap, value);
    } else if (strcmp(line, "init") == 0) {
      hal_set_phase(HAL_PHASE_INIT);
      bool returned = engine_call_init(&trap);
      hal_set_phase(HAL_PHASE_IDLE);
      answer(returned, &trap, "");
    } else if (strcmp(line, "tick") == 0) {
      uint64_t now_ms = strtoull(argument, NULL, 10);
      now_us = now_ms * US_PER_MS;
      telemetry_begin_tick(now_ms);
      uint32_t delay_ms;
      hal_set_phase(HAL_PHASE_TICK);
      bool returned = engine_call_tick(now_ms, &delay_ms, &trap);
      hal_set_phase(HAL_PHASE_IDLE);
      telemetry_send();
      snprintf(value, sizeof value, " %" PRIu32, delay_ms);
      answer(returned, &trap, value);
    } else if (strcmp(line, "command") == 0) {
      command(argument);
    } else if (strcmp(line, "state") == 0) {
      state();
    } else {
      fprintf(stderr, "engine-harness: unknown request %s\n", line);
      return 2;
    }
    fflush(stdout);
  }
  return 0;
}
