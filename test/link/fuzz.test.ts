import { describe, expect, it } from 'vitest';
import { LinkFieldError } from '../../host/link/bytes.ts';
import { decodeBody, encodeMessage } from '../../host/link/codec.ts';
import { type DecodedFrame, DEVICE_RECEIVER, droppedSegments, LinkDecoder } from '../../host/link/decoder.ts';
import { DROP_REASONS } from '../../host/link/drop-reasons.ts';
import {
  countSegments,
  frameBody,
  fuzzStream,
  mutateBody,
  randomMessage,
  randomSession,
  sealBody,
} from '../../host/link/frame-fuzzer.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { Prng } from '../../host/sim/prng.ts';
import { toHex } from './vector-json.ts';

/** docs/link-protocol.md §2: the longest encoded frame, and what a device holds. */
const MAX_ENCODED_BYTES = 1039;
const DEVICE_MAX_ENCODED_BYTES = 270;
const FUZZ_FRAMES = 100_000;

describe('LinkDecoder under fuzzing', () => {
  it(`recovers every intact frame among ${FUZZ_FRAMES.toLocaleString('en')} random and mutated ones`, () => {
    const prng = new Prng(0x5eed_0001);
    const { wire, expected } = fuzzStream(prng, FUZZ_FRAMES);
    let newerPeers = 0;
    const decoder = new LinkDecoder({ onNewerPeer: () => newerPeers++ });
    const frames: DecodedFrame[] = [];
    let maxBufferedBytes = 0;
    for (let at = 0; at < wire.length; ) {
      const chunkBytes = prng.int(1, 1400);
      for (const frame of decoder.push(wire.subarray(at, at + chunkBytes))) frames.push(frame);
      maxBufferedBytes = Math.max(maxBufferedBytes, decoder.bufferedBytes);
      at += chunkBytes;
    }

    expect(maxBufferedBytes).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    expect(frames.length).toBe(expected.length);
    expect(frames.map(({ sessionTag, seq, message }) => ({ sessionTag, seq, message }))).toEqual(expected);
    const { stats } = decoder;
    expect(stats.framesOk).toBe(expected.length);
    expect(stats.framesOk + droppedSegments(stats)).toBe(countSegments(wire));
    for (const reason of DROP_REASONS) expect(stats[reason], reason).toBeGreaterThan(0);
    expect(stats.gaps).toBeGreaterThan(0);
    expect(stats.sessionChanges).toBeGreaterThan(0);
    expect(stats.late).toBeGreaterThan(0);
    expect(newerPeers).toBeGreaterThan(0);
    const ordered = (order: string) => frames.filter((frame) => frame.order === order).length;
    expect(ordered('duplicate')).toBe(stats.duplicates);
    expect(ordered('reorder')).toBe(stats.reorders);
    expect(ordered('reset')).toBe(stats.resets);
    expect(frames.filter((frame) => frame.late).length).toBe(stats.late);
    expect(frames.filter((frame) => frame.order === 'new').reduce((sum, frame) => sum + frame.gap, 0)).toBe(stats.gaps);
    // §5.2: a frame's session, when given, is one a HELLO or HEARTBEAT of its tag carried.
    for (const frame of frames) if (frame.session !== null) expect(frame.session & 0xffff).toBe(frame.sessionTag);
  });

  it("holds no more than a device's 270 bytes on the same stream, and delivers only what a device takes", () => {
    const prng = new Prng(0x5eed_0004);
    const { wire, expected } = fuzzStream(prng, FUZZ_FRAMES / 4);
    const decoder = new LinkDecoder(DEVICE_RECEIVER);
    const frames: DecodedFrame[] = [];
    for (let at = 0; at < wire.length; ) {
      const chunkBytes = prng.int(1, 700);
      frames.push(...decoder.push(wire.subarray(at, at + chunkBytes)));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(DEVICE_MAX_ENCODED_BYTES);
      at += chunkBytes;
    }
    // Every frame a full receiver takes that is a COMMAND or PROXY_RESPONSE of at most 270 bytes encoded.
    const taken = expected.filter(
      ({ sessionTag, seq, message }) =>
        (message.type === 'command' || message.type === 'proxy-response') &&
        encodeMessage(message, sessionTag, seq).length - 1 <= DEVICE_MAX_ENCODED_BYTES,
    );
    expect(taken.length).toBeGreaterThan(1000);
    expect(frames.map(({ sessionTag, seq, message }) => ({ sessionTag, seq, message }))).toEqual(taken);
    const { stats } = decoder;
    expect(stats.framesOk + droppedSegments(stats)).toBe(countSegments(wire));
    expect(stats.unknownType).toBeGreaterThan(stats.framesOk);
  });

  it('re-encodes every body it accepts byte for byte, and drops the rest by a header or payload check', () => {
    const prng = new Prng(0x5eed_0002);
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 30_000; round++) {
      const session = randomSession(prng);
      const frame = encodeMessage(randomMessage(prng, session), session & 0xffff, prng.int(0, 0xffff));
      const sealed = sealBody(mutateBody(prng, frameBody(frame)));
      const result = decodeBody(frameBody(sealed));
      const outcome = result.ok ? 'ok' : result.reason;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (result.ok && toHex(encodeMessage(result.message, result.sessionTag, result.seq)) !== toHex(sealed)) {
        expect.fail(`accepted ${toHex(sealed)} but re-encodes it differently`);
      }
    }
    expect(Object.keys(outcomes).sort()).toEqual(['malformed', 'ok', 'unknownType', 'version']);
  });

  it('never encodes what it drops: a message with a field at an edge value is refused or decodes to itself', () => {
    const prng = new Prng(0x5eed_0003);
    const numbers = [-1, 0, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 24, 25, 32, 0x6f, 0x70, 0x7f, 0x80, 254, 255, 256, 999,
      1000, 0xffff, 0x1_0000, 3_600_000, 3_600_001, 0xffff_ffff, 2 ** 32, 2 ** 53 - 1, 2 ** 53, NaN, Infinity,
      -Infinity];
    const strings = ['', 'a', 'a/b', 'a+b', 'a#b', 'a b', 'a\0b', 'é', 'x'.repeat(32), 'x'.repeat(33), 'é'.repeat(128)];
    const byteLengths = [0, 1, 4, 7, 8, 16, 17, 31, 32, 33, 64, 65, 255, 256];
    /** A value of the same type as `value`, at an edge of some field's range. */
    const edge = (value: unknown): unknown => {
      if (typeof value === 'number') return prng.pick(numbers);
      if (typeof value === 'string') return prng.pick(strings);
      if (typeof value === 'boolean') return !value;
      if (value instanceof Uint8Array) return prng.bytes(prng.pick(byteLengths));
      if (Array.isArray(value)) {
        return value.length === 0 ? [edge(1)] : value.map((item, index) => (index === 0 ? edge(item) : item));
      }
      const entries = Object.entries(value as object);
      const at = prng.int(0, entries.length - 1);
      return Object.fromEntries(entries.map(([key, item], index) => [key, index === at ? edge(item) : item]));
    };
    let refused = 0;
    for (let round = 0; round < 20_000; round++) {
      const message = randomMessage(prng) as unknown as Record<string, unknown>;
      const field = prng.pick(Object.keys(message).filter((key) => key !== 'type'));
      const mutated = { ...message, [field]: edge(message[field]) } as unknown as LinkMessage;
      let frame: Uint8Array;
      try {
        frame = encodeMessage(mutated, 0x0101, 1);
      } catch (error) {
        if (!(error instanceof LinkFieldError)) throw error;
        refused++;
        continue;
      }
      const result = decodeBody(frameBody(frame));
      if (!result.ok) expect.fail(`${mutated.type}.${field}: encoded, then dropped: ${result.detail}`);
      expect(result.message, `${mutated.type}.${field}`).toEqual(mutated);
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
