/** DATA, type 0x02, device → edge (docs/link-protocol.md §4.3): values one tick reported, 1..24 of them. */
import { type ByteReader, type ByteWriter, checkFinite, LinkFieldError } from './bytes.ts';
import type { DataMessage, MetricValue } from './messages.ts';

/** §4.3: id u8 + value f64. */
const VALUE_BYTES = 1 + 8;
const COUNT_MIN = 1;
/** A tick that reports more goes out as several DATA messages (§7.3). */
const COUNT_MAX = 24;

export function encodeData(message: DataMessage, writer: ByteWriter): void {
  writer.u64(message.timeMs, 'time_ms');
  writer.u8Within(message.values.length, 'count', COUNT_MIN, COUNT_MAX);
  message.values.forEach(({ id, value }, index) => {
    writer.u8(id, `values[${index}].id`);
    writer.f64Finite(value, `values[${index}].value`);
  });
}

export function decodeData(reader: ByteReader): DataMessage {
  const timeMs = reader.u64('time_ms');
  const count = reader.u8Within('count', COUNT_MIN, COUNT_MAX);
  if (reader.remaining !== count * VALUE_BYTES) {
    throw new LinkFieldError('count', `${count} value(s) need ${count * VALUE_BYTES} bytes, ${reader.remaining} left`);
  }
  // The count matches the bytes left, so the reads below cannot run short; a value's field is named only when it
  // is refused (every DATA frame passes here: the edge's hot path).
  const values: MetricValue[] = [];
  for (let index = 0; index < count; index++) {
    const id = reader.u8('values[].id');
    const value = reader.f64('values[].value');
    if (!Number.isFinite(value)) checkFinite(value, `values[${index}].value`);
    values.push({ id, value });
  }
  return { type: 'data', timeMs, values };
}
