import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import { readModelConfig, type ModelConfig } from './model-config.ts';
import { ModelLoadError } from './model-errors.ts';
import { loadOnnxRuntime, type OnnxRuntime } from './onnx-runtime.ts';

type Session = ort.InferenceSession;

/** A model's version: this many hex digits of its file's SHA-256 (64 bits; two files never share one by chance). */
const MODEL_VERSION_HEX_DIGITS = 16;
type ValueMetadata = ort.InferenceSession.ValueMetadata;

/** What the model said about one window. */
export type WindowVerdict =
  | { kind: 'score'; score: number; anomalous: boolean }
  | { kind: 'class-probabilities'; probabilities: Record<string, number>; label: string; anomalous: boolean };

export interface LoadModelOptions {
  /** Threads onnxruntime may use inside one operator (default 1: the edge host's cores are shared). */
  intraOpThreads?: number;
}

/**
 * A model ready to score windows: its config validated, its file loaded by onnxruntime (CPU), its input and
 * output checked against the config, and one trial batch run, so every mismatch surfaces here.
 */
export class LoadedModel {
  private constructor(
    readonly config: ModelConfig,
    /** The .onnx file as it was loaded. */
    readonly modelPath: string,
    /** The first 16 hex digits of the .onnx file's SHA-256: `modelVersion` in docs/mqtt.md §9. */
    readonly version: string,
    private readonly session: Session,
    private readonly runtime: OnnxRuntime,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Values in one window: window length × metrics. */
  get valuesPerWindow(): number {
    return this.config.window.length * this.config.metrics.length;
  }

  /** Loads the model a config file describes; its `model` path is relative to the config file. */
  static async fromConfigFile(configPath: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
    const config = await readModelConfig(configPath);
    return LoadedModel.fromConfig(config, path.resolve(path.dirname(configPath), config.model), options);
  }

  /** Loads `modelPath` to run as `config` says (its `model` field is not read). */
  static async fromConfig(config: ModelConfig, modelPath: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(modelPath);
    } catch (error) {
      throw new ModelLoadError(`model '${config.name}': cannot read ${modelPath}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    const runtime = await loadOnnxRuntime();
    let session: Session;
    try {
      session = await runtime.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      const reason = String((error as Error).message ?? error).split('\n')[0];
      throw new ModelLoadError(`model '${config.name}': ${modelPath} is not a model onnxruntime can load: ${reason}`);
    }
    const model = new LoadedModel(config, modelPath, createHash('sha256').update(bytes).digest('hex').slice(0, MODEL_VERSION_HEX_DIGITS), session, runtime);
    try {
      model.checkSignature();
      await model.trialRun();
    } catch (error) {
      await session.release();
      throw error;
    }
    return model;
  }

  /**
   * Checks the config's metrics against those the devices declare (their METRIC messages, docs/link-protocol.md
   * §4.1): a metric that none declares is an error naming it. Call it once the devices are known, before
   * feeding; a device that lacks some of the metrics is simply not scored by this model.
   */
  checkAgainstDevices(metricNames: Iterable<string>): void {
    const declared = new Set(metricNames);
    const missing = this.config.metrics.filter((metric) => !declared.has(metric));
    if (missing.length === 0) return;
    const known = [...declared].sort();
    throw new ModelLoadError(
      `model '${this.name}' reads ${missing.map((metric) => `'${metric}'`).join(', ')}, which no device declares` +
        (known.length === 0 ? ' (no device has declared any metric)' : `; the devices declare ${known.join(', ')}`),
    );
  }

  /** Runs one batch: `windows` holds `count` windows of `valuesPerWindow` scaled values each. */
  async score(windows: Float32Array, count: number): Promise<WindowVerdict[]> {
    const { config } = this;
    const input = new this.runtime.Tensor('float32', windows.subarray(0, count * this.valuesPerWindow), [
      count,
      config.window.length,
      config.metrics.length,
    ]);
    const results = await this.session.run({ [config.input.name]: input });
    const output = results[config.output.name]!;
    try {
      return this.verdicts(output.data as Float32Array, count);
    } finally {
      output.dispose();
    }
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private verdicts(data: Float32Array, count: number): WindowVerdict[] {
    const output = this.config.output;
    const verdicts: WindowVerdict[] = [];
    if (output.kind === 'score') {
      for (let index = 0; index < count; index++) {
        const score = data[index]!;
        const anomalous = output.anomalousWhen === 'above' ? score > output.threshold : score < output.threshold;
        verdicts.push({ kind: 'score', score, anomalous });
      }
      return verdicts;
    }
    const classCount = output.classes.length;
    for (let index = 0; index < count; index++) {
      const probabilities: Record<string, number> = {};
      let best = 0;
      for (let k = 0; k < classCount; k++) {
        probabilities[output.classes[k]!] = data[index * classCount + k]!;
        if (data[index * classCount + k]! > data[index * classCount + best]!) best = k;
      }
      const label = output.classes[best]!;
      verdicts.push({ kind: 'class-probabilities', probabilities, label, anomalous: output.anomalousClasses.includes(label) });
    }
    return verdicts;
  }

  /** The model's input and output against the config, by their declared types and shapes. */
  private checkSignature(): void {
    const { config, session } = this;
    const where = `model '${config.name}' (${path.basename(this.modelPath)})`;
    if (session.inputNames.length !== 1) {
      throw new ModelLoadError(`${where} has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); the runtime feeds exactly one, '${config.input.name}'`);
    }
    if (session.inputNames[0] !== config.input.name) {
      throw new ModelLoadError(`${where} has no input '${config.input.name}' (input.name in its config); its input is '${session.inputNames[0]}'`);
    }
    if (!session.outputNames.includes(config.output.name)) {
      throw new ModelLoadError(`${where} has no output '${config.output.name}' (output.name in its config); its outputs are ${session.outputNames.map((name) => `'${name}'`).join(', ')}`);
    }
    const input = tensorMetadata(session.inputMetadata, config.input.name, `${where}: input '${config.input.name}'`);
    const expectedInput: Dimension[] = [BATCH, config.window.length, config.metrics.length];
    checkShape(input, expectedInput, `${where}: input '${config.input.name}'`, [
      'the batch (any size)',
      'window.length',
      'the number of metrics',
    ]);
    const output = tensorMetadata(session.outputMetadata, config.output.name, `${where}: output '${config.output.name}'`);
    if (config.output.kind === 'score') {
      const shapes: Dimension[][] = [[BATCH], [BATCH, 1]];
      if (!shapes.some((shape) => shapeFits(output.shape, shape))) {
        throw new ModelLoadError(
          `${where}: output '${config.output.name}' has shape ${describeShape(output.shape)}; a score output is [batch] or [batch, 1]`,
        );
      }
    } else {
      checkShape(output, [BATCH, config.output.classes.length], `${where}: output '${config.output.name}'`, [
        'the batch',
        `the ${config.output.classes.length} classes of output.classes`,
      ]);
    }
  }

  /** A batch of two windows of zeros: the shapes the model really produces, before any device depends on it. */
  private async trialRun(): Promise<void> {
    const { config } = this;
    const where = `model '${config.name}' (${path.basename(this.modelPath)})`;
    const count = 2;
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run({
        [config.input.name]: new this.runtime.Tensor('float32', new Float32Array(count * this.valuesPerWindow), [
          count,
          config.window.length,
          config.metrics.length,
        ]),
      });
    } catch (error) {
      const reason = String((error as Error).message ?? error).split('\n')[0];
      throw new ModelLoadError(`${where} fails on a batch of ${count} windows: ${reason}`);
    }
    const output = results[config.output.name]!;
    const expected = config.output.kind === 'score' ? count : count * config.output.classes.length;
    try {
      if (output.type !== 'float32' || output.data.length !== expected) {
        throw new ModelLoadError(
          `${where}: output '${config.output.name}' gave ${output.type} of shape ${describeShape(output.dims)} for ${count} windows; ` +
            `expected ${expected} float32 values`,
        );
      }
    } finally {
      for (const value of Object.values(results)) value.dispose();
    }
  }
}

/** A dimension the config fixes, or the batch (any size, so the model must leave it free). */
type Dimension = number | typeof BATCH;
const BATCH = Symbol('batch');

function tensorMetadata(
  metadata: readonly ValueMetadata[],
  name: string,
  where: string,
): { type: string; shape: ReadonlyArray<number | string> } {
  const entry = metadata.find((value) => value.name === name);
  if (entry === undefined || !entry.isTensor) throw new ModelLoadError(`${where} is not a tensor`);
  if (entry.type !== 'float32') throw new ModelLoadError(`${where} is ${entry.type}; the runtime exchanges float32`);
  return entry;
}

function isFree(dimension: number | string): boolean {
  return typeof dimension === 'string' || dimension < 0;
}

function shapeFits(actual: ReadonlyArray<number | string>, expected: readonly Dimension[]): boolean {
  if (actual.length === 0) return true; // the model does not declare its shape: the trial run checks it
  if (actual.length !== expected.length) return false;
  return expected.every((dimension, index) => {
    const given = actual[index]!;
    if (dimension === BATCH) return isFree(given);
    return isFree(given) || given === dimension;
  });
}

function checkShape(
  metadata: { shape: ReadonlyArray<number | string> },
  expected: readonly Dimension[],
  where: string,
  meanings: readonly string[],
): void {
  if (shapeFits(metadata.shape, expected)) return;
  const shape = metadata.shape;
  const wanted = `[${expected.map((dimension) => (dimension === BATCH ? 'batch' : dimension)).join(', ')}]`;
  if (shape.length !== expected.length) {
    throw new ModelLoadError(`${where} has shape ${describeShape(shape)}; the config needs ${wanted}`);
  }
  const index = expected.findIndex((dimension, k) => !shapeFits([shape[k]!], [dimension]));
  const dimension = expected[index]!;
  const problem =
    dimension === BATCH
      ? `its first dimension is fixed at ${shape[index]}, but the runtime batches windows across devices and needs it free`
      : `dimension ${index} is ${shape[index]} where the config has ${dimension} (${meanings[index]})`;
  throw new ModelLoadError(`${where} has shape ${describeShape(shape)}: ${problem}`);
}

function describeShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((dimension) => (isFree(dimension) ? (typeof dimension === 'string' ? dimension : '?') : dimension)).join(', ')}]`;
}
