/** METRIC, type 0x07, device → edge (docs/link-protocol.md §4.2): one declared metric and how to read it. */
import { type ByteReader, type ByteWriter, LinkFieldError } from './bytes.ts';
import { MetricKind, type MetricMessage } from './messages.ts';

export function encodeMetric(message: MetricMessage, writer: ByteWriter): void {
  writer.u8(message.id, 'id');
  writer.str(message.name, 'name');
  writer.str(message.unit, 'unit');
  writer.u8Within(message.kind, 'kind', MetricKind.Number, MetricKind.Boolean);
  const range = message.range;
  writer.bool(range !== undefined, 'has_range');
  if (range === undefined) {
    writer.f64(0, 'min');
    writer.f64(0, 'max');
    return;
  }
  writer.f64Finite(range.min, 'min');
  writer.f64Finite(checkOrder(range.min, range.max), 'max');
}

export function decodeMetric(reader: ByteReader): MetricMessage {
  const id = reader.u8('id');
  const name = reader.str('name');
  const unit = reader.str('unit');
  const kind = reader.u8Within('kind', MetricKind.Number, MetricKind.Boolean) as MetricKind;
  if (!reader.bool('has_range')) {
    checkNoRange(reader.f64('min'), 'min');
    checkNoRange(reader.f64('max'), 'max');
    return { type: 'metric', id, name, unit, kind };
  }
  const min = reader.f64Finite('min');
  const max = checkOrder(min, reader.f64Finite('max'));
  return { type: 'metric', id, name, unit, kind, range: { min, max } };
}

function checkOrder(min: number, max: number): number {
  if (max < min) throw new LinkFieldError('max', `${max} is below min ${min}`);
  return max;
}

/** Without a range min and max are +0, so every accepted frame re-encodes byte for byte (-0 is not +0). */
function checkNoRange(value: number, field: string): void {
  if (!Object.is(value, 0)) throw new LinkFieldError(field, `${value} without a range, must be 0`);
}
