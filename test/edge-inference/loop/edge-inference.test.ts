/**
 * startEdgeInference on scripted gateway messages (edge-inference/loop/edge-inference.ts) with the shipped
 * detector: a model runs only on devices whose birth declares its metrics, score times come from the data
 * messages' own `time`, a new session starts the windows afresh, and `alarm-ack` is answered as §5.3 answers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import type { BirthMessage, CommandAnswer, DeviceMessage, GatewayView } from '../../../host/edge/gateway/messages.ts';
import { startEdgeInference, type EdgeInference } from '../../../edge-inference/loop/edge-inference.ts';
import { loadInferenceSetup } from '../../../edge-inference/loop/inference-setup.ts';
import { parseRules, RulesError } from '../../../edge-inference/loop/rules.ts';
import { LoadedModel } from '../../../edge-inference/runtime/loaded-model.ts';
import { SqliteAlarmStore } from '../../../edge-inference/loop/sqlite-alarm-store.ts';

const T0_MS = Date.parse('2026-12-04T08:00:00.250Z');

/** A view whose messages the test sends; commands are answered ok at once. */
class ScriptedView implements GatewayView {
  readonly edgeId = 'lab';
  readonly edgeSession = 7;
  private readonly listeners = new Set<(message: DeviceMessage) => void>();
  onMessage(listener: (message: DeviceMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  devices(): ReturnType<GatewayView['devices']> {
    return [];
  }
  readonly commands: { device: string; command: string; payload: Record<string, unknown> }[] = [];
  async command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer> {
    this.commands.push({ device, command, payload });
    return { device, command, result: 'ok', origin: 'app', status: 'OK', statusCode: 0, cached: false, rttMs: 1 };
  }
  send(message: DeviceMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

let model: LoadedModel;
let scratch: string;
let view: ScriptedView;
let published: { topic: string; payload: Record<string, unknown> | null }[];
let lines: string[];
let edge: EdgeInference;
beforeAll(async () => {
  model = await LoadedModel.fromConfigFile(path.join(PROJECT_ROOT, 'edge-inference', 'models', 'sensor-node-anomaly.json'));
});
afterAll(async () => {
  await model?.close();
});
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-inference-'));
  view = new ScriptedView();
  published = [];
  lines = [];
  edge = await startEdgeInference(view, {
    models: [model],
    alarmStorePath: path.join(scratch, 'alarms.sqlite'),
    publish: async (topic, payload) => void published.push({ topic, payload: payload as Record<string, unknown> | null }),
    log: (line) => lines.push(line),
  });
});
afterEach(async () => {
  await edge.stop();
  await rm(scratch, { recursive: true, force: true });
});

function birth(device: string, session: number, metricNames: readonly string[]): DeviceMessage {
  const payload = { device, session, metrics: metricNames.map((name, id) => ({ id, name, unit: '', kind: 'number' })) } as unknown as BirthMessage;
  return { device, kind: 'birth', payload };
}

/** A reading with each metric at the model's own mean (a sensor stuck there, so anomalous: not what these tests read). */
function data(device: string, session: number, uptimeMs: number, timeMs: number, seq = 0): DeviceMessage {
  const values = Object.fromEntries(model.config.metrics.map((metric) => [metric, model.config.scaling[metric]?.offset ?? 0]));
  return { device, kind: 'data', payload: { time: new Date(timeMs).toISOString(), uptimeMs, session, seq, values } };
}

/** Enough stuck readings for the default rule's three anomalous windows in a row: the alarm opens. */
async function openAlarm(device: string): Promise<void> {
  view.send(birth(device, 1, model.config.metrics));
  for (let index = 0; index < model.config.window.length + 2; index++) view.send(data(device, 1, index * 1000, T0_MS + index * 1000, index));
  await edge.flush();
}

const anomalyStates = (device: string) => published.filter((entry) => entry.topic === `wasmote/lab/${device}/anomaly/sensor-node-anomaly`).map((entry) => entry.payload);

const scores = () => published.filter((entry) => entry.topic.endsWith('/score'));

describe('edge inference on gateway messages', () => {
  it('runs a model only on devices whose birth declares all its metrics', async () => {
    view.send(birth('partial', 1, model.config.metrics.slice(0, 2)));
    view.send(birth('full', 1, model.config.metrics));
    for (let index = 0; index < 8; index++) {
      view.send(data('partial', 1, index * 1000, T0_MS + index * 1000));
      view.send(data('full', 1, index * 1000, T0_MS + index * 1000));
    }
    await edge.flush();
    expect(scores().map((entry) => entry.topic)).toEqual(['wasmote/lab/full/score']);
    expect(lines).toContainEqual(expect.stringMatching(/^model sensor-node-anomaly does not run on partial: its birth declares no sht31.humidity, bme280.temperature/));
  });

  it('gives scores the wall times of the data messages, and starts afresh on a new session', async () => {
    view.send(birth('d1', 1, model.config.metrics));
    // Uptime and wall time on different bases: the score's times follow the messages' `time`.
    for (let index = 0; index < 9; index++) view.send(data('d1', 1, 5000 + index * 1000, T0_MS + index * 1000, 100 + index));
    await edge.flush();
    expect(scores().map((entry) => entry.payload)).toEqual([
      expect.objectContaining({ model: 'sensor-node-anomaly', session: 1, seq: 107, uptimeMs: 12_000, fromTime: '2026-12-04T08:00:00.250Z', toTime: '2026-12-04T08:00:07.250Z', time: '2026-12-04T08:00:07.250Z', heldValues: 0 }),
      expect.objectContaining({ fromTime: '2026-12-04T08:00:01.250Z', toTime: '2026-12-04T08:00:08.250Z' }),
    ]);
    view.send(birth('d1', 2, model.config.metrics));
    for (let index = 0; index < 7; index++) view.send(data('d1', 2, index * 1000, T0_MS + 60_000 + index * 1000));
    await edge.flush();
    expect(scores()).toHaveLength(2);
    view.send(data('d1', 2, 7000, T0_MS + 67_000));
    await edge.flush();
    expect(scores().at(-1)!.payload).toMatchObject({ session: 2, fromTime: '2026-12-04T08:01:00.250Z' });
  });

  it("holds the gateway's links while windows wait, and lets them go as the model scores them: none is dropped", async () => {
    await edge.stop();
    const held: { backlog(): number; pauseAt: number; resumeBelow: number }[] = [];
    let changes = 0;
    let removed = false;
    edge = await startEdgeInference(view, {
      models: [model],
      alarmStorePath: path.join(scratch, 'held.sqlite'),
      publish: async () => {},
      maxBatchWindows: 16,
      holdLinks: (consumer) => {
        held.push(consumer);
        return { changed: () => changes++, remove: () => (removed = true) };
      },
    });
    expect(held).toHaveLength(1);
    const [consumer] = held;
    expect([consumer!.pauseAt, consumer!.resumeBelow]).toEqual([8 * 16, 2 * 16]);
    // 300 devices' eighth reading in one turn: 300 windows ready at once, more than the runtime's own bound
    // without a hold (16 batches of 16), while the first run is under way.
    const devices = Array.from({ length: 300 }, (_, n) => `d${n}`);
    for (const device of devices) view.send(birth(device, 1, model.config.metrics));
    for (let index = 0; index < model.config.window.length; index++) {
      for (const device of devices) view.send(data(device, 1, index * 1000, T0_MS + index * 1000, index));
    }
    expect(consumer!.backlog()).toBeGreaterThanOrEqual(consumer!.pauseAt);
    await edge.flush();
    expect(consumer!.backlog()).toBe(0);
    expect(changes).toBeGreaterThanOrEqual(Math.ceil(300 / 16));
    expect(edge.windowCounts()).toEqual({ scored: 300, dropped: 0 });
    await edge.stop();
    expect(removed).toBe(true);
    edge = await startEdgeInference(view, { models: [model], alarmStorePath: path.join(scratch, 'after.sqlite'), publish: async () => {} });
  });

  it('makes each score readable alone: model version, source, metrics, threshold and its direction', async () => {
    view.send(birth('d1', 1, model.config.metrics));
    for (let index = 0; index < 8; index++) view.send(data('d1', 1, index * 1000, T0_MS + index * 1000, index));
    await edge.flush();
    expect(scores()[0]!.payload).toMatchObject({
      modelVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
      source: 'edge',
      seq: 7,
      // The shipped config's metrics, in its order.
      metrics: ['tmp102.temperature', 'sht31.temperature', 'sht31.humidity', 'bme280.temperature', 'bme280.pressure', 'bme280.humidity', 'mpu6050.accel_x', 'mpu6050.accel_y', 'mpu6050.accel_z', 'mpu6050.gyro_x', 'mpu6050.gyro_y', 'mpu6050.gyro_z', 'mpu6050.temperature'],
      threshold: 3.2104966967237623,
      anomalousWhen: 'above',
    });
  });

  it('keeps a retained anomaly state per device and model, with its open alarm', async () => {
    await openAlarm('d1');
    const [alarm] = edge.alarms();
    expect(alarm).toMatchObject({ device: 'd1', state: 'open' });
    expect(anomalyStates('d1')).toEqual([
      expect.objectContaining({ device: 'd1', model: 'sensor-node-anomaly', modelVersion: model.version, state: 'normal', since: '2026-12-04T08:00:07.250Z', alarms: [] }),
      expect.objectContaining({ state: 'anomalous', since: alarm!.openedAt, alarms: [alarm!.id] }),
    ]);
  });

  it('clears the alarms of a forgotten device, and removes its anomaly state', async () => {
    await openAlarm('d1');
    view.send({ device: 'd1', kind: 'birth', payload: null });
    expect(edge.alarms()).toEqual([expect.objectContaining({ device: 'd1', state: 'cleared', clearReason: 'device-forgotten' })]);
    expect(anomalyStates('d1').at(-1)).toBeNull();
    expect(view.commands.map((entry) => entry.payload)).toEqual([{ mode: 'blink', periodMs: 200 }]);
  });

  it('clears an alarm whose model the device no longer declares, and restores its LED', async () => {
    await openAlarm('d1');
    view.send(birth('d1', 2, model.config.metrics.slice(1)));
    await edge.stop();
    expect(edge.alarms()).toEqual([expect.objectContaining({ state: 'cleared', clearReason: 'model-not-applicable' })]);
    expect(anomalyStates('d1').at(-1)).toBeNull();
    expect(view.commands.map((entry) => entry.payload)).toEqual([{ mode: 'blink', periodMs: 200 }, { mode: 'off' }]);
  });

  it('at a restart clears alarms of models it no longer loads, and reconciles the retained topics with its store', async () => {
    await openAlarm('d1');
    await edge.stop();
    const [kept] = edge.alarms();
    const orphanStore = new SqliteAlarmStore(path.join(scratch, 'alarms.sqlite'));
    const { id: _keptId, ...fields } = kept!;
    const orphan = orphanStore.create({ ...fields, rule: 'bearing', model: 'bearing' });
    orphanStore.close();
    const retained = new Map([
      ['wasmote/lab/$edge/alarms/+', ['wasmote/lab/$edge/alarms/99', `wasmote/lab/$edge/alarms/${kept!.id}`]],
      ['wasmote/lab/+/anomaly/+', ['wasmote/lab/d7/anomaly/sensor-node-anomaly', 'wasmote/lab/d1/anomaly/bearing']],
    ]);
    const retainedPayloads = new Map<string, Buffer>([
      ['wasmote/lab/$edge/alarms/99', Buffer.from('{"id":"99"}')],
      [`wasmote/lab/$edge/alarms/${kept!.id}`, Buffer.from(JSON.stringify(kept))],
      ['wasmote/lab/d7/anomaly/sensor-node-anomaly', Buffer.from(JSON.stringify({ device: 'd7', model: 'sensor-node-anomaly', modelVersion: model.version, state: 'anomalous', since: '2026-12-04T07:00:00.000Z', alarms: ['5'] }))],
      ['wasmote/lab/d1/anomaly/bearing', Buffer.from('{"state":"normal","alarms":[]}')],
    ]);
    published = [];
    const filters: string[] = [];
    edge = await startEdgeInference(view, {
      models: [model],
      alarmStorePath: path.join(scratch, 'alarms.sqlite'),
      publish: async (topic, payload) => void published.push({ topic, payload: payload as Record<string, unknown> | null }),
      readRetained: async (filter) => {
        filters.push(filter);
        return new Map((retained.get(filter) ?? []).map((topic) => [topic, retainedPayloads.get(topic)!]));
      },
      wallClockMs: () => T0_MS + 3_600_000,
    });
    expect(filters).toEqual(['wasmote/lab/$edge/alarms/+', 'wasmote/lab/+/anomaly/+']);
    expect(edge.alarms().find((alarm) => alarm.id === orphan.id)).toMatchObject({ state: 'cleared', clearReason: 'model-unloaded', clearedAt: '2026-12-04T09:00:00.250Z' });
    expect(edge.alarms().find((alarm) => alarm.id === kept!.id)).toMatchObject({ state: 'open' });
    const byTopic = (topic: string) => published.filter((entry) => entry.topic === topic).map((entry) => entry.payload);
    expect(byTopic('wasmote/lab/$edge/alarms/99')).toEqual([null]);
    expect(byTopic(`wasmote/lab/$edge/alarms/${orphan.id}`).at(-1)).toMatchObject({ state: 'cleared' });
    expect(byTopic('wasmote/lab/d1/anomaly/bearing')).toEqual([null]);
    expect(byTopic('wasmote/lab/d7/anomaly/sensor-node-anomaly')).toEqual([expect.objectContaining({ state: 'normal', alarms: [], since: '2026-12-04T09:00:00.250Z' })]);
    expect(byTopic('wasmote/lab/d1/anomaly/sensor-node-anomaly')).toEqual([expect.objectContaining({ state: 'anomalous', alarms: [kept!.id], since: kept!.openedAt })]);
  });

  it('starts when the retained topics cannot be read, and says so', async () => {
    await openAlarm('d1');
    await edge.stop();
    published = [];
    edge = await startEdgeInference(view, {
      models: [model],
      alarmStorePath: path.join(scratch, 'alarms.sqlite'),
      publish: async (topic, payload) => void published.push({ topic, payload: payload as Record<string, unknown> | null }),
      readRetained: async () => {
        throw new Error('connection closed');
      },
      log: (line) => lines.push(line),
    });
    expect(lines).toContain('reading the retained wasmote/lab/$edge/alarms/+ failed: connection closed');
    expect(published.map((entry) => entry.topic)).toContain('wasmote/lab/$edge/alarms/1');
  });

  it('answers alarm-ack requests it cannot take with the reason', () => {
    const answers = [
      edge.answerAlarmAck('not json'),
      edge.answerAlarmAck('[1]'),
      edge.answerAlarmAck(JSON.stringify({ alarm: '1', id: 'q1' })),
      edge.answerAlarmAck(Buffer.from(JSON.stringify({ alarm: '42', by: 'alice', id: 'q2' }))),
      edge.answerAlarmAck(JSON.stringify({ alarm: '42', by: 'alice' }), { retained: true }),
    ];
    expect(answers.map((answer) => (answer.result === 'error' ? [answer.id, answer.error] : answer.result))).toEqual([
      [undefined, 'malformed'],
      [undefined, 'malformed'],
      ['q1', 'bad-argument'],
      ['q2', 'unknown-alarm'],
      [undefined, 'retained'],
    ]);
    expect(answers[2]).toMatchObject({ device: '$edge', command: 'alarm-ack', origin: 'edge', detail: expect.stringContaining('by') });
  });

  it('refuses rules that name no loaded model, at start', async () => {
    await expect(
      startEdgeInference(view, { models: [model], rules: parseRules({ rules: [{ model: 'bearing' }] }), alarmStorePath: path.join(scratch, 'other.sqlite'), publish: async () => {} }),
    ).rejects.toThrow(new RulesError("the rules do not fit the models:\n  rules.0.model: no model named 'bearing' is loaded (loaded: sensor-node-anomaly)"));
  });
});

describe('rules files', () => {
  it('fill in the defaults', () => {
    expect(parseRules({ rules: [{ model: 'm' }] }).rules[0]).toEqual({
      model: 'm',
      openAfterWindows: 3,
      clearAfterNormalS: 30,
      onOpen: [{ command: 'led', payload: { mode: 'blink', periodMs: 200 } }],
      onClear: [{ restore: 'led' }],
    });
  });

  it('name every field that does not validate', () => {
    expect(() => parseRules({ rules: [{ model: 'm', openAfterWindows: 0, onOpen: [{ restore: 'buzzer' }], extra: 1 }] }, 'rules.json')).toThrow(
      /^rules.json is not a valid rules file:\n {2}rules.0.openAfterWindows: .*\n {2}rules.0.onOpen.0: .*\n {2}rules.0: Unrecognized key: "extra"$/,
    );
    expect(() => parseRules({ rules: [{ model: 'm' }, { model: 'm' }] }, 'rules.json')).toThrow("rules.json is not a valid rules file:\n  rules.1.name: 'm' names two rules");
  });
});

describe('the setup wasmote edge loads', () => {
  it('is the shipped detector with its default rule, unless told otherwise', async () => {
    const setup = await loadInferenceSetup({});
    await Promise.all(setup.models.map((loaded) => loaded.close()));
    expect(setup.models.map((loaded) => loaded.name)).toEqual(['sensor-node-anomaly']);
    expect(setup.rules.rules.map((rule) => rule.model)).toEqual(['sensor-node-anomaly']);
  });

  it('fails at once on a rules file naming a model it does not load', async () => {
    const rulesPath = path.join(scratch, 'rules.json');
    await writeFile(rulesPath, JSON.stringify({ rules: [{ model: 'bearing', threshold: 2 }] }));
    await expect(loadInferenceSetup({ rulesPath })).rejects.toThrow(/rules.0.model: no model named 'bearing' is loaded/);
  });
});
