import type { WallTime } from '../../host/edge/gateway/messages.ts';
import type { Alarm } from './alarm.ts';
import type { AlarmBook } from './alarm-book.ts';
import type { Rule } from './rules.ts';
import { anomalyTopic, anomalyTopicLevels, type Publish } from './topics.ts';

/**
 * docs/mqtt.md §9.4: `wasmote/<edge>/<device>/anomaly/<model>`, retained: whether the device is anomalous under
 * the model, as its rules' alarms (§9.2) say, so a client that connects late knows it without replaying scores.
 */
export interface AnomalyStateMessage {
  device: string;
  model: string;
  /** The LoadedModel's version: its file's hash. */
  modelVersion: string;
  /** `anomalous` while an alarm of a rule reading this model is active on the device. */
  state: 'normal' | 'anomalous';
  /** The window time at which this state began: the first window scored, an alarm's opening or its clearing. */
  since: WallTime;
  /** The ids of those active alarms, oldest first; empty when normal. */
  alarms: string[];
}

export interface AnomalyStatesOptions {
  edgeId: string;
  rules: readonly Rule[];
  book: AlarmBook;
  /** Each loaded model's version, by name. */
  modelVersions: ReadonlyMap<string, string>;
  publish: Publish;
  /** Each state as it is published (not its removal). */
  onState: (state: AnomalyStateMessage) => void;
  log: (line: string) => void;
}

/** The retained anomaly state of every device and model the edge has scored, published when it changes. */
export class AnomalyStates {
  /** The latest state on the broker, by device and model: published in this run or read back at its start. */
  private readonly current = new Map<string, AnomalyStateMessage>();

  constructor(private readonly options: AnomalyStatesOptions) {}

  /**
   * At the edge's start, the retained states the broker holds for this edge (by topic): those of models no longer
   * loaded are removed, the others brought in line with the kept alarms; devices with an active alarm and no
   * retained state get one.
   */
  reconcile(retained: ReadonlyMap<string, Buffer>, nowMs: number): void {
    for (const [topic, payload] of retained) {
      const levels = anomalyTopicLevels(this.options.edgeId, topic);
      if (levels === undefined) continue;
      if (!this.options.modelVersions.has(levels.model)) {
        this.send(levels.device, levels.model, null);
        continue;
      }
      const state = parseState(payload);
      if (state !== undefined) this.current.set(stateKey(levels.device, levels.model), state);
      this.update(levels.device, levels.model, nowMs);
    }
    for (const alarm of this.options.book.activeAlarms()) this.update(alarm.device, alarm.model, nowMs);
  }

  /** Every state on the broker, as this run knows it. */
  all(): AnomalyStateMessage[] {
    return [...this.current.values()];
  }

  /** After the rules read a window of `model` on `device` whose newest sample is at `atMs`. */
  update(device: string, model: string, atMs: number): void {
    const version = this.options.modelVersions.get(model);
    if (version === undefined) return;
    // Once per scored window: plain loops, since the state rarely changes.
    const alarms: Alarm[] = [];
    for (const rule of this.options.rules) {
      if (rule.model !== model) continue;
      const active = this.options.book.active(device, rule.name);
      if (active !== undefined) alarms.push(active);
    }
    if (alarms.length > 1) alarms.sort((a, b) => Number(a.id) - Number(b.id));
    const state = alarms.length > 0 ? 'anomalous' : 'normal';
    const last = this.current.get(stateKey(device, model));
    if (last !== undefined && last.state === state && last.modelVersion === version && namesAlarms(last.alarms, alarms)) return;
    const ids = alarms.map((alarm) => alarm.id);
    const since =
      last?.state === state ? last.since : state === 'anomalous' ? alarms.map((alarm) => alarm.openedAt).sort()[0]! : new Date(atMs).toISOString();
    this.send(device, model, { device, model, modelVersion: version, state, since, alarms: ids });
  }

  /** The model no longer runs on the device (it was forgotten, or its birth lacks the model's metrics). */
  remove(device: string, model: string): void {
    if (this.current.has(stateKey(device, model))) this.send(device, model, null);
  }

  private send(device: string, model: string, state: AnomalyStateMessage | null): void {
    if (state === null) this.current.delete(stateKey(device, model));
    else {
      this.current.set(stateKey(device, model), state);
      this.options.onState(state);
    }
    // QoS 1, retained: a state, like §3.3's.
    this.options.publish(anomalyTopic(this.options.edgeId, device, model), state, { qos: 1, retain: true }).catch((error: Error) => {
      this.options.log(`anomaly state of ${device} under ${model}: publishing failed: ${error.message}`);
    });
  }
}

function stateKey(device: string, model: string): string {
  return `${device}\u0000${model}`;
}

function parseState(payload: Buffer): AnomalyStateMessage | undefined {
  try {
    const state = JSON.parse(payload.toString()) as AnomalyStateMessage;
    return (state.state === 'normal' || state.state === 'anomalous') && Array.isArray(state.alarms) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** `ids` are the ids of `alarms`, in their order. */
function namesAlarms(ids: readonly string[], alarms: readonly Alarm[]): boolean {
  return ids.length === alarms.length && ids.every((id, index) => id === alarms[index]!.id);
}
