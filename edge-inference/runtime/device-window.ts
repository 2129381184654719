import type { ModelConfig } from './model-config.ts';
import type { MetricSample } from './metric-sample.ts';

/** A window ready to score: its values scaled, oldest sample first, and where it came from. */
export interface ReadyWindow {
  deviceId: string;
  /** Times of the window's oldest and newest samples, device ms. */
  fromTimeMs: number;
  toTimeMs: number;
  /** Values in the window that repeat a metric's last reading because the sample lacked it. */
  heldValues: number;
  /** The newest sample's `seq`, when it had one. */
  toSeq?: number;
  values: Float32Array;
}

/** Values of this many windows' worth are allocated at once, and handed out a window at a time. */
const SLAB_VALUES = 64 * 1024;
let slab = new Float32Array(SLAB_VALUES);
let slabUsed = 0;

/**
 * Room for one window's values: a view of a shared slab. A typed array of its own per window, its memory outside
 * the engine's heap, cost more than the copy into it; a slab is freed once every window cut from it is gone.
 */
function windowValues(count: number): Float32Array {
  if (slabUsed + count > slab.length) {
    slab = new Float32Array(Math.max(SLAB_VALUES, count));
    slabUsed = 0;
  }
  const values = slab.subarray(slabUsed, slabUsed + count);
  slabUsed += count;
  return values;
}

/**
 * One device's sliding window for one model: the last `window.length` samples of the model's metrics, scaled,
 * in a ring. Every `window.stride` samples, once full, it hands out a copy. A sample whose time does not move
 * forward (the device restarted and its clock began again) starts the window afresh.
 */
export class DeviceWindow {
  private readonly metricCount: number;
  private readonly length: number;
  private readonly ring: Float32Array;
  private readonly times: Float64Array;
  private readonly heldInRow: Uint16Array;
  /** The last reading of each metric, unscaled; NaN before the first. */
  private readonly lastValues: Float64Array;
  private readonly offsets: Float64Array;
  private readonly scales: Float64Array;
  /** The sample being added, one value per metric: its own or the one held. */
  private readonly sampleValues: Float64Array;
  private next = 0;
  private filled = 0;
  /** Samples since the last window handed out; before the first, as many as it takes to hand out the first. */
  private sinceEmitted = Number.MAX_SAFE_INTEGER;
  private lastTimeMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: ModelConfig,
    private readonly deviceId: string,
  ) {
    this.metricCount = config.metrics.length;
    this.length = config.window.length;
    this.ring = new Float32Array(this.length * this.metricCount);
    this.times = new Float64Array(this.length);
    this.heldInRow = new Uint16Array(this.length);
    this.lastValues = new Float64Array(this.metricCount).fill(Number.NaN);
    this.offsets = Float64Array.from(config.metrics, (metric) => config.scaling[metric]?.offset ?? 0);
    this.scales = Float64Array.from(config.metrics, (metric) => config.scaling[metric]?.scale ?? 1);
    this.sampleValues = new Float64Array(this.metricCount);
  }

  /** Adds a sample; returns the window it completes, if any. */
  push(sample: MetricSample): ReadyWindow | undefined {
    if (!(sample.timeMs > this.lastTimeMs)) this.restart();
    this.lastTimeMs = sample.timeMs;
    const { metrics } = this.config;
    // Each value is looked up once: `values` is keyed by metric names, a lookup the engine cannot make fast.
    const row = this.sampleValues;
    let held = 0;
    for (let m = 0; m < this.metricCount; m++) {
      const value = sample.values[metrics[m]!];
      if (value !== undefined && Number.isFinite(value)) {
        row[m] = value;
        continue;
      }
      if (this.config.missingValues === 'skip-sample' || Number.isNaN(this.lastValues[m]!)) return undefined;
      row[m] = this.lastValues[m]!;
      held++;
    }
    const at = this.next * this.metricCount;
    for (let m = 0; m < this.metricCount; m++) {
      this.lastValues[m] = row[m]!;
      this.ring[at + m] = (row[m]! - this.offsets[m]!) / this.scales[m]!;
    }
    this.times[this.next] = sample.timeMs;
    this.heldInRow[this.next] = held;
    this.next = (this.next + 1) % this.length;
    this.filled = Math.min(this.filled + 1, this.length);
    this.sinceEmitted = Math.min(this.sinceEmitted + 1, Number.MAX_SAFE_INTEGER);
    if (this.filled < this.length || this.sinceEmitted < this.config.window.stride) return undefined;
    this.sinceEmitted = 0;
    return this.copyOut(sample.seq);
  }

  private copyOut(toSeq: number | undefined): ReadyWindow {
    // The oldest sample sits where the next one will go.
    const split = this.next * this.metricCount;
    const values = windowValues(this.ring.length);
    values.set(this.ring.subarray(split), 0);
    values.set(this.ring.subarray(0, split), this.ring.length - split);
    let heldValues = 0;
    for (const held of this.heldInRow) heldValues += held;
    return {
      deviceId: this.deviceId,
      fromTimeMs: this.times[this.next]!,
      toTimeMs: this.times[(this.next + this.length - 1) % this.length]!,
      heldValues,
      toSeq,
      values,
    };
  }

  private restart(): void {
    this.next = 0;
    this.filled = 0;
    this.sinceEmitted = Number.MAX_SAFE_INTEGER;
    this.lastValues.fill(Number.NaN);
  }
}
