/* Log lines (docs/hal-abi.md §4.5) built in one buffer in the node's memory, as drivers/hal/log.ts builds them. */
#ifndef WASMOTE_BENCH_NODE_LOG_H
#define WASMOTE_BENCH_NODE_LOG_H

#include <stdint.h>

#include "../../hal/status.h"

/* §4.5: `len <= 200`; text past it is cut. */
#define NODE_LOG_TEXT_BYTES 200

/* §4.5 levels. */
typedef enum { NODE_LOG_ERROR = 0, NODE_LOG_WARNING = 1, NODE_LOG_INFO = 2 } node_log_level_t;

/* Starts a new line, dropping whatever an unsent one held. */
void node_log_begin(void);
void node_log_text(const char *text);
/* `value` in decimal, with a leading '-' when negative. */
void node_log_int(int32_t value);
hal_status_t node_log_send(node_log_level_t level);

#endif
