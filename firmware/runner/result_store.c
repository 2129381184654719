#include "result_store.h"

#include <string.h>

_Static_assert((RESULT_STORE_ENTRIES & (RESULT_STORE_ENTRIES - 1)) == 0, "a power of two");

/* What step 4 of §7.4 answers carries at most STATUS_OUT_OF_RANGE's 4 bytes of payload. */
#define STORED_PAYLOAD_BYTES 4u

/* A stored result in 16 bytes rather than a link_command_result_t's 24. */
typedef struct {
  result_key_t key;
  uint8_t origin;
  uint8_t status;
  uint8_t payload_length;
  uint8_t payload[STORED_PAYLOAD_BYTES];
  bool used;
} entry_t;

static entry_t entries[RESULT_STORE_ENTRIES];
/* Free-running count of results kept: the next one replaces entries[kept % RESULT_STORE_ENTRIES]. */
static uint8_t kept;

void result_store_put(const result_key_t *key, const link_command_result_t *result) {
  entry_t *entry = &entries[kept % RESULT_STORE_ENTRIES];
  kept++;
  entry->key = *key;
  entry->origin = (uint8_t)result->origin;
  entry->status = result->status;
  entry->payload_length = result->payload_length;
  memcpy(entry->payload, result->payload, STORED_PAYLOAD_BYTES);
  entry->used = true;
}

bool result_store_find(const result_key_t *key, link_command_result_t *result) {
  for (const entry_t *entry = entries; entry < entries + RESULT_STORE_ENTRIES; entry++) {
    if (!entry->used || memcmp(&entry->key, key, sizeof *key) != 0) continue;
    *result = (link_command_result_t){
        .command_id = key->command_id,
        .origin = (link_result_origin_t)entry->origin,
        .status = entry->status,
        .flags = LINK_RESULT_CACHED,
        .payload_length = entry->payload_length,
    };
    memcpy(result->payload, entry->payload, STORED_PAYLOAD_BYTES);
    return true;
  }
  return false;
}
