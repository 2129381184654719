import { describe, expect, it } from 'vitest';
import { dataPayloadBytes } from '../../../host/edge/gateway/data-json.ts';
import type { DataMessage } from '../../../host/edge/gateway/messages.ts';

/** A seeded generator (mulberry32), so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Names as apps give them, and names JSON must escape or an object orders apart (integer-like keys go first). */
const NAMES = ['tmp102.temperature', 'sht31.humidity', 'bme280.pressure', 'say "hi"', 'back\\slash', 'tab\there', 'ünïcödé', '\u0001ctl', '7', '42', ''];
/** Numbers whose JSON text has each of ECMA-262 Number::toString's forms. */
const NUMBERS = [0, -0, 1, -1, 21.53, 41.2, 0.1 + 0.2, 1e21, 1.5e-7, 123456789012, -3.4028234663852886e38, 5e-324, 2 ** 53];

function payload(next: () => number): DataMessage {
  const values: Record<string, number> = {};
  const count = Math.floor(next() * 8);
  for (let n = 0; n < count; n++) {
    const name = NAMES[Math.floor(next() * NAMES.length)]!;
    values[name] = next() < 0.5 ? NUMBERS[Math.floor(next() * NUMBERS.length)]! : (next() - 0.5) * 10 ** Math.floor(next() * 12);
  }
  // In the order the registry builds a payload (device-registry.ts, tick), which is the order JSON.stringify keeps.
  return {
    time: '2026-12-04T07:30:01.000Z',
    uptimeMs: Math.floor(next() * 2 ** 32),
    session: Math.floor(next() * 2 ** 32),
    seq: Math.floor(next() * 2 ** 32),
    timeSource: next() < 0.5 ? undefined : next() < 0.5 ? 'anchored' : 'arrival',
    values,
  };
}

describe('the JSON of a DATA payload', () => {
  it("is JSON.stringify's text for every payload", () => {
    const next = random(11);
    for (let n = 0; n < 5000; n++) {
      const message = payload(next);
      expect(dataPayloadBytes(message).toString('latin1'), `case ${n}`).toBe(Buffer.from(JSON.stringify(message)).toString('latin1'));
    }
  });

  it('writes each value right however many it has seen: repeated, new, and past the texts it keeps', () => {
    const next = random(12);
    const seen: number[] = [];
    for (let n = 0; n < 50_000; n++) {
      const value = n % 3 === 0 && seen.length > 0 ? seen[Math.floor(next() * seen.length)]! : (next() - 0.5) * 10 ** Math.floor(next() * 8);
      seen.push(value);
      const message: DataMessage = { time: '2026-12-04T07:30:01.000Z', uptimeMs: n, session: 1, seq: n, values: { a: value, b: -value } };
      expect(dataPayloadBytes(message).toString('latin1'), `case ${n}`).toBe(Buffer.from(JSON.stringify(message)).toString('latin1'));
    }
  });

  it('never overwrites a payload it handed out before', () => {
    const next = random(13);
    const made = Array.from({ length: 3000 }, () => {
      const message = payload(next);
      return { bytes: dataPayloadBytes(message), json: JSON.stringify(message) };
    });
    made.forEach(({ bytes, json }, n) => expect(bytes.toString(), `payload ${n}`).toBe(json));
  });

  it("is §4.1's example", () => {
    const message: DataMessage = { time: '2026-12-04T07:30:01.000Z', uptimeMs: 1000, session: 305419896, seq: 27, values: { 'tmp102.temperature': 21.53, 'sht31.humidity': 41.2 } };
    expect(dataPayloadBytes(message).toString()).toBe(
      '{"time":"2026-12-04T07:30:01.000Z","uptimeMs":1000,"session":305419896,"seq":27,"values":{"tmp102.temperature":21.53,"sht31.humidity":41.2}}',
    );
  });
});
