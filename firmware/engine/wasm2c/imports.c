/*
 * The generated module's imports (wabt 1.0.32 names them Z_<module>Z_<name>) bound to firmware/hal/. Each
 * passes the instance's linear memory to the HAL, which checks every pointer against it (docs/hal-abi.md §3).
 * Where the app imports a name, app.h declares it with the app's signature, so a mismatch fails to compile.
 */
#include "config.h"
#include "../engine.h"
#include "../../hal/imports.h"
#include "app.h"

struct Z_hal_instance_t;
struct Z_env_instance_t;

static app_memory_t memory(void) {
  return engine_memory();
}

u32 Z_halZ_i2c_write(struct Z_hal_instance_t *hal, u32 address, u32 ptr, u32 length) {
  (void)hal;
  app_memory_t m = memory();
  return hal_i2c_write(&m, (int32_t)address, ptr, (int32_t)length);
}

u32 Z_halZ_i2c_read(struct Z_hal_instance_t *hal, u32 address, u32 ptr, u32 length) {
  (void)hal;
  app_memory_t m = memory();
  return hal_i2c_read(&m, (int32_t)address, ptr, (int32_t)length);
}

u32 Z_halZ_i2c_write_read(struct Z_hal_instance_t *hal, u32 address, u32 write_ptr, u32 write_length,
                          u32 read_ptr, u32 read_length) {
  (void)hal;
  app_memory_t m = memory();
  return hal_i2c_write_read(&m, (int32_t)address, write_ptr, (int32_t)write_length, read_ptr,
                            (int32_t)read_length);
}

u32 Z_halZ_gpio_mode(struct Z_hal_instance_t *hal, u32 pin, u32 mode) {
  (void)hal;
  return hal_gpio_mode((int32_t)pin, (int32_t)mode);
}

u32 Z_halZ_gpio_write(struct Z_hal_instance_t *hal, u32 pin, u32 level) {
  (void)hal;
  return hal_gpio_write((int32_t)pin, (int32_t)level);
}

u32 Z_halZ_gpio_read(struct Z_hal_instance_t *hal, u32 pin, u32 level_ptr) {
  (void)hal;
  app_memory_t m = memory();
  return hal_gpio_read(&m, (int32_t)pin, level_ptr);
}

u32 Z_halZ_pwm_set(struct Z_hal_instance_t *hal, u32 channel, u32 duty) {
  (void)hal;
  return hal_pwm_set((int32_t)channel, (int32_t)duty);
}

u32 Z_halZ_clock_ms(struct Z_hal_instance_t *hal, u32 out_ptr) {
  (void)hal;
  app_memory_t m = memory();
  return hal_clock_ms(&m, out_ptr);
}

u32 Z_halZ_clock_us(struct Z_hal_instance_t *hal, u32 out_ptr) {
  (void)hal;
  app_memory_t m = memory();
  return hal_clock_us(&m, out_ptr);
}

u32 Z_halZ_delay_us(struct Z_hal_instance_t *hal, u32 us) {
  (void)hal;
  return hal_delay_us((int32_t)us);
}

u32 Z_halZ_log(struct Z_hal_instance_t *hal, u32 level, u32 ptr, u32 length) {
  (void)hal;
  app_memory_t m = memory();
  return hal_log(&m, (int32_t)level, ptr, length);
}

u32 Z_halZ_metric_declare(struct Z_hal_instance_t *hal, u32 id, u32 name_ptr, u32 name_length, u32 unit_ptr,
                          u32 unit_length) {
  (void)hal;
  app_memory_t m = memory();
  return hal_metric_declare(&m, (int32_t)id, name_ptr, name_length, unit_ptr, unit_length);
}

u32 Z_halZ_metric_report(struct Z_hal_instance_t *hal, u32 id, f64 value) {
  (void)hal;
  return hal_metric_report((int32_t)id, value);
}

u32 Z_halZ_metric_describe(struct Z_hal_instance_t *hal, u32 id, u32 kind, f64 min, f64 max) {
  (void)hal;
  return hal_metric_describe((int32_t)id, (int32_t)kind, min, max);
}

u32 Z_halZ_command_declare(struct Z_hal_instance_t *hal, u32 opcode) {
  (void)hal;
  return hal_command_declare((int32_t)opcode);
}

u32 Z_halZ_output_state(struct Z_hal_instance_t *hal, u32 output, u32 value) {
  (void)hal;
  return hal_output_state((int32_t)output, (int32_t)value);
}

void Z_envZ_abort(struct Z_env_instance_t *env, u32 message, u32 file, u32 line, u32 column) {
  (void)env;
  app_memory_t m = memory();
  trap_t trap;
  hal_abort(&m, message, file, line, column, &trap);
  engine_raise(&trap);
}

void Z_envZ_trace(struct Z_env_instance_t *env, u32 message, u32 count, f64 a0, f64 a1, f64 a2, f64 a3, f64 a4) {
  (void)env;
  app_memory_t m = memory();
  const double values[] = {a0, a1, a2, a3, a4};
  hal_trace(&m, message, (int32_t)count, values);
}

f64 Z_envZ_seed(struct Z_env_instance_t *env) {
  (void)env;
  return hal_seed();
}
