import type { MetricSample } from '../runtime/metric-sample.ts';

/** Samples the baseline's mean and spread are taken over, before the one it scores. */
export const BASELINE_HISTORY_SAMPLES = 30;

/**
 * The simple baseline the detector is compared with: per metric, how many standard deviations the newest value
 * lies from the mean of the previous samples (a rolling z-score, as in control charts: NIST/SEMATECH
 * e-Handbook of Statistical Methods §6.3); a window's score is the largest over its metrics. A metric whose
 * recent spread is below `spreadFloor` (quantised, slow metrics often repeat a value) is divided by the floor.
 * A missing value repeats the last one, as the runtime does.
 */
export class RollingZScore {
  private readonly history: Float64Array[];
  private readonly last: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(
    private readonly metrics: readonly string[],
    private readonly spreadFloor: readonly number[],
    private readonly historySamples = BASELINE_HISTORY_SAMPLES,
  ) {
    this.history = metrics.map(() => new Float64Array(historySamples));
    this.last = new Float64Array(metrics.length).fill(Number.NaN);
  }

  /** The sample's score, once the history is full. */
  push(sample: MetricSample): number | undefined {
    const values = this.metrics.map((metric, m) => {
      const value = sample.values[metric];
      return value !== undefined && Number.isFinite(value) ? value : this.last[m]!;
    });
    if (values.some(Number.isNaN)) return undefined;
    let score: number | undefined;
    if (this.filled === this.historySamples) {
      score = 0;
      values.forEach((value, m) => {
        const { mean, spread } = meanAndSpread(this.history[m]!);
        score = Math.max(score!, Math.abs(value - mean) / Math.max(spread, this.spreadFloor[m]!));
      });
    }
    values.forEach((value, m) => {
      this.history[m]![this.next] = value;
      this.last[m] = value;
    });
    this.next = (this.next + 1) % this.historySamples;
    this.filled = Math.min(this.filled + 1, this.historySamples);
    return score;
  }
}

function meanAndSpread(values: Float64Array): { mean: number; spread: number } {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, spread: Math.sqrt(squares / (values.length - 1)) };
}

/**
 * Spread floors from normal telemetry: a tenth of each metric's median rolling spread, so a metric that sits
 * on one quantisation step for a while does not give infinite scores.
 */
export function baselineSpreadFloors(devices: readonly { samples: readonly MetricSample[] }[], metrics: readonly string[]): number[] {
  return metrics.map((metric) => {
    const spreads: number[] = [];
    for (const device of devices) {
      const values = device.samples.map((sample) => sample.values[metric]).filter((value): value is number => value !== undefined);
      for (let end = BASELINE_HISTORY_SAMPLES; end <= values.length; end += BASELINE_HISTORY_SAMPLES) {
        spreads.push(meanAndSpread(Float64Array.from(values.slice(end - BASELINE_HISTORY_SAMPLES, end))).spread);
      }
    }
    spreads.sort((a, b) => a - b);
    return Math.max((spreads[spreads.length >> 1] ?? 0) / 10, 1e-9);
  });
}
