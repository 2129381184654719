#include "runner.h"

#include <string.h>

#include "../boards/board.h"
#include "../engine/engine.h"
#include "../hal/boot.h"
#include "../hal/budget.h"
#include "../hal/clock.h"
#include "../hal/imports.h"
#include "../hal/telemetry.h"
#include "../hal/watchdog.h"
#include "../link/device.h"
#include "../link/inbox.h"
#include "heartbeat.h"
#include "identity.h"
#include "init_logs.h"
#include "result_store.h"

/* hal-abi.md §7: the n-th consecutive failure waits min(2^(n-1), 60) s before the restart. */
#define BACKOFF_FIRST_MS 1000u
#define BACKOFF_MAX_MS 60000u
#define BACKOFF_DOUBLINGS 6u
/* hal-abi.md §2: a tick asking for 0 ms is treated as 1 ms, so a device always lets time move (sim-device.ts). */
#define MIN_TICK_DELAY_MS 1u
/* docs/firmware.md, "Runaway apps": the longest one call into the app may take, and what a RUNAWAY says. */
#define CALL_BUDGET_US (1000u * US_PER_MS)
static const char RUNAWAY_BEFORE[] = "the app's ";
static const char RUNAWAY_AFTER[] = " ran past its 1000 ms time budget";
/* §4.8: consecutive_failures stays at 65535 once there. */
#define FAILURES_MAX 0xFFFFu

static struct {
  bool running;
  link_boot_reason_t boot_reason;
  /* The app's `wasmote_abi_version`, 0 until an instance exists (HELLO's abi_version). */
  uint32_t abi_version;
  /* µs of uptime: when the running app's next tick is due, or when the stopped app restarts. */
  uint64_t next_tick_us;
  uint64_t restart_at_us;
  uint16_t consecutive_failures;
  uint8_t last_failure_kind;
  uint16_t last_failure_code;
} runner;

static uint64_t now_ms(void) {
  return clock_now_us() / US_PER_MS;
}

static void send_event(link_event_kind_t kind, uint16_t code, const char *text, size_t length) {
  link_message_t message = {.type = LINK_TYPE_EVENT};
  message.as.event = (link_event_t){.time_ms = now_ms(), .kind = kind, .code = code, .message = {text, length}};
  link_device_send(&message);
}

static void send_result(const link_command_result_t *result) {
  link_message_t message = {.type = LINK_TYPE_COMMAND_RESULT, .as.command_result = *result};
  link_device_send(&message);
}

static void send_runner_result(uint16_t command_id, link_runner_status_t status) {
  link_command_result_t result = link_result_runner(command_id, status);
  send_result(&result);
}

/* §4.1, as the runner stands: while the app backs off, no metrics and no opcodes. */
static void send_hello(link_hello_reason_t reason) {
  uint8_t opcodes[TELEMETRY_MAX_OPCODES];
  link_message_t message = {.type = LINK_TYPE_HELLO};
  link_hello_t *hello = &message.as.hello;
  hello->device_id = board_device_id();
  hello->link_minor = LINK_MINOR;
  hello->firmware_version = (link_str_t){firmware_version, strlen(firmware_version)};
  hello->capabilities = board_capabilities();
  hello->board = (link_str_t){board_name, strlen(board_name)};
  hello->app_name = (link_str_t){app_name, strlen(app_name)};
  hello->app_version = (link_str_t){app_version, strlen(app_version)};
  hello->app_hash = app_hash;
  hello->abi_version = runner.abi_version;
  hello->boot_reason = runner.boot_reason;
  hello->hello_reason = reason;
  hello->session = link_device_session();
  hello->boot_count = boot_count();
  hello->uptime_ms = now_ms();
  hello->heartbeat_period_ms = HEARTBEAT_PERIOD_MS;
  hello->report_interval_ms = telemetry_report_interval_ms();
  hello->app_state = runner.running ? LINK_APP_RUNNING : LINK_APP_BACKING_OFF;
  hello->metric_count = runner.running ? telemetry_metric_count() : 0;
  hello->opcode_count = runner.running ? telemetry_opcodes(opcodes) : 0;
  hello->opcodes = opcodes;
  link_device_send(&message);
}

/* §4.2: one METRIC per declared metric, in declaration order. */
static void send_metrics(void) {
  if (!runner.running) return;
  uint8_t count = telemetry_metric_count();
  for (uint8_t index = 0; index < count; index++) {
    telemetry_metric_t metric;
    telemetry_metric(index, &metric);
    link_message_t message = {.type = LINK_TYPE_METRIC};
    message.as.metric = (link_metric_t){
        .id = metric.id,
        .name = {metric.name, metric.name_length},
        .unit = {metric.unit, metric.unit_length},
        .kind = (link_metric_kind_t)metric.kind,
        .has_range = metric.has_range,
        .min = metric.min,
        .max = metric.max,
    };
    link_device_send(&message);
  }
}

/* §4.7: "BusFault at pc 0x080012a4" into `out`; returns its length. */
static size_t fault_text(const boot_fault_t *fault, char out[32]) {
  static const char *const names[] = {"HardFault", "MemManage", "BusFault", "UsageFault"};
  static const char at_pc[] = " at pc 0x";
  static const char hex[] = "0123456789abcdef";
  const char *name = names[fault->kind - BOOT_FAULT_HARD];
  size_t length = strlen(name);
  memcpy(out, name, length);
  memcpy(out + length, at_pc, sizeof at_pc - 1);
  length += sizeof at_pc - 1;
  for (int shift = 28; shift >= 0; shift -= 4) out[length++] = hex[(fault->pc >> shift) & 0xFu];
  return length;
}

/* §7.1 step 3, after a boot only: what ended the previous boot, if the firmware did not choose to. */
static void send_boot_event(void) {
  boot_fault_t fault = boot_fault();
  if (fault.kind != BOOT_FAULT_NONE) {
    char text[32];
    send_event(LINK_EVENT_FAULT, (uint16_t)fault.kind, text, fault_text(&fault, text));
  } else if (boot_cause() == BOOT_WATCHDOG) {
    static const char text[] = "the watchdog reset the device";
    send_event(LINK_EVENT_RUNAWAY, LINK_RUNAWAY_WATCHDOG, text, sizeof text - 1);
  }
}

/*
 * hal-abi.md §7: report, drop the instance and its outputs, restart after the back-off. A runaway
 * (TRAP_TIME_BUDGET) is reported as one, naming the export that ran (`call`: "the app's tick ran past its 1000 ms
 * time budget"), and counts as a failure for the back-off like a trap.
 */
static void failed(const trap_t *trap, const char *call) {
  runner.running = false;
  telemetry_reset();
  if (runner.consecutive_failures < FAILURES_MAX) runner.consecutive_failures++;
  if (trap->code == TRAP_TIME_BUDGET) {
    runner.last_failure_kind = LINK_EVENT_RUNAWAY;
    runner.last_failure_code = LINK_RUNAWAY_TIME_BUDGET;
    char text[sizeof RUNAWAY_BEFORE + sizeof RUNAWAY_AFTER + 16];
    size_t length = sizeof RUNAWAY_BEFORE - 1;
    memcpy(text, RUNAWAY_BEFORE, length);
    size_t call_length = strlen(call);
    memcpy(text + length, call, call_length);
    length += call_length;
    memcpy(text + length, RUNAWAY_AFTER, sizeof RUNAWAY_AFTER - 1);
    send_event(LINK_EVENT_RUNAWAY, LINK_RUNAWAY_TIME_BUDGET, text, length + sizeof RUNAWAY_AFTER - 1);
  } else {
    runner.last_failure_kind = LINK_EVENT_TRAP;
    runner.last_failure_code = (uint16_t)trap->code;
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
  if (runner.consecutive_failures <= BACKOFF_DOUBLINGS) {
    backoff_ms = BACKOFF_FIRST_MS << (runner.consecutive_failures - 1);
    if (backoff_ms > BACKOFF_MAX_MS) backoff_ms = BACKOFF_MAX_MS;
  }
  runner.restart_at_us = clock_now_us() + (uint64_t)backoff_ms * US_PER_MS;
}

/* One call into the app: its phase for the HAL, and the time budget around it. */
__attribute__((noinline)) static void enter(hal_phase_t phase) {
  hal_set_phase(phase);
  budget_arm(CALL_BUDGET_US);
}

__attribute__((noinline)) static void leave(void) {
  budget_disarm();
  hal_set_phase(HAL_PHASE_IDLE);
}

/* §7.1: instantiate, `init` with its logs held, then HELLO, METRICs, the boot's EVENT, the logs, a trap's EVENT. */
static void start_app(link_hello_reason_t reason) {
  trap_t trap;
  const char *call = "start function";
  telemetry_reset();
  init_logs_hold();
  enter(HAL_PHASE_INIT);
  bool started = engine_instantiate(&trap);
  runner.abi_version = started ? engine_abi_version() : 0;
  if (started) {
    call = "init";
    started = engine_call_init(&trap);
  }
  leave();
  runner.running = started;
  if (!started) telemetry_reset();
  uint64_t hello_time_ms = now_ms();
  send_hello(reason);
  send_metrics();
  if (reason == LINK_HELLO_BOOT) send_boot_event();
  init_logs_send(hello_time_ms);
  if (!started) {
    failed(&trap, call);
    return;
  }
  runner.next_tick_us = clock_now_us();
}

static void tick(void) {
  uint64_t start_ms = now_ms();
  uint32_t delay_ms;
  trap_t trap;
  telemetry_begin_tick(start_ms);
  enter(HAL_PHASE_TICK);
  bool returned = engine_call_tick(start_ms, &delay_ms, &trap);
  leave();
  /* §7.2: what the tick reported and has not gone out yet, also when it trapped. */
  telemetry_send();
  if (!returned) {
    failed(&trap, "tick");
    return;
  }
  runner.consecutive_failures = 0;
  if (delay_ms < MIN_TICK_DELAY_MS) delay_ms = MIN_TICK_DELAY_MS;
  uint64_t due_us = (start_ms + delay_ms) * US_PER_MS;
  uint64_t now_us = clock_now_us();
  runner.next_tick_us = due_us > now_us ? due_us : now_us;
}

/* §4.5.1: answered, never stored. */
static void runner_command(const inbox_command_t *command) {
  uint8_t opcode = command->payload[0];
  if (opcode != LINK_RUNNER_PING && opcode != LINK_RUNNER_HELLO && opcode != LINK_RUNNER_REBOOT) {
    send_runner_result(command->command_id, LINK_RUNNER_UNSUPPORTED);
    return;
  }
  if (command->length != 1) {
    send_runner_result(command->command_id, LINK_RUNNER_BAD_ARGUMENT);
    return;
  }
  send_runner_result(command->command_id, LINK_RUNNER_OK);
  if (opcode == LINK_RUNNER_HELLO) {
    send_hello(LINK_HELLO_REQUESTED);
    send_metrics();
  } else if (opcode == LINK_RUNNER_REBOOT) {
    send_event(LINK_EVENT_REBOOT, 0, "", 0);
    board_reboot();
  }
}

/* hal-abi.md §2: command_buffer(len), copy, command(ptr, len); then a tick at once. Answered by §4.6 and §7.3. */
static void app_command(const inbox_command_t *command, const result_key_t *key) {
  trap_t trap;
  uint32_t ptr = 0;
  uint32_t status = 0;
  bool buffered = false;
  enter(HAL_PHASE_COMMAND);
  bool returned = engine_call_command_buffer(command->length, &ptr, &trap);
  if (returned) {
    app_memory_t memory = engine_memory();
    buffered = ptr != 0 && app_memory_holds(&memory, ptr, command->length);
    if (buffered) {
      memcpy(memory.data + ptr, command->payload, command->length);
      returned = engine_call_command(ptr, command->length, &status, &trap);
    }
  }
  leave();
  link_command_result_t result;
  if (!returned) {
    result = link_result_runner(command->command_id, LINK_RUNNER_APP_TRAPPED);
  } else if (!buffered) {
    result = link_result_runner(command->command_id, LINK_RUNNER_NO_COMMAND_BUFFER);
  } else if ((int32_t)status < 0 || status > UINT8_MAX) {
    result = link_result_status_out_of_range(command->command_id, (int32_t)status);
  } else {
    result = link_result_app(command->command_id, (uint8_t)status);
  }
  result_store_put(key, &result);
  send_result(&result);
  if (!returned) {
    failed(&trap, "command");
    return;
  }
  runner.next_tick_us = clock_now_us();
}

/* §7.4: a repeat from the store, the runner's opcodes, APP_NOT_RUNNING while the app backs off, else the app. */
static void handle(const inbox_command_t *command) {
  result_key_t key = {.session_tag = command->session_tag, .command_id = command->command_id, .payload_crc = inbox_command_crc(command)};
  link_command_result_t result;
  if (result_store_find(&key, &result)) {
    send_result(&result);
  } else if (command->payload[0] >= LINK_RUNNER_OPCODE_FIRST && command->payload[0] <= LINK_RUNNER_OPCODE_LAST) {
    runner_command(command);
  } else if (!runner.running) {
    result = link_result_app_not_running(command->command_id, runner.restart_at_us / US_PER_MS);
    send_result(&result);
  } else {
    app_command(command, &key);
  }
}

static void send_heartbeat(void) {
  link_heartbeat_t beat = {
      .session = link_device_session(),
      .boot_count = boot_count(),
      .app_state = runner.running ? LINK_APP_RUNNING : LINK_APP_BACKING_OFF,
      .restart_at_ms = runner.running ? 0 : runner.restart_at_us / US_PER_MS,
      .consecutive_failures = runner.consecutive_failures,
      .last_failure_kind = runner.last_failure_kind,
      .last_failure_code = runner.last_failure_code,
  };
  heartbeat_send(clock_now_us(), &beat);
}

/* §7.2: between calls into the app, one thing at a time, in this order. */
static void step(void) {
  uint64_t now_us = clock_now_us();
  uint64_t wake_us = runner.running ? runner.next_tick_us : runner.restart_at_us;
  uint16_t refused_id;
  inbox_command_t command;
  if (inbox_take_refused(&refused_id)) {
    send_runner_result(refused_id, LINK_RUNNER_QUEUE_FULL);
  } else if (now_us >= heartbeat_due_us()) {
    send_heartbeat();
  } else if (!runner.running && now_us >= runner.restart_at_us) {
    start_app(LINK_HELLO_APP_RESTART);
  } else if (inbox_take_command(&command)) {
    handle(&command);
  } else if (runner.running && now_us >= runner.next_tick_us) {
    tick();
  } else {
    /* A refusal comes only with four commands waiting, so inbox_has_command() wakes for it too. */
    uint64_t heartbeat_us = heartbeat_due_us();
    clock_sleep_until(wake_us < heartbeat_us ? wake_us : heartbeat_us, inbox_has_command);
  }
}

_Noreturn void runner_run(void) {
  runner.boot_reason = (link_boot_reason_t)boot_cause();
  if (boot_fault().kind != BOOT_FAULT_NONE) runner.boot_reason = LINK_BOOT_FAULT;
  engine_load();
  heartbeat_start();
  start_app(LINK_HELLO_BOOT);
  for (;;) {
    watchdog_refresh();
    step();
  }
}
