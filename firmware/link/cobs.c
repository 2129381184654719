#include "cobs.h"

/* The longest block: code 0xFF followed by 254 data bytes. */
#define MAX_BLOCK_CODE 0xFF
#define MAX_BLOCK_DATA_BYTES (MAX_BLOCK_CODE - 1)

void cobs_encode(const uint8_t *source, size_t length, byte_sink_t sink, void *context) {
  size_t start = 0;
  for (;;) {
    size_t end = start;
    while (end < length && source[end] != 0 && end - start < MAX_BLOCK_DATA_BYTES) end++;
    uint8_t code = (uint8_t)(end - start + 1);
    sink(context, &code, 1);
    sink(context, source + start, end - start);
    if (end == length) return;
    /* A block ended by a zero stands for it; a maximal block does not, so the byte after it starts the next. */
    start = code == MAX_BLOCK_CODE ? end : end + 1;
  }
}

void cobs_decode_start(cobs_decoder_t *decoder) {
  decoder->left = 0;
  decoder->zero_after = false;
}

int cobs_decode_byte(cobs_decoder_t *decoder, uint8_t byte) {
  if (decoder->left > 0) {
    decoder->left--;
    return byte;
  }
  /* A code byte: the previous block's zero, unless it was maximal or there was none. */
  bool zero = decoder->zero_after;
  decoder->left = (uint8_t)(byte - 1);
  decoder->zero_after = byte != MAX_BLOCK_CODE;
  return zero ? 0 : -1;
}

bool cobs_decode_complete(const cobs_decoder_t *decoder) {
  return decoder->left == 0;
}
