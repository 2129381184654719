/**
 * The firmware's C link codec (firmware/link/) against test/vectors/link-frames.json, the file the TypeScript
 * codec is tested with (docs/link-protocol.md §8): every valid message encodes to exactly its frame and every
 * frame decodes to exactly its message; every invalid segment is dropped once, for the vector's reason and
 * naming the vector's field, and reading a newer device's HELLO where §4.1.1 says. Then what the vectors cannot
 * show: the encoders refuse what a receiver would drop, the device numbers and tags only what it sends, and the
 * device's inbox (firmware/link/inbox.c), the smaller receiver of §2, counts every segment by outcome, queues four
 * commands with their session tags and names the ones it refused.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InvalidVector as SharedInvalidVector, ValidVector as SharedValidVector } from '../link/vector-json.ts';
import { buildNativeProgram, runLines } from './support/native.ts';

/** §8: a valid vector carries its frame's session tag beside its seq. */
type ValidVector = SharedValidVector & { sessionTag: number };
/** §8: a newer device's HELLO carries what §4.1.1 reads from it. */
type NewerPeer = { deviceId: string; linkMinor: number; firmwareVersion: string };
type InvalidVector = SharedInvalidVector & { newerPeer?: NewerPeer };

const vectors = JSON.parse(readFileSync(new URL('../vectors/link-frames.json', import.meta.url), 'utf8')) as {
  valid: ValidVector[];
  invalid: InvalidVector[];
};

/** §4.9 op numbers, restated. */
const PROXY_OPS = ['i2c-write', 'i2c-read', 'i2c-write-read', 'gpio-mode', 'gpio-write', 'gpio-read', 'pwm-set'];
/** §6, in the order of the checks and of HEARTBEAT's rx_* fields. */
const DROP_REASONS = ['oversize', 'cobs', 'short', 'crc', 'version', 'unknownType', 'malformed'];
/** §3.4 */
const TYPE = { hello: 0x01, log: 0x03, commandResult: 0x06, heartbeat: 0x08, command: 0x05, proxyResponse: 0x11 };
/** §2: the most the device's receiver holds before a delimiter, the longest PROXY_RESPONSE's encoding. */
const DEVICE_MAX_ENCODED = 270;

type Json = Record<string, unknown>;

const hex = (value: unknown) => `x${(value as string | undefined) ?? ''}`;
const text = (value: unknown) => `x${Buffer.from(value as string, 'utf8').toString('hex')}`;
const f64Bits = (value: unknown) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value as number);
  return `x${bytes.toString('hex')}`;
};

/** A message in the harness's line form (test/firmware/native/link-harness.c). */
function messageLine({ sessionTag, seq, message: m }: Pick<ValidVector, 'sessionTag' | 'seq' | 'message'>): string {
  const fields: unknown[] = [m.type, sessionTag, seq];
  switch (m.type) {
    case 'hello': {
      const opcodes = m.opcodes as number[];
      fields.push(text(m.deviceId), m.linkMinor, text(m.firmwareVersion), m.capabilities, text(m.board));
      fields.push(text(m.appName), text(m.appVersion), hex(m.appHash), m.abiVersion, m.bootReason, m.helloReason);
      fields.push(m.session, m.bootCount, m.uptimeMs, m.heartbeatPeriodMs, m.reportIntervalMs, m.appState);
      fields.push(m.metricCount, opcodes.length, ...opcodes);
      break;
    }
    case 'metric': {
      const range = m.range as { min: number; max: number } | undefined;
      fields.push(m.id, text(m.name), text(m.unit), m.kind, range === undefined ? 0 : 1);
      fields.push(f64Bits(range?.min ?? 0), f64Bits(range?.max ?? 0));
      break;
    }
    case 'data': {
      const values = m.values as Json[];
      fields.push(m.timeMs, values.length);
      for (const { id, value } of values) fields.push(id, f64Bits(value));
      break;
    }
    case 'log':
      fields.push(m.timeMs, m.level, text(m.text));
      break;
    case 'event':
      fields.push(m.timeMs, m.kind, m.code, text(m.message), text(m.file), m.line, m.column);
      break;
    case 'command':
      fields.push(m.commandId, hex(m.payload));
      break;
    case 'command-result':
      // `flags` stands in for `cached` where a test sets other bits.
      fields.push(m.commandId, m.origin, m.status, m.flags ?? (m.cached ? 1 : 0), hex(m.payload));
      break;
    case 'heartbeat': {
      const drops = m.rxDrops as Record<string, number>;
      fields.push(m.uptimeMs, m.session, m.heartbeatPeriodMs, m.bootCount, m.appState, m.restartAtMs);
      fields.push(m.consecutiveFailures);
      fields.push(m.lastFailureKind, m.lastFailureCode, m.rxFrames, ...DROP_REASONS.map((reason) => drops[reason]));
      fields.push(m.commandsDropped, m.ledMode, m.ledPeriodMs, m.ledLevel, m.brightnessU16, m.reportIntervalMs);
      break;
    }
    case 'proxy-request': {
      const op = m.operation as Json;
      fields.push(m.requestId, m.timeUs, PROXY_OPS.indexOf(op.op as string) + 1, op.address ?? op.pin ?? op.channel);
      fields.push(op.readLength ?? 0, op.mode ?? op.level ?? 0, op.dutyU16 ?? 0, hex(op.data));
      break;
    }
    case 'proxy-response':
      fields.push(m.requestId, m.status, hex(m.data));
      break;
  }
  return fields.join(' ');
}

/** The expected answer to `decode` of an invalid segment. */
function dropLine({ reason, field, newerPeer: peer }: InvalidVector): string {
  const fieldPart = field === undefined ? '' : ` ${field}`;
  const peerPart =
    peer === undefined ? '' : ` peer ${text(peer.deviceId)} ${peer.linkMinor} ${text(peer.firmwareVersion)}`;
  return `drop ${reason}${fieldPart}${peerPart}`;
}

/** Undoes COBS (§2) on one segment without its delimiter, for the type byte of a body. */
function cobsDecode(segment: Buffer): Buffer | undefined {
  const out: number[] = [];
  let at = 0;
  while (at < segment.length) {
    const code = segment[at++]!;
    if (at + code - 1 > segment.length) return undefined;
    out.push(...segment.subarray(at, at + code - 1));
    at += code - 1;
    if (code !== 0xff && at < segment.length) out.push(0);
  }
  return Buffer.from(out);
}

/**
 * What the device's receiver counts a segment as (§2, "A smaller receiver"): a run longer than 270 bytes is
 * oversize; otherwise what the full decoder drops it for, except that it takes only COMMAND and PROXY_RESPONSE
 * and drops every other type as unknownType, well formed or not.
 */
function deviceOutcome(wireHex: string, reason: string | undefined): string {
  if (wireHex.length / 2 - 1 > DEVICE_MAX_ENCODED) return 'oversize';
  if (reason !== undefined && reason !== 'malformed') return reason;
  const body = cobsDecode(Buffer.from(wireHex, 'hex').subarray(0, -1))!;
  const type = body[1];
  if (type !== TYPE.command && type !== TYPE.proxyResponse) return 'unknownType';
  return reason ?? 'accepted';
}

let harness: string;

beforeAll(async () => {
  const modules = ['bytes', 'utf8', 'cobs', 'crc32', 'frame', 'codec', 'decoder', 'device', 'hello', 'metric', 'data',
    'log', 'event', 'command', 'command_result', 'heartbeat', 'proxy_request', 'proxy_response', 'inbox',
    'newer_peer'];
  harness = await buildNativeProgram('link-harness', [
    'test/firmware/native/link-harness.c',
    ...modules.map((module) => `firmware/link/${module}.c`),
  ]);
});

describe('the C link codec on the shared vectors', () => {
  it('encodes every valid message to exactly its frame', async () => {
    const lines = await runLines(harness, vectors.valid.map((vector) => `encode ${messageLine(vector)}`));
    expect(lines).toEqual(vectors.valid.map((vector) => vector.hex));
  });

  it('decodes every valid frame to exactly its message', async () => {
    const lines = await runLines(harness, vectors.valid.map((vector) => `decode x${vector.hex}`));
    expect(lines).toEqual(vectors.valid.map(messageLine));
  });

  it('drops every invalid segment once, for its reason, naming its field and reading newer peers', async () => {
    const lines = await runLines(harness, vectors.invalid.map((vector) => `decode x${vector.hex}`));
    expect(lines).toEqual(vectors.invalid.map(dropLine));
  });

  it('decodes frames back to back and resynchronises after noise', async () => {
    const [first, second] = vectors.valid;
    // Noise whose COBS blocks overrun the segment, a delimiter, then two frames and an empty segment.
    const [line] = await runLines(harness, [`decode x0102037f00${first!.hex}${second!.hex}00`]);
    expect(line!.split(';')).toEqual(['drop cobs', messageLine(first!), messageLine(second!)]);
  });
});

/**
 * Frames worked out from docs/link-protocol.md apart from the C codec (COBS by hand, CRC by zlib). The first is
 * §8's worked example, byte for byte as the document prints it.
 */
const HAND_CHECKED: ValidVector[] = [
  {
    name: 'command: LED blink 500 ms (§8)',
    hex: '0602053412120201090103f401e794784d00',
    sessionTag: 0x1234,
    seq: 18,
    message: { type: 'command', commandId: 1, payload: '0103f401' },
  },
  {
    name: 'hello: a fault boot, two capabilities, three opcodes',
    hex:
      '050201efbe0109076e6f64652d3137110e7761736d6f74652d66772f322e3003210d6e65746475696e6f706c7573320b73656e736f' +
      '722d6e6f646505312e322e30210102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f010201020406efbe' +
      'adde03010103d20401010101010388130103e80301010a02030102031f87facf00',
    sessionTag: 0xbeef,
    seq: 0,
    message: {
      type: 'hello', deviceId: 'node-17', linkMinor: 0, firmwareVersion: 'wasmote-fw/2.0', capabilities: 3,
      board: 'netduinoplus2', appName: 'sensor-node', appVersion: '1.2.0',
      appHash: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', abiVersion: 0x00010001,
      bootReason: 4, helloReason: 0, session: 0xdeadbeef, bootCount: 3, uptimeMs: 1234, heartbeatPeriodMs: 5000,
      reportIntervalMs: 1000, appState: 0, metricCount: 2, opcodes: [1, 2, 3],
    },
  },
  {
    name: 'metric: a range',
    hex: '060207efbe0101110b74656d70657261747572650343656c020101010101010344c00101010108405f405941615300',
    sessionTag: 0xbeef,
    seq: 1,
    message: { type: 'metric', id: 0, name: 'temperature', unit: 'Cel', kind: 0, range: { min: -40, max: 125 } },
  },
  {
    name: 'metric: no range, no unit',
    hex: '060207efbe02080305636f756e7402010101010101010101010101010101010105de2e44ee00',
    sessionTag: 0xbeef,
    seq: 2,
    message: { type: 'metric', id: 3, name: 'count', unit: '', kind: 1 },
  },
  {
    name: 'heartbeat: backing off, LED not set',
    hex:
      '060208efbe03038813010101010107efbeadde881301020301010401282301010101010202030103020a01010201010102020101' +
      '02030101020401010205010102060101020701010208010102ff0102ff0480e8030105c6a88ae600',
    sessionTag: 0xbeef,
    seq: 3,
    message: {
      type: 'heartbeat', uptimeMs: 5000, session: 0xdeadbeef, heartbeatPeriodMs: 5000, bootCount: 3, appState: 1,
      restartAtMs: 9000, consecutiveFailures: 2, lastFailureKind: 1, lastFailureCode: 3, rxFrames: 10,
      rxDrops: { oversize: 1, cobs: 2, short: 3, crc: 4, version: 5, unknownType: 6, malformed: 7 },
      commandsDropped: 8, ledMode: 255, ledPeriodMs: 0, ledLevel: 255, brightnessU16: 32768, reportIntervalMs: 1000,
    },
  },
  {
    name: "command-result: the app's NACK",
    hex: '060206efbe0402070102050583fe1e2300',
    sessionTag: 0xbeef,
    seq: 4,
    message: { type: 'command-result', commandId: 7, origin: 0, status: 5, cached: false, payload: '' },
  },
  {
    name: 'command-result: APP_NOT_RUNNING until 61 s',
    hex: '060206efbe0502080301020348ee0101010101059de4542700',
    sessionTag: 0xbeef,
    seq: 5,
    message: { type: 'command-result', commandId: 8, origin: 1, status: 2, cached: false, payload: '48ee000000000000' },
  },
  {
    name: 'command-result: STATUS_OUT_OF_RANGE -1, cached',
    hex: '060206efbe0602090c010401ffffffffaf658a0900',
    sessionTag: 0xbeef,
    seq: 6,
    message: { type: 'command-result', commandId: 9, origin: 1, status: 4, cached: true, payload: 'ffffffff' },
  },
];

describe('the C link codec on frames worked out by hand', () => {
  it.each(HAND_CHECKED)('$name', async (vector) => {
    const [encoded, decoded] = await runLines(harness, [`encode ${messageLine(vector)}`, `decode x${vector.hex}`]);
    expect(encoded).toBe(vector.hex);
    expect(decoded).toBe(messageLine(vector));
  });
});

/** The device's session in the samples below, and its tag (§5.1). */
const SESSION = 0xdeadbeef;
const TAG = 0xbeef;
const HELLO = HAND_CHECKED[1]!.message;
const METRIC = HAND_CHECKED[2]!.message;
const HEARTBEAT = HAND_CHECKED[4]!.message;
const EVENT: Json = { type: 'event', timeMs: 10, kind: 1, code: 1, message: 'boom', file: 'a.ts', line: 1, column: 2 };
const LOG: Json = { type: 'log', timeMs: 10, level: 2, text: 'hi' };
const DATA: Json = { type: 'data', timeMs: 10, values: [{ id: 0, value: 1.5 }] };
const RESULT: Json = { type: 'command-result', commandId: 1, origin: 1, status: 0, cached: false, payload: '' };
const COMMAND: Json = { type: 'command', commandId: 1, payload: '01' };
const PROXY_RESPONSE: Json = { type: 'proxy-response', requestId: 1, status: 0, data: '' };
const RUNNING: Json = {
  ...HEARTBEAT, appState: 0, restartAtMs: 0, lastFailureKind: 0, lastFailureCode: 0, ledMode: 1, ledLevel: 1,
};
const line = (message: Json, seq = 0, sessionTag = TAG) => messageLine({ sessionTag, seq, message });
/** A frame around any payload, built by the harness. */
const framed = async (type: number, payloadHex: string, sessionTag = TAG) =>
  (await runLines(harness, [`frame ${type} ${sessionTag} 0 x${payloadHex}`]))[0]!;

describe('the C encoders refuse what a receiver drops as malformed', () => {
  const refused: [string, Json][] = [
    ['an empty device_id', { ...HELLO, deviceId: '' }],
    ['a device_id of 33 bytes', { ...HELLO, deviceId: 'n'.repeat(33) }],
    ['a device_id with a slash', { ...HELLO, deviceId: 'site/node' }],
    ['a board with a space', { ...HELLO, board: 'my board' }],
    ['a non-ASCII app_name', { ...HELLO, appName: 'capteur-é' }],
    ['an app_name with a wildcard', { ...HELLO, appName: 'sensor+' }],
    ['a firmware_version of 33 bytes', { ...HELLO, firmwareVersion: 'v'.repeat(33) }],
    ['an app_version of 33 bytes', { ...HELLO, appVersion: 'é'.repeat(16) + 'a' }],
    ['boot_reason 5', { ...HELLO, bootReason: 5 }],
    ['hello_reason 3', { ...HELLO, helloReason: 3 }],
    ['app_state 2 in HELLO', { ...HELLO, appState: 2 }],
    ['a heartbeat period of 999 ms', { ...HELLO, heartbeatPeriodMs: 999 }],
    ['a heartbeat period over an hour', { ...HELLO, heartbeatPeriodMs: 3_600_001 }],
    ['a report interval over an hour', { ...HELLO, reportIntervalMs: 3_600_001 }],
    ['opcodes out of order', { ...HELLO, opcodes: [2, 1] }],
    ['an opcode twice', { ...HELLO, opcodes: [2, 2] }],
    ['17 opcodes', { ...HELLO, opcodes: Array.from({ length: 17 }, (_, i) => i + 1) }],
    ['opcode 0x00', { ...HELLO, opcodes: [0x00, 0x01] }],
    ["the runner's first opcode", { ...HELLO, opcodes: [0x01, 0x70] }],
    ["the runner's last opcode", { ...HELLO, opcodes: [0x7f, 0x80] }],
    ['uptime_ms above 2^53 - 1', { ...HELLO, uptimeMs: 2 ** 53 }],
    ['metric kind 3', { ...METRIC, kind: 3 }],
    ['a range with min above max', { ...METRIC, range: { min: 2, max: 1 } }],
    ['an infinite range', { ...METRIC, range: { min: 0, max: Infinity } }],
    ['a NaN range', { ...METRIC, range: { min: NaN, max: NaN } }],
    ['DATA with no values', { ...DATA, values: [] }],
    ['DATA with 25 values', { ...DATA, values: Array.from({ length: 25 }, (_, id) => ({ id, value: id })) }],
    ['a NaN value', { ...DATA, values: [{ id: 0, value: NaN }] }],
    ['an infinite value', { ...DATA, values: [{ id: 0, value: -Infinity }] }],
    ['log level 4', { ...LOG, level: 4 }],
    ['event kind 0', { ...EVENT, kind: 0 }],
    ['event kind 5', { ...EVENT, kind: 5 }],
    ['trap code 0', { ...EVENT, code: 0 }],
    ['trap code 8', { ...EVENT, code: 8 }],
    ['fault code 0', { ...EVENT, kind: 2, code: 0 }],
    ['fault code 5', { ...EVENT, kind: 2, code: 5 }],
    ['reboot code 1', { ...EVENT, kind: 3, code: 1 }],
    ['runaway code 0', { ...EVENT, kind: 4, code: 0 }],
    ['runaway code 3', { ...EVENT, kind: 4, code: 3 }],
    ['a command with no payload', { ...COMMAND, payload: '' }],
    ['a command of 65 bytes', { ...COMMAND, payload: '01'.repeat(65) }],
    ['origin 2', { ...RESULT, origin: 2 }],
    ['runner status 8', { ...RESULT, status: 8 }],
    ['a payload with OK', { ...RESULT, payload: '00' }],
    ['a payload with QUEUE_FULL', { ...RESULT, status: 1, payload: '00' }],
    ["17 bytes with the app's status", { ...RESULT, origin: 0, status: 5, payload: '00'.repeat(17) }],
    ['APP_NOT_RUNNING without its time', { ...RESULT, status: 2 }],
    ['APP_NOT_RUNNING with a short time', { ...RESULT, status: 2, payload: '00000000000000' }],
    ['APP_NOT_RUNNING after 2^53 - 1', { ...RESULT, status: 2, payload: '0000000000002000' }],
    ['STATUS_OUT_OF_RANGE without the status', { ...RESULT, status: 4 }],
    ['STATUS_OUT_OF_RANGE of 17 bytes', { ...RESULT, status: 4, payload: '00'.repeat(17) }],
    ['STATUS_OUT_OF_RANGE carrying 0', { ...RESULT, status: 4, payload: '00000000' }],
    ['STATUS_OUT_OF_RANGE carrying 255', { ...RESULT, status: 4, payload: 'ff000000' }],
    ['QUEUE_FULL cached', { ...RESULT, status: 1, cached: true }],
    ['APP_NOT_RUNNING cached', { ...RESULT, status: 2, cached: true, payload: 'e02e000000000000' }],
    ['flags bit 1', { ...RESULT, flags: 0x02 }],
    ["flags bit 7 with the app's status and cached", { ...RESULT, origin: 0, flags: 0x81 }],
    ['app_state 2 in HEARTBEAT', { ...HEARTBEAT, appState: 2 }],
    ['a HEARTBEAT period of 999 ms', { ...HEARTBEAT, heartbeatPeriodMs: 999 }],
    ['a HEARTBEAT period over an hour', { ...HEARTBEAT, heartbeatPeriodMs: 3_600_001 }],
    ['a restart time while running', { ...RUNNING, restartAtMs: 9000 }],
    ['restart_at_ms above 2^53 - 1', { ...HEARTBEAT, restartAtMs: 2 ** 53 }],
    ['last_failure_kind 2', { ...HEARTBEAT, lastFailureKind: 2 }],
    ['a failure code without a failure', { ...RUNNING, lastFailureCode: 1 }],
    ['trap code 0 as the last failure', { ...HEARTBEAT, lastFailureCode: 0 }],
    ['trap code 8 as the last failure', { ...HEARTBEAT, lastFailureCode: 8 }],
    ['runaway code 3 as the last failure', { ...HEARTBEAT, lastFailureKind: 4, lastFailureCode: 3 }],
    ['led_mode 2', { ...HEARTBEAT, ledMode: 2 }],
    ['blinking without a period', { ...RUNNING, ledMode: 3, ledPeriodMs: 0 }],
    ['on with a period', { ...RUNNING, ledMode: 1, ledPeriodMs: 500 }],
    ['not set with a period', { ...HEARTBEAT, ledMode: 255, ledPeriodMs: 1 }],
    ['led_level 2', { ...HEARTBEAT, ledLevel: 2 }],
    ['a HEARTBEAT report interval over an hour', { ...HEARTBEAT, reportIntervalMs: 3_600_001 }],
    ['an I2C address of 8 bits', {
      type: 'proxy-request', requestId: 1, timeUs: 0, operation: { op: 'i2c-read', address: 0x80, readLength: 1 },
    }],
    ['a PROXY_RESPONSE status 7', { ...PROXY_RESPONSE, status: 7 }],
  ];

  it.each(refused)('%s', async (_, message) => {
    expect(await runLines(harness, [`encode ${line(message)}`])).toEqual(['refused']);
  });

  it('a str that is not UTF-8', async () => {
    // A lone continuation byte, and a surrogate's encoding (RFC 3629 §3).
    const lines = await runLines(harness, ['x80', 'xeda080', 'xc3a9'].map((text) => `encode log 0 0 10 2 ${text}`));
    expect(lines.slice(0, 2)).toEqual(['refused', 'refused']);
    expect(lines[2]).not.toBe('refused');
  });

  it('takes the edges of each range', async () => {
    const accepted: Json[] = [
      { ...HELLO, deviceId: 'A-Z.a_z-0.9'.padEnd(32, 'x'), opcodes: [], heartbeatPeriodMs: 1000, bootReason: 4 },
      { ...HELLO, helloReason: 2, appState: 1, metricCount: 0, heartbeatPeriodMs: 3_600_000, reportIntervalMs: 0 },
      { ...HELLO, reportIntervalMs: 3_600_000, opcodes: [0x01, 0x6f, 0x80, 0xff] },
      { ...HELLO, reportIntervalMs: 1, opcodes: [0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x80, 0x81,
        0x82, 0x83, 0x84, 0x85] },
      // §4.1 and §5.1 say a device never draws session 0; neither makes it malformed (the vectors' reading too).
      { ...HELLO, session: 0 },
      { ...METRIC, range: { min: -0, max: 0 } },
      { ...DATA, values: Array.from({ length: 24 }, (_, id) => ({ id, value: -Number.MAX_VALUE })) },
      { ...EVENT, kind: 1, code: 7 },
      { ...EVENT, kind: 2, code: 1 },
      { ...EVENT, kind: 2, code: 4 },
      { ...EVENT, kind: 3, code: 0 },
      { ...EVENT, kind: 4, code: 1 },
      { ...EVENT, kind: 4, code: 2 },
      { ...LOG, level: 3 },
      { ...COMMAND, payload: 'ff'.repeat(64) },
      { ...RESULT, origin: 0, status: 255, cached: true },
      { ...RESULT, origin: 0, status: 0, payload: '10'.repeat(16) },
      { ...RESULT, status: 3, cached: true },
      { ...RESULT, status: 7, cached: true },
      { ...RESULT, status: 4, payload: '00010000' },
      { ...RESULT, status: 4, cached: true, payload: '00000080' },
      { ...RESULT, status: 2, payload: 'ffffffffffff1f00' },
      { ...HEARTBEAT, lastFailureKind: 4, lastFailureCode: 2, ledLevel: 0, restartAtMs: 2 ** 53 - 1,
        heartbeatPeriodMs: 1000 },
      { ...HEARTBEAT, lastFailureCode: 7, consecutiveFailures: 65535, reportIntervalMs: 0 },
      { ...RUNNING, ledMode: 3, ledPeriodMs: 65535, heartbeatPeriodMs: 3_600_000, reportIntervalMs: 3_600_000 },
      { ...RUNNING, ledMode: 3, ledPeriodMs: 1, lastFailureKind: 1, lastFailureCode: 1 },
      { ...RUNNING, ledMode: 0, ledLevel: 0, session: 0 },
      { ...PROXY_RESPONSE, status: 6, data: '01' },
    ];
    const lines = await runLines(harness, accepted.map((message) => `encode ${line(message)}`));
    const decoded = await runLines(harness, lines.map((wire) => `decode x${wire}`));
    expect(decoded).toEqual(accepted.map((message) => line(message)));
  });
});

describe('the C decoders drop what breaks §4', () => {
  const encoded = async (message: Json) => (await runLines(harness, [`encode ${line(message)}`]))[0]!;
  const payloadOf = (wire: string) => cobsDecode(Buffer.from(wire, 'hex').subarray(0, -1))!.subarray(6, -4);
  const dropOf = async (wire: string) => (await runLines(harness, [`decode x${wire}`]))[0];

  it('an id, an opcode list and its count, flags and lengths out of line', async () => {
    const hello = payloadOf(await encoded(HELLO));
    const slash = Buffer.from(hello);
    slash[1 + 4] = '/'.charCodeAt(0); // device_id `node-17`: its fifth byte
    expect(await dropOf(await framed(TYPE.hello, slash.toString('hex')))).toBe('drop malformed device_id');
    const unsorted = Buffer.from(hello);
    unsorted[unsorted.length - 1] = 2; // opcodes 1 2 2
    expect(await dropOf(await framed(TYPE.hello, unsorted.toString('hex')))).toBe('drop malformed opcodes[2]');
    // §6: opcode_count has its range; a list that ends early names the opcode being read, one too long `payload`.
    const withCount = (count: number) => {
      const changed = Buffer.from(hello);
      changed[changed.length - 4] = count;
      return framed(TYPE.hello, changed.toString('hex'));
    };
    expect(await dropOf(await withCount(4))).toBe('drop malformed opcodes[3]');
    expect(await dropOf(await withCount(2))).toBe('drop malformed payload');
    expect(await dropOf(await withCount(17))).toBe('drop malformed opcode_count');

    const result = payloadOf(await encoded(RESULT));
    result[4] = 0x02;
    expect(await dropOf(await framed(TYPE.commandResult, result.toString('hex')))).toBe('drop malformed flags');
    expect(await dropOf(await framed(TYPE.commandResult, '01000102' + '00'))).toBe('drop malformed payload');
    expect(await dropOf(await framed(TYPE.commandResult, '0100010800'))).toBe('drop malformed status');
    // status 8 is named before flags that are missing, and a cached QUEUE_FULL before its payload
    expect(await dropOf(await framed(TYPE.commandResult, '01000108'))).toBe('drop malformed status');
    expect(await dropOf(await framed(TYPE.commandResult, '0100010101' + '00'))).toBe('drop malformed flags');
    expect(await dropOf(await framed(0x02, '0a00000000000000' + '00'))).toBe('drop malformed count');
    const heartbeat = payloadOf(await encoded(HEARTBEAT));
    expect(heartbeat.length).toBe(80);
    const heartbeatHex = heartbeat.toString('hex');
    expect(await dropOf(await framed(TYPE.heartbeat, heartbeatHex.slice(0, -2)))).toBe(
      'drop malformed report_interval_ms',
    );
    expect(await dropOf(await framed(TYPE.heartbeat, `${heartbeatHex}00`))).toBe('drop malformed payload');
    expect(await dropOf(await framed(TYPE.heartbeat, '00'.repeat(80)))).toBe('drop malformed heartbeat_period_ms');
  });

  it('takes the empty block an encoder leaves out after a maximal one (§2)', async () => {
    const vector = vectors.valid.find(({ name }) => name.startsWith('cobs: 254-byte body without a zero'))!;
    expect(vector.hex).toMatch(/^ff/);
    expect(await dropOf(`${vector.hex.slice(0, -2)}0100`)).toBe(messageLine(vector));
  });

  it('a metric without a range whose bounds are not +0', async () => {
    const metric = payloadOf(await encoded({ ...METRIC, range: undefined }));
    metric[metric.length - 1] = 0x80; // max = -0
    expect(await dropOf(await framed(0x07, metric.toString('hex')))).toBe('drop malformed max');
  });

  it('reserved and unassigned types as unknownType, other versions as version', async () => {
    for (const type of [0x00, 0x09, 0x12, 0x20, 0x2f, 0x30, 0x3f, 0x40, 0x4f, 0xf0, 0xfe, 0xff]) {
      expect(await dropOf(await framed(type, '00'))).toBe('drop unknownType');
    }
    const version1 = Buffer.from('010512000100' + '0103f401', 'hex');
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(version1));
    const body = Buffer.concat([version1, crc]);
    expect(await dropOf(`${cobsEncode(body).toString('hex')}00`)).toBe('drop version');
  });
});

/** COBS (§2), for frames of another version than the C codec writes. */
function cobsEncode(body: Buffer): Buffer {
  const out: number[] = [];
  let start = 0;
  for (;;) {
    let end = start;
    while (end < body.length && body[end] !== 0 && end - start < 254) end++;
    const code = end - start + 1;
    out.push(code, ...body.subarray(start, end));
    if (end === body.length) return Buffer.from(out);
    start = code === 0xff ? end : end + 1;
  }
}

describe("the device's sending half", () => {
  it('numbers and tags only what it sends, with its own tag and seq: a refused message uses no seq', async () => {
    const lines = await runLines(harness, [
      `reset ${SESSION}`,
      `send ${line(RESULT, 7, 0x1111)}`,
      `send ${line({ ...EVENT, kind: 9 })}`,
      `send ${line(COMMAND)}`,
      `send ${line({ ...HEARTBEAT, session: SESSION + 1 })}`,
      `send ${line({ ...HELLO, session: 0xffffbeef })}`,
      `send ${line(HEARTBEAT)}`,
      `send ${line(HELLO)}`,
      `encode ${line(RESULT, 0)}`,
      `encode ${line(HEARTBEAT, 1)}`,
      `encode ${line(HELLO, 2)}`,
    ]);
    const [result, heartbeat, hello] = lines.slice(8);
    expect(lines.slice(0, 8)).toEqual(['ok', result, 'refused', 'refused', 'refused', 'refused', heartbeat, hello]);
  });

  it('tags its frames with the low 16 bits of its session, 0 included, and starts seq at 0 on reset', async () => {
    const session = 0x7f310000;
    const lines = await runLines(harness, [
      `reset ${SESSION}`,
      `send ${line(LOG)}`,
      `reset ${session}`,
      `send ${line(LOG)}`,
      `send ${line({ ...HEARTBEAT, session })}`,
      `encode ${line(LOG, 0, 0)}`,
      `encode ${line({ ...HEARTBEAT, session }, 1, 0)}`,
    ]);
    expect(lines.slice(3, 5)).toEqual(lines.slice(5, 7));
  });

  it('sends the longest EVENT and METRIC a device may', async () => {
    const event = { ...EVENT, kind: 2, message: 'm'.repeat(255), file: 'f'.repeat(255), line: 2 ** 32 - 1 };
    const metric = { ...METRIC, name: 'n'.repeat(255), unit: 'u'.repeat(255) };
    const lines = await runLines(harness, [`reset ${SESSION}`, `send ${line(event)}`, `send ${line(metric)}`,
      `encode ${line(event, 0)}`, `encode ${line(metric, 1)}`]);
    expect(lines.slice(1, 3)).toEqual(lines.slice(3, 5));
    expect(lines[1]).not.toBe('refused');
  });
});

describe("the device's inbox", () => {
  const encode = async (messages: Json[]) =>
    runLines(harness, messages.map((message) => `encode ${line(message)}`));
  const proxyResponse = (requestId: number, data: number): Json => ({
    ...PROXY_RESPONSE, requestId, data: data.toString(16).padStart(2, '0'),
  });

  it('keeps only the response to the request it waits for: a late one is stale, between calls too', async () => {
    const [r6, r7, r8, r9] = await encode([6, 7, 8, 9].map((id) => proxyResponse(id, id)));
    const lines = await runLines(harness, [
      `reset ${SESSION}`,
      'expect 7',
      `receive x${r6}`,
      `receive x${r7}`,
      // Request 8 goes unanswered and is given up on; its response comes between calls, then during request 9.
      'expect 8',
      'expect-none',
      `receive x${r8}`,
      'expect 9',
      `receive x${r8}`,
      `receive x${r9}`,
    ]);
    expect(lines).toEqual(['ok', 'ok', 'none', 'response 0 x07', 'ok', 'ok', 'none', 'ok', 'none', 'response 0 x09']);
  });

  it('queues four commands with their session tags and whole payloads, and names each one it refused', async () => {
    const commands = Array.from({ length: 7 }, (_, i) => ({
      ...COMMAND,
      commandId: 100 + i,
      payload: `8${i}`.repeat(i * 9 + 1),
    }));
    // Each from another edge session, tag 0 included (§5.1: only a session is never 0).
    const tagOf = (i: number) => (i === 1 ? 0 : 0x1000 + i);
    const frames = await runLines(harness, commands.map((command, i) => `encode ${line(command, i, tagOf(i))}`));
    const crcHex = (payload: string) => crc32(Buffer.from(payload, 'hex')).toString(16).padStart(8, '0');
    const lines = await runLines(harness, [
      `reset ${SESSION}`,
      ...frames.slice(0, 6).map((frame) => `receive x${frame}`),
      'dropped',
      'take-refused',
      'take-refused',
      'take-refused',
      'take',
      `receive x${frames[6]}`,
      'take',
      'take',
      'take',
      'take',
      'take',
      'counts',
    ]);
    const taken = (i: number) =>
      `command ${tagOf(i)} ${100 + i} x${commands[i]!.payload} ${crcHex(commands[i]!.payload)}`;
    expect(lines).toEqual([
      'ok',
      ...Array(6).fill('none'),
      '2',
      'refused 104',
      'refused 105',
      'none',
      taken(0),
      'none',
      taken(1),
      taken(2),
      taken(3),
      taken(6),
      'none',
      'counts 7 0 0 0 0 0 0 0',
    ]);
  });

  it('answers at most eight refusals, and counts every one', async () => {
    const frames = await encode(Array.from({ length: 14 }, (_, i) => ({ ...COMMAND, commandId: i })));
    const lines = await runLines(harness, [`reset ${SESSION}`, ...frames.map((frame) => `receive x${frame}`),
      'dropped', ...Array(9).fill('take-refused')]);
    expect(lines.slice(15)).toEqual(['10', ...[4, 5, 6, 7, 8, 9, 10, 11].map((id) => `refused ${id}`), 'none']);
  });

  it('holds 270 bytes (§2): a longer run is oversize, a shorter one is counted by §6', async () => {
    const corrupt = (wire: string) => `${wire.slice(0, 100)}${wire[100] === '1' ? '2' : '1'}${wire.slice(101)}`;
    const [shortLog, longLog] = await encode([{ ...LOG, text: 'x'.repeat(200) }, { ...LOG, text: 'x'.repeat(255) }]);
    // request_id 0x0101, status 0 and 256 bytes of data with a zero in them: a 269-byte body in 270 bytes
    const data256 = `${'01'.repeat(200)}00${'01'.repeat(55)}`;
    const response = (head: string, data: string) => framed(TYPE.proxyResponse, head + data);
    const cases: [string, string][] = [
      ['a PROXY_RESPONSE with 255 bytes of data, the longest', await response('010000', 'ab'.repeat(255))],
      ['a PROXY_RESPONSE with 256 bytes of data in 270 bytes', await response('010100', data256)],
      ['a PROXY_RESPONSE with 256 bytes of data in 271 bytes', await response('010000', 'ab'.repeat(256))],
      ['a COMMAND of 300 bytes', await framed(TYPE.command, '0100' + '01'.repeat(300))],
      ['a well-formed LOG, a 210-byte payload', shortLog!],
      ['a well-formed LOG, a 265-byte payload', longLog!],
      ['a payload of 1024 bytes of a type the device takes', await framed(TYPE.command, 'ab'.repeat(1024))],
      ['a payload of 1024 bytes with its CRC broken', corrupt(await framed(TYPE.command, 'ab'.repeat(1024)))],
      ['a PROXY_RESPONSE with 200 bytes of data, its CRC broken', corrupt(await response('010000', 'ab'.repeat(200)))],
      ['270 bytes before a delimiter', `${'01'.repeat(270)}00`],
      ['271 bytes before a delimiter', `${'01'.repeat(271)}00`],
      ['1040 bytes before a delimiter', `${'01'.repeat(1040)}00`],
    ];
    const encodedLengths = [270, 270, 271, 314, 221, 277, 1039, 1039, 214, 270, 271, 1040];
    expect(cases.map(([, wire]) => wire.length / 2 - 1)).toEqual(encodedLengths);
    const full = await runLines(harness, cases.map(([, wire]) => `decode x${wire}`));
    expect(full).toEqual([
      expect.stringMatching(/^proxy-response /), 'drop malformed data', 'drop malformed data', 'drop malformed payload',
      expect.stringMatching(/^log /), expect.stringMatching(/^log /), 'drop malformed payload', 'drop crc', 'drop crc',
      'drop crc', 'drop crc', 'drop oversize',
    ]);
    const expected = full.map((answer, i) =>
      deviceOutcome(cases[i]![1], answer.startsWith('drop ') ? answer.split(' ')[1] : undefined),
    );
    expect(expected).toEqual([
      'accepted', 'malformed', 'oversize', 'oversize', 'unknownType', 'oversize', 'oversize', 'oversize', 'crc', 'crc',
      'oversize', 'oversize',
    ]);
    const device: string[] = [];
    for (const [, wire] of cases) {
      const [, , counts] = await runLines(harness, [`reset ${SESSION}`, `receive x${wire}`, 'counts']);
      const byOutcome = counts!.split(' ').slice(1).map(Number);
      device.push(['accepted', ...DROP_REASONS][byOutcome.findIndex((count) => count === 1)]!);
      expect(byOutcome.reduce((sum, count) => sum + count, 0)).toBe(1);
    }
    expect(device).toEqual(expected);
  });

  it('counts a long run once, when its 271st byte arrives, and takes the next frame whole', async () => {
    const [command] = await encode([COMMAND]);
    const lines = await runLines(harness, [
      `reset ${SESSION}`,
      `receive x${'01'.repeat(270)}`,
      'counts',
      'receive x01',
      'counts',
      `receive x${'02'.repeat(2000)}00`,
      `receive x${command}`,
      'counts',
      'take',
    ]);
    expect(lines.slice(2)).toEqual([
      'counts 0 0 0 0 0 0 0 0',
      'none',
      'counts 0 1 0 0 0 0 0 0',
      'none',
      'none',
      'counts 1 1 0 0 0 0 0 0',
      `command ${TAG} 1 x01 ${crc32(Buffer.from('01', 'hex')).toString(16).padStart(8, '0')}`,
    ]);
  });

  it('counts every shared vector once, by the reason the device has for it', async () => {
    const segments = [
      ...vectors.valid.map((vector) => ({ hex: vector.hex, reason: undefined as string | undefined })),
      ...vectors.invalid.map((vector) => ({ hex: vector.hex, reason: vector.reason })),
    ];
    const expected = new Map<string, number>([['accepted', 0], ...DROP_REASONS.map((reason) => [reason, 0] as const)]);
    for (const { hex: wire, reason } of segments) {
      const outcome = deviceOutcome(wire, reason);
      expected.set(outcome, expected.get(outcome)! + 1);
    }
    const received = segments.map(({ hex: wire }) => `receive x${wire}`);
    const lines = await runLines(harness, [`reset ${SESSION}`, ...received, 'counts']);
    expect(lines.at(-1)).toBe(`counts ${[...expected.values()].join(' ')}`);
  });
});
