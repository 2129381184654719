#include "init_logs.h"

#include <stdbool.h>
#include <string.h>

#include "../hal/clock.h"
#include "../hal/imports.h"
#include "../link/device.h"

/* docs/link-protocol.md §4.4: time_ms u64, level u8, then the text as a str (its length u8, its bytes). */
#define TIME_BYTES 8u
#define LOG_OVERHEAD_BYTES (TIME_BYTES + 1u + 1u)
#define LOG_WARNING 1u

/*
 * The held logs one after another: time_ms (as the CPU stores a uint64_t), level, length, text. A log
 * takes exactly the bytes of LOG payload it is charged, so the buffer holds what the budget allows.
 */
static uint8_t held[INIT_LOGS_PAYLOAD_BYTES];
static uint8_t held_bytes;
static uint32_t dropped;

static void hold(uint8_t level, const char *text, size_t length) {
  size_t bytes = LOG_OVERHEAD_BYTES + length;
  if (dropped > 0 || held_bytes + bytes > INIT_LOGS_PAYLOAD_BYTES) {
    dropped++;
    return;
  }
  uint64_t time_ms = clock_now_us() / US_PER_MS;
  uint8_t *at = held + held_bytes;
  memcpy(at, &time_ms, TIME_BYTES);
  at[TIME_BYTES] = level;
  at[TIME_BYTES + 1] = (uint8_t)length;
  memcpy(at + LOG_OVERHEAD_BYTES, text, length);
  held_bytes = (uint8_t)(held_bytes + bytes);
}

void init_logs_hold(void) {
  held_bytes = 0;
  dropped = 0;
  hal_set_log_sink(hold);
}

static void send_log(uint64_t time_ms, uint8_t level, const char *text, size_t length) {
  link_message_t message = {.type = LINK_TYPE_LOG};
  message.as.log = (link_log_t){.time_ms = time_ms, .level = level, .text = {text, length}};
  link_device_send(&message);
}

/* "runner: N init logs dropped" into `out`; returns its length. */
static size_t dropped_text(uint32_t count, char out[40]) {
  static const char prefix[] = "runner: ";
  static const char suffix[] = " init logs dropped";
  char digits[10];
  size_t digit_count = 0;
  do {
    digits[digit_count++] = (char)('0' + count % 10u);
    count /= 10u;
  } while (count > 0);
  size_t length = sizeof prefix - 1;
  memcpy(out, prefix, length);
  while (digit_count > 0) out[length++] = digits[--digit_count];
  memcpy(out + length, suffix, sizeof suffix - 1);
  return length + sizeof suffix - 1;
}

void init_logs_send(uint64_t hello_time_ms) {
  hal_set_log_sink(NULL);
  for (uint32_t at = 0; at < held_bytes;) {
    uint64_t time_ms;
    memcpy(&time_ms, held + at, TIME_BYTES);
    uint8_t length = held[at + TIME_BYTES + 1];
    send_log(time_ms, held[at + TIME_BYTES], (const char *)held + at + LOG_OVERHEAD_BYTES, length);
    at += LOG_OVERHEAD_BYTES + length;
  }
  if (dropped > 0) {
    char text[40];
    send_log(hello_time_ms, LOG_WARNING, text, dropped_text(dropped, text));
  }
  held_bytes = 0;
  dropped = 0;
}
