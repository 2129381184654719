#include "bytes.h"

#include <math.h>
#include <string.h>

#include "utf8.h"

/* §3.3: trailing bytes are reported under the payload as a whole. */
static const char TRAILING_FIELD[] = "payload";

void link_writer_init(link_writer_t *writer, uint8_t *bytes, size_t capacity) {
  writer->bytes = bytes;
  writer->capacity = capacity;
  writer->length = 0;
  writer->overflow = false;
}

static uint8_t *take(link_writer_t *writer, size_t count) {
  if (writer->overflow || writer->capacity - writer->length < count) {
    writer->overflow = true;
    return NULL;
  }
  uint8_t *at = writer->bytes + writer->length;
  writer->length += count;
  return at;
}

static void put_le(link_writer_t *writer, uint64_t value, size_t count) {
  uint8_t *at = take(writer, count);
  if (at == NULL) return;
  for (size_t i = 0; i < count; i++) at[i] = (uint8_t)(value >> (8 * i));
}

void link_put_u8(link_writer_t *writer, uint8_t value) {
  put_le(writer, value, 1);
}

void link_put_u16(link_writer_t *writer, uint16_t value) {
  put_le(writer, value, 2);
}

void link_put_u32(link_writer_t *writer, uint32_t value) {
  put_le(writer, value, 4);
}

void link_put_u64(link_writer_t *writer, uint64_t value) {
  if (value > LINK_U64_MAX) writer->overflow = true;
  put_le(writer, value, 8);
}

void link_put_f64(link_writer_t *writer, double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  put_le(writer, bits, 8);
}

void link_put_bool(link_writer_t *writer, bool value) {
  put_le(writer, value ? 1 : 0, 1);
}

void link_put_bytes(link_writer_t *writer, const uint8_t *bytes, size_t length) {
  uint8_t *at = take(writer, length);
  if (at != NULL && length > 0) memcpy(at, bytes, length);
}

void link_writer_refuse(link_writer_t *writer) {
  writer->overflow = true;
}

void link_put_str(link_writer_t *writer, link_str_t text, size_t max_bytes) {
  if (text.length > max_bytes || !utf8_valid((const uint8_t *)text.bytes, text.length)) {
    writer->overflow = true;
    return;
  }
  link_put_u8(writer, (uint8_t)text.length);
  link_put_bytes(writer, (const uint8_t *)text.bytes, text.length);
}

static bool id_byte(uint8_t byte) {
  return (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
         byte == '.' || byte == '_' || byte == '-';
}

static bool id_bytes_valid(const uint8_t *bytes, size_t length) {
  if (length < LINK_ID_MIN_BYTES || length > LINK_ID_MAX_BYTES) return false;
  for (size_t i = 0; i < length; i++) {
    if (!id_byte(bytes[i])) return false;
  }
  return true;
}

bool link_id_valid(link_str_t id) {
  return id.bytes != NULL && id_bytes_valid((const uint8_t *)id.bytes, id.length);
}

void link_put_id(link_writer_t *writer, link_str_t id) {
  if (!link_id_valid(id)) {
    writer->overflow = true;
    return;
  }
  link_put_u8(writer, (uint8_t)id.length);
  link_put_bytes(writer, (const uint8_t *)id.bytes, id.length);
}

void link_reader_init(link_reader_t *reader, const uint8_t *bytes, size_t length) {
  reader->bytes = bytes;
  reader->length = length;
  reader->position = 0;
  reader->index = 0;
  reader->failed_field = NULL;
  reader->failed_index = 0;
}

void link_reader_fail(link_reader_t *reader, const char *field) {
  if (reader->failed_field != NULL) return;
  reader->failed_field = field;
  reader->failed_index = reader->index;
}

size_t link_reader_remaining(const link_reader_t *reader) {
  return reader->length - reader->position;
}

static const uint8_t *read_exact(link_reader_t *reader, const char *field, size_t count) {
  if (reader->failed_field != NULL) return NULL;
  if (link_reader_remaining(reader) < count) {
    link_reader_fail(reader, field);
    return NULL;
  }
  const uint8_t *at = reader->bytes + reader->position;
  reader->position += count;
  return at;
}

static uint64_t get_le(link_reader_t *reader, const char *field, size_t count) {
  const uint8_t *at = read_exact(reader, field, count);
  uint64_t value = 0;
  for (size_t i = 0; at != NULL && i < count; i++) value |= (uint64_t)at[i] << (8 * i);
  return value;
}

uint8_t link_get_u8(link_reader_t *reader, const char *field) {
  return (uint8_t)get_le(reader, field, 1);
}

uint8_t link_get_u8_within(link_reader_t *reader, const char *field, uint8_t min, uint8_t max) {
  uint8_t value = link_get_u8(reader, field);
  if (value < min || value > max) link_reader_fail(reader, field);
  return value;
}

uint16_t link_get_u16(link_reader_t *reader, const char *field) {
  return (uint16_t)get_le(reader, field, 2);
}

uint32_t link_get_u32(link_reader_t *reader, const char *field) {
  return (uint32_t)get_le(reader, field, 4);
}

uint64_t link_get_u64(link_reader_t *reader, const char *field) {
  uint64_t value = get_le(reader, field, 8);
  if (value > LINK_U64_MAX) link_reader_fail(reader, field);
  return value;
}

double link_get_f64(link_reader_t *reader, const char *field) {
  uint64_t bits = get_le(reader, field, 8);
  double value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

double link_get_finite(link_reader_t *reader, const char *field) {
  double value = link_get_f64(reader, field);
  if (!isfinite(value)) link_reader_fail(reader, field);
  return value;
}

bool link_get_bool(link_reader_t *reader, const char *field) {
  return link_get_u8_within(reader, field, 0, 1) == 1;
}

link_str_t link_get_str(link_reader_t *reader, const char *field, size_t max_bytes) {
  uint8_t length = link_get_u8(reader, field);
  const uint8_t *at = read_exact(reader, field, length);
  if (at != NULL && (length > max_bytes || !utf8_valid(at, length))) link_reader_fail(reader, field);
  return (link_str_t){(const char *)at, at == NULL ? 0 : length};
}

link_str_t link_get_id(link_reader_t *reader, const char *field) {
  uint8_t length = link_get_u8(reader, field);
  const uint8_t *at = read_exact(reader, field, length);
  if (at != NULL && !id_bytes_valid(at, length)) link_reader_fail(reader, field);
  return (link_str_t){(const char *)at, at == NULL ? 0 : length};
}

const uint8_t *link_get_bytes(link_reader_t *reader, const char *field, size_t count) {
  return read_exact(reader, field, count);
}

const uint8_t *link_get_rest(link_reader_t *reader, const char *field, size_t min_bytes, size_t max_bytes,
                             size_t *length) {
  size_t count = link_reader_remaining(reader);
  if (count < min_bytes || count > max_bytes) link_reader_fail(reader, field);
  *length = count;
  return read_exact(reader, field, count);
}

bool link_reader_end(link_reader_t *reader) {
  if (link_reader_remaining(reader) != 0) link_reader_fail(reader, TRAILING_FIELD);
  return reader->failed_field == NULL;
}
