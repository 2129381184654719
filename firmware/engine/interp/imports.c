/*
 * The HAL ABI's imports bound to firmware/hal/, one host function each: arguments come in value slots (an f64
 * in two), the result goes to the first. Each passes the instance's linear memory to the HAL, which checks every
 * pointer against it (docs/hal-abi.md §3). The names and signatures are hal_abi.h's; the loader refuses an
 * import whose type differs.
 */
#include <string.h>

#include "../../hal/imports.h"
#include "../engine.h"
#include "hal_abi.h"
#include "imports.h"

static double f64_at(const slot_t *slots) {
  double value;
  memcpy(&value, slots, sizeof value);
  return value;
}

static app_memory_t memory(void) {
  return engine_memory();
}

static void i2c_write(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_i2c_write(&m, (int32_t)s[0], s[1], (int32_t)s[2]);
}
static void i2c_read(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_i2c_read(&m, (int32_t)s[0], s[1], (int32_t)s[2]);
}
static void i2c_write_read(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_i2c_write_read(&m, (int32_t)s[0], s[1], (int32_t)s[2], s[3], (int32_t)s[4]);
}
static void gpio_mode(slot_t *s) {
  s[0] = (slot_t)hal_gpio_mode((int32_t)s[0], (int32_t)s[1]);
}
static void gpio_write(slot_t *s) {
  s[0] = (slot_t)hal_gpio_write((int32_t)s[0], (int32_t)s[1]);
}
static void gpio_read(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_gpio_read(&m, (int32_t)s[0], s[1]);
}
static void pwm_set(slot_t *s) {
  s[0] = (slot_t)hal_pwm_set((int32_t)s[0], (int32_t)s[1]);
}
static void clock_ms(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_clock_ms(&m, s[0]);
}
static void clock_us(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_clock_us(&m, s[0]);
}
static void delay_us(slot_t *s) {
  s[0] = (slot_t)hal_delay_us((int32_t)s[0]);
}
static void log_line(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_log(&m, (int32_t)s[0], s[1], s[2]);
}
static void metric_declare(slot_t *s) {
  app_memory_t m = memory();
  s[0] = (slot_t)hal_metric_declare(&m, (int32_t)s[0], s[1], s[2], s[3], s[4]);
}
static void metric_report(slot_t *s) {
  s[0] = (slot_t)hal_metric_report((int32_t)s[0], f64_at(s + 1));
}
static void metric_describe(slot_t *s) {
  s[0] = (slot_t)hal_metric_describe((int32_t)s[0], (int32_t)s[1], f64_at(s + 2), f64_at(s + 4));
}
static void command_declare(slot_t *s) {
  s[0] = (slot_t)hal_command_declare((int32_t)s[0]);
}
static void output_state(slot_t *s) {
  s[0] = (slot_t)hal_output_state((int32_t)s[0], (int32_t)s[1]);
}
static void abort_app(slot_t *s) {
  app_memory_t m = memory();
  trap_t trap;
  hal_abort(&m, s[0], s[1], s[2], s[3], &trap);
  engine_raise(&trap);
}
static void trace(slot_t *s) {
  app_memory_t m = memory();
  const double values[] = {f64_at(s + 2), f64_at(s + 4), f64_at(s + 6), f64_at(s + 8), f64_at(s + 10)};
  hal_trace(&m, s[0], (int32_t)s[1], values);
}
static void seed(slot_t *s) {
  double value = hal_seed();
  memcpy(s, &value, sizeof value);
}

#define BIND(module, name, signature, function) {module, name, signature, function},
const interp_host_import_t engine_imports[] = {HAL_ABI_IMPORTS(BIND)};

const uint32_t engine_import_count = sizeof engine_imports / sizeof engine_imports[0];
