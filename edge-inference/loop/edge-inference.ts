import type { CommandAnswer, DeviceMessage, GatewayView } from '../../host/edge/gateway/messages.ts';
import { InferenceRuntime, type ScoredWindow } from '../runtime/inference-runtime.ts';
import type { LoadedModel } from '../runtime/loaded-model.ts';
import type { Alarm } from './alarm.ts';
import { ALARM_ACK_COMMAND, EDGE_PSEUDO_DEVICE, errorAnswer, parseAlarmAck, type AlarmAckAnswer } from './alarm-ack.ts';
import { AlarmBook, DEFAULT_CLEARED_ALARM_RETENTION, type AcknowledgeOutcome, type ClearedAlarmRetention } from './alarm-book.ts';
import { DeviceTracks } from './device-tracks.ts';
import { actionCommand, describeAnswer } from './rule-actions.ts';
import { RuleEngine } from './rule-engine.ts';
import { defaultRules, resolveRules, type RuleAction, type RulesFile } from './rules.ts';
import { scoreMessage, windowScore } from './score-message.ts';
import { SqliteAlarmStore } from './sqlite-alarm-store.ts';
import { edgeResultTopic, scoreTopic, type Publish } from './topics.ts';

/** Cleared alarms past their retention are looked for this often, besides at every clear. */
const PRUNE_INTERVAL_MS = 3600_000;

export interface EdgeInferenceOptions {
  /** Loaded models; their owner closes them after `stop()`. */
  models: readonly LoadedModel[];
  /** The rules (rules.ts); by default one rule per model with every default. */
  rules?: RulesFile;
  /** The SQLite file of the alarms, in the edge's data dir. */
  alarmStorePath: string;
  publish: Publish;
  /** Wall-clock ms since the epoch (default Date.now): acknowledgement times and the cleared alarms' retention. */
  wallClockMs?: () => number;
  log?: (line: string) => void;
  clearedAlarmRetention?: Partial<ClearedAlarmRetention>;
  /** Passed to each model's InferenceRuntime (edge-inference/README.md, "Batches"). */
  maxBatchWindows?: number;
  maxDelayMs?: number;
}

export interface EdgeInference {
  /** The alarms the edge keeps: active ones and the retained cleared ones. */
  alarms(): Alarm[];
  acknowledge(alarmId: string, by: string): AcknowledgeOutcome;
  /**
   * The gateway calls this with each message on `wasmote/<edge>/$edge/cmd/alarm-ack` (docs/mqtt.md §9.3); the
   * answer is published on `wasmote/<edge>/$edge/result` and returned. `retained`: the message was retained,
   * and is refused as §5.1 refuses a retained command.
   */
  handleAlarmAck(payload: Uint8Array | string, options?: { retained?: boolean }): Promise<AlarmAckAnswer>;
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
  book.prune();
  await book.republish();

  const tracks = new DeviceTracks();
  const commandsUnderWay = new Set<Promise<void>>();
  const lastCommandOf = new Map<string, Promise<void>>();

  /** A rule's actions, in order, each after the device's earlier commands: the LED ends as the last rule said. */
  const runActions = (alarm: Alarm, actions: readonly RuleAction[]): void => {
    const previous = lastCommandOf.get(alarm.device) ?? Promise.resolve();
    const done = previous.then(async () => {
      for (const action of actions) {
        const { command, payload } = actionCommand(action, alarm.ledBefore);
        const answer: CommandAnswer = await view.command(alarm.device, command, payload);
        log(`alarm ${alarm.id} ${alarm.device}: ${command} ${JSON.stringify(payload)} → ${describeAnswer(answer)}`);
        book.recordCommand(alarm, { command, payload, time: new Date(wallClockMs()).toISOString(), answer });
      }
    });
    lastCommandOf.set(alarm.device, done);
    commandsUnderWay.add(done);
    void done.finally(() => {
      commandsUnderWay.delete(done);
      if (lastCommandOf.get(alarm.device) === done) lastCommandOf.delete(alarm.device);
    });
  };

  const engine = new RuleEngine({ rules, book, ledOf: (device) => tracks.led(device), runActions });
  const modelsByName = new Map(options.models.map((model) => [model.name, model]));

  const onScores = (batch: ScoredWindow[]): void => {
    for (const window of batch) {
      const session = tracks.session(window.deviceId);
      // A window of a session that has since ended (the device rebooted) is stale.
      if (session === undefined) continue;
      const config = modelsByName.get(window.model)!.config;
      const message = scoreMessage(window, config, session);
      options.publish(scoreTopic(view.edgeId, session.device), message, { qos: 0, retain: false }).catch((error: Error) => {
        log(`score of ${session.device}: publishing failed: ${error.message}`);
      });
      engine.observe({ device: session.device, model: window.model, score: windowScore(window, config), anomalous: window.anomalous, atMs: Date.parse(message.toTime) });
    }
  };
  const runtimes = new Map(
    options.models.map((model) => [
      model.name,
      new InferenceRuntime({
        models: [model],
        maxBatchWindows: options.maxBatchWindows,
        maxDelayMs: options.maxDelayMs,
        onScores,
        onError: (error) => log(error.message),
      }),
    ]),
  );

  /** Per device, the runtimes of the models whose metrics its latest birth declares. */
  const applicable = new Map<string, InferenceRuntime[]>();
  const forget = (key: string | undefined): void => {
    if (key === undefined) return;
    for (const runtime of runtimes.values()) runtime.forgetDevice(key);
  };
  const onBirth = (device: string, birth: Parameters<DeviceTracks['birth']>[1]): void => {
    forget(tracks.birth(device, birth));
    const declared = tracks.metricNames(device);
    if (declared === undefined) {
      applicable.delete(device);
      return;
    }
    const chosen: InferenceRuntime[] = [];
    for (const model of options.models) {
      const missing = model.config.metrics.filter((metric) => !declared.has(metric));
      if (missing.length === 0) chosen.push(runtimes.get(model.name)!);
      else log(`model ${model.name} does not run on ${device}: its birth declares no ${missing.join(', ')}`);
    }
    applicable.set(device, chosen);
  };

  const onMessage = (message: DeviceMessage): void => {
    switch (message.kind) {
      case 'birth':
        onBirth(message.device, message.payload);
        break;
      case 'status':
        tracks.status(message.device, message.payload);
        break;
      case 'data': {
        const chosen = applicable.get(message.device);
        if (chosen === undefined || chosen.length === 0) break;
        const { track, forgottenKey } = tracks.data(message.device, message.payload);
        forget(forgottenKey);
        const sample = { timeMs: message.payload.uptimeMs, values: message.payload.values };
        for (const runtime of chosen) runtime.feed(track.key, sample);
        break;
      }
      default:
        break;
    }
  };

  for (const known of view.devices()) {
    if (known.birth !== null) onBirth(known.device, known.birth);
    tracks.status(known.device, known.status);
  }
  const stopListening = view.onMessage(onMessage);
  const pruneTimer = setInterval(() => book.prune(), PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  const flush = async (): Promise<void> => {
    await Promise.all([...runtimes.values()].map((runtime) => runtime.flush()));
  };

  return {
    alarms: () => book.list(),
    acknowledge: (alarmId, by) => book.acknowledge(alarmId, by),
    async handleAlarmAck(payload, ackOptions = {}) {
      const parsed = parseAlarmAck(payload);
      let answer: AlarmAckAnswer;
      if (!parsed.ok) answer = parsed.answer;
      else if (ackOptions.retained === true) answer = errorAnswer(parsed.request.id, 'retained', 'a retained command is never run');
      else {
        const { alarm: alarmId, by, id } = parsed.request;
        const outcome = book.acknowledge(alarmId, by);
        answer = outcome.ok
          ? {
              device: EDGE_PSEUDO_DEVICE,
              command: ALARM_ACK_COMMAND,
              ...(id === undefined ? {} : { id }),
              result: 'ok',
              origin: 'edge',
              alarm: alarmId,
              state: outcome.alarm.state,
              acknowledgedBy: outcome.alarm.acknowledgedBy!,
              acknowledgedAt: outcome.alarm.acknowledgedAt!,
            }
          : errorAnswer(id, outcome.error, outcome.detail);
      }
      try {
        await options.publish(edgeResultTopic(view.edgeId), answer, { qos: 1, retain: false });
      } catch (error) {
        log(`alarm-ack: publishing the answer failed: ${(error as Error).message}`);
      }
      return answer;
    },
    flush,
    async stop() {
      stopListening();
      clearInterval(pruneTimer);
      await Promise.all([...runtimes.values()].map((runtime) => runtime.close()));
      await Promise.all([...commandsUnderWay]);
      store.close();
    },
  };
}
