/** Sparkplug B 3.0 §6.4.16: the datatype codes a Metric's `datatype` and a PropertyValue's `type` carry. */
export const DataType = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
} as const;

export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** Which field of the value `oneof` (§6.4.6 Metric, §6.4.9 PropertyValue) a datatype is carried in. */
export type ValueField = 'intValue' | 'longValue' | 'floatValue' | 'doubleValue' | 'booleanValue' | 'stringValue';

const FIELD_OF_DATATYPE: Record<DataTypeCode, ValueField> = {
  [DataType.Int8]: 'intValue',
  [DataType.Int16]: 'intValue',
  [DataType.Int32]: 'intValue',
  [DataType.UInt8]: 'intValue',
  [DataType.UInt16]: 'intValue',
  // In `long_value`, as Ignition and Eclipse Tahu write and read it (the Tahu JavaScript decoder reads nothing
  // else); Sparkplug 3.0 decoders take it from either field (eclipse-sparkplug/sparkplug#102, #453).
  [DataType.UInt32]: 'longValue',
  [DataType.Int64]: 'longValue',
  [DataType.UInt64]: 'longValue',
  [DataType.DateTime]: 'longValue',
  [DataType.Float]: 'floatValue',
  [DataType.Double]: 'doubleValue',
  [DataType.Boolean]: 'booleanValue',
  [DataType.String]: 'stringValue',
  [DataType.Text]: 'stringValue',
};

export function valueFieldOf(datatype: DataTypeCode): ValueField {
  return FIELD_OF_DATATYPE[datatype];
}
