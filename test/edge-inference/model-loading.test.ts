/**
 * A user's model is a .onnx file and a config; every way they can disagree, and a broken file or config, is an
 * error at load that names the model and the mismatch, never a failure at the first message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadedModel } from '../../edge-inference/runtime/loaded-model.ts';
import { ModelLoadError } from '../../edge-inference/runtime/model-errors.ts';
import { testModel } from '../support/onnx-models.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wasmote-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CONFIG = {
  name: 'mine',
  model: 'mine.onnx',
  metrics: ['tmp102.temperature', 'sht31.humidity'],
  window: { length: 4, stride: 1 },
  input: { name: 'windows' },
  output: { kind: 'score', name: 'score', threshold: 10 },
};

/** Writes the model and its config; returns the config's path. */
async function files(model: Uint8Array | string, config: object = CONFIG): Promise<string> {
  const sub = await mkdtemp(path.join(dir, 'case-'));
  await writeFile(path.join(sub, 'mine.onnx'), model);
  const configPath = path.join(sub, 'mine.json');
  await writeFile(configPath, JSON.stringify(config));
  return configPath;
}

async function loadError(model: Uint8Array | string, config: object = CONFIG): Promise<string> {
  const error = await LoadedModel.fromConfigFile(await files(model, config)).then(
    (loaded) => loaded.close().then(() => undefined),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return (error as Error).message;
}

describe('loading a user model', () => {
  it('loads a model whose config fits and scores windows with it', async () => {
    const model = await LoadedModel.fromConfigFile(await files(testModel({})));
    const windows = Float32Array.from({ length: 2 * 8 }, (_, k) => (k < 8 ? 1 : 2));
    expect(await model.score(windows, 2)).toEqual([
      { kind: 'score', score: 8, anomalous: false },
      { kind: 'score', score: 16, anomalous: true },
    ]);
    await model.close();
  });

  it('refuses a config that does not validate, naming every field', async () => {
    const message = await loadError(testModel({}), {
      ...CONFIG,
      metrics: ['a', 'a'],
      window: { length: 4, stride: 5 },
      scaling: { b: { scale: 0 } },
      output: { kind: 'class-probabilities', name: 'p', classes: ['ok', 'bad'], anomalousClasses: ['worse'] },
    });
    expect(message).toMatch(/is not a valid model config:/);
    for (const part of [
      "metrics: 'a' is listed twice",
      'window.stride: must not exceed length',
      'scaling.b.scale:',
      "scaling.b: 'b' is not one of metrics",
      "output.anomalousClasses.0: 'worse' is not one of classes",
    ]) {
      expect(message).toContain(part);
    }
  });

  it('refuses a config that is not JSON, and a missing model file', async () => {
    const configPath = path.join(dir, 'broken.json');
    await writeFile(configPath, '{ "name": ');
    await expect(LoadedModel.fromConfigFile(configPath)).rejects.toThrow(/broken\.json is not JSON/);
    const missing = path.join(dir, 'missing.json');
    await writeFile(missing, JSON.stringify({ ...CONFIG, model: 'nowhere.onnx' }));
    await expect(LoadedModel.fromConfigFile(missing)).rejects.toThrow(/model 'mine': cannot read .*nowhere\.onnx: ENOENT/);
  });

  it('refuses a broken file: not ONNX, or ONNX cut short', async () => {
    expect(await loadError('this is not a model')).toMatch(/model 'mine': .*mine\.onnx is not a model onnxruntime can load: /);
    const whole = testModel({});
    expect(await loadError(whole.subarray(0, whole.length - 20))).toMatch(/is not a model onnxruntime can load/);
  });

  it('names an input or output the model does not have, and what it has', async () => {
    expect(await loadError(testModel({ input: { name: 'x' } }))).toBe(
      "model 'mine' (mine.onnx) has no input 'windows' (input.name in its config); its input is 'x'",
    );
    expect(await loadError(testModel({ output: { name: 'anomaly' } }))).toBe(
      "model 'mine' (mine.onnx) has no output 'score' (output.name in its config); its outputs are 'anomaly'",
    );
    expect(await loadError(testModel({ extraInput: true }))).toMatch(/has 2 inputs \(windows, extra\); the runtime feeds exactly one, 'windows'/);
  });

  it('names the dimension of a shape that does not fit the window, the metrics or the batch', async () => {
    expect(await loadError(testModel({ input: { shape: ['batch', 8, 2] } }))).toBe(
      "model 'mine' (mine.onnx): input 'windows' has shape [batch, 8, 2]: dimension 1 is 8 where the config has 4 (window.length)",
    );
    expect(await loadError(testModel({ metrics: 3 }))).toBe(
      "model 'mine' (mine.onnx): input 'windows' has shape [batch, 4, 3]: dimension 2 is 3 where the config has 2 (the number of metrics)",
    );
    expect(await loadError(testModel({ input: { shape: [1, 4, 2] } }))).toMatch(
      /input 'windows' has shape \[1, 4, 2\]: its first dimension is fixed at 1, but the runtime batches windows across devices and needs it free/,
    );
    expect(await loadError(testModel({ input: { shape: ['batch', 8] }, axes: [1] }))).toMatch(/has shape \[batch, 8\]; the config needs \[batch, 4, 2\]/);
  });

  it('refuses an input that is not float32', async () => {
    const double = onnxProto.onnx.TensorProto.DataType.DOUBLE;
    const model = testModel({ input: { elemType: double }, output: { elemType: double } });
    expect(await loadError(model)).toMatch(/input 'windows' is float64; the runtime exchanges float32/);
  });

  it('checks the output against what the config says it means', async () => {
    const classes = { ...CONFIG, output: { kind: 'class-probabilities', name: 'score', classes: ['normal', 'fault', 'drift'], anomalousClasses: ['fault'] } };
    expect(await loadError(testModel({ classes: 2 }), classes)).toMatch(
      /output 'score' has shape \[batch, 2\]: dimension 1 is 2 where the config has 3 \(the 3 classes of output.classes\)/,
    );
    expect(await loadError(testModel({ classes: 2 }))).toMatch(/output 'score' has shape \[batch, 2\]; a score output is \[batch\] or \[batch, 1\]/);
  });

  it('finds a shape the model only reveals when run: the trial batch at load', async () => {
    // Free dimensions everywhere, but weights for 3 metrics where the config has 2: only running it tells.
    const classes = { ...CONFIG, output: { kind: 'class-probabilities', name: 'score', classes: ['normal', 'fault'], anomalousClasses: ['fault'] } };
    const late = await loadError(testModel({ classes: 2, metrics: 3, input: { shape: ['batch', 'time', 'metrics'] } }), classes);
    expect(late).toMatch(/^model 'mine' \(mine\.onnx\) fails on a batch of 2 windows: /);
  });

  it('names the metrics no device declares, and those they do', async () => {
    const model = await LoadedModel.fromConfigFile(await files(testModel({})));
    expect(() => model.checkAgainstDevices(['tmp102.temperature', 'sht31.humidity', 'bme280.pressure'])).not.toThrow();
    expect(() => model.checkAgainstDevices(['tmp102.temperature', 'bme280.pressure'])).toThrow(
      new ModelLoadError("model 'mine' reads 'sht31.humidity', which no device declares; the devices declare bme280.pressure, tmp102.temperature"),
    );
    expect(() => model.checkAgainstDevices([])).toThrow(/reads 'tmp102.temperature', 'sht31.humidity', which no device declares \(no device has declared any metric\)/);
    await model.close();
  });
});
