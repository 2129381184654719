import type { AppImage } from '../../host/sim/app-image.ts';
import { InferenceRuntime, type ScoredWindow } from '../runtime/inference-runtime.ts';
import type { LoadedModel } from '../runtime/loaded-model.ts';
import { simulateTelemetry, type DeviceTelemetry } from '../training/simulated-telemetry.ts';
import type { BaselineParameters } from './baseline-parameters.ts';
import { detectionFigures, type DetectionFigures, type Flag, type FlaggedRun } from './detection-metrics.ts';
import { anomalyIntervals, type LabelledRun } from './labelled-run.ts';
import { RollingZScore } from './rolling-z-baseline.ts';

/** Samples per device fed between turns of the event loop. */
const SAMPLES_BETWEEN_TURNS = 256;

export interface EvaluationReport {
  model: string;
  /** Figures over all runs, for the model and for the baseline. */
  overall: { model: DetectionFigures; baseline: DetectionFigures };
  /** Per kind of anomaly: that kind's runs together with the normal runs (for precision and false alarms). */
  byAnomaly: { anomaly: string; model: DetectionFigures; baseline: DetectionFigures }[];
}

export interface EvaluationInput {
  app: AppImage;
  runs: readonly LabelledRun[];
  model: LoadedModel;
  baseline: BaselineParameters;
  onProgress?(line: string): void;
}

/**
 * Simulates every labelled run, scores its telemetry with the model (through the inference runtime, batched as
 * on the edge) and with the rolling z-score baseline, and measures both against the labels.
 */
export async function evaluate(input: EvaluationInput): Promise<EvaluationReport> {
  const modelRuns: FlaggedRun[] = [];
  const baselineRuns: FlaggedRun[] = [];
  for (const run of input.runs) {
    input.onProgress?.(`${run.name}: ${run.devices} device(s) × ${run.durationS} s, seed ${run.seed}`);
    const telemetry = await simulateTelemetry({
      app: input.app,
      scenario: run.scenario,
      deviceCount: run.devices,
      durationS: run.durationS,
      seed: run.seed,
    });
    const common = { anomaly: run.anomaly, deviceHours: (run.devices * run.durationS) / 3600, intervals: anomalyIntervals(run) };
    modelRuns.push({ ...common, flags: await modelFlags(input.model, telemetry) });
    baselineRuns.push({ ...common, flags: baselineFlags(input.baseline, telemetry) });
  }
  const kinds = [...new Set(input.runs.map((run) => run.anomaly))].filter((kind) => kind !== 'normal');
  const select = (runs: FlaggedRun[], kind: string) => runs.filter((run) => run.anomaly === kind || run.anomaly === 'normal');
  return {
    model: input.model.name,
    overall: { model: detectionFigures(modelRuns), baseline: detectionFigures(baselineRuns) },
    byAnomaly: kinds.map((anomaly) => ({
      anomaly,
      model: detectionFigures(select(modelRuns, anomaly)),
      baseline: detectionFigures(select(baselineRuns, anomaly)),
    })),
  };
}

/** The model's flags per device, in sample order, from the runtime's batches. */
async function modelFlags(model: LoadedModel, telemetry: readonly DeviceTelemetry[]): Promise<Flag[][]> {
  const scored: ScoredWindow[] = [];
  const runtime = new InferenceRuntime({ models: [model], maxBatchWindows: 1024, onScores: (batch) => scored.push(...batch) });
  runtime.checkAgainstDevices(telemetry.flatMap((device) => device.declaredMetrics));
  // Fed as a gateway would receive them, the devices' samples interleaved in time, with the event loop turning
  // now and then as it would between messages, so batches run while samples keep coming.
  const longest = Math.max(...telemetry.map((device) => device.samples.length));
  for (let k = 0; k < longest; k++) {
    for (const device of telemetry) {
      const sample = device.samples[k];
      if (sample !== undefined) runtime.feed(device.deviceId, sample);
    }
    if (k % SAMPLES_BETWEEN_TURNS === SAMPLES_BETWEEN_TURNS - 1) await runtime.flush();
  }
  await runtime.close();
  if (runtime.stats.windowsDropped > 0) throw new Error(`the runtime dropped ${runtime.stats.windowsDropped} windows`);
  const byDevice = new Map(telemetry.map((device) => [device.deviceId, [] as Flag[]]));
  for (const window of scored) byDevice.get(window.deviceId)!.push({ toTimeMs: window.toTimeMs, anomalous: window.anomalous });
  return telemetry.map((device) => byDevice.get(device.deviceId)!.sort((a, b) => a.toTimeMs - b.toTimeMs));
}

function baselineFlags(baseline: BaselineParameters, telemetry: readonly DeviceTelemetry[]): Flag[][] {
  return telemetry.map((device) => {
    const scorer = new RollingZScore(baseline.metrics, baseline.spreadFloors, baseline.historySamples);
    const flags: Flag[] = [];
    for (const sample of device.samples) {
      const score = scorer.push(sample);
      if (score !== undefined) flags.push({ toTimeMs: sample.timeMs, anomalous: score > baseline.threshold });
    }
    return flags;
  });
}
