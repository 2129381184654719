/**
 * A processing worker (docs/mqtt.md §8, issue 11): takes its share of the `window` messages of a group through an
 * MQTT 5 shared subscription, scores each with the models, and publishes each score on
 * `wasmote/<edge>/<device>/score` as §9.1 spells it, naming the worker. The alarm rules stay in the edge.
 */
import type { MqttClient } from 'mqtt';
import { InferenceRuntime, type ScoredWindow } from '../runtime/inference-runtime.ts';
import type { LoadedModel } from '../runtime/loaded-model.ts';
import type { ScoreMessage } from '../loop/score-message.ts';
import { modelFields, verdictFields } from '../loop/score-message.ts';
import { scoreTopic } from '../loop/topics.ts';
import { messageWindow, parseWindowMessage, windowSource } from './window-message.ts';

/** §9.1 with the window message's `seq` (with `session`, the key of the window message it scores) and the worker. */
export interface WorkerScoreMessage extends ScoreMessage {
  seq: number;
  /** The worker's MQTT client id; `source` is `worker/<it>`. */
  worker: string;
}

export interface ScoreWorkerOptions {
  /** Connected with MQTT 5 (a shared subscription is MQTT 5, §4.8.2). */
  client: MqttClient;
  models: readonly LoadedModel[];
  /** The share name: workers of one group split the messages between them. */
  group: string;
  /** An edge id, or `+` for every edge. */
  edge: string;
  /** The worker's name in its scores: its client id. */
  worker: string;
  /** A window waits at most this long for its batch (default 5 ms). */
  maxDelayMs?: number;
  log(line: string): void;
}

export interface ScoreWorkerStats {
  windowsReceived: number;
  /** Windows scored, one per message and model. */
  windowsScored: number;
  /** Message and model pairs left out: the message held fewer values of a metric than the model's window. */
  windowsTooShort: number;
  messagesMalformed: number;
}

export interface ScoreWorker {
  readonly stats: ScoreWorkerStats;
  /** Leaves the group, scores and publishes what it took, then ends the connection. */
  stop(): Promise<void>;
}

/** `$share/<group>/<filter>`: MQTT 5 §4.8.2. */
export function sharedWindowFilter(group: string, edge: string): string {
  return `$share/${group}/wasmote/${edge}/+/window`;
}

interface PendingWindow {
  edge: string;
  device: string;
  session: number;
  seq: number;
  uptimeMs: number;
  fromTime: string;
  toTime: string;
  /** Models still to score it. */
  modelsLeft: number;
}

export async function startScoreWorker(options: ScoreWorkerOptions): Promise<ScoreWorker> {
  const { client, models, worker, log } = options;
  const stats: ScoreWorkerStats = { windowsReceived: 0, windowsScored: 0, windowsTooShort: 0, messagesMalformed: 0 };
  const modelsByName = new Map(models.map((model) => [model.name, model]));
  const pending = new Map<string, PendingWindow>();
  const publishing = new Set<Promise<unknown>>();
  const birthsSeen = new Set<string>();

  const publishScores = (scored: ScoredWindow[]): void => {
    for (const window of scored) {
      const source = pending.get(window.deviceId);
      if (source === undefined) continue;
      if (--source.modelsLeft === 0) pending.delete(window.deviceId);
      stats.windowsScored++;
      const model = modelsByName.get(window.model)!;
      const message: WorkerScoreMessage = {
        ...modelFields(model),
        source: `worker/${worker}`,
        time: source.toTime,
        session: source.session,
        seq: source.seq,
        uptimeMs: source.uptimeMs,
        fromTime: source.fromTime,
        toTime: source.toTime,
        ...verdictFields(window, model.config),
        heldValues: window.heldValues,
        worker,
      };
      // §2: scores are QoS 0, not retained.
      const sent = client.publishAsync(scoreTopic(source.edge, source.device), JSON.stringify(message), { qos: 0 });
      publishing.add(sent);
      sent.then(
        () => publishing.delete(sent),
        (error: Error) => {
          publishing.delete(sent);
          log(`cannot publish a score: ${error.message}`);
        },
      );
    }
  };
  const runtime = new InferenceRuntime({
    models,
    maxDelayMs: options.maxDelayMs ?? 5,
    onScores: publishScores,
    onError: (error) => log(error.message),
  });

  const onWindow = (topic: string, payload: Buffer): void => {
    const source = windowSource(topic);
    if (source === undefined) return;
    stats.windowsReceived++;
    const message = parseWindowMessage(payload.toString());
    if (typeof message === 'string') {
      stats.messagesMalformed++;
      log(`${topic}: ${message}`);
      return;
    }
    const key = `${source.edge}/${source.device}:${message.session}:${message.seq}`;
    const windows = models.map((model) => ({ model, found: messageWindow(message, model.config, key) }));
    const ready = windows.filter((entry) => entry.found !== undefined);
    stats.windowsTooShort += windows.length - ready.length;
    if (ready.length === 0) return;
    const { fromTime, toTime } = ready[0]!.found!;
    pending.set(key, { ...source, session: message.session, seq: message.seq, uptimeMs: message.uptimeMs, fromTime, toTime, modelsLeft: ready.length });
    for (const { model, found } of ready) runtime.submit(model.name, found!.window);
  };

  const onBirth = (topic: string, payload: Buffer): void => {
    const [, edge, device] = topic.split('/');
    const name = `${edge}/${device}`;
    if (payload.length === 0) {
      birthsSeen.delete(name); // §3.6: the device was removed
      return;
    }
    if (birthsSeen.has(name)) return;
    birthsSeen.add(name);
    let metrics: string[] = [];
    try {
      metrics = (JSON.parse(payload.toString()) as { metrics?: { name: string }[] }).metrics?.map((metric) => metric.name) ?? [];
    } catch {
      return;
    }
    for (const model of models) {
      const missing = model.config.metrics.filter((metric) => !metrics.includes(metric));
      if (missing.length > 0) log(`${name} lacks ${missing.join(', ')}: model '${model.name}' will not score it`);
    }
  };

  client.on('message', (topic, payload) => {
    if (topic.endsWith('/window')) onWindow(topic, payload);
    else if (topic.endsWith('/birth')) onBirth(topic, payload);
  });
  const windowFilter = sharedWindowFilter(options.group, options.edge);
  // QoS 1, so that an edge publishing with --data-qos 1 hands each message on until a worker has it.
  await client.subscribeAsync({ [windowFilter]: { qos: 1 }, [`wasmote/${options.edge}/+/birth`]: { qos: 1 } });

  let stopping: Promise<void> | undefined;
  return {
    stats,
    stop() {
      stopping ??= (async () => {
        if (client.connected) await client.unsubscribeAsync(windowFilter).catch(() => {});
        await runtime.close();
        await Promise.allSettled([...publishing]);
        await client.endAsync();
      })();
      return stopping;
    },
  };
}
