#include "frame.h"

#include "crc32.h"

/* §3.1 header layout. */
#define VERSION_AT 0
#define TYPE_AT 1
#define SEQ_AT 2

static void put_u32_le(uint8_t *at, uint32_t value) {
  for (int i = 0; i < 4; i++) at[i] = (uint8_t)(value >> (8 * i));
}

static uint32_t get_u32_le(const uint8_t *at) {
  return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

void link_frame_send(uint8_t *body, size_t payload_length, uint8_t type, uint16_t seq, byte_sink_t sink,
                     void *context) {
  body[VERSION_AT] = LINK_VERSION;
  body[TYPE_AT] = type;
  body[SEQ_AT] = (uint8_t)seq;
  body[SEQ_AT + 1] = (uint8_t)(seq >> 8);
  size_t crc_at = LINK_HEADER_BYTES + payload_length;
  put_u32_le(body + crc_at, crc32_final(crc32_update(CRC32_INITIAL, body, crc_at)));
  cobs_encode(body, crc_at + LINK_CRC_BYTES, sink, context);
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  sink(context, &delimiter, 1);
}

link_drop_t link_frame_open(const uint8_t *body, size_t length, link_opened_t *opened) {
  if (length < LINK_MIN_BODY_BYTES) return LINK_DROP_SHORT;
  if (length > LINK_MAX_BODY_BYTES) return LINK_DROP_OVERSIZE;
  size_t crc_at = length - LINK_CRC_BYTES;
  if (get_u32_le(body + crc_at) != crc32_final(crc32_update(CRC32_INITIAL, body, crc_at))) return LINK_DROP_CRC;
  if (body[VERSION_AT] != LINK_VERSION) return LINK_DROP_VERSION;
  opened->type = body[TYPE_AT];
  opened->seq = (uint16_t)(body[SEQ_AT] | body[SEQ_AT + 1] << 8);
  opened->payload = body + LINK_HEADER_BYTES;
  opened->payload_length = crc_at - LINK_HEADER_BYTES;
  return LINK_ACCEPTED;
}
