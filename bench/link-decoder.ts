/**
 * Throughput of the device link codec (docs/link-protocol.md): typical simulator traffic through LinkEncoder
 * and LinkDecoder, and the decoder on a stream of random and mutated frames (host/link/frame-fuzzer.ts).
 */
import { LinkDecoder } from '../host/link/decoder.ts';
import { LinkEncoder } from '../host/link/encoder.ts';
import type { LinkMessage } from '../host/link/messages.ts';
import { fuzzStream } from '../host/link/frame-fuzzer.ts';
import { Prng } from '../host/sim/prng.ts';

const TYPICAL_FRAMES = 200_000;
/** Untimed frames first, so the timings are of optimised code. */
const WARM_UP_FRAMES = 20_000;
const FUZZ_FRAMES = 1_000_000;
/** Fuzz frames are generated in batches to bound memory; only the decoder's time is measured. */
const FUZZ_BATCH_FRAMES = 50_000;
/** A serial driver hands the decoder reads of about this size. */
const READ_CHUNK_BYTES = 256;
const MS_PER_S = 1000;

/** What a simulated device sends most: one DATA frame per tick, and a LOG line every 20th frame. */
function typicalMessage(prng: Prng, index: number): LinkMessage {
  const timeMs = index * 1000;
  if (index % 20 === 19) return { type: 'log', timeMs, level: 2, text: `sht3x: measurement ${index} done` };
  return {
    type: 'data',
    timeMs,
    values: [
      { id: 0, value: 20 + prng.next() * 5 },
      { id: 1, value: 40 + prng.next() * 20 },
      { id: 2, value: 101_325 + prng.next() * 100 },
      { id: 3, value: 9.80665 + prng.next() * 0.01 },
    ],
  };
}

function framesPerS(frames: number, elapsedMs: number): number {
  return Math.round((frames * MS_PER_S) / elapsedMs);
}

export async function benchLinkDecoder(): Promise<Record<string, number>> {
  const prng = new Prng(0xbe7c_0001);
  const messages = Array.from({ length: TYPICAL_FRAMES }, (_, index) => typicalMessage(prng, index));

  const warmUpDecoder = new LinkDecoder();
  const warmUpEncoder = new LinkEncoder();
  for (const message of messages.slice(0, WARM_UP_FRAMES)) warmUpDecoder.push(warmUpEncoder.encode(message));

  // As in the simulator, each frame is handed on and dropped; holding 200,000 of them would time the GC.
  const encoder = new LinkEncoder();
  let started = performance.now();
  for (const message of messages) encoder.encode(message);
  const encodeMs = performance.now() - started;

  const frameEncoder = new LinkEncoder();
  const frames = messages.map((message) => frameEncoder.encode(message));

  // One push per frame, as the simulator delivers them.
  const decoder = new LinkDecoder();
  let decoded = 0;
  started = performance.now();
  for (const frame of frames) decoded += decoder.push(frame).length;
  const decodeMs = performance.now() - started;
  if (decoded !== TYPICAL_FRAMES) throw new Error(`decoded ${decoded} of ${TYPICAL_FRAMES} typical frames`);

  const fuzzDecoder = new LinkDecoder();
  let fuzzMs = 0;
  let fuzzBytes = 0;
  for (let sent = 0; sent < FUZZ_FRAMES; sent += FUZZ_BATCH_FRAMES) {
    const { wire, expected } = fuzzStream(prng, FUZZ_BATCH_FRAMES);
    let recovered = 0;
    started = performance.now();
    for (let at = 0; at < wire.length; at += READ_CHUNK_BYTES) {
      recovered += fuzzDecoder.push(wire.subarray(at, at + READ_CHUNK_BYTES)).length;
    }
    fuzzMs += performance.now() - started;
    fuzzBytes += wire.length;
    if (recovered !== expected.length) throw new Error(`recovered ${recovered} of ${expected.length} fuzz frames`);
  }

  return {
    encodeFramesPerS: framesPerS(TYPICAL_FRAMES, encodeMs),
    decodeFramesPerS: framesPerS(TYPICAL_FRAMES, decodeMs),
    fuzzFramesPerS: framesPerS(FUZZ_FRAMES, fuzzMs),
    fuzzMBPerS: Math.round(fuzzBytes / 1e6 / (fuzzMs / MS_PER_S)),
    fuzzFrames: FUZZ_FRAMES,
  };
}
