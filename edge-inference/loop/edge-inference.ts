import type { FlowConsumer } from '../../host/edge/gateway/link-flow.ts';
import type { BirthMessage, DeviceMessage, GatewayView } from '../../host/edge/gateway/messages.ts';
import { DEFAULT_MAX_BATCH_WINDOWS, InferenceRuntime, type ScoredWindow } from '../runtime/inference-runtime.ts';
import type { LoadedModel } from '../runtime/loaded-model.ts';
import type { Alarm } from './alarm.ts';
import { answerAlarmAck, type AlarmAckAnswer } from './alarm-ack.ts';
import { AlarmBook, DEFAULT_CLEARED_ALARM_RETENTION, type AcknowledgeOutcome, type ClearedAlarmRetention } from './alarm-book.ts';
import { DeviceTracks } from './device-tracks.ts';
import { RuleCommands } from './rule-commands.ts';
import { RuleEngine } from './rule-engine.ts';
import { defaultRules, resolveRules, type RulesFile } from './rules.ts';
import type { AnomalyResult, AnomalySource } from '../../host/edge/sparkplug/anomaly-metrics.ts';
import { AnomalyStates, type AnomalyStateMessage } from './anomaly-state.ts';
import { scoreMessage, windowScore } from './score-message.ts';
import { SqliteAlarmStore } from './sqlite-alarm-store.ts';
import { TelemetryIntake } from './telemetry-intake.ts';
import { alarmIdOf, alarmsFilter, anomalyFilter, scoreTopic, type Publish } from './topics.ts';

/** Cleared alarms past their retention are looked for this often, besides at every clear. */
const PRUNE_INTERVAL_MS = 3600_000;
/** docs/edge.md, "Backpressure": the links pause while this many batches of windows wait to be scored... */
const HOLD_LINKS_AT_BATCHES = 8;
/** ...and read again once fewer than this many wait. */
const RESUME_LINKS_BELOW_BATCHES = 2;
/** The runtime's bound on waiting windows when the links pause for it: a turn's burst fits with room to spare. */
const QUEUED_BATCHES_WITH_HOLD = 64;

export interface EdgeInferenceOptions {
  /** Loaded models; their owner closes them after `stop()`. */
  models: readonly LoadedModel[];
  /** The rules (rules.ts); by default one rule per model with every default. */
  rules?: RulesFile;
  /** The SQLite file of the alarms, in the edge's data dir. */
  alarmStorePath: string;
  publish: Publish;
  /**
   * The retained messages the broker holds under a filter (Gateway.readRetained): at its start the loop reads its
   * alarm topics and anomaly states back to reconcile them with its store (docs/mqtt.md §9.2, §9.4).
   */
  readRetained?: (filter: string) => Promise<ReadonlyMap<string, Buffer>>;
  /** Wall-clock ms since the epoch (default Date.now): acknowledgement times and the cleared alarms' retention. */
  wallClockMs?: () => number;
  log?: (line: string) => void;
  clearedAlarmRetention?: Partial<ClearedAlarmRetention>;
  /**
   * The gateway's backpressure (docs/edge.md, "Backpressure", Gateway.holdLinksFor): with it, the device links
   * pause while windows pile up faster than the models score them, instead of the runtime dropping the oldest.
   */
  holdLinks?: (consumer: FlowConsumer) => { changed(): void; remove(): void };
  /** Passed to each model's InferenceRuntime (edge-inference/README.md, "Batches"). */
  maxBatchWindows?: number;
  maxDelayMs?: number;
}

export interface EdgeInference extends AnomalySource {
  /** The alarms the edge keeps: active ones and the retained cleared ones. */
  alarms(): Alarm[];
  acknowledge(alarmId: string, by: string): AcknowledgeOutcome;
  /**
   * The answer to one message on `wasmote/<edge>/$edge/cmd/alarm-ack` (docs/mqtt.md §9.3), which the gateway
   * publishes as it publishes a command's (§5.1). `retained`: the message was retained, and is refused as §5.1
   * refuses a retained command.
   */
  answerAlarmAck(payload: Uint8Array | string, options?: { retained?: boolean }): AlarmAckAnswer;
  /**
   * Windows scored and dropped so far, over every model: a runtime that cannot keep up drops its oldest waiting
   * windows (edge-inference/README.md, "Batches").
   */
  windowCounts(): { scored: number; dropped: number };
  /** Scores every waiting window now; the rules read them and send their commands (not waited for). */
  flush(): Promise<void>;
  /** Stops listening, scores what waits, waits for the commands under way, closes the alarm store. */
  stop(): Promise<void>;
}

/**
 * Inference on live telemetry and the closed loop (issue 12): every device's data goes into one InferenceRuntime
 * per model whose metrics its birth declares; each scored window is published on `wasmote/<edge>/<device>/score`
 * and read by the rules, whose alarms are kept in SQLite and published retained, and whose commands go to the
 * device through the gateway (docs/mqtt.md §5, §9).
 */
export async function startEdgeInference(view: GatewayView, options: EdgeInferenceOptions): Promise<EdgeInference> {
  const log = options.log ?? (() => {});
  const wallClockMs = options.wallClockMs ?? Date.now;
  const rules = resolveRules(options.rules ?? defaultRules(options.models), options.models);
  const store = new SqliteAlarmStore(options.alarmStorePath);
  const book = new AlarmBook({
    edgeId: view.edgeId,
    store,
    publish: options.publish,
    retention: { ...DEFAULT_CLEARED_ALARM_RETENTION, ...options.clearedAlarmRetention },
    wallClockMs,
    log,
  });
  const resultListeners = new Set<(result: AnomalyResult) => void>();
  const emitResult = (result: AnomalyResult): void => {
    for (const listener of resultListeners) listener(result);
  };
  const tracks = new DeviceTracks();
  const commands = new RuleCommands(view, book, wallClockMs, log);
  const engine = new RuleEngine({ rules, book, ledOf: (device) => tracks.led(device), runActions: (alarm, actions) => commands.run(alarm, actions) });
  const modelsByName = new Map(options.models.map((model) => [model.name, model]));
  const states = new AnomalyStates({
    edgeId: view.edgeId,
    rules,
    book,
    modelVersions: new Map(options.models.map((model) => [model.name, model.version])),
    publish: options.publish,
    onState: (state) => emitResult(stateResult(state)),
    log,
  });

  // docs/mqtt.md §9.2, §9.4: the store and the broker's retained topics agree before the first window.
  engine.endOrphans(new Set(modelsByName.keys()), wallClockMs());
  book.prune();
  // A read that fails leaves what the broker retains as it is: the kept alarms are still republished.
  const readRetained = async (filter: string): Promise<ReadonlyMap<string, Buffer>> => {
    try {
      return (await options.readRetained?.(filter)) ?? new Map();
    } catch (error) {
      log(`reading the retained ${filter} failed: ${(error as Error).message}`);
      return new Map();
    }
  };
  const retainedAlarmIds = [...(await readRetained(alarmsFilter(view.edgeId))).keys()].flatMap((topic) => alarmIdOf(view.edgeId, topic) ?? []);
  await book.reconcile(retainedAlarmIds);
  states.reconcile(await readRetained(anomalyFilter(view.edgeId)), wallClockMs());

  const onScores = (batch: ScoredWindow[]): void => {
    for (const window of batch) {
      const session = tracks.session(window.deviceId);
      // A window of a session that has since ended (the device rebooted) is stale.
      if (session === undefined) continue;
      const model = modelsByName.get(window.model)!;
      const message = scoreMessage(window, model, session);
      options.publish(scoreTopic(view.edgeId, session.device), message, { qos: 0, retain: false }).catch((error: Error) => {
        log(`score of ${session.device}: publishing failed: ${error.message}`);
      });
      const atMs = Math.trunc(session.wallOffsetMs + window.toTimeMs); // message.toTime, as Date truncates it
      engine.observe({ device: session.device, model: window.model, score: windowScore(window, model.config), anomalous: window.anomalous, atMs });
      emitResult({ kind: 'score', device: session.device, model: window.model, score: message.score, timeMs: atMs });
      states.update(session.device, window.model, atMs);
    }
    hold?.changed();
  };
  // One runtime per model: each is fed only the devices whose births declare its metrics.
  const runtimes = new Map(
    options.models.map((model) => [
      model.name,
      new InferenceRuntime({
        models: [model],
        maxBatchWindows: options.maxBatchWindows,
        maxDelayMs: options.maxDelayMs,
        // Held back by the links' pause, the queue stays far below this; without it, the runtime's own bound holds.
        ...(options.holdLinks && { maxQueuedWindows: QUEUED_BATCHES_WITH_HOLD * (options.maxBatchWindows ?? DEFAULT_MAX_BATCH_WINDOWS) }),
        onScores,
        onError: (error) => {
          log(error.message);
          // A failed batch has left the queue too: the links may read again.
          hold?.changed();
        },
      }),
    ]),
  );
  const intake = new TelemetryIntake(options.models, runtimes, tracks, log);
  // The links pause at this many batches waiting, and read again below a couple: the runtime never has to drop.
  const batchWindows = Math.max(0, ...[...runtimes.values()].map((runtime) => runtime.batchWindows));
  const hold = options.holdLinks?.({
    backlog: () => Math.max(0, ...[...runtimes.values()].map((runtime) => runtime.queuedWindows)),
    pauseAt: HOLD_LINKS_AT_BATCHES * batchWindows,
    resumeBelow: RESUME_LINKS_BELOW_BATCHES * batchWindows,
  });

  /** docs/mqtt.md §9.2: a model that no longer runs on a device clears its alarms there, and §9.4 its state. */
  const onBirth = (device: string, birth: BirthMessage | null): void => {
    const running = intake.birth(device, birth);
    const ended = (model: string): boolean => !running.has(model);
    engine.endAlarms(device, birth === null ? 'device-forgotten' : 'model-not-applicable', ended, wallClockMs());
    for (const model of modelsByName.keys()) if (ended(model)) states.remove(device, model);
  };
  const onMessage = (message: DeviceMessage): void => {
    if (message.kind === 'birth') onBirth(message.device, message.payload);
    else if (message.kind === 'status') tracks.status(message.device, message.payload);
    else if (message.kind === 'data') intake.data(message.device, message.payload);
  };
  for (const known of view.devices()) {
    if (known.birth !== null) onBirth(known.device, known.birth);
    tracks.status(known.device, known.status);
  }
  const stopListening = view.onMessage(onMessage);
  const pruneTimer = setInterval(() => book.prune(), PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  return {
    anomalyModels: options.models.map((model) => ({ name: model.name, metrics: [...model.config.metrics] })),
    anomalyStates: () => states.all().map(stateResult),
    onAnomalyResult(listener) {
      resultListeners.add(listener);
      return () => resultListeners.delete(listener);
    },
    alarms: () => book.list(),
    acknowledge: (alarmId, by) => book.acknowledge(alarmId, by),
    answerAlarmAck: (payload, ackOptions = {}) => answerAlarmAck(book, payload, ackOptions.retained === true),
    windowCounts() {
      const all = [...runtimes.values()].map((runtime) => runtime.stats);
      return { scored: all.reduce((sum, stats) => sum + stats.windowsScored, 0), dropped: all.reduce((sum, stats) => sum + stats.windowsDropped, 0) };
    },
    async flush() {
      await Promise.all([...runtimes.values()].map((runtime) => runtime.flush()));
    },
    async stop() {
      stopListening();
      hold?.remove();
      clearInterval(pruneTimer);
      await Promise.all([...runtimes.values()].map((runtime) => runtime.close()));
      await commands.settled();
      store.close();
    },
  };
}

/** An anomaly state (docs/mqtt.md §9.4) as the Sparkplug profile reads it (§7). */
function stateResult(state: AnomalyStateMessage): AnomalyResult {
  return { kind: 'state', device: state.device, model: state.model, anomalous: state.state === 'anomalous', timeMs: Date.parse(state.since) };
}
