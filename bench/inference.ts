/**
 * The edge's anomaly detector on onnxruntime (CPU): windows scored per second and the time of one run() for
 * batches of 1 to 1024 windows, of the shipped model (edge-inference/models/), on random standardized windows.
 * Then the whole runtime path a gateway takes: samples fed per device, windows batched, scored, handed back.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../host/build/paths.ts';
import { InferenceRuntime } from '../edge-inference/runtime/inference-runtime.ts';
import { LoadedModel } from '../edge-inference/runtime/loaded-model.ts';
import { Prng } from '../host/sim/prng.ts';

const BATCH_SIZES = [1, 16, 64, 256, 1024];
/** Windows scored per batch size (at least a few runs of the largest batch). */
const WINDOWS_PER_SIZE = 32_768;
const WARM_UP_RUNS = 20;
const RUNTIME_DEVICES = 256;
const RUNTIME_SAMPLES_PER_DEVICE = 200;
const MS_PER_S = 1000;

export async function benchInference(): Promise<Record<string, number>> {
  const model = await LoadedModel.fromConfigFile(path.join(PROJECT_ROOT, 'edge-inference', 'models', 'sensor-node-anomaly.json'));
  const prng = new Prng(1);
  const figures: Record<string, number> = {};
  try {
    for (const batch of BATCH_SIZES) {
      const windows = Float32Array.from({ length: batch * model.valuesPerWindow }, () => prng.next() * 2 - 1);
      for (let k = 0; k < WARM_UP_RUNS; k++) await model.score(windows, batch);
      const runs = Math.max(WINDOWS_PER_SIZE / batch, 8);
      const latenciesMs: number[] = [];
      const startedMs = performance.now();
      for (let k = 0; k < runs; k++) {
        const runStartedMs = performance.now();
        await model.score(windows, batch);
        latenciesMs.push(performance.now() - runStartedMs);
      }
      const elapsedS = (performance.now() - startedMs) / MS_PER_S;
      latenciesMs.sort((a, b) => a - b);
      figures[`batch${batch}_windows_per_s`] = Math.round((runs * batch) / elapsedS);
      figures[`batch${batch}_run_p50_ms`] = round(latenciesMs[Math.floor(latenciesMs.length / 2)]!);
      figures[`batch${batch}_run_p99_ms`] = round(latenciesMs[Math.floor(latenciesMs.length * 0.99)]!);
      process.stderr.write(`inference: batch ${batch}: ${figures[`batch${batch}_windows_per_s`]} windows/s\n`);
    }
    Object.assign(figures, await benchRuntimePath(model, prng));
  } finally {
    await model.close();
  }
  return figures;
}

/** Samples of 256 devices fed as they would arrive, windows batched up to 256 and scored: end-to-end rate. */
async function benchRuntimePath(model: LoadedModel, prng: Prng): Promise<Record<string, number>> {
  let scored = 0;
  const runtime = new InferenceRuntime({ models: [model], maxBatchWindows: 256, maxDelayMs: 20, onScores: (batch) => (scored += batch.length) });
  const metrics = model.config.metrics;
  const startedMs = performance.now();
  for (let k = 0; k < RUNTIME_SAMPLES_PER_DEVICE; k++) {
    for (let device = 0; device < RUNTIME_DEVICES; device++) {
      const values: Record<string, number> = {};
      for (const metric of metrics) values[metric] = prng.next();
      runtime.feed(`dev-${device}`, { timeMs: k * 1000, values });
    }
    // A turn of the event loop per round of samples, as between messages.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await runtime.close();
  const elapsedS = (performance.now() - startedMs) / MS_PER_S;
  return {
    runtime_samples_per_s: Math.round((RUNTIME_DEVICES * RUNTIME_SAMPLES_PER_DEVICE) / elapsedS),
    runtime_windows_per_s: Math.round(scored / elapsedS),
    runtime_windows_dropped: runtime.stats.windowsDropped,
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
