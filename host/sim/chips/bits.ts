/**
 * Small integer helpers shared by the virtual chips: how a converter saturates at its format's ends, and how a
 * signed value becomes register bytes. Written once here so the chips cannot drift apart (STYLE.md).
 */

/**
 * Rounds to the nearest integer and clamps to `[min, max]`: an ADC saturates at the ends of its output format.
 * A non-finite input (an environment gone wrong) saturates too: NaN reads as `min`.
 */
export function roundAndClamp(value: number, min: number, max: number): number {
  if (Number.isNaN(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** The low `bits` bits of a two's-complement integer: `toTwosComplement(-1, 16) === 0xffff`. */
export function toTwosComplement(value: number, bits: number): number {
  const modulus = 2 ** bits;
  return ((value % modulus) + modulus) % modulus;
}

/** Stores a 16-bit word most significant byte first. */
export function storeU16Be(target: Uint8Array, offset: number, word: number): void {
  target[offset] = (word >>> 8) & 0xff;
  target[offset + 1] = word & 0xff;
}

/** Stores a 16-bit word least significant byte first. */
export function storeU16Le(target: Uint8Array, offset: number, word: number): void {
  target[offset] = word & 0xff;
  target[offset + 1] = (word >>> 8) & 0xff;
}

/** The value a master clocks in when no target drives SDA: the pull-ups hold the line high (UM10204 §3.1.1). */
export const IDLE_BUS_BYTE = 0xff;
