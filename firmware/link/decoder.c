#include "decoder.h"

#include <string.h>

#include "crc32.h"

static void start_segment(link_decoder_t *decoder) {
  decoder->encoded_length = 0;
  decoder->body_length = 0;
  decoder->crc = CRC32_INITIAL;
  decoder->discarding = false;
  cobs_decode_start(&decoder->cobs);
}

void link_decoder_init(link_decoder_t *decoder, uint8_t *body, uint16_t capacity, link_payload_decoder_t decode) {
  decoder->decode = decode;
  decoder->body = body;
  decoder->capacity = capacity;
  decoder->max_encoded = LINK_ENCODED_BYTES(capacity);
  memset(&decoder->counts, 0, sizeof decoder->counts);
  start_segment(decoder);
}

/* One body byte: kept while it fits, and through the CRC once four more have come after it. */
static void take_body_byte(link_decoder_t *decoder, uint8_t byte) {
  uint16_t at = decoder->body_length;
  if (at < decoder->capacity) decoder->body[at] = byte;
  uint8_t *slot = &decoder->tail[at % LINK_CRC_BYTES];
  if (at >= LINK_CRC_BYTES) decoder->crc = crc32_update(decoder->crc, slot, 1);
  *slot = byte;
  /* At most max_encoded - 1 body bytes come from a segment that short. */
  decoder->body_length = (uint16_t)(at + 1);
}

static uint32_t received_crc(const link_decoder_t *decoder) {
  uint32_t crc = 0;
  for (unsigned i = 0; i < LINK_CRC_BYTES; i++) {
    crc |= (uint32_t)decoder->tail[(decoder->body_length + i) % LINK_CRC_BYTES] << (8 * i);
  }
  return crc;
}

static uint16_t get_u16_le(const uint8_t *at) {
  return (uint16_t)(at[0] | at[1] << 8);
}

/* §6 checks 2–8 on a finished segment. */
static void finish(link_decoder_t *decoder, link_decoded_t *decoded) {
  decoded->field = NULL;
  decoded->payload = NULL;
  if (!cobs_decode_complete(&decoder->cobs)) {
    decoded->drop = LINK_DROP_COBS;
    return;
  }
  size_t length = decoder->body_length;
  if (length < LINK_MIN_BODY_BYTES) {
    decoded->drop = LINK_DROP_SHORT;
    return;
  }
  if (length > LINK_MAX_BODY_BYTES) {
    decoded->drop = LINK_DROP_OVERSIZE;
    return;
  }
  if (received_crc(decoder) != crc32_final(decoder->crc)) {
    decoded->drop = LINK_DROP_CRC;
    return;
  }
  const uint8_t *body = decoder->body;
  decoded->version = body[LINK_VERSION_AT];
  decoded->message.type = (link_type_t)body[LINK_TYPE_AT];
  decoded->session_tag = get_u16_le(body + LINK_SESSION_TAG_AT);
  decoded->seq = get_u16_le(body + LINK_SEQ_AT);
  if (length <= decoder->capacity) {
    decoded->payload = body + LINK_HEADER_BYTES;
    decoded->payload_length = (uint16_t)(length - LINK_HEADER_BYTES - LINK_CRC_BYTES);
  }
  if (decoded->version != LINK_VERSION) {
    decoded->drop = LINK_DROP_VERSION;
    return;
  }
  link_reader_t reader;
  if (decoded->payload != NULL) {
    link_reader_init(&reader, decoded->payload, decoded->payload_length);
  } else {
    /* Longer than this receiver holds: none of the types it takes is this long (decoder.h). */
    link_reader_init(&reader, body + LINK_HEADER_BYTES, 0);
    link_reader_fail(&reader, "payload");
  }
  decoded->drop = decoder->decode(body[LINK_TYPE_AT], &reader, &decoded->message);
  if (decoded->drop == LINK_DROP_MALFORMED) {
    decoded->field = reader.failed_field;
    decoded->field_index = reader.failed_index;
  }
}

static bool count(link_decoder_t *decoder, const link_decoded_t *decoded) {
  decoder->counts.count[decoded->drop]++;
  return true;
}

bool link_decoder_push(link_decoder_t *decoder, uint8_t byte, link_decoded_t *decoded) {
  if (byte != LINK_FRAME_DELIMITER) {
    if (decoder->discarding) return false;
    if (decoder->encoded_length == decoder->max_encoded) {
      /* §6 check 1: counted once, when the byte past the longest run this receiver holds arrives. */
      decoder->discarding = true;
      decoded->drop = LINK_DROP_OVERSIZE;
      decoded->field = NULL;
      return count(decoder, decoded);
    }
    decoder->encoded_length++;
    int decoded_byte = cobs_decode_byte(&decoder->cobs, byte);
    if (decoded_byte >= 0) take_body_byte(decoder, (uint8_t)decoded_byte);
    return false;
  }
  bool finished = !decoder->discarding && decoder->encoded_length > 0;
  if (finished) finish(decoder, decoded);
  start_segment(decoder);
  return finished && count(decoder, decoded);
}
