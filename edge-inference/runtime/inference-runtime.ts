import { DeviceWindow, type ReadyWindow } from './device-window.ts';
import type { LoadedModel, WindowVerdict } from './loaded-model.ts';
import type { MetricSample } from './metric-sample.ts';
import { ModelLoadError } from './model-errors.ts';

/** One window scored by one model. */
/** Windows per run() unless configured (edge-inference/README.md, "Batches"). */
export const DEFAULT_MAX_BATCH_WINDOWS = 256;

export type ScoredWindow = Omit<ReadyWindow, 'values'> & { model: string } & WindowVerdict;

export interface InferenceRuntimeOptions {
  /** The models to run, each on every device that reports all of its metrics. Names must differ. */
  models: readonly LoadedModel[];
  /** Windows in one `run()` at most (default 256). */
  maxBatchWindows?: number;
  /**
   * How long a window may wait for its batch to fill before the batch runs anyway (default 20 ms). A window
   * waits at most this long plus the time of the run ahead of it.
   */
  maxDelayMs?: number;
  /** Windows waiting per model beyond which the oldest are dropped and counted (default 16 batches). */
  maxQueuedWindows?: number;
  /** Receives each batch's scored windows, in the order they were completed: one call per `run()`. */
  onScores(scored: ScoredWindow[]): void;
  /** A batch that failed to run (its windows are dropped); by default the error is thrown from `flush()`. */
  onError?(error: Error, model: string): void;
}

export interface InferenceRuntimeStats {
  samplesFed: number;
  windowsScored: number;
  batchesRun: number;
  /** Windows dropped because their model's queue was full, or because their batch failed. */
  windowsDropped: number;
}

/** The batch queue and sliding windows of one model. */
class ModelLane {
  readonly windows = new Map<string, DeviceWindow>();
  queue: ReadyWindow[] = [];
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** The first failure not yet handed to anyone, when there is no onError. */
  failure: Error | undefined;

  constructor(readonly model: LoadedModel) {}
}

/**
 * Scores the telemetry of many devices with one or more models (edge-inference/README.md, "Runtime"). A gateway
 * feeds each device's samples as they arrive; every model keeps a sliding window per device, and the windows
 * they complete are batched across devices: one onnxruntime `run()` per batch, when the batch is full or its
 * oldest window has waited `maxDelayMs`. Batches of one model run one at a time; models run side by side.
 */
export class InferenceRuntime {
  readonly stats: InferenceRuntimeStats = { samplesFed: 0, windowsScored: 0, batchesRun: 0, windowsDropped: 0 };
  private readonly lanes: ModelLane[];
  private readonly maxBatchWindows: number;
  private readonly maxDelayMs: number;
  private readonly maxQueuedWindows: number;
  private closed = false;

  constructor(private readonly options: InferenceRuntimeOptions) {
    const names = options.models.map((model) => model.name);
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice !== undefined) throw new ModelLoadError(`two models are named '${twice}'; each needs its own name`);
    this.lanes = options.models.map((model) => new ModelLane(model));
    this.maxBatchWindows = positiveInteger(options.maxBatchWindows ?? DEFAULT_MAX_BATCH_WINDOWS, 'maxBatchWindows');
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 20);
    this.maxQueuedWindows = positiveInteger(options.maxQueuedWindows ?? 16 * this.maxBatchWindows, 'maxQueuedWindows');
  }

  /** The models, by name. */
  /** Windows ready and waiting for a run, over every model. */
  get queuedWindows(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.queue.length, 0);
  }

  /** At most this many windows go into one run(). */
  get batchWindows(): number {
    return this.maxBatchWindows;
  }

  get modelNames(): string[] {
    return this.lanes.map((lane) => lane.model.name);
  }

  /**
   * Checks every model against the metrics the devices declare (LoadedModel.checkAgainstDevices); the error
   * names each model and metric that no device declares.
   */
  checkAgainstDevices(metricNames: Iterable<string>): void {
    const declared = [...metricNames];
    const problems: string[] = [];
    for (const { model } of this.lanes) {
      try {
        model.checkAgainstDevices(declared);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new ModelLoadError(problems.join('\n'));
  }

  /** Adds one sample of a device; windows it completes join their models' next batches. */
  feed(deviceId: string, sample: MetricSample): void {
    if (this.closed) throw new Error('the inference runtime is closed');
    this.stats.samplesFed++;
    for (const lane of this.lanes) {
      let window = lane.windows.get(deviceId);
      if (window === undefined) {
        window = new DeviceWindow(lane.model.config, deviceId);
        lane.windows.set(deviceId, window);
      }
      const ready = window.push(sample);
      if (ready !== undefined) this.enqueue(lane, ready);
    }
  }

  /**
   * Queues a window completed elsewhere — one self-contained `window` message (docs/mqtt.md §8) — for the next
   * batch of `modelName`; its `deviceId` comes back on its ScoredWindow, so a caller may put any key there.
   */
  submit(modelName: string, window: ReadyWindow): void {
    if (this.closed) throw new Error('the inference runtime is closed');
    const lane = this.lanes.find((candidate) => candidate.model.name === modelName);
    if (lane === undefined) throw new Error(`no model '${modelName}' in this runtime`);
    if (window.values.length !== lane.model.valuesPerWindow) {
      throw new RangeError(`model '${modelName}' takes windows of ${lane.model.valuesPerWindow} values, not ${window.values.length}`);
    }
    this.enqueue(lane, window);
  }

  /** Forgets a device's windows (it was removed, or restarted with other metrics). */
  forgetDevice(deviceId: string): void {
    for (const lane of this.lanes) lane.windows.delete(deviceId);
  }

  /** Runs every waiting window now; resolves when all have been scored and handed to onScores. */
  async flush(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.drain(lane)));
    for (const lane of this.lanes) {
      const failure = lane.failure;
      lane.failure = undefined;
      if (failure !== undefined) throw failure;
    }
  }

  /** Scores what is waiting, then stops; the models stay loaded (their owner closes them). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
  }

  private enqueue(lane: ModelLane, window: ReadyWindow): void {
    lane.queue.push(window);
    if (lane.queue.length > this.maxQueuedWindows) {
      const excess = lane.queue.length - this.maxQueuedWindows;
      lane.queue.splice(0, excess);
      this.stats.windowsDropped += excess;
    }
    if (lane.running !== undefined) return; // the run in progress starts the next batch when it ends
    if (lane.queue.length >= this.maxBatchWindows) {
      this.startRun(lane);
    } else if (lane.timer === undefined) {
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        if (lane.running === undefined) this.startRun(lane);
      }, this.maxDelayMs);
    }
  }

  private startRun(lane: ModelLane): void {
    if (lane.timer !== undefined) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    if (lane.queue.length === 0) return;
    const batch = lane.queue.splice(0, this.maxBatchWindows);
    lane.running = this.runBatch(lane, batch).finally(() => {
      lane.running = undefined;
      // A full batch goes at once; a partial one waits out its delay as usual.
      if (lane.queue.length >= this.maxBatchWindows) this.startRun(lane);
      else if (lane.queue.length > 0 && lane.timer === undefined) {
        lane.timer = setTimeout(() => {
          lane.timer = undefined;
          if (lane.running === undefined) this.startRun(lane);
        }, this.maxDelayMs);
      }
    });
  }

  private async runBatch(lane: ModelLane, batch: ReadyWindow[]): Promise<void> {
    const { model } = lane;
    const perWindow = model.valuesPerWindow;
    const values = new Float32Array(batch.length * perWindow);
    batch.forEach((window, index) => values.set(window.values, index * perWindow));
    let verdicts: WindowVerdict[];
    try {
      verdicts = await model.score(values, batch.length);
    } catch (error) {
      this.stats.windowsDropped += batch.length;
      const failure = new Error(`model '${model.name}': a batch of ${batch.length} windows failed: ${(error as Error).message}`);
      if (this.options.onError) this.options.onError(failure, model.name);
      else lane.failure ??= failure;
      return;
    }
    this.stats.batchesRun++;
    this.stats.windowsScored += batch.length;
    this.options.onScores(batch.map((window, index) => scoredWindow(window, model.name, verdicts[index]!)));
  }

  private async drain(lane: ModelLane): Promise<void> {
    for (;;) {
      if (lane.running !== undefined) {
        await lane.running;
        continue;
      }
      if (lane.queue.length === 0) return;
      this.startRun(lane);
    }
  }
}

/** A window and its verdict, field by field: a rest pattern and two spreads per window cost more than the rest. */
function scoredWindow({ deviceId, fromTimeMs, toTimeMs, heldValues, toSeq }: ReadyWindow, model: string, verdict: WindowVerdict): ScoredWindow {
  if (verdict.kind === 'score') {
    return { deviceId, fromTimeMs, toTimeMs, heldValues, toSeq, model, kind: verdict.kind, score: verdict.score, anomalous: verdict.anomalous };
  }
  const { probabilities, label, anomalous } = verdict;
  return { deviceId, fromTimeMs, toTimeMs, heldValues, toSeq, model, kind: verdict.kind, probabilities, label, anomalous };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number, not ${value}`);
  return value;
}
