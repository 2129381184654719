/*
 * A receiving half of the link (docs/link-protocol.md §2, §6), one byte at a time, small enough for an
 * interrupt handler. It undoes COBS and runs the CRC as bytes arrive, keeping the body in a buffer of
 * `capacity` bytes. A receiver holds at most the longest encoding of a body that fills its buffer
 * (LINK_ENCODED_BYTES(capacity), §2 "A smaller receiver") and drops a longer run as oversize (§6 check 1); a
 * body that decodes longer than its buffer from a run it holds is malformed (field "payload") for a type it
 * takes, unknownType for one it does not. A role sizes the buffer for the longest message it takes: the device
 * LINK_DEVICE_RX_BODY_BYTES (270 encoded bytes), a receiver of every type LINK_RX_BODY_BYTES (1039). It
 * counts what it finishes.
 */
#ifndef WASMOTE_LINK_DECODER_H
#define WASMOTE_LINK_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cobs.h"
#include "codec.h"

/* What a receiver of every type holds: a whole body (§3). */
#define LINK_RX_BODY_BYTES LINK_MAX_BODY_BYTES
/* What the device holds: the longest COMMAND or PROXY_RESPONSE body (268 bytes, 270 encoded; §2). */
#define LINK_DEVICE_RX_BODY_BYTES (LINK_HEADER_BYTES + LINK_DEVICE_MAX_RECEIVED_PAYLOAD_BYTES + LINK_CRC_BYTES)

typedef struct {
  link_payload_decoder_t decode;
  uint8_t *body;
  uint16_t capacity;
  /* §6 check 1: the longest run this receiver holds before a delimiter, LINK_ENCODED_BYTES(capacity). */
  uint16_t max_encoded;
  /* The segment so far: encoded bytes received, body bytes decoded. */
  uint16_t encoded_length;
  uint16_t body_length;
  cobs_decoder_t cobs;
  /* CRC of the body but its last four bytes, which wait in `tail` (at body_length % 4 onwards). */
  uint32_t crc;
  uint8_t tail[LINK_CRC_BYTES];
  /* §2: inside a run longer than max_encoded, skipping to the next delimiter. */
  bool discarding;
  link_rx_counts_t counts;
} link_decoder_t;

/*
 * `decode` decodes the payloads of the types this receiver takes (codec.h); `body` holds `capacity` bytes,
 * LINK_MIN_BODY_BYTES..LINK_RX_BODY_BYTES. The counts start at zero.
 */
void link_decoder_init(link_decoder_t *decoder, uint8_t *body, uint16_t capacity, link_payload_decoder_t decode);

/*
 * Feeds one received byte. Returns true when it finished a segment, with the outcome in `decoded` (counted in
 * `counts`), whose byte fields stay valid until the next byte is pushed. Empty segments are ignored (§2).
 */
bool link_decoder_push(link_decoder_t *decoder, uint8_t byte, link_decoded_t *decoded);

#endif
