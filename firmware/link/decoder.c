#include "decoder.h"

#include "cobs.h"

void link_decoder_init(link_decoder_t *decoder, link_payload_decoder_t decode) {
  decoder->decode = decode;
  decoder->length = 0;
  decoder->discarding = false;
}

bool link_decoder_push(link_decoder_t *decoder, uint8_t byte, link_decoded_t *decoded) {
  if (byte != LINK_FRAME_DELIMITER) {
    if (decoder->discarding) return false;
    if (decoder->length == LINK_MAX_ENCODED_BYTES) {
      /* §6 check 1: counted once, when the byte past the longest frame arrives. */
      decoder->discarding = true;
      decoded->drop = LINK_DROP_OVERSIZE;
      decoded->field = NULL;
      return true;
    }
    decoder->segment[decoder->length++] = byte;
    return false;
  }
  bool finished = !decoder->discarding && decoder->length > 0;
  if (finished) {
    int body_length = cobs_decode_in_place(decoder->segment, decoder->length);
    if (body_length < 0) {
      decoded->drop = LINK_DROP_COBS;
      decoded->field = NULL;
    } else {
      link_decode_body(decoder->segment, (size_t)body_length, decoder->decode, decoded);
    }
  }
  decoder->length = 0;
  decoder->discarding = false;
  return finished;
}
