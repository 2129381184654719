/*
 * A receiving half of the link (docs/link-protocol.md §2, §6), one byte at a time, small enough for an
 * interrupt handler. It undoes COBS and runs the CRC as bytes arrive, so it classifies every segment exactly by
 * §6 whatever its length while keeping only the first `capacity` bytes of its body: a role sizes the buffer for
 * the longest message it takes (the device: LINK_DEVICE_RX_BODY_BYTES), and a longer frame of a type it takes
 * is malformed (field "payload"), one of a type it does not take is unknownType. It counts what it finishes.
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
/* What the device holds: the longest COMMAND or PROXY_RESPONSE body (266 bytes). */
#define LINK_DEVICE_RX_BODY_BYTES (LINK_HEADER_BYTES + LINK_DEVICE_MAX_RECEIVED_PAYLOAD_BYTES + LINK_CRC_BYTES)

typedef struct {
  link_payload_decoder_t decode;
  uint8_t *body;
  uint16_t capacity;
  /* The segment so far: encoded bytes received, body bytes decoded. */
  uint16_t encoded_length;
  uint16_t body_length;
  cobs_decoder_t cobs;
  /* CRC of the body but its last four bytes, which wait in `tail` (at body_length % 4 onwards). */
  uint32_t crc;
  uint8_t tail[LINK_CRC_BYTES];
  /* §2: inside a run longer than LINK_MAX_ENCODED_BYTES, skipping to the next delimiter. */
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
