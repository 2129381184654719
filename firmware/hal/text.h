/*
 * Text that crosses from the app to the link, by the rules every runner applies identically (docs/link-protocol.md
 * §7.3; host/abi/text-rules.ts is the simulator's copy):
 *
 * - log text: each maximal ill-formed subsequence becomes U+FFFD (Unicode 15 §3.9, "U+FFFD Substitution of
 *   Maximal Subparts"), then the text is cut to at most 255 bytes at a character boundary;
 * - a trap's message and file: cut to at most 96 bytes at a character boundary.
 *
 * Output always stops before the first character that does not fit, so every cut is at a character boundary.
 */
#ifndef WASMOTE_HAL_TEXT_H
#define WASMOTE_HAL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "app_memory.h"

/* docs/link-protocol.md §7.3: the most bytes of one log text after repair. */
#define TEXT_LOG_MAX_BYTES 255
/* docs/hal-abi.md §7: the most bytes of a trap's message and of its file (engine/trap.h holds them). */
#define TEXT_TRAP_MAX_BYTES 96

/*
 * UTF-8 bytes from the app, made valid and cut to `capacity`; returns the bytes written to `out`. `needed`,
 * unless NULL, receives the length of the whole valid text, written or not.
 */
size_t text_from_utf8(const uint8_t *bytes, size_t length, char *out, size_t capacity, size_t *needed);

/* The text a LOG message carries for the bytes an app logged. */
size_t text_log(const uint8_t *bytes, size_t length, char out[TEXT_LOG_MAX_BYTES]);

/*
 * An AssemblyScript string (docs/hal-abi.md §5: UTF-16LE, its byte length in the u32 at `ptr - 4`) as UTF-8,
 * cut to `capacity`. A null pointer, or a header or body outside memory, is the empty string.
 */
size_t text_from_as_string(const app_memory_t *memory, uint32_t ptr, char *out, size_t capacity);

/* An abort's message or file as an EVENT carries it. */
size_t text_trap(const app_memory_t *memory, uint32_t ptr, char out[TEXT_TRAP_MAX_BYTES]);

/* Longest text of text_from_number(). */
#define TEXT_NUMBER_MAX_BYTES 24

/*
 * A number for env.trace's log line: NaN, Infinity, integers below 1e21 exactly as JavaScript prints them,
 * anything else to six significant digits (JavaScript prints the shortest round-trip form).
 */
size_t text_from_number(double value, char out[TEXT_NUMBER_MAX_BYTES]);

#endif
