/*
 * The HAL ABI's imports (docs/hal-abi.md §4, §5) with exactly the checks the document gives, whatever engine
 * runs the app: an engine backend binds each to its import mechanism and passes the instance's memory. `i32`
 * arguments arrive as the app passed them; pointers and byte counts are unsigned (§3).
 */
#ifndef WASMOTE_HAL_IMPORTS_H
#define WASMOTE_HAL_IMPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/trap.h"
#include "app_memory.h"
#include "status.h"

/*
 * Which export of the app runs (docs/hal-abi.md §2). The runner sets it around every call into the app: INIT
 * around `init`, TICK around `tick`, COMMAND around `command_buffer` and `command`, IDLE otherwise. Declarations
 * are accepted only in INIT (§4.6, §4.7) and reports only in TICK (§4.6).
 */
typedef enum {
  HAL_PHASE_IDLE = 0,
  HAL_PHASE_INIT = 1,
  HAL_PHASE_TICK = 2,
  HAL_PHASE_COMMAND = 3,
} hal_phase_t;

void hal_set_phase(hal_phase_t phase);
hal_phase_t hal_phase(void);

/*
 * Where the app's log lines go once repaired and cut (text.h): by default straight out as LOG messages. A runner
 * may take them instead, e.g. to hold what `init` logs until after the HELLO (docs/link-protocol.md §7.1); NULL
 * restores the default. `text` is valid only during the call.
 */
typedef void (*hal_log_sink_t)(uint8_t level, const char *text, size_t length);
void hal_set_log_sink(hal_log_sink_t sink);

hal_status_t hal_i2c_write(const app_memory_t *memory, int32_t address, uint32_t ptr, int32_t length);
hal_status_t hal_i2c_read(const app_memory_t *memory, int32_t address, uint32_t ptr, int32_t length);
hal_status_t hal_i2c_write_read(const app_memory_t *memory, int32_t address, uint32_t write_ptr,
                                int32_t write_length, uint32_t read_ptr, int32_t read_length);
hal_status_t hal_gpio_mode(int32_t pin, int32_t mode);
hal_status_t hal_gpio_write(int32_t pin, int32_t level);
hal_status_t hal_gpio_read(const app_memory_t *memory, int32_t pin, uint32_t level_ptr);
hal_status_t hal_pwm_set(int32_t channel, int32_t duty);
hal_status_t hal_clock_ms(const app_memory_t *memory, uint32_t out_ptr);
hal_status_t hal_clock_us(const app_memory_t *memory, uint32_t out_ptr);
hal_status_t hal_delay_us(int32_t us);
hal_status_t hal_log(const app_memory_t *memory, int32_t level, uint32_t ptr, uint32_t length);
hal_status_t hal_metric_declare(const app_memory_t *memory, int32_t id, uint32_t name_ptr, uint32_t name_length,
                                uint32_t unit_ptr, uint32_t unit_length);
hal_status_t hal_metric_report(int32_t id, double value);
hal_status_t hal_metric_describe(int32_t id, int32_t kind, double min, double max);
hal_status_t hal_command_declare(int32_t opcode);
hal_status_t hal_output_state(int32_t output, int32_t value);

/* env.abort: fills `trap` (kind abort, the app's message and location); the engine then ends the call (§7). */
void hal_abort(const app_memory_t *memory, uint32_t message, uint32_t file, uint32_t line, uint32_t column,
               trap_t *trap);
/* env.trace: a debug-level log line, the message and the first `count` of the five values. */
void hal_trace(const app_memory_t *memory, uint32_t message, int32_t count, const double values[5]);
/* env.seed */
double hal_seed(void);

#endif
