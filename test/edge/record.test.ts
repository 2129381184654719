import { describe, expect, it } from 'vitest';
import { checkRecord, idempotencyKey, type IngestRecord } from '../../host/edge/record.ts';
import { natsSubject } from '../../host/edge/sinks/jetstream-stream.ts';

type Overrides = Omit<Partial<IngestRecord>, 'key'> & { key?: Partial<IngestRecord['key']> };

const record = (overrides: Overrides = {}): IngestRecord => ({
  subject: 'sensor-1/data',
  payload: new Uint8Array([0x7b, 0x7d]),
  receivedAtMs: 1_700_000_000_000,
  ...overrides,
  key: { deviceId: 'sensor-1', session: 7, seq: 42, ...overrides.key },
});

describe('record key', () => {
  it('is subject (device and kind), session and seq in decimal, read unambiguously from the right', () => {
    expect(idempotencyKey(record({ key: { session: 4_294_967_295, seq: 65_535 } }))).toBe('sensor-1/data:4294967295:65535');
    expect(idempotencyKey(record({ subject: 'a:b/log', key: { session: 0, seq: 0 } }))).toBe('a:b/log:0:0');
    // Two kinds of message from one frame: two keys.
    expect(idempotencyKey(record({ subject: 'lab/sensor-1/window' }))).not.toBe(idempotencyKey(record({ subject: 'lab/sensor-1/data' })));
  });

  it('accepts a record at both ends of the session and seq ranges', () => {
    expect(() => checkRecord(record({ key: { session: 0, seq: 0 } }))).not.toThrow();
    expect(() => checkRecord(record({ key: { session: 0xffff_ffff, seq: 0xffff } }))).not.toThrow();
  });

  it.each([
    [{ key: { seq: 65_536 } }, 'key.seq must be a u16 (got 65536)'],
    [{ key: { seq: -1 } }, 'key.seq must be a u16 (got -1)'],
    [{ key: { session: 2 ** 32 } }, 'key.session must be a u32 (got 4294967296)'],
    [{ key: { session: 1.5 } }, 'key.session must be a u32 (got 1.5)'],
    [{ key: { deviceId: '' } }, 'key.deviceId must be a non-empty string (got "")'],
    [{ subject: '/sensor-1/data' }, '(got "/sensor-1/data")'],
    [{ subject: 'sensor-1/+' }, 'without wildcards (got "sensor-1/+")'],
    [{ subject: 'sensor-1/#' }, '(got "sensor-1/#")'],
    [{ subject: '' }, '(got "")'],
    [{ receivedAtMs: Number.NaN }, 'receivedAtMs must be a finite number (got NaN)'],
  ] as const)('refuses %j, naming the field and value', (overrides, message) => {
    expect(() => checkRecord(record(overrides as Overrides))).toThrow(message);
  });
});

describe('NATS subject of a record', () => {
  it("turns the topic's levels into tokens after the prefix", () => {
    expect(natsSubject('wasmote', 'sensor-1/data')).toBe('wasmote.sensor-1.data');
    expect(natsSubject('site.edge-1', 'sensor-1/events/alarm')).toBe('site.edge-1.sensor-1.events.alarm');
  });

  it('percent-encodes what a NATS token cannot hold, and % itself', () => {
    expect(natsSubject('w', 'v1.2/a b/*/>/%')).toBe('w.v1%2E2.a%20b.%2A.%3E.%25');
    expect(natsSubject('w', 'a//b')).toBe('w.a.%00.b');
    expect(natsSubject('w', 'r\u00e9seau\u3000x')).toBe('w.r\u00e9seau%E3%80%80x');
  });
});
