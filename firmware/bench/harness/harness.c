/*
 * Each side is started as the runner starts an app (runner.c start()): the telemetry table reset, the HAL in its
 * init phase (declarations open) only while init runs. Then it is timed on real time (systick.h): under QEMU's -icount that time counts
 * instructions, so the figures repeat exactly.
 */
#include "harness.h"

#include <stdbool.h>
#include <string.h>

#include "../../boards/board.h"
#include "../../engine/engine.h"
#include "../../hal/boot.h"
#include "../../hal/imports.h"
#include "../../hal/stm32f4/systick.h"
#include "../../hal/telemetry.h"
#include "../../link/device.h"
#include "../../link/frame.h"
#include "../../link/inbox.h"

/* LOG §4.3 info level. */
#define LOG_INFO 2u
#define DECIMAL_BASE 10u
#define U64_MAX_DIGITS 20u
static const char LINE_PREFIX[] = "bench ";
#define LINE_FIELDS 6u
/* The longest line: the prefix, then each field's digits and a space. */
#define LINE_MAX_BYTES (sizeof LINE_PREFIX + LINE_FIELDS * (U64_MAX_DIGITS + 1))
static const char STARTED_TRAPPED[] = "bench: the app trapped at start";
static const char DONE[] = "bench done";
static const char LOAD_PREFIX[] = "bench load ";

static char *put_text(char *at, const char *text) {
  size_t length = strlen(text);
  memcpy(at, text, length);
  return at + length;
}

static char *put_number(char *at, uint64_t value) {
  char digits[U64_MAX_DIGITS];
  size_t count = 0;
  do {
    digits[count++] = (char)('0' + value % DECIMAL_BASE);
    value /= DECIMAL_BASE;
  } while (value != 0);
  while (count > 0) *at++ = digits[--count];
  return at;
}

static void log_line(const char *text, size_t length) {
  link_message_t message = {.type = LINK_TYPE_LOG};
  message.as.log = (link_log_t){.time_ms = 0, .level = LOG_INFO, .text = {text, length}};
  link_device_send(&message);
}

static bool start_wasm(void) {
  trap_t trap;
  telemetry_reset();
  bool started = engine_instantiate(&trap);
  hal_set_phase(HAL_PHASE_INIT);
  started = started && engine_call_init(&trap);
  hal_set_phase(HAL_PHASE_IDLE);
  return started;
}

static void start_side_c(void (*start_c)(void)) {
  telemetry_reset();
  hal_set_phase(HAL_PHASE_INIT);
  start_c();
  hal_set_phase(HAL_PHASE_IDLE);
}

static void report(const harness_run_t *run, uint64_t wasm_us, uint64_t c_us, int32_t wasm_checksum,
                   int32_t c_checksum) {
  char line[LINE_MAX_BYTES];
  char *at = put_text(line, LINE_PREFIX);
  at = put_number(at, run->id);
  at = put_text(at, " ");
  at = put_number(at, (uint64_t)run->iterations);
  at = put_text(at, " ");
  at = put_number(at, wasm_us);
  at = put_text(at, " ");
  at = put_number(at, c_us);
  at = put_text(at, " ");
  at = put_number(at, (uint32_t)wasm_checksum);
  at = put_text(at, " ");
  at = put_number(at, (uint32_t)c_checksum);
  log_line(line, (size_t)(at - line));
}

_Noreturn void harness_main(const harness_run_t *runs, size_t count, void (*start_c)(void)) {
  inbox_init();
  board_init();
  link_device_init(board_link_transmit, NULL, boot_nonce());
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  board_link_transmit(NULL, &delimiter, 1);
  /* The engine's load (an interpreter's validation and compilation), timed as the runs are. */
  uint64_t load_start_us = systick_now_us();
  engine_load();
  uint64_t load_us = systick_now_us() - load_start_us;
  char load_line[sizeof LOAD_PREFIX + U64_MAX_DIGITS];
  char *load_end = put_number(put_text(load_line, LOAD_PREFIX), load_us);
  log_line(load_line, (size_t)(load_end - load_line));
  for (size_t i = 0; i < count; i++) {
    const harness_run_t *run = &runs[i];
    bool started = start_wasm();
    if (!started) log_line(STARTED_TRAPPED, sizeof STARTED_TRAPPED - 1);
    uint64_t start_us = systick_now_us();
    int32_t wasm_checksum = started ? run->wasm(run->id, run->iterations) : -1;
    uint64_t wasm_us = systick_now_us() - start_us;
    start_side_c(start_c);
    start_us = systick_now_us();
    int32_t c_checksum = run->c(run->id, run->iterations);
    uint64_t c_us = systick_now_us() - start_us;
    report(run, wasm_us, c_us, wasm_checksum, c_checksum);
  }
  log_line(DONE, sizeof DONE - 1);
  for (;;) {
    systick_wait(inbox_has_command);
  }
}
