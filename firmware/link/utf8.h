/*
 * UTF-8 (RFC 3629) one code point at a time, with the WHATWG Encoding Standard's error handling (§4.1.1, the
 * UTF-8 decoder): a maximal ill-formed subpart counts as one error. The link refuses a `str` with any error
 * (docs/link-protocol.md §3.3); the HAL replaces each with U+FFFD, as the simulator's TextDecoder does.
 */
#ifndef WASMOTE_LINK_UTF8_H
#define WASMOTE_LINK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT_CHARACTER 0xFFFDu
#define UTF8_MAX_SEQUENCE_BYTES 4

/*
 * Decodes the code point at the start of `bytes` (`length` > 0). Returns how many bytes it takes, at least one;
 * `*code_point` is U+FFFD when those bytes are an ill-formed subpart.
 */
size_t utf8_decode(const uint8_t *bytes, size_t length, uint32_t *code_point, bool *well_formed);

/* Writes `code_point` (at most U+10FFFF, not a surrogate) to `out`; returns the number of bytes, 1..4. */
size_t utf8_encode(uint32_t code_point, uint8_t out[UTF8_MAX_SEQUENCE_BYTES]);

bool utf8_valid(const uint8_t *bytes, size_t length);

#endif
