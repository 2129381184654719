/**
 * The features the built-in detector computes from one window of standardized samples (edge-inference/README.md,
 * "Method"), per metric:
 *
 * - level: the newest value. Catches values outside their normal range, and disagreement between sensors that
 *   normally agree (the four temperature sensors, the two humidity sensors) through the covariance.
 * - jump: the newest value minus the mean of the others. Catches spikes and steps at their first sample.
 * - roughness: log(mean |difference of consecutive values| + floor). Rises under vibration and erratic readings,
 *   falls when a sensor is stuck. The floor keeps a quantised, slowly moving metric (TMP102: 0.0625 °C steps)
 *   from reaching log 0 in normal windows.
 *
 * The same arithmetic is exported as ONNX operators (onnx-export.ts); this is the reference it is tested against.
 */

export const FEATURES_PER_METRIC = 3;

/**
 * Features of `windowCount` windows of `length` × `metricCount` values (oldest sample first), as
 * [level × metrics, jump × metrics, roughness × metrics] per window.
 */
export function windowFeatures(
  windows: Float32Array | Float64Array,
  windowCount: number,
  length: number,
  metricCount: number,
  roughnessFloor: readonly number[],
): Float64Array {
  const width = FEATURES_PER_METRIC * metricCount;
  const features = new Float64Array(windowCount * width);
  const perWindow = length * metricCount;
  for (let w = 0; w < windowCount; w++) {
    const base = w * perWindow;
    const out = w * width;
    for (let m = 0; m < metricCount; m++) {
      const newest = windows[base + (length - 1) * metricCount + m]!;
      let earlierSum = 0;
      for (let t = 0; t < length - 1; t++) earlierSum += windows[base + t * metricCount + m]!;
      let absoluteSteps = 0;
      for (let t = 1; t < length; t++) {
        absoluteSteps += Math.abs(windows[base + t * metricCount + m]! - windows[base + (t - 1) * metricCount + m]!);
      }
      features[out + m] = newest;
      features[out + metricCount + m] = newest - earlierSum / (length - 1);
      features[out + 2 * metricCount + m] = Math.log(absoluteSteps / (length - 1) + roughnessFloor[m]!);
    }
  }
  return features;
}
