/*
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 1999; docs/link-protocol.md §2): a code byte
 * `c` is followed by `c - 1` non-zero bytes and stands for a zero after them, unless `c` is 0xFF (a maximal block)
 * or the block ends the frame. The encoding never contains 0x00, which delimits frames.
 */
#ifndef WASMOTE_LINK_COBS_H
#define WASMOTE_LINK_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where encoded bytes go: a UART on the device, a buffer in tests. */
typedef void (*byte_sink_t)(void *context, const uint8_t *bytes, size_t length);

/* Encodes `source` into `sink`, block by block, without a buffer of its own; the delimiter is not written. */
void cobs_encode(const uint8_t *source, size_t length, byte_sink_t sink, void *context);

/*
 * Decodes one segment a byte at a time, without a buffer of its own. Start each segment with cobs_decode_start();
 * feed its bytes (never the 0x00 delimiter) to cobs_decode_byte(), which yields the decoded byte, or -1 for a code
 * byte that yields none (a code byte yields the zero its previous block stands for). At the delimiter,
 * cobs_decode_complete() is false when the last block runs past the end of the segment.
 */
typedef struct {
  /* Data bytes left in the current block. */
  uint8_t left;
  /* The current block stands for a zero after it, if another block follows. */
  bool zero_after;
} cobs_decoder_t;

void cobs_decode_start(cobs_decoder_t *decoder);
int cobs_decode_byte(cobs_decoder_t *decoder, uint8_t byte);
bool cobs_decode_complete(const cobs_decoder_t *decoder);

#endif
