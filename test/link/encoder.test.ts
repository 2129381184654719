import { describe, expect, it } from 'vitest';
import { LinkFieldError } from '../../host/link/bytes.ts';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type {
  CommandResultMessage,
  DataMessage,
  HeartbeatMessage,
  HelloMessage,
  LinkMessage,
  MetricMessage,
} from '../../host/link/messages.ts';

const ack: CommandResultMessage = {
  type: 'command-result',
  commandId: 1,
  origin: 0,
  status: 0,
  cached: false,
  payload: new Uint8Array(0),
};
const hello: HelloMessage = {
  type: 'hello',
  deviceId: 'node-1',
  linkMinor: 0,
  firmwareVersion: 'fw',
  capabilities: 0,
  board: 'sim',
  appName: 'sensor-node',
  appVersion: 'app',
  appHash: new Uint8Array(32),
  abiVersion: 0x0001_0001,
  bootReason: 0,
  helloReason: 0,
  session: 7,
  bootCount: 1,
  uptimeMs: 0,
  heartbeatPeriodMs: 5000,
  reportIntervalMs: 1000,
  appState: 0,
  metricCount: 0,
  opcodes: [1, 2, 3],
};
const metric: MetricMessage = { type: 'metric', id: 0, name: 'temperature', unit: 'Cel', kind: 0 };
const heartbeat: HeartbeatMessage = {
  type: 'heartbeat',
  uptimeMs: 5000,
  session: 7,
  heartbeatPeriodMs: 5000,
  bootCount: 1,
  appState: 0,
  restartAtMs: 0,
  consecutiveFailures: 0,
  lastFailureKind: 0,
  lastFailureCode: 0,
  rxFrames: 0,
  rxDrops: { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, unknownType: 0, malformed: 0 },
  commandsDropped: 0,
  ledMode: 255,
  ledPeriodMs: 0,
  ledLevel: 255,
  brightnessU16: 0,
  reportIntervalMs: 1000,
};
const event: LinkMessage = { type: 'event', timeMs: 0, kind: 1, code: 1, message: '', file: '', line: 0, column: 0 };
const values = (list: number[]): DataMessage => ({
  type: 'data',
  timeMs: 0,
  values: list.map((value, id) => ({ id, value })),
});
const runner = (status: number, payload: number[] = []): CommandResultMessage => ({
  ...ack,
  origin: 1,
  status,
  payload: Uint8Array.from(payload),
});

/** The field a refused message's LinkFieldError names. */
function refusedField(message: LinkMessage, sessionTag = 7, seq = 0): string {
  return thrownField(() => encodeMessage(message, sessionTag, seq));
}

function thrownField(encode: () => unknown): string {
  try {
    encode();
  } catch (error) {
    if (error instanceof LinkFieldError) return error.field;
    throw error;
  }
  throw new Error('encoded a message the protocol cannot carry');
}

describe('LinkEncoder', () => {
  it("writes the low 16 bits of the sender's session in every frame, numbered from 0", () => {
    const encoder = new LinkEncoder({ session: 0x9e37_79b9 });
    expect(encoder.sessionTag).toBe(0x79b9);
    const decoder = new LinkDecoder();
    const frames = [ack, ack].flatMap((message) => decoder.push(encoder.encode(message)));
    expect(frames.map(({ sessionTag, seq }) => ({ sessionTag, seq }))).toEqual([
      { sessionTag: 0x79b9, seq: 0 },
      { sessionTag: 0x79b9, seq: 1 },
    ]);
  });

  it('numbers frames from its first seq and wraps at 65536', () => {
    const encoder = new LinkEncoder({ session: 7, firstSeq: 65534 });
    const decoder = new LinkDecoder();
    const seqs = [0, 1, 2].flatMap(() => decoder.push(encoder.encode(ack)).map((frame) => frame.seq));
    expect(seqs).toEqual([65534, 65535, 0]);
    expect(encoder.nextSeq).toBe(1);
    expect(decoder.stats.gaps).toBe(0);
  });

  it('draws a session when given none: never 0, and another for each encoder', () => {
    const sessions = new Set(Array.from({ length: 50 }, () => new LinkEncoder().session));
    expect(sessions.size).toBeGreaterThan(45);
    for (const session of sessions) {
      expect(Number.isInteger(session) && session >= 1 && session <= 0xffff_ffff, String(session)).toBe(true);
    }
  });

  it('refuses a session of 0 or outside 32 bits, and a first seq outside 16', () => {
    for (const session of [0, -1, 2 ** 32, 1.5]) {
      expect(thrownField(() => new LinkEncoder({ session })), String(session)).toBe('session');
    }
    expect(thrownField(() => new LinkEncoder({ session: 1, firstSeq: 65536 }))).toBe('seq');
  });

  it("refuses a HELLO or HEARTBEAT of another session than the sender's, using no seq", () => {
    const encoder = new LinkEncoder({ session: 7 });
    expect(thrownField(() => encoder.encode({ ...hello, session: 8 }))).toBe('session');
    // The same tag is not enough: the receiver takes the full session from HELLO and HEARTBEAT (§5.2).
    expect(thrownField(() => encoder.encode({ ...heartbeat, session: 0x1_0007 }))).toBe('session');
    expect(encoder.nextSeq).toBe(0);
    const [frame] = new LinkDecoder().push(encoder.encode(hello));
    expect(frame).toMatchObject({ sessionTag: 7, seq: 0, session: 7 });
  });

  it('uses no seq for a message it refuses', () => {
    const encoder = new LinkEncoder();
    expect(() => encoder.encode({ ...ack, status: 256 })).toThrow(LinkFieldError);
    expect(encoder.nextSeq).toBe(0);
  });
});

describe('encodeMessage refuses what a receiver would drop, naming the field', () => {
  const badIds: Array<[string, string]> = [
    ['empty', ''],
    ['33 bytes', 'd'.repeat(33)],
    ['/', 'a/b'],
    ['+', 'a+b'],
    ['#', 'a#b'],
    ['a space', 'a b'],
    ['NUL', 'a\0b'],
    ['non-ASCII', 'nœud'],
  ];
  it.each(badIds.flatMap(([what, id]) => [
    [`device_id ${what}`, { ...hello, deviceId: id }, 'device_id'] as const,
    [`board ${what}`, { ...hello, board: id }, 'board'] as const,
    [`app_name ${what}`, { ...hello, appName: id }, 'app_name'] as const,
  ]))('hello: %s', (_, message, field) => {
    expect(refusedField(message)).toBe(field);
  });

  it.each<[string, LinkMessage, string]>([
    ['hello: link_minor 256', { ...hello, linkMinor: 256 }, 'link_minor'],
    ['hello: a 33-byte firmware_version', { ...hello, firmwareVersion: 'f'.repeat(33) }, 'firmware_version'],
    ['hello: capabilities 0x10000', { ...hello, capabilities: 0x1_0000 }, 'capabilities'],
    ['hello: a 33-byte app_version of 17 characters', { ...hello, appVersion: `${'é'.repeat(16)}a` }, 'app_version'],
    ['hello: a 31-byte app_hash', { ...hello, appHash: new Uint8Array(31) }, 'app_hash'],
    ['hello: boot_reason 5', { ...hello, bootReason: 5 as never }, 'boot_reason'],
    ['hello: hello_reason 3', { ...hello, helloReason: 3 as never }, 'hello_reason'],
    ['hello: session -1', { ...hello, session: -1 }, 'session'],
    ['hello: session 2^32', { ...hello, session: 2 ** 32 }, 'session'],
    ['hello: uptime_ms 2^53', { ...hello, uptimeMs: 2 ** 53 }, 'uptime_ms'],
    ['hello: heartbeat_period_ms 999', { ...hello, heartbeatPeriodMs: 999 }, 'heartbeat_period_ms'],
    ['hello: heartbeat_period_ms 3600001', { ...hello, heartbeatPeriodMs: 3_600_001 }, 'heartbeat_period_ms'],
    ['hello: report_interval_ms 3600001', { ...hello, reportIntervalMs: 3_600_001 }, 'report_interval_ms'],
    ['hello: report_interval_ms 2^32 - 1', { ...hello, reportIntervalMs: 0xffff_ffff }, 'report_interval_ms'],
    ['hello: app_state 2', { ...hello, appState: 2 as never }, 'app_state'],
    ['hello: metric_count 256', { ...hello, metricCount: 256 }, 'metric_count'],
    ['hello: opcodes descending', { ...hello, opcodes: [2, 1] }, 'opcodes[1]'],
    ['hello: an opcode repeated', { ...hello, opcodes: [1, 2, 2] }, 'opcodes[2]'],
    ['hello: opcode 256', { ...hello, opcodes: [256] }, 'opcodes[0]'],
    ['hello: opcode 0x00', { ...hello, opcodes: [0x00, 0x01] }, 'opcodes[0]'],
    ['hello: runner opcode 0x70', { ...hello, opcodes: [0x01, 0x70] }, 'opcodes[1]'],
    ['hello: runner opcode 0x7f', { ...hello, opcodes: [0x6f, 0x7f, 0x80] }, 'opcodes[1]'],
    ['hello: 17 opcodes', { ...hello, opcodes: Array.from({ length: 17 }, (_, i) => i + 1) }, 'opcode_count'],
    ['metric: kind 3', { ...metric, kind: 3 as never }, 'kind'],
    ['metric: min NaN', { ...metric, range: { min: NaN, max: 1 } }, 'min'],
    ['metric: max Infinity', { ...metric, range: { min: 0, max: Infinity } }, 'max'],
    ['metric: max below min', { ...metric, range: { min: 1, max: 0 } }, 'max'],
    ['metric: a 256-byte name', { ...metric, name: 'é'.repeat(128) }, 'name'],
    ['heartbeat: heartbeat_period_ms 999', { ...heartbeat, heartbeatPeriodMs: 999 }, 'heartbeat_period_ms'],
    ['heartbeat: without a period', { ...heartbeat, heartbeatPeriodMs: undefined as never }, 'heartbeat_period_ms'],
    ['heartbeat: app_state 2', { ...heartbeat, appState: 2 as never }, 'app_state'],
    ['heartbeat: running with restart_at_ms 9000', { ...heartbeat, restartAtMs: 9000 }, 'restart_at_ms'],
    ['heartbeat: backing off until 2^53', { ...heartbeat, appState: 1, restartAtMs: 2 ** 53 }, 'restart_at_ms'],
    ['heartbeat: last_failure_kind 2', { ...heartbeat, lastFailureKind: 2 }, 'last_failure_kind'],
    ['heartbeat: no failure with code 1', { ...heartbeat, lastFailureCode: 1 }, 'last_failure_code'],
    ['heartbeat: trap code 8', { ...heartbeat, lastFailureKind: 1, lastFailureCode: 8 }, 'last_failure_code'],
    ['heartbeat: trap code 0', { ...heartbeat, lastFailureKind: 1, lastFailureCode: 0 }, 'last_failure_code'],
    ['heartbeat: runaway code 3', { ...heartbeat, lastFailureKind: 4, lastFailureCode: 3 }, 'last_failure_code'],
    ['heartbeat: led_mode 2', { ...heartbeat, ledMode: 2 }, 'led_mode'],
    ['heartbeat: blinking with led_period_ms 0', { ...heartbeat, ledMode: 3, ledPeriodMs: 0 }, 'led_period_ms'],
    ['heartbeat: LED on with led_period_ms 500', { ...heartbeat, ledMode: 1, ledPeriodMs: 500 }, 'led_period_ms'],
    ['heartbeat: led_level 2', { ...heartbeat, ledLevel: 2 }, 'led_level'],
    ['heartbeat: report_interval_ms 3600001', { ...heartbeat, reportIntervalMs: 3_600_001 }, 'report_interval_ms'],
    [
      'heartbeat: rx_unknown_type 2^32',
      { ...heartbeat, rxDrops: { ...heartbeat.rxDrops, unknownType: 2 ** 32 } },
      'rx_unknown_type',
    ],
    ['command-result: origin 2', { ...ack, origin: 2 as never }, 'origin'],
    ['command-result: app status 256', { ...ack, status: 256 }, 'status'],
    ['command-result: runner status 8', runner(8), 'status'],
    ['command-result: cached not a boolean', { ...ack, cached: 1 as never }, 'flags'],
    ['command-result: QUEUE_FULL cached', { ...runner(1), cached: true }, 'flags'],
    ['command-result: APP_NOT_RUNNING cached', { ...runner(2, [0x10, 0x27, 0, 0, 0, 0, 0, 0]), cached: true }, 'flags'],
    ['command-result: an app payload of 17 bytes', { ...ack, payload: new Uint8Array(17) }, 'payload'],
    ['command-result: runner OK with a payload', runner(0, [0]), 'payload'],
    ['command-result: APP_NOT_RUNNING without restart_at_ms', runner(2), 'payload'],
    ['command-result: APP_NOT_RUNNING at 2^53', runner(2, [0, 0, 0, 0, 0, 0, 0x20, 0]), 'restart_at_ms'],
    ['command-result: STATUS_OUT_OF_RANGE with 3 bytes', runner(4, [0, 1, 0]), 'payload'],
    ['command-result: STATUS_OUT_OF_RANGE carrying 255', runner(4, [0xff, 0, 0, 0]), 'status'],
    ['command-result: STATUS_OUT_OF_RANGE carrying 0', runner(4, [0, 0, 0, 0]), 'status'],
    ['command-result: a payload that is not bytes', { ...ack, payload: [1] as never }, 'payload'],
    ['data: no values', values([]), 'count'],
    ['data: 25 values', values(Array.from({ length: 25 }, () => 1)), 'count'],
    ['data: time_ms -1', { ...values([1]), timeMs: -1 }, 'time_ms'],
    ['data: time_ms above MAX_SAFE_INTEGER', { ...values([1]), timeMs: 2 ** 53 }, 'time_ms'],
    ['data: a NaN value', values([1, NaN]), 'values[1].value'],
    ['data: an infinite value', values([-Infinity]), 'values[0].value'],
    ['data: id 256', { type: 'data', timeMs: 0, values: [{ id: 256, value: 0 }] }, 'values[0].id'],
    ['log: time_ms 1.5', { type: 'log', timeMs: 1.5, level: 0, text: '' }, 'time_ms'],
    ['log: level 4', { type: 'log', timeMs: 0, level: 4 as never, text: '' }, 'level'],
    ['event: trap code 8', { ...event, code: 8 }, 'code'],
    ['event: trap code 0', { ...event, code: 0 }, 'code'],
    ['event: fault code 5', { ...event, kind: 2, code: 5 }, 'code'],
    ['event: reboot code 1', { ...event, kind: 3, code: 1 }, 'code'],
    ['event: runaway code 3', { ...event, kind: 4, code: 3 }, 'code'],
    ['event: line -1', { ...event, kind: 2, line: -1 }, 'line'],
    ['command: empty', { type: 'command', commandId: 1, payload: new Uint8Array(0) }, 'payload'],
    ['command: 65 bytes', { type: 'command', commandId: 1, payload: new Uint8Array(65) }, 'payload'],
    ['command: command_id 65536', { type: 'command', commandId: 65536, payload: Uint8Array.of(1) }, 'command_id'],
    [
      'proxy-request: an I2C address of 0x80',
      { type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'i2c-read', address: 0x80, readLength: 1 } },
      'addr',
    ],
    [
      'proxy-request: GPIO mode 4',
      { type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'gpio-mode', pin: 0, mode: 4 } },
      'mode',
    ],
    [
      'proxy-request: an unknown op',
      { type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'spi-read' } as never },
      'op',
    ],
    ['proxy-response: status 7', { type: 'proxy-response', requestId: 1, status: 7, data: Uint8Array.of() }, 'status'],
    [
      'proxy-response: 256 bytes of data',
      { type: 'proxy-response', requestId: 1, status: 0, data: new Uint8Array(256) },
      'data',
    ],
    ['an unknown message type', { type: 'firmware-update' } as never, 'type'],
  ])('%s', (_, message, field) => {
    expect(refusedField(message)).toBe(field);
  });

  it('a session tag or seq outside 0..65535', () => {
    expect(refusedField(ack, 65536, 0)).toBe('session_tag');
    expect(refusedField(ack, -1, 0)).toBe('session_tag');
    expect(refusedField(ack, 0, 65536)).toBe('seq');
    expect(refusedField(ack, 0, -1)).toBe('seq');
  });
});

describe('encodeMessage carries every value a receiver accepts', () => {
  it('the largest HELLO: 32-byte ids and versions, 16 opcodes, every maximum', () => {
    const largest: HelloMessage = {
      ...hello,
      deviceId: 'a'.repeat(32),
      linkMinor: 255,
      firmwareVersion: 'b'.repeat(32),
      capabilities: 0xffff,
      board: 'B'.repeat(32),
      appName: 'n'.repeat(32),
      appVersion: 'é'.repeat(16),
      abiVersion: 0xffff_ffff,
      session: 0xffff_ffff,
      bootReason: 4,
      bootCount: 0xffff_ffff,
      uptimeMs: Number.MAX_SAFE_INTEGER,
      heartbeatPeriodMs: 3_600_000,
      reportIntervalMs: 3_600_000,
      metricCount: 255,
      opcodes: Array.from({ length: 16 }, (_, i) => 0xf0 + i),
    };
    const [frame] = new LinkDecoder().push(encodeMessage(largest, 0xffff, 0xffff));
    expect(frame).toMatchObject({ sessionTag: 0xffff, seq: 0xffff, message: largest, session: 0xffff_ffff });
  });

  it('the edges of HEARTBEAT: backing off, a blinking LED, a runaway, no report interval', () => {
    const edges: HeartbeatMessage = {
      ...heartbeat,
      heartbeatPeriodMs: 1000,
      appState: 1,
      restartAtMs: Number.MAX_SAFE_INTEGER,
      consecutiveFailures: 0xffff,
      lastFailureKind: 4,
      lastFailureCode: 2,
      ledMode: 3,
      ledPeriodMs: 0xffff,
      reportIntervalMs: 0,
    };
    const [frame] = new LinkDecoder().push(encodeMessage(edges, 7, 0));
    expect(frame?.message).toEqual(edges);
  });

  it('a HELLO or HEARTBEAT whose session is not its tag: a receiver never rejects a frame for its tag (§5.2)', () => {
    const [frame] = new LinkDecoder().push(encodeMessage({ ...hello, session: 0x0002_0001 }, 0x0003, 0));
    expect(frame).toMatchObject({ sessionTag: 0x0003, message: { session: 0x0002_0001 }, session: null });
  });

  it('a metric without a range and one of -0..0', () => {
    const decoder = new LinkDecoder();
    const ranged: MetricMessage = { ...metric, range: { min: -0, max: 0 } };
    const frames = decoder.push(Uint8Array.from([...encodeMessage(metric, 7, 0), ...encodeMessage(ranged, 7, 1)]));
    expect(frames.map((frame) => frame.message)).toEqual([metric, ranged]);
    expect(Object.is((frames[1]!.message as MetricMessage).range!.min, -0)).toBe(true);
    expect('range' in frames[0]!.message).toBe(false);
  });
});
