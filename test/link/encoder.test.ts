import { describe, expect, it } from 'vitest';
import { MAX_METRICS, MAX_METRIC_NAME_BYTES, MAX_METRIC_UNIT_BYTES } from '../../host/abi/metric-table.ts';
import { LinkFieldError } from '../../host/link/bytes.ts';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type { HelloMessage, LinkMessage } from '../../host/link/messages.ts';

const ack: LinkMessage = { type: 'command-result', commandId: 1, status: 0 };
const hello: HelloMessage = {
  type: 'hello',
  deviceId: 'node-1',
  firmwareVersion: 'fw',
  appVersion: 'app',
  appHash: new Uint8Array(32),
  abiVersion: 0x0001_0000,
  bootReason: 0,
  metrics: [],
};

/** The field a refused message's LinkFieldError names. */
function refusedField(message: LinkMessage, seq = 0): string {
  try {
    encodeMessage(message, seq);
  } catch (error) {
    if (error instanceof LinkFieldError) return error.field;
    throw error;
  }
  throw new Error('encoded a message the protocol cannot carry');
}

describe('LinkEncoder', () => {
  it('numbers frames from its first seq and wraps at 65536', () => {
    const encoder = new LinkEncoder(65534);
    const decoder = new LinkDecoder();
    const seqs = [0, 1, 2].flatMap(() => decoder.push(encoder.encode(ack)).map((frame) => frame.seq));
    expect(seqs).toEqual([65534, 65535, 0]);
    expect(encoder.nextSeq).toBe(1);
    expect(decoder.stats.seqGaps).toBe(0);
  });

  it('uses no seq for a message it refuses', () => {
    const encoder = new LinkEncoder();
    expect(() => encoder.encode({ ...ack, status: 256 })).toThrow(LinkFieldError);
    expect(encoder.nextSeq).toBe(0);
  });
});

describe('encodeMessage refuses what the protocol cannot carry, naming the field', () => {
  it.each<[string, LinkMessage, string]>([
    ['a 33-byte device_id', { ...hello, deviceId: 'd'.repeat(33) }, 'device_id'],
    ['a 33-byte firmware_version', { ...hello, firmwareVersion: 'f'.repeat(33) }, 'firmware_version'],
    ['a 33-byte app_version of 17 characters', { ...hello, appVersion: `${'é'.repeat(16)}a` }, 'app_version'],
    ['a 256-byte metric name', { ...hello, metrics: [{ id: 0, name: 'é'.repeat(128), unit: '' }] }, 'metrics[0].name'],
    ['a 31-byte app_hash', { ...hello, appHash: new Uint8Array(31) }, 'app_hash'],
    ['boot_reason 4', { ...hello, bootReason: 4 as never }, 'boot_reason'],
    ['a metric id of 256', { ...hello, metrics: [{ id: 256, name: 'x', unit: '' }] }, 'metrics[0].id'],
    ['time_ms -1', { type: 'data', timeMs: -1, values: [] }, 'time_ms'],
    ['time_ms 1.5', { type: 'log', timeMs: 1.5, level: 0, text: '' }, 'time_ms'],
    ['time_ms above MAX_SAFE_INTEGER', { type: 'data', timeMs: 2 ** 53, values: [] }, 'time_ms'],
    [
      'a NaN value',
      { type: 'data', timeMs: 0, values: [{ id: 0, value: 1 }, { id: 1, value: NaN }] },
      'values[1].value',
    ],
    ['an infinite value', { type: 'data', timeMs: 0, values: [{ id: 0, value: -Infinity }] }, 'values[0].value'],
    ['log level 4', { type: 'log', timeMs: 0, level: 4 as never, text: '' }, 'level'],
    ['trap code 8', { type: 'event', timeMs: 0, kind: 1, code: 8, message: '', file: '', line: 0, column: 0 }, 'code'],
    [
      'event line -1',
      { type: 'event', timeMs: 0, kind: 2, code: 0, message: '', file: '', line: -1, column: 0 },
      'line',
    ],
    ['an empty command', { type: 'command', commandId: 1, payload: new Uint8Array(0) }, 'payload'],
    ['a 65-byte command', { type: 'command', commandId: 1, payload: new Uint8Array(65) }, 'payload'],
    ['command_id 65536', { type: 'command', commandId: 65536, payload: Uint8Array.of(1) }, 'command_id'],
    [
      'an I2C address of 0x80',
      { type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'i2c-read', address: 0x80, readLength: 1 } },
      'addr',
    ],
    [
      'GPIO mode 4',
      { type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'gpio-mode', pin: 0, mode: 4 } },
      'mode',
    ],
    ['256 bytes of proxy data', { type: 'proxy-response', requestId: 1, status: 0, data: new Uint8Array(256) }, 'data'],
  ])('%s', (_, message, field) => {
    expect(refusedField(message)).toBe(field);
  });

  it('a seq outside 0..65535', () => {
    expect(refusedField(ack, 65536)).toBe('seq');
    expect(refusedField(ack, -1)).toBe('seq');
  });

  it('a payload one byte over 1024, naming the field that overflows', () => {
    // 41 bytes of fixed fields and length prefixes + 3 × 32 + two metrics of 3 + 510 and 3 + 371 bytes = 1024
    // (docs/link-protocol.md §4.1).
    const metric = (id: number, unitBytes: number) => ({ id, name: 'x'.repeat(255), unit: 'y'.repeat(unitBytes) });
    const full: HelloMessage = {
      ...hello,
      deviceId: 'a'.repeat(32),
      firmwareVersion: 'b'.repeat(32),
      appVersion: 'c'.repeat(32),
      metrics: [metric(1, 255), metric(2, 116)],
    };
    expect(encodeMessage(full, 0).length).toBeGreaterThan(1032);
    expect(refusedField({ ...full, metrics: [metric(1, 255), metric(2, 117)] })).toBe('metrics[1].unit');
    const values = Array.from({ length: 113 }, (_, id) => ({ id, value: 1 }));
    expect(() => encodeMessage({ type: 'data', timeMs: 0, values }, 0)).toThrow(LinkFieldError);
    expect(() => encodeMessage({ type: 'data', timeMs: 0, values: values.slice(1) }, 0)).not.toThrow();
  });
});

describe('encodeMessage carries the largest HELLO', () => {
  it('32-byte strings and the largest metric table hal-abi.md §4.6 allows', () => {
    const largest: HelloMessage = {
      ...hello,
      deviceId: 'a'.repeat(32),
      firmwareVersion: 'b'.repeat(32),
      appVersion: 'é'.repeat(16),
      metrics: Array.from({ length: MAX_METRICS }, (_, id) => ({
        id,
        name: 'n'.repeat(MAX_METRIC_NAME_BYTES),
        unit: 'u'.repeat(MAX_METRIC_UNIT_BYTES),
      })),
    };
    const [frame] = new LinkDecoder().push(encodeMessage(largest, 0));
    expect(frame?.message).toEqual(largest);
  });
});
