import type { BirthMessage } from '../gateway/messages.ts';
import { ALIASES_PER_SLOT } from './aliases.ts';
import { DataType } from './datatypes.ts';
import type { Metric } from './payload.ts';

/**
 * docs/mqtt.md §7 "Anomaly metrics": the closed loop's scores (§9.1) and anomaly states (§9.4) as device metrics,
 * `Anomaly/<model>/Score` (Double) and `Anomaly/<model>/Active` (Boolean), for the models that run on the device.
 */

/** `n` of model `i`'s score is this + 2i + 1, of its Active flag this + 2i + 2: above the control metrics' 513..522. */
export const ANOMALY_METRIC_BASE = 768;
/** The models the aliases can number: `n` stays below ALIASES_PER_SLOT. */
export const MAX_ANOMALY_MODELS = Math.floor((ALIASES_PER_SLOT - ANOMALY_METRIC_BASE - 1) / 2);

/** One result of the closed loop, as it publishes it. */
export type AnomalyResult =
  | { kind: 'score'; device: string; model: string; score: number; timeMs: number }
  | { kind: 'state'; device: string; model: string; anomalous: boolean; timeMs: number };

/** What the Edge Node reads of the closed loop (EdgeInference is one). */
export interface AnomalySource {
  /** The loaded models, in a fixed order, with the metrics a device's birth must declare for each to run on it. */
  readonly anomalyModels: readonly { name: string; metrics: readonly string[] }[];
  /** Each score and anomaly state as the loop publishes it; returns a function that stops listening. */
  onAnomalyResult(listener: (result: AnomalyResult) => void): () => void;
  /** The anomaly states published so far, to start from. */
  anomalyStates(): AnomalyResult[];
}

/** A device's latest score and state per model, from the results seen since the node started. */
export type AnomalyValues = Map<string, { score?: { value: number; timeMs: number }; active?: { value: boolean; timeMs: number } }>;

export function recordAnomalyResult(values: AnomalyValues, result: AnomalyResult): void {
  const entry = values.get(result.model) ?? {};
  if (result.kind === 'score') entry.score = { value: result.score, timeMs: result.timeMs };
  else entry.active = { value: result.anomalous, timeMs: result.timeMs };
  values.set(result.model, entry);
}

export class AnomalyMetrics {
  private readonly indexByModel: Map<string, number>;

  constructor(private readonly models: AnomalySource['anomalyModels']) {
    if (models.length > MAX_ANOMALY_MODELS) {
      throw new RangeError(`the Sparkplug profile numbers at most ${MAX_ANOMALY_MODELS} models' metrics; ${models.length} are loaded`);
    }
    this.indexByModel = new Map(models.map((model, index) => [model.name, index]));
  }

  /** The models whose metrics the birth declares: those the closed loop runs on the device. */
  private runsOn(birth: BirthMessage, model: string): boolean {
    const index = this.indexByModel.get(model);
    if (index === undefined) return false;
    const declared = new Set(birth.metrics.map((metric) => metric.name));
    return this.models[index]!.metrics.every((metric) => declared.has(metric));
  }

  /** The DBIRTH metrics, named, with the values seen so far (`is_null` before the first). */
  birthMetrics(slot: number, birth: BirthMessage, values: AnomalyValues, birthTimeMs: number): Metric[] {
    return this.models
      .filter((model) => this.runsOn(birth, model.name))
      .flatMap((model) => {
        const seen = values.get(model.name);
        return [
          { ...this.scoreMetric(slot, model.name, seen?.score?.value ?? null, seen?.score?.timeMs ?? birthTimeMs), name: `Anomaly/${model.name}/Score` },
          { ...this.activeMetric(slot, model.name, seen?.active?.value ?? null, seen?.active?.timeMs ?? birthTimeMs), name: `Anomaly/${model.name}/Active` },
        ];
      });
  }

  /** The DDATA metric of one result, by alias alone; undefined when its model does not run on the device. */
  dataMetric(slot: number, birth: BirthMessage, result: AnomalyResult): Metric | undefined {
    if (!this.runsOn(birth, result.model)) return undefined;
    return result.kind === 'score' ? this.scoreMetric(slot, result.model, result.score, result.timeMs) : this.activeMetric(slot, result.model, result.anomalous, result.timeMs);
  }

  private scoreMetric(slot: number, model: string, value: number | null, timeMs: number): Metric {
    return { alias: this.alias(slot, model, 1), timestampMs: timeMs, datatype: DataType.Double, value };
  }

  private activeMetric(slot: number, model: string, value: boolean | null, timeMs: number): Metric {
    return { alias: this.alias(slot, model, 2), timestampMs: timeMs, datatype: DataType.Boolean, value };
  }

  private alias(slot: number, model: string, offset: 1 | 2): number {
    return slot * ALIASES_PER_SLOT + ANOMALY_METRIC_BASE + 2 * this.indexByModel.get(model)! + offset;
  }
}
