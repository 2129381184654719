/**
 * The built-in detector as shipped in edge-inference/models/: `wasmote model train` regenerates it byte for byte,
 * its ONNX graph computes what the TypeScript reference does, and on the labelled runs of edge-inference/eval/ it
 * meets the goals and beats the rolling z-score baseline.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../host/build/paths.ts';
import { defaultScenario } from '../../host/sim/scenario.ts';
import { readBaselineParameters } from '../../edge-inference/evaluation/baseline-parameters.ts';
import { evaluate, type EvaluationReport } from '../../edge-inference/evaluation/evaluate.ts';
import { checkGoals } from '../../edge-inference/evaluation/goals.ts';
import { readLabelledRun } from '../../edge-inference/evaluation/labelled-run.ts';
import { LoadedModel } from '../../edge-inference/runtime/loaded-model.ts';
import { collectWindows, detectorWindowConfig, fitDetector, scoreWindows } from '../../edge-inference/training/detector-fit.ts';
import { simulateTelemetry } from '../../edge-inference/training/simulated-telemetry.ts';
import { SHIPPED_MODEL_NAME, SHIPPED_PLAN, trainDetector } from '../../edge-inference/training/train-detector.ts';
import { sensorNode } from '../support/sim-run.ts';

const MODELS_DIR = path.join(PROJECT_ROOT, 'edge-inference', 'models');
const EVAL_DIR = path.join(PROJECT_ROOT, 'edge-inference', 'eval');

let scratch: string;
let model: LoadedModel;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-train-'));
  model = await LoadedModel.fromConfigFile(path.join(MODELS_DIR, `${SHIPPED_MODEL_NAME}.json`));
});
afterAll(async () => {
  await model?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the shipped anomaly detector', () => {
  it('is what training on the seeded simulator makes, byte for byte', async () => {
    const lines: string[] = [];
    await trainDetector({ app: await sensorNode(), plan: SHIPPED_PLAN, outDir: scratch, onProgress: (line) => lines.push(line) });
    for (const file of await readdir(MODELS_DIR)) {
      expect(await readFile(path.join(scratch, file)), file).toEqual(await readFile(path.join(MODELS_DIR, file)));
    }
    expect(lines[0]).toBe('simulating 12 device(s) × 3600 s of the default office, seed 1 (fitting)');
  }, 60_000);

  it('scores as its TypeScript reference does, through onnxruntime', async () => {
    const app = await sensorNode();
    const telemetry = await simulateTelemetry({ app, scenario: defaultScenario(), deviceCount: 1, durationS: 300, seed: 77 });
    const parameters = fitDetector(telemetry, telemetry[0]!.declaredMetrics, 8);
    const { exportDetector } = await import('../../edge-inference/training/onnx-export.ts');
    const { writeFile } = await import('node:fs/promises');
    const modelPath = path.join(scratch, 'reference.onnx');
    await writeFile(modelPath, exportDetector(parameters, 'reference'));
    const config = { ...detectorWindowConfig(parameters), output: { kind: 'score' as const, name: 'score', threshold: 1, anomalousWhen: 'above' as const } };
    const exported = await LoadedModel.fromConfig(config, modelPath);
    const windows = collectWindows(config, telemetry);
    const reference = scoreWindows(parameters, windows.values, windows.count);
    const verdicts = await exported.score(windows.values, windows.count);
    await exported.close();
    verdicts.forEach((verdict, index) => {
      expect(verdict.kind === 'score' && verdict.score).toBeCloseTo(reference[index]!, 3);
    });
  });

  describe('on the labelled runs of edge-inference/eval/', () => {
    let report: EvaluationReport;
    beforeAll(async () => {
      const files = (await readdir(EVAL_DIR)).filter((file) => file.endsWith('.json')).sort();
      const runs = await Promise.all(files.map((file) => readLabelledRun(path.join(EVAL_DIR, file), path.basename(file, '.json'))));
      const baseline = await readBaselineParameters(path.join(MODELS_DIR, `${SHIPPED_MODEL_NAME}.baseline.json`));
      report = await evaluate({ app: await sensorNode(), runs, model, baseline });
    }, 60_000);

    it('covers every kind of anomaly the issue names, and held-out normal runs', () => {
      expect(report.byAnomaly.map((entry) => entry.anomaly).sort()).toEqual(['drift', 'failing-sensor', 'hot-spot', 'spike', 'stuck', 'vibration']);
      for (const entry of report.byAnomaly) expect(entry.model.events, entry.anomaly).toBeGreaterThanOrEqual(8);
    });

    it('meets the goals: F1 ≥ 0.9 and above the baseline, median delay ≤ 3 samples, ≤ 1 false alarm per device-hour', () => {
      const goals = checkGoals(report);
      expect(goals.filter((check) => !check.met)).toEqual([]);
      expect(report.overall.model.f1).toBeGreaterThanOrEqual(0.9);
      expect(report.overall.model.f1).toBeGreaterThan(report.overall.baseline.f1);
      expect(report.overall.model.medianDelaySamples).toBeLessThanOrEqual(3);
      expect(report.overall.model.falseAlarmsPerDeviceHour).toBeLessThanOrEqual(1);
    });
  });
});
