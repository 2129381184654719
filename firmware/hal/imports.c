#include "imports.h"

#include <string.h>

#include "../boards/board.h"
#include "../link/device.h"
#include "clock.h"
#include "telemetry.h"
#include "text.h"

/* docs/hal-abi.md §4 limits. */
#define I2C_ADDRESS_MIN 0x08 /* UM10204 §3.1.12 reserves the addresses outside 0x08..0x77 */
#define I2C_ADDRESS_MAX 0x77
#define I2C_LENGTH_MIN 1
#define I2C_LENGTH_MAX 255
#define GPIO_MODE_MAX 3
#define PWM_DUTY_MAX 0xFFFF
#define DELAY_MAX_US 1000000
#define LOG_LEVEL_MAX 3
#define LOG_LENGTH_MAX 200
/* §5: trace logs at debug level. */
#define TRACE_LOG_LEVEL 3
#define TRACE_VALUES 5
/* §5: an abort without a message reads "abort". */
static const char DEFAULT_ABORT_MESSAGE[] = "abort";

static uint8_t phase = HAL_PHASE_IDLE;
static hal_log_sink_t log_sink;

void hal_set_phase(hal_phase_t value) {
  phase = (uint8_t)value;
}

hal_phase_t hal_phase(void) {
  return (hal_phase_t)phase;
}

void hal_set_log_sink(hal_log_sink_t sink) {
  log_sink = sink;
}

static bool valid_i2c(int32_t address, int32_t length) {
  return address >= I2C_ADDRESS_MIN && address <= I2C_ADDRESS_MAX && length >= I2C_LENGTH_MIN &&
         length <= I2C_LENGTH_MAX;
}

hal_status_t hal_i2c_write(const app_memory_t *memory, int32_t address, uint32_t ptr, int32_t length) {
  if (!valid_i2c(address, length) || !app_memory_holds(memory, ptr, (uint32_t)length)) return HAL_BAD_ARGUMENT;
  return board_i2c_transfer((uint8_t)address, memory->data + ptr, (size_t)length, NULL, 0);
}

hal_status_t hal_i2c_read(const app_memory_t *memory, int32_t address, uint32_t ptr, int32_t length) {
  if (!valid_i2c(address, length) || !app_memory_holds(memory, ptr, (uint32_t)length)) return HAL_BAD_ARGUMENT;
  return board_i2c_transfer((uint8_t)address, NULL, 0, memory->data + ptr, (size_t)length);
}

hal_status_t hal_i2c_write_read(const app_memory_t *memory, int32_t address, uint32_t write_ptr,
                                int32_t write_length, uint32_t read_ptr, int32_t read_length) {
  if (!valid_i2c(address, write_length) || !valid_i2c(address, read_length)) return HAL_BAD_ARGUMENT;
  if (!app_memory_holds(memory, write_ptr, (uint32_t)write_length) ||
      !app_memory_holds(memory, read_ptr, (uint32_t)read_length)) {
    return HAL_BAD_ARGUMENT;
  }
  /* The write phase goes out before the read phase lands, so overlapping buffers behave as on the wire. */
  return board_i2c_transfer((uint8_t)address, memory->data + write_ptr, (size_t)write_length,
                            memory->data + read_ptr, (size_t)read_length);
}

hal_status_t hal_gpio_mode(int32_t pin, int32_t mode) {
  if (pin < 0 || mode < 0 || mode > GPIO_MODE_MAX) return HAL_BAD_ARGUMENT;
  return board_gpio_mode((uint32_t)pin, (uint8_t)mode);
}

hal_status_t hal_gpio_write(int32_t pin, int32_t level) {
  if (pin < 0 || (level != 0 && level != 1)) return HAL_BAD_ARGUMENT;
  return board_gpio_write((uint32_t)pin, (uint8_t)level);
}

hal_status_t hal_gpio_read(const app_memory_t *memory, int32_t pin, uint32_t level_ptr) {
  if (pin < 0 || !app_memory_holds(memory, level_ptr, 1)) return HAL_BAD_ARGUMENT;
  uint8_t level;
  hal_status_t status = board_gpio_read((uint32_t)pin, &level);
  if (status == HAL_OK) memory->data[level_ptr] = level;
  return status;
}

hal_status_t hal_pwm_set(int32_t channel, int32_t duty) {
  if (channel < 0 || duty < 0 || duty > PWM_DUTY_MAX) return HAL_BAD_ARGUMENT;
  return board_pwm_set((uint32_t)channel, (uint16_t)duty);
}

static hal_status_t store_u64(const app_memory_t *memory, uint32_t ptr, uint64_t value) {
  if (!app_memory_holds(memory, ptr, sizeof value)) return HAL_BAD_ARGUMENT;
  for (unsigned i = 0; i < sizeof value; i++) memory->data[ptr + i] = (uint8_t)(value >> (8 * i));
  return HAL_OK;
}

hal_status_t hal_clock_ms(const app_memory_t *memory, uint32_t out_ptr) {
  return store_u64(memory, out_ptr, clock_now_us() / US_PER_MS);
}

hal_status_t hal_clock_us(const app_memory_t *memory, uint32_t out_ptr) {
  return store_u64(memory, out_ptr, clock_now_us());
}

hal_status_t hal_delay_us(int32_t us) {
  if (us < 0 || us > DELAY_MAX_US) return HAL_BAD_ARGUMENT;
  clock_delay_us((uint32_t)us);
  return HAL_OK;
}

static void send_log(uint8_t level, const char *text, size_t length) {
  if (log_sink != NULL) {
    log_sink(level, text, length);
    return;
  }
  link_message_t message = {.type = LINK_TYPE_LOG};
  message.as.log = (link_log_t){clock_now_us() / US_PER_MS, level, {text, length}};
  link_device_send(&message);
}

hal_status_t hal_log(const app_memory_t *memory, int32_t level, uint32_t ptr, uint32_t length) {
  if (level < 0 || level > LOG_LEVEL_MAX || length > LOG_LENGTH_MAX) return HAL_BAD_ARGUMENT;
  if (!app_memory_holds(memory, ptr, length)) return HAL_BAD_ARGUMENT;
  /* §4.5: invalid UTF-8 is repaired, not refused (text.h). */
  char text[TEXT_LOG_MAX_BYTES];
  send_log((uint8_t)level, text, text_log(memory->data + ptr, length, text));
  return HAL_OK;
}

hal_status_t hal_metric_declare(const app_memory_t *memory, int32_t id, uint32_t name_ptr, uint32_t name_length,
                                uint32_t unit_ptr, uint32_t unit_length) {
  if (phase != HAL_PHASE_INIT) return HAL_BAD_ARGUMENT;
  if (!app_memory_holds(memory, name_ptr, name_length) || !app_memory_holds(memory, unit_ptr, unit_length)) {
    return HAL_BAD_ARGUMENT;
  }
  return telemetry_declare(id, memory->data + name_ptr, name_length, memory->data + unit_ptr, unit_length);
}

hal_status_t hal_metric_report(int32_t id, double value) {
  /* §4.6: only a tick's values go out; one reported in init or command is refused, and nothing is sent. */
  if (phase != HAL_PHASE_TICK) return HAL_BAD_ARGUMENT;
  return telemetry_report(id, value);
}

hal_status_t hal_metric_describe(int32_t id, int32_t kind, double min, double max) {
  if (phase != HAL_PHASE_INIT) return HAL_BAD_ARGUMENT;
  return telemetry_describe(id, kind, min, max);
}

hal_status_t hal_command_declare(int32_t opcode) {
  if (phase != HAL_PHASE_INIT) return HAL_BAD_ARGUMENT;
  return telemetry_declare_command(opcode);
}

hal_status_t hal_output_state(int32_t output, int32_t value) {
  return telemetry_set_output(output, value);
}

void hal_abort(const app_memory_t *memory, uint32_t message, uint32_t file, uint32_t line, uint32_t column,
               trap_t *trap) {
  trap->code = TRAP_ABORT;
  trap->message_length = (uint8_t)text_trap(memory, message, trap->message);
  if (trap->message_length == 0) {
    trap->message_length = sizeof DEFAULT_ABORT_MESSAGE - 1;
    memcpy(trap->message, DEFAULT_ABORT_MESSAGE, trap->message_length);
  }
  trap->file_length = (uint8_t)text_trap(memory, file, trap->file);
  trap->line = line;
  trap->column = column;
}

void hal_trace(const app_memory_t *memory, uint32_t message, int32_t count, const double values[TRACE_VALUES]) {
  /* As the simulator does: the message cut like any log text, then each value only if all of it still fits. */
  char text[TEXT_LOG_MAX_BYTES];
  size_t length = text_from_as_string(memory, message, text, sizeof text);
  for (int32_t i = 0; i < count && i < TRACE_VALUES; i++) {
    char number[TEXT_NUMBER_MAX_BYTES];
    size_t number_length = text_from_number(values[i], number);
    if (length + 1 + number_length > sizeof text) break;
    text[length++] = ' ';
    memcpy(text + length, number, number_length);
    length += number_length;
  }
  send_log(TRACE_LOG_LEVEL, text, length);
}

double hal_seed(void) {
  return board_seed();
}
