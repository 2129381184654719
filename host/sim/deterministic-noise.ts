/**
 * Noise that is a pure function of (seed, stream, sample index): the same scenario and seed give the same value
 * at the same time whichever chip or device asks, and in whatever order.
 */

/** A 32-bit integer hash (Murmur3's finaliser applied over the inputs). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h ^= Math.imul((value | 0) ^ Math.floor(value / 0x1_0000_0000), 0x85ebca6b);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in (0, 1]. */
export function uniform(...values: number[]): number {
  return (hash32(...values) + 1) / 0x1_0000_0000;
}

/** Standard normal (Box–Muller over two independent hashes). */
export function gaussian(seed: number, stream: number, index: number): number {
  const u1 = uniform(seed, stream, index, 1);
  const u2 = uniform(seed, stream, index, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A string's 32-bit hash, for naming noise streams (`temperatureC`, `accelerationMps2.x`). */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
