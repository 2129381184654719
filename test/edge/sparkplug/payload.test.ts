import Long from 'long';
import { decodePayload as tahuDecode, encodePayload as tahuEncode } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, PayloadDecodeError } from '../../../host/edge/sparkplug/payload.ts';

/** The edge's protobufjs encoding, read back with the Eclipse Tahu decoder as a host would. */

// Sparkplug 3.0 §6.4.16 datatype codes, restated.
const INT64 = 4;
const UINT16 = 6;
const UINT32 = 7;
const DOUBLE = 10;
const BOOLEAN = 11;
const STRING = 12;

const asBigInt = (value: unknown): bigint => BigInt((value as Long).toString());
/** As a host reads Int64: signed (the Tahu decoder hands over the uint64 field as it is). */
const asSigned = (value: unknown): bigint => BigInt.asIntN(64, asBigInt(value));

describe('Sparkplug B payload encoding', () => {
  it('carries Int64 values over the whole 64-bit range, negatives as two’s complement', () => {
    const values = [0n, -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    const bytes = encodePayload({
      timestampMs: 1_796_392_612_929,
      seq: 7,
      metrics: values.map((value, index) => ({ name: `m${index}`, datatype: INT64, value })),
    });
    const decoded = tahuDecode(bytes);
    expect(decoded.metrics!.map((metric) => metric.type)).toEqual(values.map(() => 'Int64'));
    expect(decoded.metrics!.map((metric) => asSigned(metric.value))).toEqual(values);
    expect(asBigInt(decoded.timestamp)).toBe(1_796_392_612_929n);
    expect(asBigInt(decoded.seq)).toBe(7n);
  });

  it('writes seq 0 (an NBIRTH’s) as a present field, and a payload without seq (NDEATH) without one', () => {
    expect(tahuDecode(encodePayload({ timestampMs: 1, seq: 0, metrics: [] })).seq).toBeDefined();
    expect(tahuDecode(encodePayload({ timestampMs: 1, metrics: [] })).seq ?? undefined).toBeUndefined();
  });

  it('puts UInt32 in long_value, where Ignition and Tahu read it, and UInt16 in int_value', () => {
    const bytes = encodePayload({
      timestampMs: 1,
      metrics: [
        { name: 'session', datatype: UINT32, value: 4_294_967_295 },
        { name: 'duty', datatype: UINT16, value: 65_535 },
      ],
    });
    const [session, duty] = tahuDecode(bytes).metrics!;
    expect(session!.type).toBe('UInt32');
    expect(asBigInt(session!.value)).toBe(4_294_967_295n);
    expect(duty!.value).toBe(65_535);
  });

  it('encodes properties, null values, aliases and metric timestamps', () => {
    const bytes = encodePayload({
      timestampMs: 1_796_392_612_929,
      seq: 3,
      metrics: [
        {
          name: 'tmp102/temperature',
          alias: 2 * 1024 + 2,
          timestampMs: 1_796_392_600_000,
          datatype: DOUBLE,
          value: null,
          properties: {
            engUnit: { datatype: STRING, value: 'Cel' },
            engLow: { datatype: DOUBLE, value: -40 },
            engHigh: { datatype: DOUBLE, value: 125 },
          },
        },
      ],
    });
    const [metric] = tahuDecode(bytes).metrics!;
    expect(metric!.name).toBe('tmp102/temperature');
    expect(asBigInt(metric!.alias)).toBe(2050n);
    expect(asBigInt(metric!.timestamp)).toBe(1_796_392_600_000n);
    expect(metric!.value).toBeNull();
    expect(metric!.properties).toEqual({
      engUnit: { type: 'String', value: 'Cel' },
      engLow: { type: 'Double', value: -40 },
      engHigh: { type: 'Double', value: 125 },
    });
  });

  it('names the datatype of a metric sent by alias alone, so a decoder can read its value', () => {
    const bytes = encodePayload({ timestampMs: 1, seq: 1, metrics: [{ alias: 1026, datatype: DOUBLE, value: 21.53 }] });
    const [metric] = tahuDecode(bytes).metrics!;
    expect(metric).toMatchObject({ type: 'Double', value: 21.53 });
    expect(metric!.name ?? undefined).toBeUndefined();
  });
});

describe('Sparkplug B payload decoding (NCMD, DCMD)', () => {
  it('reads what a Tahu host writes: by alias or by name, with or without datatype', () => {
    const bytes = tahuEncode({
      timestamp: 1,
      metrics: [
        { alias: 1024 + 515, type: 'String', value: 'blink' },
        { name: 'LED/Period ms', type: 'UInt32', value: 250 },
        { alias: 2, type: 'Boolean', value: true },
        { name: 'big', type: 'Int64', value: Long.fromString('-5') },
      ],
    });
    expect(decodePayload(bytes).metrics).toEqual([
      { alias: 1539, datatype: 12, value: 'blink' },
      { name: 'LED/Period ms', datatype: 7, value: 250n },
      { alias: 2, datatype: BOOLEAN, value: true },
      { name: 'big', datatype: INT64, value: -5n },
    ]);
  });

  it('refuses what is not a Sparkplug payload', () => {
    expect(() => decodePayload(Buffer.from('{"online":true}'))).toThrow(PayloadDecodeError);
    expect(() => decodePayload(Buffer.from([0x12, 0xff, 0xff]))).toThrow(PayloadDecodeError);
  });
});
