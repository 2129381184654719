import type { WallTime } from '../../host/edge/gateway/messages.ts';
import type { ModelConfig } from '../runtime/model-config.ts';
import type { ScoredWindow } from '../runtime/inference-runtime.ts';
import type { LoadedModel, WindowVerdict } from '../runtime/loaded-model.ts';
import type { SessionTrack } from './device-tracks.ts';

/**
 * docs/mqtt.md §9.1: `wasmote/<edge>/<device>/score`, one per scored window. Times are the wall times of the
 * window's oldest and newest samples: their uptime on the offset `time − uptimeMs` of the session's latest data
 * message (§1's anchor, as the gateway applied it); `time` is the newest's, as a data message's is its reading's.
 */
export interface ScoreMessage {
  model: string;
  /** The model's version (LoadedModel.version): its file's hash. */
  modelVersion: string;
  /** Who scored it: `edge`, or `worker/<client id>` (§8). */
  source: string;
  time: WallTime;
  session: number;
  /** The `seq` of the window's newest data message: with `session` and `model`, the score's identity (§1). */
  seq?: number;
  /** The newest sample's device clock, beside `time` as in every device message (§1). */
  uptimeMs: number;
  fromTime: WallTime;
  toTime: WallTime;
  /** The metrics the window covered, in the model's order. */
  metrics: readonly string[];
  /** A score model's score; a class model's probability of its anomalous classes together. */
  score: number;
  /** A score model's threshold; null for a class model. */
  threshold: number | null;
  /** Which side of `threshold` is anomalous; null for a class model (its `anomalousClasses` are). */
  anomalousWhen: 'above' | 'below' | null;
  anomalous: boolean;
  /** Values in the window that repeat a reading the device did not send (edge-inference/README.md, "Windows"). */
  heldValues: number;
  /** A class model only. */
  label?: string;
  probabilities?: Record<string, number>;
}

/** What a model said about a window, as §9.1 spells it: the part of a score message shared by the edge and workers. */
export type VerdictFields = Pick<ScoreMessage, 'score' | 'threshold' | 'anomalousWhen' | 'anomalous' | 'label' | 'probabilities'>;

/** The model's part of a score message, shared by the edge and workers. */
export function modelFields(model: LoadedModel): Pick<ScoreMessage, 'model' | 'modelVersion' | 'metrics'> {
  return { model: model.name, modelVersion: model.version, metrics: model.config.metrics };
}

/** The score of a window: the model's own, or for a class model the probability of its anomalous classes. */
export function windowScore(verdict: WindowVerdict, config: ModelConfig): number {
  if (verdict.kind === 'score') return verdict.score;
  const output = config.output;
  if (output.kind !== 'class-probabilities') return Number.NaN;
  return output.anomalousClasses.reduce((sum, label) => sum + (verdict.probabilities[label] ?? 0), 0);
}

export function verdictFields(verdict: WindowVerdict, config: ModelConfig): VerdictFields {
  const fields: VerdictFields = {
    score: windowScore(verdict, config),
    threshold: config.output.kind === 'score' ? config.output.threshold : null,
    anomalousWhen: config.output.kind === 'score' ? config.output.anomalousWhen : null,
    anomalous: verdict.anomalous,
  };
  if (verdict.kind === 'class-probabilities') {
    fields.label = verdict.label;
    fields.probabilities = verdict.probabilities;
  }
  return fields;
}

/** §9.1's `source` of the edge's own scores. */
export const EDGE_SCORE_SOURCE = 'edge';

/**
 * The edge's score message of a window, in one literal in §9.1's order (the order JSON.stringify writes; it leaves
 * out the fields that are undefined): the edge makes one per scored window, and spreading objects into it was a
 * visible part of inference's cost.
 */
export function scoreMessage(window: ScoredWindow, model: LoadedModel, session: SessionTrack): ScoreMessage {
  const { config } = model;
  const { output } = config;
  const toTime = new Date(session.wallOffsetMs + window.toTimeMs).toISOString();
  const classModel = window.kind === 'class-probabilities';
  return {
    model: window.model,
    modelVersion: model.version,
    source: EDGE_SCORE_SOURCE,
    time: toTime,
    session: session.session,
    seq: window.toSeq,
    uptimeMs: window.toTimeMs,
    fromTime: new Date(session.wallOffsetMs + window.fromTimeMs).toISOString(),
    toTime,
    metrics: config.metrics,
    score: windowScore(window, config),
    threshold: output.kind === 'score' ? output.threshold : null,
    anomalousWhen: output.kind === 'score' ? output.anomalousWhen : null,
    anomalous: window.anomalous,
    heldValues: window.heldValues,
    label: classModel ? window.label : undefined,
    probabilities: classModel ? window.probabilities : undefined,
  };
}
