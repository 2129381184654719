/* The one dispatcher between frame bodies and messages (docs/link-protocol.md §3, §4, §6). */
#ifndef WASMOTE_LINK_CODEC_H
#define WASMOTE_LINK_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "messages.h"

/* How one body decoded: a message, or why it was dropped and, for a malformed one, which field broke. */
typedef struct {
  link_drop_t drop;
  uint16_t seq;
  link_message_t message;
  const char *field;
  unsigned field_index;
} link_decoded_t;

/* Checks a body (COBS already undone) and decodes its payload; byte fields point into `body`. */
void link_decode_body(const uint8_t *body, size_t length, link_decoded_t *decoded);

#endif
