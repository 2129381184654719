/*
 * A receiving half of the link (docs/link-protocol.md §2, §6), one byte at a time, small enough for an
 * interrupt handler: it holds at most one maximal encoded frame and decodes it in place.
 */
#ifndef WASMOTE_LINK_DECODER_H
#define WASMOTE_LINK_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

typedef struct {
  link_payload_decoder_t decode;
  uint8_t segment[LINK_MAX_ENCODED_BYTES];
  size_t length;
  /* §2: inside a run longer than LINK_MAX_ENCODED_BYTES, skipping to the next delimiter. */
  bool discarding;
} link_decoder_t;

/* `decode` decodes the payloads of the types this receiver takes (codec.h). */
void link_decoder_init(link_decoder_t *decoder, link_payload_decoder_t decode);

/*
 * Feeds one received byte. Returns true when it finished a segment, with the outcome in `decoded`, whose byte
 * fields stay valid until the next byte is pushed. Empty segments are ignored (§2).
 */
bool link_decoder_push(link_decoder_t *decoder, uint8_t byte, link_decoded_t *decoded);

#endif
