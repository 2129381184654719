#include "frame.h"

#include "crc32.h"

static void put_u32_le(uint8_t *at, uint32_t value) {
  for (int i = 0; i < 4; i++) at[i] = (uint8_t)(value >> (8 * i));
}

static void put_u16_le(uint8_t *at, uint16_t value) {
  at[0] = (uint8_t)value;
  at[1] = (uint8_t)(value >> 8);
}

void link_frame_send(uint8_t *body, size_t payload_length, uint8_t type, uint16_t session_tag, uint16_t seq,
                     byte_sink_t sink, void *context) {
  body[LINK_VERSION_AT] = LINK_VERSION;
  body[LINK_TYPE_AT] = type;
  put_u16_le(body + LINK_SESSION_TAG_AT, session_tag);
  put_u16_le(body + LINK_SEQ_AT, seq);
  size_t crc_at = LINK_HEADER_BYTES + payload_length;
  put_u32_le(body + crc_at, crc32_final(crc32_update(CRC32_INITIAL, body, crc_at)));
  cobs_encode(body, crc_at + LINK_CRC_BYTES, sink, context);
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  sink(context, &delimiter, 1);
}
