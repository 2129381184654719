import Long from 'long';
import { DataType, type DataTypeCode, valueFieldOf } from './datatypes.ts';
import { PayloadMessage } from './payload-schema.ts';

/** Int64, UInt64 and DateTime values are bigints once decoded; numbers are accepted when encoding. */
export type MetricValue = number | bigint | boolean | string;

export interface PropertyValue {
  datatype: DataTypeCode;
  value: MetricValue;
}

/** A metric to publish (Sparkplug 3.0 §6.4.6); `value: null` is sent as `is_null`. */
export interface Metric {
  name?: string;
  alias?: number;
  /** Unix epoch ms. */
  timestampMs?: number;
  datatype: DataTypeCode;
  value: MetricValue | null;
  /** §6.4.8: keys in insertion order. */
  properties?: Record<string, PropertyValue>;
}

export interface Payload {
  /** Unix epoch ms: when the payload was made. */
  timestampMs: number;
  /** 0..255; NDEATH carries none (tck-id-payloads-sequence-num-always-included). */
  seq?: number;
  metrics: Metric[];
}

/** A metric as a peer sent it: the datatype is optional in NCMD and DCMD (tck-id-payloads-metric-datatype-not-req). */
export interface ReceivedMetric {
  name?: string;
  alias?: number;
  datatype?: number;
  /** Undefined when the metric carries no value this edge reads (bytes, a data set, a template). */
  value: MetricValue | null | undefined;
}

export interface ReceivedPayload {
  timestampMs?: number;
  metrics: ReceivedMetric[];
}

export class PayloadDecodeError extends Error {}

const UINT64_BITS = 64;
const INT32_BITS = 32;
/** §6.4.16: Int8 and Int16 ride in `int_value` as two's complement of their own width. */
const INT_VALUE_WIDTH_BITS: Partial<Record<number, number>> = {
  [DataType.Int8]: 8,
  [DataType.Int16]: 16,
  [DataType.Int32]: INT32_BITS,
};

/** uint64 fields as Long.js: a 64-bit value never passes through a double. */
function toUint64(value: number | bigint): Long {
  return Long.fromString(BigInt.asUintN(UINT64_BITS, BigInt(value)).toString(), true);
}

function encodeValue(datatype: DataTypeCode, value: MetricValue): Record<string, unknown> {
  const field = valueFieldOf(datatype);
  switch (field) {
    case 'intValue':
      // Signed types as two's complement in the uint32 (§6.4.16).
      return { intValue: Number(value) >>> 0 };
    case 'longValue':
      return { longValue: toUint64(value as number | bigint) };
    case 'floatValue':
    case 'doubleValue':
      return { [field]: Number(value) };
    case 'booleanValue':
      return { booleanValue: Boolean(value) };
    case 'stringValue':
      return { stringValue: String(value) };
  }
}

function encodeProperties(properties: Record<string, PropertyValue>): Record<string, unknown> {
  const entries = Object.entries(properties);
  return {
    keys: entries.map(([key]) => key),
    values: entries.map(([, property]) => ({
      type: property.datatype,
      ...encodeValue(property.datatype, property.value),
    })),
  };
}

function encodeMetric(metric: Metric): Record<string, unknown> {
  return {
    ...(metric.name !== undefined && { name: metric.name }),
    ...(metric.alias !== undefined && { alias: toUint64(metric.alias) }),
    ...(metric.timestampMs !== undefined && { timestamp: toUint64(metric.timestampMs) }),
    datatype: metric.datatype,
    ...(metric.properties && { properties: encodeProperties(metric.properties) }),
    ...(metric.value === null ? { isNull: true } : encodeValue(metric.datatype, metric.value)),
  };
}

/**
 * Every metric names its datatype, in DDATA too: Sparkplug 3.0 says it SHOULD NOT there
 * (tck-id-payloads-metric-datatype-not-req), but a decoder that reads a value by its datatype, such as Eclipse
 * Tahu's JavaScript one, cannot read a value without it (docs/mqtt.md §7).
 */
export function encodePayload(payload: Payload): Uint8Array {
  const message = PayloadMessage.fromObject({
    timestamp: toUint64(payload.timestampMs),
    metrics: payload.metrics.map(encodeMetric),
    ...(payload.seq !== undefined && { seq: toUint64(payload.seq) }),
  });
  return PayloadMessage.encode(message).finish();
}

interface DecodedMetricFields {
  name?: string;
  alias?: string;
  datatype?: number;
  isNull?: boolean;
  intValue?: number;
  longValue?: string;
  floatValue?: number;
  doubleValue?: number;
  booleanValue?: boolean;
  stringValue?: string;
}

function decodeValue(fields: DecodedMetricFields): MetricValue | null | undefined {
  if (fields.isNull) return null;
  const { datatype } = fields;
  if (fields.intValue !== undefined) {
    const widthBits = datatype === undefined ? undefined : INT_VALUE_WIDTH_BITS[datatype];
    return widthBits === undefined ? fields.intValue : Number(BigInt.asIntN(widthBits, BigInt(fields.intValue)));
  }
  if (fields.longValue !== undefined) {
    const unsigned = BigInt(fields.longValue);
    return datatype === DataType.Int64 ? BigInt.asIntN(UINT64_BITS, unsigned) : unsigned;
  }
  return fields.floatValue ?? fields.doubleValue ?? fields.booleanValue ?? fields.stringValue;
}

/** Decodes an NCMD or DCMD payload; a payload that is not a Sparkplug `Payload` throws PayloadDecodeError. */
export function decodePayload(bytes: Uint8Array): ReceivedPayload {
  let object: { timestamp?: string; metrics?: DecodedMetricFields[] };
  try {
    object = PayloadMessage.toObject(PayloadMessage.decode(bytes), { longs: String, oneofs: false });
  } catch (error) {
    throw new PayloadDecodeError(`not a Sparkplug B payload: ${(error as Error).message}`, { cause: error });
  }
  const metrics = (object.metrics ?? []).map((fields): ReceivedMetric => {
    const alias = fields.alias === undefined ? undefined : Number(fields.alias);
    return {
      ...(fields.name !== undefined && { name: fields.name }),
      ...(alias !== undefined && Number.isSafeInteger(alias) && { alias }),
      ...(fields.datatype !== undefined && { datatype: fields.datatype }),
      value: decodeValue(fields),
    };
  });
  return { ...(object.timestamp !== undefined && { timestampMs: Number(object.timestamp) }), metrics };
}
