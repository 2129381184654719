import { describe, expect, it } from 'vitest';
import { decodeBody, encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import { countSegments, frameBody, fuzzStream, mutateBody, randomMessage, sealBody } from '../../host/link/frame-fuzzer.ts';
import { Prng } from '../../host/sim/prng.ts';
import { toHex } from './vector-json.ts';

/** docs/link-protocol.md §2: the longest encoded frame. */
const MAX_ENCODED_BYTES = 1037;
const FUZZ_FRAMES = 100_000;

describe('LinkDecoder under fuzzing', () => {
  it(`recovers every intact frame among ${FUZZ_FRAMES.toLocaleString('en')} random and mutated ones`, () => {
    const prng = new Prng(0x5eed_0001);
    const { wire, expected } = fuzzStream(prng, FUZZ_FRAMES);
    const decoder = new LinkDecoder();
    const frames = [];
    let maxBufferedBytes = 0;
    for (let at = 0; at < wire.length; ) {
      const chunkBytes = prng.int(1, 1400);
      for (const frame of decoder.push(wire.subarray(at, at + chunkBytes))) frames.push(frame);
      maxBufferedBytes = Math.max(maxBufferedBytes, decoder.bufferedBytes);
      at += chunkBytes;
    }

    expect(maxBufferedBytes).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    expect(frames.length).toBe(expected.length);
    expect(frames).toEqual(expected);
    const { framesOk, seqGaps, ...drops } = decoder.stats;
    expect(framesOk).toBe(expected.length);
    const dropped = Object.values(drops).reduce((sum, count) => sum + count, 0);
    expect(framesOk + dropped).toBe(countSegments(wire));
    for (const [reason, count] of Object.entries(drops)) expect(count, reason).toBeGreaterThan(0);
    expect(seqGaps).toBeGreaterThan(0);
  });

  it('re-encodes every body it accepts byte for byte, and drops the rest by a header or payload check', () => {
    const prng = new Prng(0x5eed_0002);
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 30_000; round++) {
      const frame = encodeMessage(randomMessage(prng), prng.int(0, 0xffff));
      const sealed = sealBody(mutateBody(prng, frameBody(frame)));
      const result = decodeBody(frameBody(sealed));
      const outcome = result.ok ? 'ok' : result.reason;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (result.ok && toHex(encodeMessage(result.message, result.seq)) !== toHex(sealed)) {
        expect.fail(`accepted ${toHex(sealed)} but re-encodes it differently`);
      }
    }
    expect(Object.keys(outcomes).sort()).toEqual(['malformed', 'ok', 'unknownType', 'version']);
  });
});
