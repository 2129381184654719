import protobuf from 'protobufjs';

/**
 * The Sparkplug B `Payload` message (Sparkplug 3.0 §6.4, `org.eclipse.tahu.protobuf.Payload` of sparkplug_b.proto)
 * as protobufjs reflection: the fields this edge writes and reads, with the published field numbers and types.
 * Fields left out (MetaData, DataSet, Template and the extension values) are skipped on decode like any unknown
 * field, so a payload that carries them still decodes.
 */
const SPARKPLUG_B_SCHEMA = {
  nested: {
    Payload: {
      // sparkplug_b.proto is proto2: optional fields have explicit presence, so an NBIRTH's `seq` 0 is sent.
      edition: 'proto2',
      fields: {
        timestamp: { id: 1, type: 'uint64' },
        metrics: { id: 2, type: 'Metric', rule: 'repeated' },
        seq: { id: 3, type: 'uint64' },
        uuid: { id: 4, type: 'string' },
        body: { id: 5, type: 'bytes' },
      },
      nested: {
        // §6.4.6
        Metric: {
          edition: 'proto2',
          oneofs: {
            value: {
              oneof: [
                'intValue',
                'longValue',
                'floatValue',
                'doubleValue',
                'booleanValue',
                'stringValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            name: { id: 1, type: 'string' },
            alias: { id: 2, type: 'uint64' },
            timestamp: { id: 3, type: 'uint64' },
            datatype: { id: 4, type: 'uint32' },
            isHistorical: { id: 5, type: 'bool' },
            isTransient: { id: 6, type: 'bool' },
            isNull: { id: 7, type: 'bool' },
            properties: { id: 9, type: 'PropertySet' },
            intValue: { id: 10, type: 'uint32' },
            longValue: { id: 11, type: 'uint64' },
            floatValue: { id: 12, type: 'float' },
            doubleValue: { id: 13, type: 'double' },
            booleanValue: { id: 14, type: 'bool' },
            stringValue: { id: 15, type: 'string' },
            bytesValue: { id: 16, type: 'bytes' },
          },
        },
        // §6.4.8
        PropertySet: {
          edition: 'proto2',
          fields: {
            keys: { id: 1, type: 'string', rule: 'repeated' },
            values: { id: 2, type: 'PropertyValue', rule: 'repeated' },
          },
        },
        // §6.4.9
        PropertyValue: {
          edition: 'proto2',
          oneofs: {
            value: { oneof: ['intValue', 'longValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue'] },
          },
          fields: {
            type: { id: 1, type: 'uint32' },
            isNull: { id: 2, type: 'bool' },
            intValue: { id: 3, type: 'uint32' },
            longValue: { id: 4, type: 'uint64' },
            floatValue: { id: 5, type: 'float' },
            doubleValue: { id: 6, type: 'double' },
            booleanValue: { id: 7, type: 'bool' },
            stringValue: { id: 8, type: 'string' },
          },
        },
      },
    },
  },
};

export const PayloadMessage = protobuf.Root.fromJSON(SPARKPLUG_B_SCHEMA).lookupType('Payload');
