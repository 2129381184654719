/**
 * The runtime a gateway feeds: per-device sliding windows, batched across devices into one onnxruntime run()
 * per batch, bounded in size and delay, several models side by side.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceRuntime, type ScoredWindow } from '../../edge-inference/runtime/inference-runtime.ts';
import { LoadedModel } from '../../edge-inference/runtime/loaded-model.ts';
import { ModelLoadError } from '../../edge-inference/runtime/model-errors.ts';
import { testModel } from '../support/onnx-models.ts';

let dir: string;
let sum: LoadedModel;
let classes: LoadedModel;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wasmote-runtime-'));
  await writeFile(path.join(dir, 'sum.onnx'), testModel({}));
  await writeFile(path.join(dir, 'classes.onnx'), testModel({ classes: 2 }));
  const base = { metrics: ['a', 'b'], window: { length: 4, stride: 2 }, input: { name: 'windows' } };
  await writeFile(
    path.join(dir, 'sum.json'),
    JSON.stringify({ ...base, name: 'sum', model: 'sum.onnx', scaling: { b: { offset: 100, scale: 10 } }, output: { kind: 'score', name: 'score', threshold: 20 } }),
  );
  await writeFile(
    path.join(dir, 'classes.json'),
    JSON.stringify({
      ...base,
      name: 'classes',
      model: 'classes.onnx',
      window: { length: 4, stride: 1 },
      missingValues: 'skip-sample',
      output: { kind: 'class-probabilities', name: 'score', classes: ['high-a', 'high-b'], anomalousClasses: ['high-b'] },
    }),
  );
  sum = await LoadedModel.fromConfigFile(path.join(dir, 'sum.json'));
  classes = await LoadedModel.fromConfigFile(path.join(dir, 'classes.json'));
});

afterAll(async () => {
  await sum?.close();
  await classes?.close();
  await rm(dir, { recursive: true, force: true });
});

function collect() {
  const batches: ScoredWindow[][] = [];
  return { batches, onScores: (batch: ScoredWindow[]) => batches.push(batch) };
}

describe('the inference runtime', () => {
  it('scales values, windows them with a stride and scores them', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [sum], onScores });
    for (let k = 0; k < 7; k++) runtime.feed('dev-1', { timeMs: 1000 * k, values: { a: k, b: 110 } });
    await runtime.close();
    // Windows end at samples 3 and 5 (stride 2); b scaled to (110 − 100) / 10 = 1.
    expect(batches.flat().map((window) => ({
      fromTimeMs: window.fromTimeMs,
      toTimeMs: window.toTimeMs,
      score: window.kind === 'score' ? window.score : undefined,
      anomalous: window.anomalous,
    }))).toEqual([
      { fromTimeMs: 0, toTimeMs: 3000, score: 0 + 1 + 2 + 3 + 4, anomalous: false },
      { fromTimeMs: 2000, toTimeMs: 5000, score: 2 + 3 + 4 + 5 + 4, anomalous: false },
    ]);
  });

  it('batches windows across devices: one run per batch, never more than the batch size', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [classes], maxBatchWindows: 16, maxDelayMs: 10_000, onScores });
    for (let k = 0; k < 10; k++) {
      for (let device = 0; device < 10; device++) runtime.feed(`dev-${device}`, { timeMs: k * 1000, values: { a: device, b: 5 } });
    }
    await runtime.flush();
    // 10 devices × 7 windows each = 70 windows: four full batches, and what flush() ran of the rest.
    expect(batches.map((batch) => batch.length)).toEqual([16, 16, 16, 16, 6]);
    expect(runtime.stats).toMatchObject({ samplesFed: 100, windowsScored: 70, batchesRun: 5, windowsDropped: 0 });
    const labels = new Map(batches.flat().map((window) => [window.deviceId, window.kind === 'class-probabilities' ? window.label : '']));
    expect(labels.get('dev-9')).toBe('high-a');
    expect(labels.get('dev-0')).toBe('high-b');
    const anomalous = batches.flat().filter((window) => window.anomalous).map((window) => window.deviceId);
    expect(anomalous.sort()).toEqual(['dev-0', 'dev-1', 'dev-2', 'dev-3', 'dev-4'].flatMap((device) => Array(7).fill(device)));
    await runtime.close();
  });

  it('runs a partial batch once its oldest window has waited maxDelayMs', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [classes], maxBatchWindows: 256, maxDelayMs: 30, onScores });
    const startedMs = performance.now();
    for (let k = 0; k < 5; k++) runtime.feed('dev', { timeMs: k, values: { a: 1, b: 0 } });
    while (batches.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const waitedMs = performance.now() - startedMs;
    expect(batches[0]).toHaveLength(2);
    expect(waitedMs).toBeGreaterThanOrEqual(25);
    expect(waitedMs).toBeLessThan(1000);
    await runtime.close();
  });

  it('runs several models on the same samples, each with its own windows and missing-value rule', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [sum, classes], onScores });
    expect(runtime.modelNames).toEqual(['sum', 'classes']);
    for (let k = 0; k < 8; k++) {
      // b is missing every third sample: `sum` holds its last value, `classes` skips the sample.
      runtime.feed('dev', { timeMs: k * 1000, values: k % 3 === 2 ? { a: 1 } : { a: 1, b: 100 } });
    }
    await runtime.close();
    const byModel = (name: string) => batches.flat().filter((window) => window.model === name);
    expect(byModel('sum').map((window) => [window.toTimeMs, window.heldValues])).toEqual([[3000, 1], [5000, 2], [7000, 1]]);
    expect(byModel('classes').map((window) => window.toTimeMs)).toEqual([4000, 6000, 7000]);
    expect(batches.every((batch) => new Set(batch.map((window) => window.model)).size === 1)).toBe(true);
  });

  it('starts a device afresh when its clock goes back (a restart), and forgets it on request', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [classes], onScores });
    for (const timeMs of [0, 1, 2, 3, 0, 1, 2, 3, 4]) runtime.feed('dev', { timeMs, values: { a: 1, b: 1 } });
    runtime.forgetDevice('dev');
    for (const timeMs of [10, 11, 12]) runtime.feed('dev', { timeMs, values: { a: 1, b: 1 } });
    await runtime.close();
    expect(batches.flat().map((window) => [window.fromTimeMs, window.toTimeMs])).toEqual([[0, 3], [0, 3], [1, 4]]);
  });

  it('refuses two models of one name, and names every model that reads a metric no device declares', async () => {
    expect(() => new InferenceRuntime({ models: [sum, sum], onScores: () => {} })).toThrow(/two models are named 'sum'/);
    const runtime = new InferenceRuntime({ models: [sum, classes], onScores: () => {} });
    expect(() => runtime.checkAgainstDevices(['a'])).toThrow(ModelLoadError);
    expect(() => runtime.checkAgainstDevices(['a'])).toThrow(/model 'sum' reads 'b', which no device declares[^]*\nmodel 'classes' reads 'b'/);
    expect(() => runtime.checkAgainstDevices(['a', 'b', 'c'])).not.toThrow();
  });

  it('drops the oldest windows past its queue bound, and counts them', async () => {
    const { batches, onScores } = collect();
    const runtime = new InferenceRuntime({ models: [classes], maxBatchWindows: 4, maxQueuedWindows: 6, maxDelayMs: 10_000, onScores });
    // Fed without a turn of the event loop: the first batch starts, the queue behind it overflows.
    for (let k = 0; k < 20; k++) runtime.feed('dev', { timeMs: k, values: { a: 1, b: 1 } });
    await runtime.close();
    expect(runtime.stats.windowsDropped).toBe(17 - 4 - 6);
    expect(batches.flat().at(-1)!.toTimeMs).toBe(19);
  });
});
