/*
 * The HAL ABI's imports as the interpreter accepts them (docs/hal-abi.md §4, §5; host/firmware/abi-signatures.ts):
 * module, name and signature (interp.h's letters), and the function of imports.c that binds each. The board binds
 * them to firmware/hal/ (imports.c); the host build takes the same list to validate and size an app.
 */
#ifndef WASMOTE_ENGINE_INTERP_HAL_ABI_H
#define WASMOTE_ENGINE_INTERP_HAL_ABI_H

#define HAL_ABI_IMPORTS(X)                                     \
  X("hal", "i2c_write", "iii:i", i2c_write)                    \
  X("hal", "i2c_read", "iii:i", i2c_read)                      \
  X("hal", "i2c_write_read", "iiiii:i", i2c_write_read)        \
  X("hal", "gpio_mode", "ii:i", gpio_mode)                     \
  X("hal", "gpio_write", "ii:i", gpio_write)                   \
  X("hal", "gpio_read", "ii:i", gpio_read)                     \
  X("hal", "pwm_set", "ii:i", pwm_set)                         \
  X("hal", "clock_ms", "i:i", clock_ms)                        \
  X("hal", "clock_us", "i:i", clock_us)                        \
  X("hal", "delay_us", "i:i", delay_us)                        \
  X("hal", "log", "iii:i", log_line)                           \
  X("hal", "metric_declare", "iiiii:i", metric_declare)        \
  X("hal", "metric_report", "iF:i", metric_report)             \
  X("hal", "metric_describe", "iiFF:i", metric_describe)       \
  X("hal", "command_declare", "i:i", command_declare)          \
  X("hal", "output_state", "ii:i", output_state)               \
  X("env", "abort", "iiii:", abort_app)                        \
  X("env", "trace", "iiFFFFF:", trace)                         \
  X("env", "seed", ":F", seed)

#endif
