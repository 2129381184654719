/**
 * `wasmote edge --sparkplug` (docs/mqtt.md §7, docs/edge.md "Sparkplug B"): the gateway with simulated devices on
 * a Mosquitto broker, and a DBIRTH per device that Eclipse Tahu's decoder reads, with the shipped detector's score
 * and Active flag, whose scores then come in DDATA by alias.
 */
import mqtt from 'mqtt';
import { decodePayload, encodePayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRetainedTree, testBroker, uniqueEdgeId } from '../gateway/support/broker.ts';
import { EdgeChild, within } from './support/edge-child.ts';

const GROUP = 'wiring';

let broker: Awaited<ReturnType<typeof testBroker>>;
beforeAll(async () => {
  broker = await testBroker();
});
afterAll(async () => {
  await broker?.stop();
});

describe('wasmote edge --sparkplug', () => {
  it('publishes a DBIRTH for each simulated device and its anomaly scores, decoded by the sparkplug-payload decoder', async () => {
    const edgeId = uniqueEdgeId('spb');
    const host = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const births = new Map<string, ReturnType<typeof decodePayload>>();
    const data: ReturnType<typeof decodePayload>[] = [];
    host.on('message', (topic, payload) => {
      if (topic.startsWith(`spBv1.0/${GROUP}/DBIRTH/${edgeId}/`)) births.set(topic.split('/')[4]!, decodePayload(payload));
      if (topic.startsWith(`spBv1.0/${GROUP}/DDATA/${edgeId}/`)) data.push(decodePayload(payload));
    });
    await host.subscribeAsync(`spBv1.0/${GROUP}/+/${edgeId}/#`, { qos: 1 });
    const edge = new EdgeChild(['--broker', broker.url, '--sparkplug', GROUP, '--sim', '2', '--id-prefix', 'spb', '--edge-id', edgeId]);
    try {
      const deadline = Date.now() + 40_000;
      while (births.size < 2 && Date.now() < deadline && edge.output.indexOf('Error') === -1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect([...births.keys()].sort(), edge.output).toEqual(['spb-0000', 'spb-0001']);
      for (const birth of births.values()) {
        const names = (birth.metrics ?? []).map((metric) => metric.name);
        expect(names).toContain('tmp102/temperature');
        expect(names).toContain('Device Control/Last Result');
        expect(typeof birth.seq === 'number' || typeof birth.seq === 'object').toBe(true);
        expect(names).toContain('Anomaly/sensor-node-anomaly/Active');
      }
      const score = births.get('spb-0000')!.metrics!.find((metric) => metric.name === 'Anomaly/sensor-node-anomaly/Score')!;
      expect(score.type).toBe('Double');
      // A window of 8 data messages at 1 Hz: the first score comes some 8 s in, by alias alone.
      const scored = () => data.flatMap((payload) => payload.metrics ?? []).find((metric) => Number(metric.alias) === Number(score.alias));
      const scoreDeadline = Date.now() + 30_000;
      while (scored() === undefined && Date.now() < scoreDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(scored(), edge.output).toMatchObject({ type: 'Double' });
      expect(typeof scored()!.value).toBe('number');
      edge.signal('SIGTERM');
      expect(await within(edge.exited, 20_000, 'the edge exiting')).toBe(0);
    } finally {
      edge.kill();
      await host.endAsync();
      await clearRetainedTree(broker.url, edgeId);
    }
  }, 90_000);

  it('on the embedded broker, which speaks MQTT 3.1.1 only, is an Edge Node all the same: NBIRTH, DBIRTH, DDATA', async () => {
    const edgeId = uniqueEdgeId('spe');
    const edge = new EdgeChild(['--demo', '--listen', '127.0.0.1:0', '--sparkplug', GROUP, '--sim', '1', '--id-prefix', 'spe', '--edge-id', edgeId, '--no-inference']);
    let host: mqtt.MqttClient | undefined;
    try {
      const url = await edge.line(/broker:\s+(mqtt:\/\/\S+)/);
      host = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4 });
      const kinds = new Map<string, ReturnType<typeof decodePayload>>();
      host.on('message', (topic, payload) => kinds.set(topic.split('/')[2]!, decodePayload(payload)));
      await host.subscribeAsync(`spBv1.0/${GROUP}/+/${edgeId}/#`, { qos: 1 });
      // The node may have been born before the subscription: a host asks for its rebirth (Node Control/Rebirth).
      const rebirth = { timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean' as const, value: true }] };
      await host.publishAsync(`spBv1.0/${GROUP}/NCMD/${edgeId}`, Buffer.from(encodePayload(rebirth)), { qos: 0 });
      const deadline = Date.now() + 30_000;
      while (!['NBIRTH', 'DBIRTH', 'DDATA'].every((kind) => kinds.has(kind)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect([...kinds.keys()].sort(), edge.output).toEqual(expect.arrayContaining(['DBIRTH', 'DDATA', 'NBIRTH']));
      expect((kinds.get('NBIRTH')!.metrics ?? []).map((metric) => metric.name)).toContain('bdSeq');
      edge.signal('SIGTERM');
      expect(await within(edge.exited, 20_000, 'the edge exiting')).toBe(0);
    } finally {
      edge.kill();
      await host?.endAsync();
    }
  }, 90_000);
});
