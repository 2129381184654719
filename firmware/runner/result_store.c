#include "result_store.h"

#include <string.h>

_Static_assert((RESULT_STORE_ENTRIES & (RESULT_STORE_ENTRIES - 1)) == 0, "a power of two");

/*
 * A stored result in 16 bytes rather than a link_command_result_t's 24: what the runner stores has no payload
 * except STATUS_OUT_OF_RANGE's status, kept as `value`.
 */
typedef struct {
  result_key_t key;
  int32_t value;
  uint8_t origin;
  uint8_t status;
  bool used;
} entry_t;

static entry_t entries[RESULT_STORE_ENTRIES];
/* Free-running count of results kept: the next one replaces entries[next % RESULT_STORE_ENTRIES]. */
static uint8_t next;

static bool same_key(const result_key_t *a, const result_key_t *b) {
  return a->session_tag == b->session_tag && a->command_id == b->command_id && a->payload_crc == b->payload_crc;
}

void result_store_put(const result_key_t *key, const link_command_result_t *result) {
  entry_t *entry = &entries[next % RESULT_STORE_ENTRIES];
  next++;
  int32_t value = 0;
  if (result->payload_length == sizeof value) memcpy(&value, result->payload, sizeof value);
  *entry = (entry_t){.key = *key, .value = value, .origin = (uint8_t)result->origin, .status = result->status, .used = true};
}

bool result_store_find(const result_key_t *key, link_command_result_t *result) {
  for (uint32_t i = 0; i < RESULT_STORE_ENTRIES; i++) {
    const entry_t *entry = &entries[i];
    if (!entry->used || !same_key(&entry->key, key)) continue;
    if (entry->origin == LINK_ORIGIN_APP) {
      *result = link_result_app(key->command_id, entry->status);
    } else if (entry->status == LINK_RUNNER_STATUS_OUT_OF_RANGE) {
      *result = link_result_status_out_of_range(key->command_id, entry->value);
    } else {
      *result = link_result_runner(key->command_id, (link_runner_status_t)entry->status);
    }
    result->flags = LINK_RESULT_CACHED;
    return true;
  }
  return false;
}
