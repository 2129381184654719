/* EVENT, type 0x04, device → edge (docs/link-protocol.md §4.7): a trap, fault, reboot or runaway app. */
#include "messages.h"

bool link_event_code_valid(uint8_t kind, uint16_t code) {
  switch (kind) {
    case LINK_EVENT_TRAP:
      return code >= LINK_TRAP_ABORT && code <= LINK_TRAP_OTHER;
    case LINK_EVENT_FAULT:
      return code >= LINK_FAULT_HARD && code <= LINK_FAULT_USAGE;
    case LINK_EVENT_REBOOT:
      return code == 0;
    case LINK_EVENT_RUNAWAY:
      return code >= LINK_RUNAWAY_TIME_BUDGET && code <= LINK_RUNAWAY_WATCHDOG;
    default:
      return false;
  }
}

bool link_encode_event(link_writer_t *writer, const link_event_t *message) {
  if ((unsigned)message->kind < LINK_EVENT_TRAP || (unsigned)message->kind > LINK_EVENT_RUNAWAY ||
      !link_event_code_valid((uint8_t)message->kind, message->code)) {
    link_writer_refuse(writer);
    return false;
  }
  link_put_u64(writer, message->time_ms);
  link_put_u8(writer, (uint8_t)message->kind);
  link_put_u16(writer, message->code);
  link_put_str(writer, message->message, LINK_STR_MAX_BYTES);
  link_put_str(writer, message->file, LINK_STR_MAX_BYTES);
  link_put_u32(writer, message->line);
  link_put_u32(writer, message->column);
  return !writer->overflow;
}

bool link_decode_event(link_reader_t *reader, link_event_t *message) {
  message->time_ms = link_get_u64(reader, "time_ms");
  message->kind = (link_event_kind_t)link_get_u8_within(reader, "kind", LINK_EVENT_TRAP, LINK_EVENT_RUNAWAY);
  message->code = link_get_u16(reader, "code");
  if (!link_event_code_valid((uint8_t)message->kind, message->code)) link_reader_fail(reader, "code");
  message->message = link_get_str(reader, "message", LINK_STR_MAX_BYTES);
  message->file = link_get_str(reader, "file", LINK_STR_MAX_BYTES);
  message->line = link_get_u32(reader, "line");
  message->column = link_get_u32(reader, "column");
  return link_reader_end(reader);
}
