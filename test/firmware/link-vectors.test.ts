/**
 * The firmware's C link codec (firmware/link/) against test/vectors/link-frames.json, the file the TypeScript
 * codec is tested with (docs/link-protocol.md §7): every valid message encodes to exactly its frame and every
 * frame decodes to exactly its message, in both directions; every invalid segment is dropped once, for the
 * vector's reason and naming the vector's field. The device's inbox (firmware/link/inbox.c) keeps only the
 * PROXY_RESPONSE it waits for.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type { LinkVectors, ValidVector } from '../link/vector-json.ts';
import { buildNativeProgram, runLines } from './support/native.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/link-frames.json', import.meta.url), 'utf8'),
) as LinkVectors;

/** §4.7 op numbers, restated. */
const PROXY_OPS = ['i2c-write', 'i2c-read', 'i2c-write-read', 'gpio-mode', 'gpio-write', 'gpio-read', 'pwm-set'];

type Json = Record<string, unknown>;

const hex = (value: unknown) => `x${(value as string | undefined) ?? ''}`;
const text = (value: unknown) => `x${Buffer.from(value as string, 'utf8').toString('hex')}`;
const f64Bits = (value: unknown) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value as number);
  return `x${bytes.toString('hex')}`;
};

/** A message in the harness's line form (test/firmware/native/link-harness.c). */
function messageLine({ seq, message: m }: ValidVector): string {
  const fields: unknown[] = [m.type, seq];
  switch (m.type) {
    case 'hello': {
      const metrics = m.metrics as Json[];
      fields.push(text(m.deviceId), text(m.firmwareVersion), text(m.appVersion), hex(m.appHash));
      fields.push(m.abiVersion, m.bootReason, metrics.length);
      for (const metric of metrics) fields.push(metric.id, text(metric.name), text(metric.unit));
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
      fields.push(m.commandId, m.status);
      break;
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

let harness: string;

beforeAll(async () => {
  const modules = ['bytes', 'utf8', 'cobs', 'crc32', 'frame', 'codec', 'decoder', 'hello', 'data', 'log', 'event',
    'command', 'command_result', 'proxy_request', 'proxy_response', 'inbox'];
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

  it('drops every invalid segment once, for its reason, naming its field', async () => {
    const lines = await runLines(harness, vectors.invalid.map((vector) => `decode x${vector.hex}`));
    expect(lines).toEqual(
      vectors.invalid.map((vector) => `drop ${vector.reason}${vector.field === undefined ? '' : ` ${vector.field}`}`),
    );
  });

  it('decodes frames back to back and resynchronises after noise', async () => {
    const [first, second] = vectors.valid;
    // Noise whose COBS blocks overrun the segment, a delimiter, then two frames and an empty segment.
    const [line] = await runLines(harness, [`decode x0102037f00${first!.hex}${second!.hex}00`]);
    expect(line!.split(';')).toEqual(['drop cobs', messageLine(first!), messageLine(second!)]);
  });
});

describe("the device's inbox", () => {
  const encoder = new LinkEncoder();
  const OK = 0;
  const receive = (requestId: number, data: number) =>
    `receive x${Buffer.from(encoder.encode({ type: 'proxy-response', requestId, status: OK, data: Uint8Array.of(data) })).toString('hex')}`;

  it('keeps only the response to the request it waits for: a late one is stale, between calls too', async () => {
    const lines = await runLines(harness, [
      'expect 7',
      receive(6, 0x06),
      receive(7, 0x07),
      // Request 8 goes unanswered and is given up on; its response comes between calls, then during request 9.
      'expect 8',
      'expect-none',
      receive(8, 0x08),
      'expect 9',
      receive(8, 0x08),
      receive(9, 0x09),
    ]);
    expect(lines).toEqual(['ok', 'none', 'response 0 x07', 'ok', 'ok', 'none', 'ok', 'none', 'response 0 x09']);
  });
});
