/*
 * A frame on the wire (docs/link-protocol.md §2, §3): COBS(header + payload + CRC) and one 0x00. A body buffer
 * holds the header, the payload and room for the CRC in place, so sending needs no second copy.
 */
#ifndef WASMOTE_LINK_FRAME_H
#define WASMOTE_LINK_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "cobs.h"

/* §3.1: version u8, type u8, session_tag u16, seq u16. */
#define LINK_VERSION 2
#define LINK_HEADER_BYTES 6
#define LINK_VERSION_AT 0
#define LINK_TYPE_AT 1
#define LINK_SESSION_TAG_AT 2
#define LINK_SEQ_AT 4
/* §3.2: CRC-32 over header and payload, little-endian. */
#define LINK_CRC_BYTES 4
#define LINK_MAX_PAYLOAD_BYTES 1024
#define LINK_MIN_BODY_BYTES (LINK_HEADER_BYTES + LINK_CRC_BYTES)
#define LINK_MAX_BODY_BYTES (LINK_HEADER_BYTES + LINK_MAX_PAYLOAD_BYTES + LINK_CRC_BYTES)
/* §2: the longest encoding of a body of `body_bytes` (> 0): one COBS code byte per started 254-byte block. */
#define LINK_ENCODED_BYTES(body_bytes) ((body_bytes) + ((body_bytes) + 253) / 254)
/* §2: the longest run before a delimiter a receiver of every type holds (1039). */
#define LINK_MAX_ENCODED_BYTES LINK_ENCODED_BYTES(LINK_MAX_BODY_BYTES)
#define LINK_FRAME_DELIMITER 0x00

/* Where a message's payload goes inside its body buffer. */
#define LINK_PAYLOAD_AT LINK_HEADER_BYTES

/* Why a receiver drops a segment (§6), in the order the checks run; names as in host/link/drop-reasons.ts. */
typedef enum {
  LINK_ACCEPTED = 0,
  LINK_DROP_OVERSIZE,
  LINK_DROP_COBS,
  LINK_DROP_SHORT,
  LINK_DROP_CRC,
  LINK_DROP_VERSION,
  LINK_DROP_UNKNOWN_TYPE,
  LINK_DROP_MALFORMED,
} link_drop_t;

/* Accepted, and each drop reason. */
#define LINK_OUTCOMES (LINK_DROP_MALFORMED + 1)

/*
 * A receiver's counts since it started (§6), indexed by outcome: count[LINK_ACCEPTED] is the frames it accepted
 * (HEARTBEAT's rx_frames), count[LINK_DROP_OVERSIZE] .. count[LINK_DROP_MALFORMED] the segments it dropped, in
 * HEARTBEAT's order (§4.8). Every count wraps at 2^32.
 */
typedef struct {
  uint32_t count[LINK_OUTCOMES];
} link_rx_counts_t;

/* §5.1: a frame's session_tag, the low 16 bits of its sender's session. */
#define LINK_SESSION_TAG(session) ((uint16_t)((session) & 0xFFFFu))

/*
 * Completes `body` (payload already at LINK_PAYLOAD_AT, `payload_length` bytes) with header and CRC, and sends
 * the encoded frame and its delimiter to `sink`.
 */
void link_frame_send(uint8_t *body, size_t payload_length, uint8_t type, uint16_t session_tag, uint16_t seq,
                     byte_sink_t sink, void *context);

#endif
