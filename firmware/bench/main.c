/*
 * The benchmark image (docs/firmware.md, "Benchmark"; bench/firmware.ts): each workload of workloads.ts, run
 * through the engine as the app, then workloads.c's plain C, both timed on real time (systick.h). Under QEMU's
 * -icount that time counts instructions, so the figures repeat exactly. Each result goes out as a LOG line:
 * `bench <opcode> <iterations> <wasm µs> <c µs> <wasm checksum> <c checksum>`, then `bench done`.
 */
#include <string.h>

#include "../boards/board.h"
#include "../engine/engine.h"
#include "../hal/stm32f4/systick.h"
#include "../hal/telemetry.h"
#include "../link/device.h"
#include "../link/frame.h"
#include "../link/inbox.h"
#include "workloads.h"

/* LOG §4.3 info level. */
#define LOG_INFO 2u
/* workloads.ts: opcode, then the iterations as a little-endian u32. */
#define COMMAND_BYTES 5u

static const struct {
  workload_t workload;
  int32_t iterations;
} RUNS[] = {
    {WORKLOAD_SHT31_CRC, 20000},
    {WORKLOAD_BME280_COMPENSATION, 5000},
    {WORKLOAD_FIR_FILTER, 5000},
    {WORKLOAD_SENSOR_NODE_TICK, 2000},
};

static char *put_text(char *at, const char *text) {
  size_t length = strlen(text);
  memcpy(at, text, length);
  return at + length;
}

static char *put_number(char *at, uint64_t value) {
  char digits[20];
  size_t count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) *at++ = digits[--count];
  return at;
}

static void log_line(const char *text, size_t length) {
  link_message_t message = {.type = LINK_TYPE_LOG};
  message.as.log = (link_log_t){.time_ms = 0, .level = LOG_INFO, .text = {text, length}};
  link_device_send(&message);
}

/* Runs a workload through the app's `command` export; returns its checksum, or -1 if the app trapped. */
static int32_t run_wasm(workload_t workload, int32_t iterations) {
  trap_t trap;
  uint32_t ptr;
  uint32_t checksum;
  if (!engine_call_command_buffer(COMMAND_BYTES, &ptr, &trap) || ptr == 0) return -1;
  uint8_t *command = engine_memory().data + ptr;
  command[0] = (uint8_t)workload;
  for (unsigned i = 0; i < 4; i++) command[1 + i] = (uint8_t)((uint32_t)iterations >> (8 * i));
  if (!engine_call_command(ptr, COMMAND_BYTES, &checksum, &trap)) return -1;
  return (int32_t)checksum;
}

int main(void) {
  inbox_init();
  board_init();
  link_device_init(board_link_transmit, NULL);
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  board_link_transmit(NULL, &delimiter, 1);
  trap_t trap;
  engine_load();
  telemetry_reset();
  if (!engine_instantiate(&trap) || !engine_call_init(&trap)) log_line("bench: the app trapped at start", 31);
  workloads_init();
  for (size_t i = 0; i < sizeof RUNS / sizeof RUNS[0]; i++) {
    uint64_t start_us = systick_now_us();
    int32_t wasm_checksum = run_wasm(RUNS[i].workload, RUNS[i].iterations);
    uint64_t wasm_us = systick_now_us() - start_us;
    start_us = systick_now_us();
    int32_t c_checksum = workload_run(RUNS[i].workload, RUNS[i].iterations);
    uint64_t c_us = systick_now_us() - start_us;
    char line[96];
    char *at = put_text(line, "bench ");
    at = put_number(at, RUNS[i].workload);
    at = put_text(at, " ");
    at = put_number(at, (uint64_t)RUNS[i].iterations);
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
  log_line("bench done", 10);
  for (;;) {
    systick_wait(inbox_has_command);
  }
}
