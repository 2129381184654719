/**
 * test/vectors/link-frames.json, read in both directions so the vectors cannot drift from the codec; the C
 * firmware codec reads the same file. The vectors come from test/vectors/generate.py, written apart from both
 * codecs; CRCs are rechecked here with zlib.
 */
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../host/link/codec.ts';
import { DEVICE_RECEIVER, LinkDecoder, type LinkDecoderOptions } from '../../host/link/decoder.ts';
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

function decodeAll(hex: string, limits: LinkDecoderOptions = {}) {
  const drops: Array<{ reason: DropReason; detail: string }> = [];
  const newerPeers: NewerPeer[] = [];
  const decoder = new LinkDecoder({
    ...limits,
    onDrop: (reason, detail) => drops.push({ reason, detail }),
    onNewerPeer: (peer) => newerPeers.push(peer),
  });
  const frames = decoder.push(fromHex(hex));
  return { frames, drops, newerPeers };
}

const named = <T extends { name: string }>(list: T[]) => list.map((vector) => [vector.name, vector] as const);

describe('valid link vectors', () => {
  it.each(named(vectors.valid))('encodes %s', (_, vector) => {
    const message = messageFromJson(vector.message);
    expect(toHex(encodeMessage(message, vector.sessionTag, vector.seq))).toBe(vector.hex);
  });

  it.each(named(vectors.valid))('decodes %s', (_, vector) => {
    const { frames, drops } = decodeAll(vector.hex);
    expect(drops).toEqual([]);
    const message = messageFromJson(vector.message);
    // §5.2: a HELLO or HEARTBEAT gives its tag's full session; any other first frame leaves it unknown.
    const session = message.type === 'hello' || message.type === 'heartbeat' ? message.session : null;
    const { sessionTag, seq } = vector;
    expect(frames).toEqual([{ sessionTag, seq, message, session, order: 'new', late: false, gap: 0 }]);
  });

  it.each(named(vectors.valid))('has a version-2 header, its tag and seq and a zlib-correct CRC: %s', (_, vector) => {
    const wire = fromHex(vector.hex);
    expect(wire.indexOf(0)).toBe(wire.length - 1);
    const body = Buffer.from(unstuff(wire.subarray(0, -1)));
    const crcAt = body.length - 4;
    expect(body[0]).toBe(VERSION);
    expect(body.readUInt16LE(2)).toBe(vector.sessionTag);
    expect(body.readUInt16LE(4)).toBe(vector.seq);
    expect(body.readUInt32LE(crcAt)).toBe(zlibCrc32(body.subarray(0, crcAt)));
    // §5.1: a HELLO's or HEARTBEAT's tag is the low 16 bits of the session it carries.
    const { session } = vector.message as { session?: number };
    if (session !== undefined) expect(vector.sessionTag).toBe(session & 0xffff);
  });

  it('matches the worked example of docs/link-protocol.md §8: COMMAND LED blink, session tag 0x1234, seq 18', () => {
    // header 02 05 34 12 12 00 | command_id 01 00 | LED 01, blink 03, period 500 ms f4 01 | CRC LE
    const body = Uint8Array.from([0x02, 0x05, 0x34, 0x12, 0x12, 0x00, 0x01, 0x00, 0x01, 0x03, 0xf4, 0x01]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlibCrc32(body));
    expect(crc.toString('hex')).toBe('e794784d');
    const expected = `060205341212` + `0201` + `09` + `0103f401` + crc.toString('hex') + `00`;
    const vector = vectors.valid.find((candidate) => candidate.name === 'command: LED blink 500 ms');
    expect(vector).toMatchObject({ hex: expected, sessionTag: 0x1234, seq: 18 });
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
    expect(values('hello', 'bootReason')).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(values('hello', 'helloReason')).toEqual(new Set([0, 1, 2]));
    expect(values('hello', 'appState')).toEqual(new Set([0, 1]));
    expect(values('metric', 'kind')).toEqual(new Set([0, 1, 2]));
    expect(values('event', 'kind')).toEqual(new Set([1, 2, 3, 4]));
    expect(values('proxy-response', 'status')).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    // §4.7: every code of every event kind.
    const codes = new Set(
      messages.filter((message) => message.type === 'event').map((message) => `${message.kind}:${message.code}`),
    );
    for (const [kind, min, max] of [[1, 1, 7], [2, 1, 4], [3, 0, 0], [4, 1, 2]] as const) {
      for (let code = min; code <= max; code++) expect(codes, `kind ${kind} code ${code}`).toContain(`${kind}:${code}`);
    }
    // §3.1: session tags at both ends of their range.
    const tags = new Set(vectors.valid.map((vector) => vector.sessionTag));
    for (const tag of [0x0000, 0x0001, 0xffff]) expect(tags).toContain(tag);
    expect(values('log', 'level')).toEqual(new Set([0, 1, 2, 3]));
    const runnerStatuses = messages.filter((message) => message.type === 'command-result' && message.origin === 1);
    expect(new Set(runnerStatuses.map((message) => message.status))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(vectors.version).toBe(VERSION);
    expect(vectors.valid.length).toBeGreaterThanOrEqual(80);
  });
});

describe("the valid vectors through a device's receiver (§2)", () => {
  const deviceBound = new Set(['command', 'proxy-response']);
  it.each(named(vectors.valid))('%s', (_, vector) => {
    const { frames, drops } = decodeAll(vector.hex, DEVICE_RECEIVER);
    const segmentBytes = vector.hex.length / 2 - 1;
    if (segmentBytes > 270) {
      // §2: more than the device holds, whatever its type.
      expect(drops.map((drop) => drop.reason)).toEqual(['oversize']);
    } else if (deviceBound.has(vector.message.type as string)) {
      expect(frames.map((frame) => frame.message)).toEqual([messageFromJson(vector.message)]);
    } else {
      expect(drops.map((drop) => drop.reason)).toEqual(['unknownType']);
    }
  });

  it('include the longest frame a device takes: a PROXY_RESPONSE of 270 bytes encoded', () => {
    const longest = vectors.valid.filter(
      (vector) => vector.message.type === 'proxy-response' && vector.hex.length / 2 - 1 === 270,
    );
    expect(longest.length).toBeGreaterThan(0);
  });
});

describe('invalid link vectors', () => {
  it.each(named(vectors.invalid))('drops %s', (_, vector) => {
    const { frames, drops, newerPeers } = decodeAll(vector.hex);
    expect(frames).toEqual([]);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.reason).toBe(vector.reason);
    // §6: "type 0x01: boot_reason: 5 is outside 0..4" — the wording is free, the field name is not.
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
    // §2: the longest segment a receiver holds (1039 bytes and the delimiter) is not dropped as oversize, one more is.
    const segmentBytes = (vector: { hex: string }) => vector.hex.length / 2 - 1;
    expect(vectors.invalid.some((vector) => segmentBytes(vector) === 1039 && vector.reason !== 'oversize')).toBe(true);
    expect(vectors.invalid.some((vector) => segmentBytes(vector) === 1040 && vector.reason === 'oversize')).toBe(true);
    expect(vectors.invalid.length).toBeGreaterThanOrEqual(140);
  });
});

function escape(text: string): string {
  return text.replace(/[[\]().*+?^$|\\]/g, '\\$&');
}
