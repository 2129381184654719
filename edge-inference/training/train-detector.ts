import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppImage } from '../../host/sim/app-image.ts';
import { defaultScenario } from '../../host/sim/scenario.ts';
import { baselineSpreadFloors, BASELINE_HISTORY_SAMPLES, RollingZScore } from '../evaluation/rolling-z-baseline.ts';
import type { BaselineParameters } from '../evaluation/baseline-parameters.ts';
import type { ModelConfigInput } from '../runtime/model-config.ts';
import { collectWindows, detectorWindowConfig, fitDetector, scoreWindows } from './detector-fit.ts';
import { DETECTOR_INPUT, DETECTOR_OUTPUT, exportDetector } from './onnx-export.ts';
import { simulateTelemetry, type DeviceTelemetry } from './simulated-telemetry.ts';
import { calibrateThreshold, THRESHOLD_MARGIN } from './threshold.ts';

/** Simulated normal data: the default office (docs/scenarios.md) on `devices` devices for `durationS`. */
export interface SimulatedData {
  seed: number;
  devices: number;
  durationS: number;
}

export interface TrainingPlan {
  /** Samples per window: 8 s at sensor-node's one reading a second. */
  windowLength: number;
  /** The data the detector is fitted on... */
  fit: SimulatedData;
  /** ...and the data, on other seeds, its threshold is set on. */
  calibration: SimulatedData;
}

/** The plan of the shipped model: 12 device-hours to fit, 4 more to calibrate; seconds on two cores. */
export const SHIPPED_PLAN: TrainingPlan = {
  windowLength: 8,
  fit: { seed: 1, devices: 12, durationS: 3600 },
  calibration: { seed: 2, devices: 4, durationS: 3600 },
};

export const SHIPPED_MODEL_NAME = 'sensor-node-anomaly';

export interface TrainedFiles {
  configPath: string;
  modelPath: string;
  baselinePath: string;
  threshold: number;
  baselineThreshold: number;
}

/**
 * Trains the built-in anomaly detector for sensor-node's metrics on the project's own simulator, seeded so the
 * same app and plan give the same files, and writes `<name>.onnx`, its config `<name>.json` and the baseline's
 * calibration `<name>.baseline.json` to `outDir`.
 */
export async function trainDetector(options: {
  app: AppImage;
  plan: TrainingPlan;
  outDir: string;
  name?: string;
  onProgress?(line: string): void;
}): Promise<TrainedFiles> {
  const { app, plan, outDir } = options;
  const name = options.name ?? SHIPPED_MODEL_NAME;
  const progress = options.onProgress ?? (() => {});
  const simulate = async (data: SimulatedData, purpose: string): Promise<DeviceTelemetry[]> => {
    progress(`simulating ${data.devices} device(s) × ${data.durationS} s of the default office, seed ${data.seed} (${purpose})`);
    return simulateTelemetry({ app, scenario: defaultScenario(), deviceCount: data.devices, durationS: data.durationS, seed: data.seed });
  };
  const fitData = await simulate(plan.fit, 'fitting');
  const calibrationData = await simulate(plan.calibration, 'calibration');
  const metrics = fitData[0]?.declaredMetrics ?? [];
  if (metrics.length === 0) throw new Error(`${app.version} declared no metrics in simulation`);

  progress(`fitting: ${metrics.length} metrics, windows of ${plan.windowLength} samples, ${3 * metrics.length} features`);
  const parameters = fitDetector(fitData, metrics, plan.windowLength);
  const calibrationWindows = collectWindows(detectorWindowConfig(parameters), calibrationData);
  const threshold = calibrateThreshold(scoreWindows(parameters, calibrationWindows.values, calibrationWindows.count));
  progress(`threshold ${threshold.toFixed(3)}: the highest of ${calibrationWindows.count} calibration scores × ${THRESHOLD_MARGIN}`);

  const spreadFloors = baselineSpreadFloors(fitData, metrics);
  const baselineScores: number[] = [];
  for (const device of calibrationData) {
    const baseline = new RollingZScore(metrics, spreadFloors);
    for (const sample of device.samples) {
      const score = baseline.push(sample);
      if (score !== undefined) baselineScores.push(score);
    }
  }
  const baselineThreshold = calibrateThreshold(baselineScores);
  progress(`baseline (rolling z-score over ${BASELINE_HISTORY_SAMPLES} samples) threshold ${baselineThreshold.toFixed(3)}, calibrated alike`);

  const description =
    `Anomaly detector for ${app.name}'s metrics: Mahalanobis distance of window features (level, jump, roughness ` +
    `per metric), trained by \`wasmote model train\` on simulated normal data (edge-inference/README.md).`;
  const config: ModelConfigInput = {
    name,
    description,
    model: `${name}.onnx`,
    metrics,
    window: { length: plan.windowLength, stride: 1 },
    scaling: Object.fromEntries(
      metrics.map((metric, m) => [metric, { offset: parameters.offsets[m]!, scale: parameters.scales[m]! }]),
    ),
    missingValues: 'hold-last',
    input: { name: DETECTOR_INPUT },
    output: { kind: 'score', name: DETECTOR_OUTPUT, threshold, anomalousWhen: 'above' },
    provenance: {
      trainedBy: 'wasmote model train',
      app: app.version,
      scenario: 'default office (docs/scenarios.md)',
      fit: plan.fit,
      calibration: plan.calibration,
      thresholdRule: `highest calibration score × ${THRESHOLD_MARGIN}`,
    },
  };
  const baseline: BaselineParameters = { metrics, historySamples: BASELINE_HISTORY_SAMPLES, spreadFloors, threshold: baselineThreshold };

  await mkdir(outDir, { recursive: true });
  const files: TrainedFiles = {
    configPath: path.join(outDir, `${name}.json`),
    modelPath: path.join(outDir, `${name}.onnx`),
    baselinePath: path.join(outDir, `${name}.baseline.json`),
    threshold,
    baselineThreshold,
  };
  await writeFile(files.modelPath, exportDetector(parameters, description));
  await writeFile(files.configPath, `${JSON.stringify(config, null, 2)}\n`);
  await writeFile(files.baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  for (const file of [files.modelPath, files.configPath, files.baselinePath]) progress(`wrote ${file}`);
  return files;
}
