/* METRIC, type 0x07, device → edge (docs/link-protocol.md §4.2): one metric the app declared. */
#include "messages.h"

#include <math.h>
#include <string.h>

/* §4.2: min and max are 0, bit for bit, when there is no range, so a decoded METRIC re-encodes exactly. */
static bool positive_zero(double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bits == 0;
}

bool link_encode_metric(link_writer_t *writer, const link_metric_t *message) {
  double min = message->has_range ? message->min : 0.0;
  double max = message->has_range ? message->max : 0.0;
  if ((unsigned)message->kind > LINK_METRIC_BOOLEAN || !isfinite(min) || !isfinite(max) || !(max >= min)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u8(writer, message->id);
  link_put_str(writer, message->name, LINK_STR_MAX_BYTES);
  link_put_str(writer, message->unit, LINK_STR_MAX_BYTES);
  link_put_u8(writer, (uint8_t)message->kind);
  link_put_bool(writer, message->has_range);
  link_put_f64(writer, min);
  link_put_f64(writer, max);
  return !writer->overflow;
}

bool link_decode_metric(link_reader_t *reader, link_metric_t *message) {
  message->id = link_get_u8(reader, "id");
  message->name = link_get_str(reader, "name", LINK_STR_MAX_BYTES);
  message->unit = link_get_str(reader, "unit", LINK_STR_MAX_BYTES);
  message->kind = (link_metric_kind_t)link_get_u8_within(reader, "kind", LINK_METRIC_NUMBER, LINK_METRIC_BOOLEAN);
  message->has_range = link_get_bool(reader, "has_range");
  message->min = link_get_finite(reader, "min");
  if (!message->has_range && !positive_zero(message->min)) link_reader_fail(reader, "min");
  message->max = link_get_finite(reader, "max");
  if (!message->has_range && !positive_zero(message->max)) link_reader_fail(reader, "max");
  if (!(message->max >= message->min)) link_reader_fail(reader, "max");
  return link_reader_end(reader);
}
