/**
 * test/vectors/link-frames.json, read in both directions so the vectors cannot drift from the codec; the C
 * firmware codec reads the same file. CRCs are rechecked with zlib, an implementation independent of ours.
 */
import { readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import type { DropReason } from '../../host/link/drop-reasons.ts';
import { fromHex, messageFromJson, type LinkVectors, toHex } from './vector-json.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/link-frames.json', import.meta.url), 'utf8'),
) as LinkVectors;

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
  const decoder = new LinkDecoder({ onDrop: (reason, detail) => drops.push({ reason, detail }) });
  const frames = decoder.push(fromHex(hex));
  return { frames, drops };
}

describe('valid link vectors', () => {
  it.each(vectors.valid.map((vector) => [vector.name, vector] as const))('encodes %s', (_, vector) => {
    expect(toHex(encodeMessage(messageFromJson(vector.message), vector.seq))).toBe(vector.hex);
  });

  it.each(vectors.valid.map((vector) => [vector.name, vector] as const))('decodes %s', (_, vector) => {
    const { frames, drops } = decodeAll(vector.hex);
    expect(drops).toEqual([]);
    expect(frames).toEqual([{ seq: vector.seq, message: messageFromJson(vector.message) }]);
  });

  it.each(vectors.valid.map((vector) => [vector.name, vector] as const))(
    'has a version-1 header, its seq and a zlib-correct CRC: %s',
    (_, vector) => {
      const wire = fromHex(vector.hex);
      expect(wire.indexOf(0)).toBe(wire.length - 1);
      const body = Uint8Array.from(unstuff(wire.subarray(0, -1)));
      const crcAt = body.length - 4;
      expect(body[0]).toBe(1);
      expect(body[2]! | (body[3]! << 8)).toBe(vector.seq);
      expect(Buffer.from(body).readUInt32LE(crcAt)).toBe(zlibCrc32(body.subarray(0, crcAt)));
    },
  );

  it('matches a frame assembled by hand: COMMAND LED blink, seq 18', () => {
    // header 01 05 12 00 | command_id 01 00 | LED 01, blink 03, period 500 ms f4 01 | CRC LE
    const body = Uint8Array.from([0x01, 0x05, 0x12, 0x00, 0x01, 0x00, 0x01, 0x03, 0xf4, 0x01]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(zlibCrc32(body));
    expect(crc.includes(0)).toBe(false);
    const expected = `04010512` + `0201` + `09` + `0103f401` + crc.toString('hex') + `00`;
    expect(vectors.valid.find((vector) => vector.name === 'command: LED blink 500 ms')?.hex).toBe(expected);
  });

  it('cover every message type, every proxy op and the longest encoding', () => {
    const types = new Set(vectors.valid.map((vector) => vector.message.type));
    expect([...types].sort()).toEqual(
      ['command', 'command-result', 'data', 'event', 'hello', 'log', 'proxy-request', 'proxy-response'],
    );
    const ops = new Set(
      vectors.valid.flatMap((vector) => {
        const operation = vector.message.operation as { op: string } | undefined;
        return operation ? [operation.op] : [];
      }),
    );
    expect(ops.size).toBe(7);
    // 1032-byte body without a zero: 1032 + ceil(1032 / 254) = 1037 bytes, plus the delimiter.
    expect(Math.max(...vectors.valid.map((vector) => vector.hex.length / 2))).toBe(1038);
  });
});

describe('invalid link vectors', () => {
  it.each(vectors.invalid.map((vector) => [vector.name, vector] as const))('drops %s', (_, vector) => {
    const { frames, drops } = decodeAll(vector.hex);
    expect(frames).toEqual([]);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.reason).toBe(vector.reason);
    if (vector.field !== undefined) expect(drops[0]!.detail).toContain(`${vector.field}:`);
  });

  it('cover every drop reason', () => {
    expect(new Set(vectors.invalid.map((vector) => vector.reason))).toEqual(
      new Set(['oversize', 'cobs', 'short', 'crc', 'version', 'unknownType', 'malformed']),
    );
  });
});
