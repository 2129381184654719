/*
 * Text that crosses from the app to the link. The link's `str` must be valid UTF-8 (docs/link-protocol.md §3.3)
 * and the simulator decodes app text with a replacing TextDecoder, so the firmware does the same: each
 * ill-formed subpart becomes U+FFFD. Output stops before a character that does not fit.
 */
#ifndef WASMOTE_HAL_TEXT_H
#define WASMOTE_HAL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "app_memory.h"

/*
 * UTF-8 bytes from the app, made valid; returns the bytes written to `out`. `needed`, unless NULL, receives the
 * length of the whole valid text, written or not.
 */
size_t text_from_utf8(const uint8_t *bytes, size_t length, char *out, size_t capacity, size_t *needed);

/*
 * An AssemblyScript string (docs/hal-abi.md §5: UTF-16LE, its byte length in the u32 at `ptr - 4`) as UTF-8.
 * A null pointer, or a header or body outside memory, is the empty string.
 */
size_t text_from_as_string(const app_memory_t *memory, uint32_t ptr, char *out, size_t capacity);

/* Longest text of text_from_number(). */
#define TEXT_NUMBER_MAX_BYTES 24

/*
 * A number for env.trace's log line: NaN, Infinity, integers below 1e21 exactly as JavaScript prints them,
 * anything else to six significant digits (JavaScript prints the shortest round-trip form).
 */
size_t text_from_number(double value, char out[TEXT_NUMBER_MAX_BYTES]);

#endif
