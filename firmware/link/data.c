/* DATA, type 0x02, device → edge (docs/link-protocol.md §4.3): values one tick reported, 1..24 of them. */
#include "messages.h"

#include <math.h>

void link_put_data_value(uint8_t entry[LINK_DATA_VALUE_BYTES], uint8_t id, double value) {
  link_writer_t writer;
  link_writer_init(&writer, entry, LINK_DATA_VALUE_BYTES);
  link_put_u8(&writer, id);
  link_put_f64(&writer, value);
}

void link_get_data_value(const uint8_t entry[LINK_DATA_VALUE_BYTES], uint8_t *id, double *value) {
  link_reader_t reader;
  link_reader_init(&reader, entry, LINK_DATA_VALUE_BYTES);
  *id = link_get_u8(&reader, "values[#].id");
  *value = link_get_f64(&reader, "values[#].value");
}

/* §4.3: every value finite. */
static bool values_finite(const uint8_t *values, uint8_t count) {
  for (unsigned i = 0; i < count; i++) {
    uint8_t id;
    double value;
    link_get_data_value(values + i * LINK_DATA_VALUE_BYTES, &id, &value);
    if (!isfinite(value)) return false;
  }
  return true;
}

bool link_encode_data(link_writer_t *writer, const link_data_t *message) {
  if (message->count < 1 || message->count > LINK_DATA_MAX_VALUES || message->values == NULL ||
      !values_finite(message->values, message->count)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u64(writer, message->time_ms);
  link_put_u8(writer, message->count);
  link_put_bytes(writer, message->values, (size_t)message->count * LINK_DATA_VALUE_BYTES);
  return !writer->overflow;
}

bool link_decode_data(link_reader_t *reader, link_data_t *message) {
  message->time_ms = link_get_u64(reader, "time_ms");
  message->count = link_get_u8_within(reader, "count", 1, LINK_DATA_MAX_VALUES);
  if (link_reader_remaining(reader) != (size_t)message->count * LINK_DATA_VALUE_BYTES) {
    link_reader_fail(reader, "count");
  }
  message->values = link_get_bytes(reader, "count", (size_t)message->count * LINK_DATA_VALUE_BYTES);
  /* §4.3: hal-abi.md §4.6 refuses non-finite reports, so one on the wire is malformed. */
  for (unsigned i = 0; message->values != NULL && i < message->count; i++) {
    uint8_t id;
    double value;
    link_get_data_value(message->values + i * LINK_DATA_VALUE_BYTES, &id, &value);
    reader->index = i;
    if (!isfinite(value)) link_reader_fail(reader, "values[#].value");
  }
  return link_reader_end(reader);
}
