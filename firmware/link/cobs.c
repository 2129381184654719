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

int cobs_decode_in_place(uint8_t *segment, size_t length) {
  size_t out = 0;
  size_t in = 0;
  while (in < length) {
    uint8_t code = segment[in++];
    if (code == 0 || in + code - 1 > length) return -1;
    size_t block_end = in + code - 1;
    while (in < block_end) segment[out++] = segment[in++];
    if (code != MAX_BLOCK_CODE && in < length) segment[out++] = 0;
  }
  return (int)out;
}
