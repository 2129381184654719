#include "runner.h"

#include <string.h>

#include "../boards/board.h"
#include "../engine/engine.h"
#include "../hal/budget.h"
#include "../hal/clock.h"
#include "../hal/telemetry.h"
#include "../hal/watchdog.h"
#include "../link/device.h"
#include "../link/inbox.h"
#include "identity.h"

/* hal-abi.md §7: the n-th consecutive failure waits min(2^(n-1), 60) s before the restart. */
#define BACKOFF_FIRST_MS 1000u
#define BACKOFF_MAX_MS 60000u
/* hal-abi.md §2: a tick asking for 0 ms is treated as 1 ms, so a device always lets time move (sim-device.ts). */
#define MIN_TICK_DELAY_MS 1u
/* docs/firmware.md, "Runaway apps": the longest one call into the app may take, and what a RUNAWAY says. */
#define CALL_BUDGET_US (1000u * US_PER_MS)
#define RUNAWAY_TEXT(call) "the app's " call " ran past its 1000 ms time budget"
/* EVENT §4.4: a runaway's code is the firmware's own. */
#define RUNAWAY_TIME_BUDGET 1u
#define RUNAWAY_WATCHDOG 2u
/* LOG §4.3 level for the firmware's own warnings. */
#define LOG_WARNING 1u

static bool running;
static uint64_t next_wake_us;
static uint32_t consecutive_failures;
static link_boot_reason_t boot_reason;
static uint32_t commands_dropped_reported;

static uint64_t now_ms(void) {
  return clock_now_us() / US_PER_MS;
}

static void send_text_event(link_event_kind_t kind, uint16_t code, const char *text) {
  link_message_t message = {.type = LINK_TYPE_EVENT};
  message.as.event = (link_event_t){.time_ms = now_ms(), .kind = kind, .code = code, .message = {text, strlen(text)}};
  link_device_send(&message);
}

static void send_log(const char *text) {
  link_message_t message = {.type = LINK_TYPE_LOG};
  message.as.log = (link_log_t){.time_ms = now_ms(), .level = LOG_WARNING, .text = {text, strlen(text)}};
  link_device_send(&message);
}

/*
 * hal-abi.md §7: report, drop the instance, restart after the back-off. A runaway (TRAP_TIME_BUDGET) is reported
 * as one with `runaway_text`, and counts as a failure for the back-off like a trap.
 */
static void stopped(const trap_t *trap, const char *runaway_text) {
  running = false;
  consecutive_failures++;
  if (trap->code == TRAP_TIME_BUDGET) {
    send_text_event(LINK_EVENT_RUNAWAY, RUNAWAY_TIME_BUDGET, runaway_text);
  } else {
    link_message_t message = {.type = LINK_TYPE_EVENT};
    message.as.event = (link_event_t){
        .time_ms = now_ms(),
        .kind = LINK_EVENT_TRAP,
        .code = (uint16_t)trap->code,
        .message = {trap->message, trap->message_length},
        .file = {trap->file, trap->file_length},
        .line = trap->line,
        .column = trap->column,
    };
    link_device_send(&message);
  }
  uint32_t backoff_ms = BACKOFF_MAX_MS;
  if (consecutive_failures <= 6) backoff_ms = BACKOFF_FIRST_MS << (consecutive_failures - 1);
  if (backoff_ms > BACKOFF_MAX_MS) backoff_ms = BACKOFF_MAX_MS;
  boot_reason = LINK_BOOT_APP_RESTART;
  next_wake_us = clock_now_us() + (uint64_t)backoff_ms * US_PER_MS;
}

static void arm_budget(void) {
  budget_arm(CALL_BUDGET_US);
}

static void send_hello(void) {
  link_message_t message = {.type = LINK_TYPE_HELLO};
  link_hello_t *hello = &message.as.hello;
  hello->device_id = board_device_id();
  hello->firmware_version = (link_str_t){firmware_version, strlen(firmware_version)};
  hello->app_version = (link_str_t){app_version, strlen(app_version)};
  hello->app_hash = app_hash;
  hello->abi_version = engine_abi_version();
  hello->boot_reason = boot_reason;
  hello->metric_count = telemetry_metric_count();
  hello->metrics = telemetry_metric_entries(&hello->metrics_length);
  link_device_send(&message);
}

static void start(void) {
  trap_t trap;
  telemetry_reset();
  arm_budget();
  bool instantiated = engine_instantiate(&trap);
  budget_disarm();
  if (!instantiated) {
    stopped(&trap, RUNAWAY_TEXT("start function"));
    return;
  }
  telemetry_set_declaring(true);
  arm_budget();
  bool initialised = engine_call_init(&trap);
  budget_disarm();
  telemetry_set_declaring(false);
  if (!initialised) {
    stopped(&trap, RUNAWAY_TEXT("init"));
    return;
  }
  running = true;
  send_hello();
  next_wake_us = clock_now_us();
}

static void tick(void) {
  uint64_t start_ms = now_ms();
  uint32_t delay_ms;
  trap_t trap;
  telemetry_begin_tick(start_ms);
  arm_budget();
  bool returned = engine_call_tick(start_ms, &delay_ms, &trap);
  budget_disarm();
  telemetry_send();
  if (!returned) {
    stopped(&trap, RUNAWAY_TEXT("tick"));
    return;
  }
  consecutive_failures = 0;
  if (delay_ms < MIN_TICK_DELAY_MS) delay_ms = MIN_TICK_DELAY_MS;
  uint64_t due_us = (start_ms + delay_ms) * US_PER_MS;
  uint64_t now_us = clock_now_us();
  next_wake_us = due_us > now_us ? due_us : now_us;
}

static void send_command_result(uint16_t command_id, uint8_t status) {
  link_message_t message = {.type = LINK_TYPE_COMMAND_RESULT};
  message.as.command_result = (link_command_result_t){command_id, status};
  link_device_send(&message);
}

/* hal-abi.md §2: command_buffer(len), copy, command(ptr, len), then an immediate tick. */
static void deliver(const inbox_command_t *command) {
  if (!running) {
    send_command_result(command->command_id, HAL_UNSUPPORTED);
    return;
  }
  trap_t trap;
  uint32_t ptr;
  uint32_t status = HAL_BAD_ARGUMENT;
  arm_budget();
  bool returned = engine_call_command_buffer(command->length, &ptr, &trap);
  if (returned) {
    app_memory_t memory = engine_memory();
    if (ptr != 0 && app_memory_holds(&memory, ptr, command->length)) {
      memcpy(memory.data + ptr, command->payload, command->length);
      returned = engine_call_command(ptr, command->length, &status, &trap);
    }
  }
  budget_disarm();
  if (!returned) {
    send_command_result(command->command_id, HAL_BAD_ARGUMENT);
    stopped(&trap, RUNAWAY_TEXT("command"));
    return;
  }
  send_command_result(command->command_id, (uint8_t)status);
  next_wake_us = clock_now_us();
}

static void report_dropped_commands(void) {
  uint32_t dropped = inbox_commands_dropped();
  if (dropped == commands_dropped_reported) return;
  commands_dropped_reported = dropped;
  send_log("runner: a command arrived while two were waiting and was dropped");
}

_Noreturn void runner_run(bool watchdog_reset) {
  boot_reason = watchdog_reset ? LINK_BOOT_WATCHDOG : LINK_BOOT_POWER_ON;
  engine_load();
  start();
  if (watchdog_reset) send_text_event(LINK_EVENT_RUNAWAY, RUNAWAY_WATCHDOG, "the watchdog reset the device");
  for (;;) {
    watchdog_refresh();
    report_dropped_commands();
    inbox_command_t command;
    if (inbox_take_command(&command)) {
      deliver(&command);
    } else if (clock_now_us() >= next_wake_us) {
      if (running) {
        tick();
      } else {
        start();
      }
    } else {
      clock_sleep_until(next_wake_us, inbox_has_command);
    }
  }
}
