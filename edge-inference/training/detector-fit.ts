import { DeviceWindow } from '../runtime/device-window.ts';
import type { ModelConfig } from '../runtime/model-config.ts';
import type { MetricSample } from '../runtime/metric-sample.ts';
import { cholesky, invertLowerTriangular, meanAndCovariance, transpose } from './linear-algebra.ts';
import { FEATURES_PER_METRIC, windowFeatures } from './window-features.ts';

/**
 * The built-in detector's parameters: per-metric standardization, then a Mahalanobis distance (Mahalanobis 1936)
 * of the window's features from their mean on normal data. `whitening` is (L⁻¹)ᵀ/√F for the Cholesky factor L of
 * the features' covariance, so score = ‖(f − mean)·whitening‖² = (f − μ)ᵀ Σ⁻¹ (f − μ) / F: about 1 on normal
 * windows (the χ²_F mean over F), far above on windows unlike any seen in training.
 */
export interface DetectorParameters {
  metrics: string[];
  windowLength: number;
  /** Per metric: (value − offset) / scale, from the training samples' mean and standard deviation. */
  offsets: number[];
  scales: number[];
  roughnessFloor: number[];
  featureMean: number[];
  /** F × F, row-major, F = 3 × metrics. */
  whitening: number[];
}

/** Roughness floor as a fraction of each metric's typical step on normal data. */
const ROUGHNESS_FLOOR_FRACTION = 0.1;
/** Added to the covariance's diagonal (features are about unit scale) so it inverts even if a feature never varies. */
const RIDGE = 1e-6;
/** The smallest scale a metric gets, so a metric that never moved in training does not divide by zero. */
const MIN_SCALE = 1e-6;

/** A window config for the detector's metrics: how training and scoring build windows alike (the runtime's). */
export function detectorWindowConfig(parameters: Pick<DetectorParameters, 'metrics' | 'windowLength' | 'offsets' | 'scales'>): ModelConfig {
  return {
    name: 'training',
    model: 'training.onnx',
    metrics: parameters.metrics,
    window: { length: parameters.windowLength, stride: 1 },
    scaling: Object.fromEntries(
      parameters.metrics.map((metric, m) => [metric, { offset: parameters.offsets[m]!, scale: parameters.scales[m]! }]),
    ),
    missingValues: 'hold-last',
    input: { name: 'windows' },
    output: { kind: 'score', name: 'score', threshold: 0, anomalousWhen: 'above' },
  };
}

/** Every window of every device's samples (stride 1), scaled as `config` says, back to back. */
export function collectWindows(config: ModelConfig, devices: readonly { deviceId: string; samples: readonly MetricSample[] }[]) {
  const chunks: Float32Array[] = [];
  const toTimeMs: number[] = [];
  const deviceIds: string[] = [];
  for (const device of devices) {
    const window = new DeviceWindow(config, device.deviceId);
    for (const sample of device.samples) {
      const ready = window.push(sample);
      if (ready === undefined) continue;
      chunks.push(ready.values);
      toTimeMs.push(ready.toTimeMs);
      deviceIds.push(device.deviceId);
    }
  }
  const perWindow = config.window.length * config.metrics.length;
  const values = new Float32Array(chunks.length * perWindow);
  chunks.forEach((chunk, index) => values.set(chunk, index * perWindow));
  return { values, count: chunks.length, toTimeMs, deviceIds };
}

/** Fits the detector on normal telemetry. */
export function fitDetector(
  devices: readonly { deviceId: string; samples: readonly MetricSample[] }[],
  metrics: readonly string[],
  windowLength: number,
): DetectorParameters {
  const { offsets, scales } = standardization(devices, metrics);
  const base = { metrics: [...metrics], windowLength, offsets, scales };
  const windows = collectWindows(detectorWindowConfig(base), devices);
  const roughnessFloor = typicalSteps(windows.values, windows.count, windowLength, metrics.length).map(
    (step) => Math.max(step * ROUGHNESS_FLOOR_FRACTION, MIN_SCALE),
  );
  const width = FEATURES_PER_METRIC * metrics.length;
  const features = windowFeatures(windows.values, windows.count, windowLength, metrics.length, roughnessFloor);
  const { mean, covariance } = meanAndCovariance(features, windows.count, width);
  for (let i = 0; i < width; i++) covariance[i * width + i]! += RIDGE;
  const whitening = transpose(invertLowerTriangular(cholesky(covariance, width), width), width).map(
    (value) => value / Math.sqrt(width),
  );
  return { ...base, roughnessFloor, featureMean: [...mean], whitening: [...whitening] };
}

/** Scores of windows already scaled: the reference the exported ONNX graph is tested against. */
export function scoreWindows(parameters: DetectorParameters, windows: Float32Array, count: number): Float64Array {
  const metricCount = parameters.metrics.length;
  const width = FEATURES_PER_METRIC * metricCount;
  const features = windowFeatures(windows, count, parameters.windowLength, metricCount, parameters.roughnessFloor);
  const scores = new Float64Array(count);
  const centered = new Float64Array(width);
  for (let w = 0; w < count; w++) {
    for (let i = 0; i < width; i++) centered[i] = features[w * width + i]! - parameters.featureMean[i]!;
    let sum = 0;
    for (let j = 0; j < width; j++) {
      let projected = 0;
      for (let i = 0; i < width; i++) projected += centered[i]! * parameters.whitening[i * width + j]!;
      sum += projected * projected;
    }
    scores[w] = sum;
  }
  return scores;
}

function standardization(devices: readonly { samples: readonly MetricSample[] }[], metrics: readonly string[]) {
  const offsets: number[] = [];
  const scales: number[] = [];
  for (const metric of metrics) {
    let count = 0;
    let sum = 0;
    let sumOfSquares = 0;
    for (const device of devices) {
      for (const sample of device.samples) {
        const value = sample.values[metric];
        if (value === undefined) continue;
        count++;
        sum += value;
        sumOfSquares += value * value;
      }
    }
    if (count < 2) throw new Error(`no training samples of ${metric}`);
    const mean = sum / count;
    offsets.push(mean);
    scales.push(Math.max(Math.sqrt(Math.max(sumOfSquares / count - mean * mean, 0)), MIN_SCALE));
  }
  return { offsets, scales };
}

/** Each metric's mean absolute step between consecutive samples, over all windows. */
function typicalSteps(windows: Float32Array, count: number, length: number, metricCount: number): number[] {
  const sums = new Float64Array(metricCount);
  const perWindow = length * metricCount;
  for (let w = 0; w < count; w++) {
    const base = w * perWindow;
    for (let m = 0; m < metricCount; m++) {
      sums[m]! += Math.abs(windows[base + (length - 1) * metricCount + m]! - windows[base + (length - 2) * metricCount + m]!);
    }
  }
  return [...sums].map((sum) => sum / count);
}
