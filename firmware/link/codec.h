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

/*
 * How one segment decoded: a message, or why it was dropped and, for a malformed one, which field broke. From
 * the version check on (§6 checks 6–8) the header is known: `version`, `session_tag`, `seq` and
 * `message.type`, and `payload` views the payload when the receiver held all of it (else NULL).
 */
typedef struct {
  link_drop_t drop;
  uint8_t version;
  uint16_t session_tag;
  uint16_t seq;
  link_message_t message;
  const char *field;
  unsigned field_index;
  const uint8_t *payload;
  uint16_t payload_length;
} link_decoded_t;

/* §4.1.1: the first fields of a newer device's HELLO. */
typedef struct {
  link_str_t device_id;
  uint8_t link_minor;
  link_str_t firmware_version;
} link_newer_peer_t;

/*
 * For a segment dropped as LINK_DROP_VERSION: true when it is a HELLO of a version above 2 whose device_id,
 * link_minor and firmware_version are valid by version-2 rules (§4.1.1), with them in `peer` (views into the
 * payload). An edge's concern: the device's receiver does not link it.
 */
bool link_read_newer_peer(const link_decoded_t *decoded, link_newer_peer_t *peer);

#endif
