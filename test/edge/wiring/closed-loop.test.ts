/**
 * Issue 12 end to end: a simulated fleet with a hot spot on device 1 through the real gateway, Mosquitto and the
 * shipped detector. Only that device gets an alarm, retained on `wasmote/<edge>/$edge/alarms/<id>`; its LED pin
 * toggles on its virtual GPIO; its retained anomaly state names the alarm; an alarm-ack over MQTT 5 is answered on
 * its response topic and the republished alarm says acknowledged with a higher revision; a retained alarm-ack is
 * refused and cleared (docs/mqtt.md §9.3, §5.1); forgetting the device clears its alarm and empties its anomaly
 * state (§3.6, §9.2, §9.4). At its start the loop has reconciled what an earlier run left
 * retained: an alarm it no longer keeps and anomaly states are emptied or corrected (§9.2, §9.4). The sim runs in real time, so the hot spot
 * starts at 8 s rather than demo-anomaly.json's 40 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInferenceSetup } from '../../../edge-inference/loop/index.ts';
import { startClosedLoop } from '../../../host/edge/closed-loop.ts';
import { startGateway } from '../../../host/edge/gateway/gateway.ts';
import { SimLinkSource } from '../../../host/edge/links/sim-source.ts';
import { parseScenario } from '../../../host/sim/scenario.ts';
import { sensorNode } from '../../support/sim-run.ts';
import { type Seen, testBroker, uniqueEdgeId, Watcher } from '../gateway/support/broker.ts';
import { until } from '../gateway/support/harness.ts';

const ANOMALOUS_DEVICE = 1;
const LED_PIN = 0;
const EARLY_HOT_SPOT = {
  name: 'demo-anomaly with the hot spot at 8 s',
  faults: [{ kind: 'out-of-range', quantity: 'temperatureC', value: 30, fromS: 8, toS: 60, devices: [ANOMALOUS_DEVICE] }],
};

let broker: Awaited<ReturnType<typeof testBroker>>;
let scratch: string;
beforeAll(async () => {
  broker = await testBroker();
  scratch = mkdtempSync(path.join(tmpdir(), 'wasmote-wiring-loop-'));
});
afterAll(async () => {
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the closed loop through the gateway', () => {
  it('alarms the anomalous device alone, blinks its LED, and answers an alarm-ack over MQTT', async () => {
    const edgeId = uniqueEdgeId('loop');
    const watcher = await Watcher.start(broker.url, edgeId);
    // What an earlier run of this edge left retained and its store no longer keeps (§9.2, §9.4).
    await watcher.publish('$edge/alarms/999', JSON.stringify({ id: '999', state: 'open' }), { qos: 1, retain: true });
    await watcher.publish('gone-9/anomaly/sensor-node-anomaly', JSON.stringify({ state: 'anomalous', alarms: ['999'], since: '2026-12-04T07:00:00.000Z' }), { qos: 1, retain: true });
    await watcher.publish('gone-9/anomaly/retired-model', JSON.stringify({ state: 'normal', alarms: [] }), { qos: 1, retain: true });
    const source = new SimLinkSource({ app: await sensorNode(), scenario: parseScenario(EARLY_HOT_SPOT), deviceCount: 3, seed: 1, idPrefix: 'loop' });
    const setup = await loadInferenceSetup({});
    const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [source], version: '0.1.0' });
    const loop = await startClosedLoop(gateway, setup, { alarmStorePath: path.join(scratch, 'alarms.sqlite') });
    try {
      // Reconciled at the start: the stale alarm removed, the stale states corrected or removed.
      await watcher.waitFor('$edge/alarms/999', (json, seen) => seen.text === '' && seen.retain);
      await watcher.waitFor('gone-9/anomaly/retired-model', (json, seen) => seen.text === '' && seen.retain);
      const corrected = await watcher.waitFor('gone-9/anomaly/sensor-node-anomaly', (json) => json?.state === 'normal');
      expect(corrected.json).toMatchObject({ alarms: [], edgeSession: gateway.edgeSession });
      const [, anomalous] = source.deviceIds;
      const isNewAlarm = (seen: Seen) => seen.topic.includes('/$edge/alarms/') && !seen.topic.endsWith('/999') && seen.json !== null;
      await until(() => watcher.seen.some((seen) => isNewAlarm(seen) && seen.json.state === 'open'), 45_000, 'an open alarm');
      const alarms = watcher.seen.filter(isNewAlarm);
      expect(new Set(alarms.map((seen) => seen.json.device))).toEqual(new Set([anomalous]));
      const alarm = alarms[0]!;
      expect(alarm.retain).toBe(true);
      expect(alarm.packet.qos).toBe(1);
      expect(alarm.json).toMatchObject({ state: 'open', revision: 1, clearReason: null, edgeSession: gateway.edgeSession });
      expect(typeof alarm.json.edgeSeq).toBe('number');
      // §9.1 on the wire: every field in the documented order, the edge's stamp (§1) after them.
      const score = watcher.seen.find((seen) => seen.topic.endsWith('/score'))!;
      expect(Object.keys(score.json)).toEqual([
        'model', 'modelVersion', 'source', 'time', 'session', 'seq', 'uptimeMs', 'fromTime', 'toTime', 'metrics',
        'score', 'threshold', 'anomalousWhen', 'anomalous', 'heldValues', 'edgeSession', 'edgeSeq',
      ]);
      expect(score.json).toMatchObject({ source: 'edge', metrics: setup.models[0]!.config.metrics, edgeSession: gateway.edgeSession });
      // §9.4: the device's retained anomaly state names the alarm.
      const state = await watcher.waitFor(`${anomalous}/anomaly/sensor-node-anomaly`, (json) => json?.state === 'anomalous');
      expect(state.retain).toBe(true);
      expect(state.json).toMatchObject({ device: anomalous, model: 'sensor-node-anomaly', alarms: [alarm.json.id], since: alarm.json.openedAt });

      // Its LED blinks on the simulated board; the others' stay dark.
      const ledLevels = (index: number) => new Set(source.devices[index]!.board.gpio.history.filter((change) => change.pin === LED_PIN).map((change) => change.level));
      await until(() => ledLevels(ANOMALOUS_DEVICE).has(0) && ledLevels(ANOMALOUS_DEVICE).has(1), 15_000, 'the LED blinking');
      expect(ledLevels(0).has(1)).toBe(false);
      expect(ledLevels(2).has(1)).toBe(false);

      // §9.3 with MQTT 5: answered on the response topic with the request's correlation data.
      const properties = { responseTopic: `wasmote/${edgeId}/$edge/result/alice`, correlationData: Buffer.from('ack-1') };
      await watcher.publish('$edge/cmd/alarm-ack', JSON.stringify({ alarm: alarm.json.id, by: 'alice' }), { qos: 1, properties });
      const answer = await watcher.waitFor('$edge/result/alice');
      expect(answer.packet.properties?.correlationData?.toString()).toBe('ack-1');
      expect(answer.json).toMatchObject({ device: '$edge', command: 'alarm-ack', result: 'ok', alarm: alarm.json.id, state: 'acknowledged', acknowledgedBy: 'alice' });
      const acknowledged = await watcher.waitFor(`$edge/alarms/${alarm.json.id}`, (json) => json?.state === 'acknowledged');
      expect(acknowledged.retain).toBe(true);
      expect(acknowledged.json).toMatchObject({ device: anomalous, acknowledgedBy: 'alice' });
      expect(acknowledged.json.revision).toBe(answer.json.revision);
      expect(acknowledged.json.revision).toBeGreaterThan(alarm.json.revision);
      // An unknown alarm is refused by name; a response topic outside the edge's result tree is refused on the default one.
      await watcher.publish('$edge/cmd/alarm-ack', JSON.stringify({ alarm: '123456', by: 'alice', id: 'k0' }));
      expect((await watcher.waitFor('$edge/result', (json) => json?.id === 'k0')).json).toMatchObject({ result: 'error', error: 'unknown-alarm' });
      const elsewhere = { responseTopic: `wasmote/${edgeId}/other/result/me`, correlationData: Buffer.from('ack-2') };
      await watcher.publish('$edge/cmd/alarm-ack', JSON.stringify({ alarm: alarm.json.id, by: 'alice', id: 'k3' }), { qos: 1, properties: elsewhere });
      const misdirected = await watcher.waitFor('$edge/result', (json) => json?.id === 'k3');
      expect(misdirected.json).toMatchObject({ result: 'error', error: 'bad-response-topic' });
      expect(misdirected.packet.properties?.correlationData?.toString()).toBe('ack-2');

      // A retained acknowledgement is refused and cleared, as a retained command is (§5.1).
      await watcher.publish('$edge/cmd/alarm-ack', JSON.stringify({ alarm: alarm.json.id, by: 'bob', id: 'k2' }), { qos: 1, retain: true });
      const refused = await watcher.waitFor('$edge/result', (json) => json?.id === 'k2');
      expect(refused.json).toMatchObject({ result: 'error', error: 'retained' });
      await watcher.waitFor('$edge/cmd/alarm-ack', (json, seen) => seen.text === '');
      const late = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      const retainedAcks: string[] = [];
      late.on('message', (_topic, payload) => retainedAcks.push(payload.toString()));
      await late.subscribeAsync(`wasmote/${edgeId}/$edge/cmd/alarm-ack`, { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await late.endAsync();
      expect(retainedAcks).toEqual([]);

      // §3.6 and §9.2: forgetting the device clears its alarm (`device-forgotten`) and empties its anomaly state.
      await watcher.publish(`${anomalous}/cmd/forget`, JSON.stringify({ id: 'forget-1' }));
      expect((await watcher.waitFor(`${anomalous}/result`, (json) => json?.id === 'forget-1')).json).toMatchObject({ command: 'forget', result: 'ok' });
      const forgotten = await watcher.waitFor(`$edge/alarms/${alarm.json.id}`, (json) => json?.state === 'cleared');
      expect(forgotten.json).toMatchObject({ clearReason: 'device-forgotten', acknowledgedBy: 'alice' });
      expect(forgotten.json.revision).toBeGreaterThan(acknowledged.json.revision);
      await watcher.waitFor(`${anomalous}/anomaly/sensor-node-anomaly`, (json, seen) => seen.text === '' && seen.retain);
    } finally {
      await gateway.stop({ beforeOffline: () => loop.stop() });
      await Promise.all(setup.models.map((model) => model.close()));
      await watcher.close();
    }
  }, 90_000);
});
