/* Between frame payloads and messages (docs/link-protocol.md §3, §4, §6). */
#ifndef WASMOTE_LINK_CODEC_H
#define WASMOTE_LINK_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "messages.h"

/*
 * Decodes the payload of a message of `type` (§4). Returns LINK_ACCEPTED, LINK_DROP_MALFORMED with the field in
 * the reader, or LINK_DROP_UNKNOWN_TYPE for a type it does not decode. link_decode_any() decodes every type
 * of §3.4; a role that receives only some (the device: COMMAND and PROXY_RESPONSE) passes its own, so its image
 * carries only the decoders it uses (§1: what a role does with a message it does not expect is its business).
 *
 * A decoder may be handed a reader that has already failed (field "payload": the payload is longer than the
 * receiver holds, decoder.h); it still answers LINK_DROP_UNKNOWN_TYPE for a type it does not take.
 */
typedef link_drop_t (*link_payload_decoder_t)(uint8_t type, link_reader_t *reader, link_message_t *message);

link_drop_t link_decode_any(uint8_t type, link_reader_t *reader, link_message_t *message);

/* How one segment decoded: a message, or why it was dropped and, for a malformed one, which field broke. */
typedef struct {
  link_drop_t drop;
  uint16_t seq;
  link_message_t message;
  const char *field;
  unsigned field_index;
} link_decoded_t;

#endif
