import { gaussian, streamId } from '../deterministic-noise.ts';

/**
 * Seeded measurement noise for a virtual chip's physics face: Gaussian, a pure function of (seed, quantity,
 * conversion time), so the same calls at the same times give the same bytes. No noise unless a chip is given a
 * seed and a standard deviation for the quantity.
 */
export class SensorNoise {
  private readonly streams = new Map<string, number>();

  constructor(
    private readonly seed: number | undefined,
    private readonly chipName: string,
  ) {}

  /** A sample of zero-mean noise with standard deviation `stddev` for `quantity` at `timeUs`. */
  at(quantity: string, timeUs: number, stddev: number | undefined): number {
    if (this.seed === undefined || stddev === undefined || stddev === 0) return 0;
    let stream = this.streams.get(quantity);
    if (stream === undefined) {
      stream = streamId(`${this.chipName}.${quantity}`);
      this.streams.set(quantity, stream);
    }
    return stddev * gaussian(this.seed, stream, Math.round(timeUs));
  }
}
