/**
 * The closed loop end to end with the real runtime and the shipped detector, fed by a real simulated fleet on the
 * closed loop's demo scenario (host/sim/scenarios/demo-anomaly.json: device 1 at 30 °C from 40 s to 70 s): that
 * device alone is flagged, its alarm opens, its LED blinks on its virtual GPIO, and once it has been normal for
 * 30 s the alarm clears and the LED goes back. Virtual time throughout; scores are flushed after each second.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import { parseScenario } from '../../../host/sim/scenario.ts';
import { LED_PIN } from '../../../host/sim/sim-board.ts';
import { Simulation } from '../../../host/sim/simulation.ts';
import { startEdgeInference } from '../../../edge-inference/loop/edge-inference.ts';
import { LoadedModel } from '../../../edge-inference/runtime/loaded-model.ts';
import { sensorNode } from '../../support/sim-run.ts';
import { SimulatedGatewayView } from './simulated-gateway-view.ts';

const EDGE = 'loop-test';
const EPOCH_MS = Date.parse('2026-12-04T08:00:00.000Z');
const DEVICES = 3;
const ANOMALOUS_DEVICE = 1;
const RUN_S = 130;

interface Published {
  topic: string;
  payload: Record<string, unknown> | null;
  qos: number;
  retain: boolean;
}

let scratch: string;
let model: LoadedModel;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-loop-'));
  model = await LoadedModel.fromConfigFile(path.join(PROJECT_ROOT, 'edge-inference', 'models', 'sensor-node-anomaly.json'));
});
afterAll(async () => {
  await model?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the closed loop on a simulated fleet', () => {
  it('flags the one anomalous device, blinks its LED, opens and clears its alarm, and keeps it across a restart', async () => {
    const scenario = parseScenario(JSON.parse(await readFile(path.join(PROJECT_ROOT, 'host', 'sim', 'scenarios', 'demo-anomaly.json'), 'utf8')));
    const view = new SimulatedGatewayView(EDGE, EPOCH_MS);
    const simulation = new Simulation({ app: await sensorNode(), scenario, deviceCount: DEVICES, seed: 1, idPrefix: 'sim', runNonce: 1, onMessage: view.take });
    view.attach(simulation);
    const published: Published[] = [];
    const publish = async (topic: string, payload: object | null, options: { qos: 0 | 1; retain: boolean }) => {
      published.push({ topic, payload: payload as Record<string, unknown> | null, ...options });
    };
    const alarmStorePath = path.join(scratch, 'alarms.sqlite');
    const lines: string[] = [];
    const edge = await startEdgeInference(view, { models: [model], alarmStorePath, publish, log: (line) => lines.push(line), wallClockMs: () => EPOCH_MS + simulation.nowUs / 1000 });

    let openedAtS: number | undefined;
    let clearedAtS: number | undefined;
    for (let second = 1; second <= RUN_S; second++) {
      await simulation.runFor(1000);
      await edge.flush();
      const [alarm] = edge.alarms();
      if (alarm !== undefined && openedAtS === undefined) openedAtS = second;
      if (alarm?.state === 'cleared' && clearedAtS === undefined) clearedAtS = second;
    }
    await edge.stop();

    const ids = simulation.devices.map((device) => device.deviceId);
    const scoredDevices = new Set(published.filter((entry) => entry.topic.endsWith('/score')).map((entry) => entry.topic.split('/')[2]));
    expect([...scoredDevices].sort()).toEqual(ids);
    const score = published.find((entry) => entry.topic === `wasmote/${EDGE}/${ids[0]}/score`)!;
    expect(score.qos).toBe(0);
    expect(score.payload).toMatchObject({ model: 'sensor-node-anomaly', anomalous: false, threshold: model.config.output.kind === 'score' ? model.config.output.threshold : null });
    expect(Date.parse(score.payload!.toTime as string) - Date.parse(score.payload!.fromTime as string)).toBe(7000);
    // §9.1: a score model's message has no class fields, as JSON writes it.
    expect(Object.keys(JSON.parse(JSON.stringify(score.payload)))).toEqual([
      'model', 'modelVersion', 'source', 'time', 'session', 'seq', 'uptimeMs', 'fromTime', 'toTime', 'metrics',
      'score', 'threshold', 'anomalousWhen', 'anomalous', 'heldValues',
    ]);

    // One alarm, on the anomalous device alone, opened during the anomaly and cleared some 30 s after it.
    const alarms = edge.alarms();
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    expect(alarm).toMatchObject({ device: ids[ANOMALOUS_DEVICE], model: 'sensor-node-anomaly', rule: 'sensor-node-anomaly', state: 'cleared' });
    expect(openedAtS).toBeGreaterThanOrEqual(40);
    expect(openedAtS).toBeLessThan(50);
    expect(clearedAtS).toBeGreaterThan(70 + 30);
    // The peak is the hot spot's first window, among those that opened the alarm.
    expect(alarm.peakScore).toBeGreaterThan(100);
    expect(Date.parse(alarm.peakAt)).toBeLessThanOrEqual(Date.parse(alarm.openedAt));
    expect(alarm.lastCommandResult).toMatchObject({ command: 'led', payload: { mode: 'off' }, answer: { result: 'ok' } });
    expect(view.commandsSent).toEqual([
      { device: ids[ANOMALOUS_DEVICE], command: 'led', payload: { mode: 'blink', periodMs: 200 } },
      { device: ids[ANOMALOUS_DEVICE], command: 'led', payload: { mode: 'off' } },
    ]);

    // The LED pin of the anomalous device blinked while the alarm was open, and ended low; the others never moved.
    const changes = simulation.devices[ANOMALOUS_DEVICE]!.board.gpio.history.filter((change) => change.pin === LED_PIN);
    const whileOpen = changes.filter((change) => change.timeUs > openedAtS! * 1e6 && change.timeUs < (clearedAtS! - 1) * 1e6);
    expect(new Set(whileOpen.map((change) => change.level))).toEqual(new Set([0, 1]));
    expect(whileOpen.length).toBeGreaterThan(20);
    expect(simulation.devices[ANOMALOUS_DEVICE]!.board.gpio.level(LED_PIN)).toBe(0);
    for (const index of [0, 2]) {
      expect(new Set(simulation.devices[index]!.board.gpio.history.filter((change) => change.pin === LED_PIN).map((change) => change.level))).not.toContain(1);
    }

    // Published retained, last as cleared.
    const alarmMessages = published.filter((entry) => entry.topic === `wasmote/${EDGE}/$edge/alarms/${alarm.id}`);
    expect(alarmMessages.every((entry) => entry.retain && entry.qos === 1)).toBe(true);
    expect(alarmMessages.map((entry) => entry.payload!.state)).toContain('open');
    expect(alarmMessages.at(-1)!.payload).toMatchObject({ state: 'cleared', clearReason: 'normal', device: ids[ANOMALOUS_DEVICE] });
    // Each copy has a higher revision than the one before (§9.2).
    const revisions = alarmMessages.map((entry) => entry.payload!.revision as number);
    expect(revisions).toEqual(revisions.map((_, index) => index + 1));

    // §9.4: the anomalous device's state went normal → anomalous (with its alarm) → normal; the others stayed normal.
    const states = (index: number) => published.filter((entry) => entry.topic === `wasmote/${EDGE}/${ids[index]}/anomaly/sensor-node-anomaly`);
    expect(states(ANOMALOUS_DEVICE).every((entry) => entry.retain && entry.qos === 1)).toBe(true);
    expect(states(ANOMALOUS_DEVICE).map((entry) => [entry.payload!.state, entry.payload!.alarms])).toEqual([
      ['normal', []],
      ['anomalous', [alarm.id]],
      ['normal', []],
    ]);
    expect(states(ANOMALOUS_DEVICE)[1]!.payload).toMatchObject({ modelVersion: model.version, since: alarm.openedAt });
    expect(states(ANOMALOUS_DEVICE)[2]!.payload).toMatchObject({ since: alarm.clearedAt });
    for (const index of [0, 2]) expect(states(index).map((entry) => entry.payload!.state)).toEqual(['normal']);
    expect(lines.some((line) => line.includes(`alarm ${alarm.id} ${ids[ANOMALOUS_DEVICE]}: led {"mode":"blink","periodMs":200} → ok`))).toBe(true);

    // A restarted edge has the alarm and publishes it again; acknowledging it, cleared, is refused.
    published.length = 0;
    const restarted = await startEdgeInference(view, { models: [model], alarmStorePath, publish });
    expect(restarted.alarms()).toEqual(alarms);
    expect(published).toContainEqual({ topic: `wasmote/${EDGE}/$edge/alarms/${alarm.id}`, payload: alarm, qos: 1, retain: true });
    const answer = restarted.answerAlarmAck(JSON.stringify({ alarm: alarm.id, by: 'alice', id: 'r1' }));
    expect(answer).toEqual({ device: '$edge', command: 'alarm-ack', id: 'r1', result: 'error', origin: 'edge', error: 'already-cleared', detail: `alarm ${alarm.id} cleared at ${alarm.clearedAt} (normal)` });
    await restarted.stop();
  }, 120_000);
});
