/**
 * `wasmote edge --sparkplug` (docs/mqtt.md §7, docs/edge.md "Sparkplug B"): the gateway with simulated devices on
 * a Mosquitto broker, and a DBIRTH per device that Eclipse Tahu's decoder reads.
 */
import mqtt from 'mqtt';
import { decodePayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBroker, uniqueEdgeId } from '../gateway/support/broker.ts';
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
  it('publishes a DBIRTH for each simulated device, decoded by the sparkplug-payload decoder', async () => {
    const edgeId = uniqueEdgeId('spb');
    const host = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const births = new Map<string, ReturnType<typeof decodePayload>>();
    host.on('message', (topic, payload) => {
      if (topic.startsWith(`spBv1.0/${GROUP}/DBIRTH/${edgeId}/`)) births.set(topic.split('/')[4]!, decodePayload(payload));
    });
    await host.subscribeAsync(`spBv1.0/${GROUP}/+/${edgeId}/#`, { qos: 1 });
    const edge = new EdgeChild(['--broker', broker.url, '--sparkplug', GROUP, '--sim', '2', '--id-prefix', 'spb', '--edge-id', edgeId, '--no-inference']);
    try {
      const deadline = Date.now() + 40_000;
      while (births.size < 2 && Date.now() < deadline && edge.output.indexOf('Error') === -1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect([...births.keys()].sort(), edge.output).toEqual(['spb-0000', 'spb-0001']);
      for (const birth of births.values()) {
        const names = (birth.metrics ?? []).map((metric) => metric.name);
        expect(names).toContain('tmp102/temperature');
        expect(names).toContain('Device Control/Last Result');
        expect(typeof birth.seq === 'number' || typeof birth.seq === 'object').toBe(true);
      }
      edge.signal('SIGTERM');
      expect(await within(edge.exited, 20_000, 'the edge exiting')).toBe(0);
    } finally {
      edge.kill();
      await host.endAsync();
    }
  }, 90_000);
});
