/*
 * What `init` logs, held until after the HELLO (docs/link-protocol.md §7.1): at most INIT_LOGS_PAYLOAD_BYTES of LOG
 * payload, each log costing its text and 10 bytes (time_ms, level, the text's length). From the first log that
 * does not fit, every later one of that `init` is dropped and only counted.
 */
#ifndef WASMOTE_RUNNER_INIT_LOGS_H
#define WASMOTE_RUNNER_INIT_LOGS_H

#include <stddef.h>
#include <stdint.h>

#define INIT_LOGS_PAYLOAD_BYTES 192u

/* Starts holding, with nothing held: before `init`. Until init_logs_send(), the HAL's log lines come here. */
void init_logs_hold(void);

/*
 * Sends what was held as LOG messages with the times they were logged, then, if any were dropped, the warning
 * `runner: N init logs dropped` stamped `hello_time_ms`; logs go straight out again from then on.
 */
void init_logs_send(uint64_t hello_time_ms);

#endif
