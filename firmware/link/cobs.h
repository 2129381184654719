/*
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, IEEE/ACM ToN 1999; docs/link-protocol.md §2): a code byte
 * `c` is followed by `c - 1` non-zero bytes and stands for a zero after them, unless `c` is 0xFF (a maximal block)
 * or the block ends the frame. The encoding never contains 0x00, which delimits frames.
 */
#ifndef WASMOTE_LINK_COBS_H
#define WASMOTE_LINK_COBS_H

#include <stddef.h>
#include <stdint.h>

/* Where encoded bytes go: a UART on the device, a buffer in tests. */
typedef void (*byte_sink_t)(void *context, const uint8_t *bytes, size_t length);

/* Encodes `source` into `sink`, block by block, without a buffer of its own; the delimiter is not written. */
void cobs_encode(const uint8_t *source, size_t length, byte_sink_t sink, void *context);

/*
 * Decodes one segment (without its delimiter) in place: the decoded body is never longer than the segment and is
 * written at or before each byte read. Returns the body length, or -1 when a code byte is zero or runs past the
 * end of the segment.
 */
int cobs_decode_in_place(uint8_t *segment, size_t length);

#endif
