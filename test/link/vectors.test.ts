/**
 * test/vectors/link-frames.json, read in both directions so the vectors cannot drift from the codec; the C
 * firmware codec reads the same file. The vectors come from test/vectors/generate.py, written apart from both
 * codecs; CRCs are rechecked here with zlib.
 */
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import type { DropReason } from '../../host/link/drop-reasons.ts';
import type { NewerPeer } from '../../host/link/hello.ts';
import { fromHex, messageFromJson, type LinkVectors, toHex } from './vector-json.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/link-frames.json', import.meta.url), 'utf8'),
) as LinkVectors;

/** docs/link-protocol.md §3.1 */
const VERSION = 2;

/** Undoes COBS by the definition in the paper, independently of host/link/cobs.ts. */
function unstuff(encoded: Uint8Array): number[] {
  const body: number[] = [];
  for (let i = 0; i < encoded.length; ) {
    const code = encoded[i]!;
    body.push(...encoded.subarray(i + 1, i + code));
    i += code;
    if (code < 0xff && i < encoded.length) body.push(0);
  }
  return body;
}

function decodeAll(hex: string) {
  const drops: Array<{ reason: DropReason; detail: string }> = [];
  const newerPeers: NewerPeer[] = [];
  const decoder = new LinkDecoder({
    onDrop: (reason, detail) => drops.push({ reason, detail }),
    onNewerPeer: (peer) => newerPeers.push(peer),
  });
  const frames = decoder.push(fromHex(hex));
  return { frames, drops, newerPeers };
}

const named = <T extends { name: string }>(list: T[]) => list.map((vector) => [vector.name, vector] as const);

describe('valid link vectors', () => {
  it.each(named(vectors.valid))('encodes %s', (_, vector) => {
    expect(toHex(encodeMessage(messageFromJson(vector.message), vector.seq))).toBe(vector.hex);
  });

  it.each(named(vectors.valid))('decodes %s', (_, vector) => {
    const { frames, drops } = decodeAll(vector.hex);
    expect(drops).toEqual([]);
    const message = messageFromJson(vector.message);
    const session = message.type === 'hello' || message.type === 'heartbeat' ? message.session : null;
    expect(frames).toEqual([{ seq: vector.seq, message, session, order: 'new', gap: 0 }]);
  });

  it.each(named(vectors.valid))('has a version-2 header, its seq and a zlib-correct CRC: %s', (_, vector) => {
    const wire = fromHex(vector.hex);
    expect(wire.indexOf(0)).toBe(wire.length - 1);
    const body = Uint8Array.from(unstuff(wire.subarray(0, -1)));
    const crcAt = body.length - 4;
    expect(body[0]).toBe(VERSION);
    expect(body[2]! | (body[3]! << 8)).toBe(vector.seq);
    expect(Buffer.from(body).readUInt32LE(crcAt)).toBe(zlibCrc32(body.subarray(0, crcAt)));
  });

  it('matches the worked example of docs/link-protocol.md §8: COMMAND LED blink, seq 18', () => {
    // header 02 05 12 00 | command_id 01 00 | LED 01, blink 03, period 500 ms f4 01 | CRC LE
    const body = Uint8Array.from([0x02, 0x05, 0x12, 0x00, 0x01, 0x00, 0x01, 0x03, 0xf4, 0x01]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlibCrc32(body));
    expect(crc.toString('hex')).toBe('e4d507e5');
    const expected = `04020512` + `0201` + `09` + `0103f401` + crc.toString('hex') + `00`;
    expect(vectors.valid.find((vector) => vector.name === 'command: LED blink 500 ms')?.hex).toBe(expected);
  });

  it('cover every message type, proxy op, runner status, reason and kind', () => {
    const messages = vectors.valid.map((vector) => vector.message);
    const values = (type: string, key: string) =>
      new Set(messages.filter((message) => message.type === type).map((message) => message[key]));
    expect([...new Set(messages.map((message) => message.type))].sort()).toEqual([
      'command', 'command-result', 'data', 'event', 'heartbeat', 'hello', 'log', 'metric', 'proxy-request',
      'proxy-response',
    ]);
    const operations = messages.flatMap((message) => (message.operation ? [message.operation as { op: string }] : []));
    const ops = new Set(operations.map((operation) => operation.op));
    expect(ops.size).toBe(7);
    expect(values('hello', 'bootReason')).toEqual(new Set([0, 1, 2, 3]));
    expect(values('hello', 'helloReason')).toEqual(new Set([0, 1, 2]));
    expect(values('hello', 'appState')).toEqual(new Set([0, 1]));
    expect(values('metric', 'kind')).toEqual(new Set([0, 1, 2]));
    expect(values('event', 'kind')).toEqual(new Set([1, 2, 3, 4]));
    expect(values('log', 'level')).toEqual(new Set([0, 1, 2, 3]));
    const runnerStatuses = messages.filter((message) => message.type === 'command-result' && message.origin === 1);
    expect(new Set(runnerStatuses.map((message) => message.status))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(vectors.version).toBe(VERSION);
    expect(vectors.valid.length).toBeGreaterThanOrEqual(80);
  });
});

describe('invalid link vectors', () => {
  it.each(named(vectors.invalid))('drops %s', (_, vector) => {
    const { frames, drops, newerPeers } = decodeAll(vector.hex);
    expect(frames).toEqual([]);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.reason).toBe(vector.reason);
    // §6: "type 0x01: boot_reason: 4 is outside 0..3" — the wording is free, the field name is not.
    if (vector.field !== undefined) {
      expect(drops[0]!.detail).toMatch(new RegExp(`^type 0x[0-9a-f]{2}: ${escape(vector.field)}: `));
    }
    if (vector.newerPeer === undefined) {
      expect(newerPeers).toEqual([]);
    } else {
      const version = unstuff(fromHex(vector.hex).subarray(0, -1))[0];
      expect(newerPeers).toEqual([{ linkVersion: version, ...vector.newerPeer }]);
      expect(drops[0]!.detail).toContain(vector.newerPeer.deviceId);
    }
  });

  it('cover every drop reason, every reserved range, and both older and newer versions', () => {
    expect(new Set(vectors.invalid.map((vector) => vector.reason))).toEqual(
      new Set(['oversize', 'cobs', 'short', 'crc', 'version', 'unknownType', 'malformed']),
    );
    const headers = (reason: string) =>
      vectors.invalid
        .filter((vector) => vector.reason === reason && vector.hex.length < 2100)
        .map((vector) => unstuff(fromHex(vector.hex).subarray(0, -1)));
    const types = new Set(headers('unknownType').map((body) => body[1]));
    for (const type of [0x20, 0x2f, 0x30, 0x3f, 0x40, 0x4f, 0xf0, 0xfe, 0x00, 0xff]) expect(types).toContain(type);
    const versions = new Set(headers('version').map((body) => body[0]));
    for (const version of [0, 1, 3]) expect(versions).toContain(version);
    expect(vectors.invalid.some((vector) => vector.newerPeer !== undefined)).toBe(true);
    // §2: the longest segment a receiver holds (1037 bytes and the delimiter) is not dropped as oversize.
    expect(vectors.invalid.some((vector) => vector.hex.length === 2 * 1038 && vector.reason !== 'oversize')).toBe(true);
    expect(vectors.invalid.length).toBeGreaterThanOrEqual(140);
  });
});

function escape(text: string): string {
  return text.replace(/[[\]().*+?^$|\\]/g, '\\$&');
}
