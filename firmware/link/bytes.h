/*
 * Little-endian payload fields (docs/link-protocol.md §3.3). Writers and readers are sticky: the first field
 * that does not fit, or breaks its layout, is remembered and every later access is a no-op, so message modules
 * read as a list of fields and check once at the end.
 */
#ifndef WASMOTE_LINK_BYTES_H
#define WASMOTE_LINK_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* §3.3: a `str` is a u8 byte length followed by that many bytes of UTF-8. */
#define LINK_STR_MAX_BYTES 255
/* §3.3: an `id` is a `str` of 1..32 bytes from [A-Za-z0-9._-]. */
#define LINK_ID_MIN_BYTES 1
#define LINK_ID_MAX_BYTES 32
/* §3.3: 2^53 - 1, the largest u64 a receiver takes (the largest integer a JavaScript number holds exactly). */
#define LINK_U64_MAX 0x1FFFFFFFFFFFFFull

typedef struct {
  const char *bytes;
  size_t length;
} link_str_t;

typedef struct {
  uint8_t *bytes;
  size_t capacity;
  size_t length;
  /* A field did not fit, or broke its layout: the encoder refuses the message. */
  bool overflow;
} link_writer_t;

void link_writer_init(link_writer_t *writer, uint8_t *bytes, size_t capacity);
void link_put_u8(link_writer_t *writer, uint8_t value);
void link_put_u16(link_writer_t *writer, uint16_t value);
void link_put_u32(link_writer_t *writer, uint32_t value);
/* §3.3: a value above LINK_U64_MAX is refused, as a receiver would drop it. */
void link_put_u64(link_writer_t *writer, uint64_t value);
void link_put_f64(link_writer_t *writer, double value);
void link_put_bool(link_writer_t *writer, bool value);
void link_put_bytes(link_writer_t *writer, const uint8_t *bytes, size_t length);
/* A `str` of at most `max_bytes` (≤ LINK_STR_MAX_BYTES) of valid UTF-8; anything else is refused. */
void link_put_str(link_writer_t *writer, link_str_t text, size_t max_bytes);
/* An `id` (§3.3); anything else is refused. */
void link_put_id(link_writer_t *writer, link_str_t id);
/* Refuses the message: a field's value is outside its range. */
void link_writer_refuse(link_writer_t *writer);
/* True when `id` is a well-formed `id` (§3.3). */
bool link_id_valid(link_str_t id);

typedef struct {
  const uint8_t *bytes;
  size_t length;
  size_t position;
  /* Fields of repeated entries are named with `#` for their index (`metrics[#].name`); this is the index. */
  unsigned index;
  /* The spec's name of the first field that failed, as host/link/ names it, and the index then; or NULL. */
  const char *failed_field;
  unsigned failed_index;
} link_reader_t;

void link_reader_init(link_reader_t *reader, const uint8_t *bytes, size_t length);
/* Marks `field` as the one that broke the layout, unless an earlier one did. */
void link_reader_fail(link_reader_t *reader, const char *field);
size_t link_reader_remaining(const link_reader_t *reader);
uint8_t link_get_u8(link_reader_t *reader, const char *field);
/* A u8 that must lie in `min..max`, e.g. an enumeration. */
uint8_t link_get_u8_within(link_reader_t *reader, const char *field, uint8_t min, uint8_t max);
uint16_t link_get_u16(link_reader_t *reader, const char *field);
uint32_t link_get_u32(link_reader_t *reader, const char *field);
/* §3.3: a u64 above LINK_U64_MAX is malformed. */
uint64_t link_get_u64(link_reader_t *reader, const char *field);
double link_get_f64(link_reader_t *reader, const char *field);
/* An f64 that must be finite. */
double link_get_finite(link_reader_t *reader, const char *field);
/* §3.3: 0 or 1. */
bool link_get_bool(link_reader_t *reader, const char *field);
/* A `str` of at most `max_bytes` bytes of valid UTF-8; the view points into the payload. */
link_str_t link_get_str(link_reader_t *reader, const char *field, size_t max_bytes);
/* An `id` (§3.3); the view points into the payload. */
link_str_t link_get_id(link_reader_t *reader, const char *field);
const uint8_t *link_get_bytes(link_reader_t *reader, const char *field, size_t count);
/* The payload's last field: every byte left, which must number `min_bytes..max_bytes`. */
const uint8_t *link_get_rest(link_reader_t *reader, const char *field, size_t min_bytes, size_t max_bytes,
                             size_t *length);
/* §3.3: no trailing bytes. Returns true when every field so far was well formed and the payload ends here. */
bool link_reader_end(link_reader_t *reader);

#endif
