/** DATA, type 0x02, device → edge (docs/link-protocol.md §4.2): the values one tick reported. */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import type { DataMessage, MetricValue } from './messages.ts';

/** §4.2: id u8 + value f64. */
const VALUE_BYTES = 1 + 8;

export function encodeData(message: DataMessage, writer: ByteWriter): void {
  writer.u64(message.timeMs, 'time_ms');
  writer.u8(message.values.length, 'count');
  message.values.forEach(({ id, value }, index) => {
    writer.u8(id, 'values[].id');
    writer.f64(checkFinite(value, index), 'values[].value');
  });
}

export function decodeData(reader: ByteReader): DataMessage {
  const timeMs = reader.u64('time_ms');
  const count = reader.u8('count');
  if (reader.remaining !== count * VALUE_BYTES) {
    throw new LinkFieldError('count', `${count} value(s) need ${count * VALUE_BYTES} bytes, ${reader.remaining} left`);
  }
  const values: MetricValue[] = [];
  for (let index = 0; index < count; index++) {
    const id = reader.u8('values[].id');
    values.push({ id, value: checkFinite(reader.f64('values[].value'), index) });
  }
  return { type: 'data', timeMs, values };
}

/** §4.2: hal-abi.md §4.6 refuses non-finite reports, so NaN and ±Infinity never go on the wire. */
function checkFinite(value: number, index: number): number {
  if (!Number.isFinite(value)) throw new LinkFieldError(`values[${index}].value`, `${value} is not finite`);
  return value;
}
