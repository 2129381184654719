/*
 * The results of the last RESULT_STORE_ENTRIES app commands (docs/link-protocol.md §7.4), first in first out, keyed
 * by the command frame's session_tag, its command_id and the CRC-32 of its payload: a repeat is answered from here
 * with `cached` set and does not run again. Only what step 4 of §7.4 answers is kept: the app's status,
 * APP_TRAPPED, STATUS_OUT_OF_RANGE and NO_COMMAND_BUFFER; never a runner command's result, QUEUE_FULL or
 * APP_NOT_RUNNING. A repeat does not refresh its entry. The store empties at each boot (RAM is cleared).
 */
#ifndef WASMOTE_RUNNER_RESULT_STORE_H
#define WASMOTE_RUNNER_RESULT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../link/messages.h"

#define RESULT_STORE_ENTRIES 8u

/* Compared as bytes: no padding. */
typedef struct {
  uint16_t session_tag;
  uint16_t command_id;
  uint32_t payload_crc;
} result_key_t;

/* Keeps `result` under `key`, dropping the oldest entry when all are taken. */
void result_store_put(const result_key_t *key, const link_command_result_t *result);

/* The stored result for `key`, with `cached` set; false when there is none. */
bool result_store_find(const result_key_t *key, link_command_result_t *result);

#endif
