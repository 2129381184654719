/** docs/mqtt.md §3.6 removing a device, and docs/edge.md: what is published goes to the cloud tier's outbox first. */
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleCloudTier } from '../../../host/edge/cloud-tier.ts';
import { parseCloudTierConfig } from '../../../host/edge/config.ts';
import { idempotencyKey, type OutboxRecord } from '../../../host/edge/record.ts';
import type { Sink } from '../../../host/edge/sinks/sink.ts';
import { tempDir } from '../../../bench/peers.ts';
import { testBroker } from './support/broker.ts';
import { DOC_SESSION, FakeDevice } from './support/fake-device.ts';
import { settle, startHarness, until } from './support/harness.ts';

let broker: Awaited<ReturnType<typeof testBroker>>;

beforeAll(async () => {
  broker = await testBroker();
});

afterAll(async () => {
  await broker?.stop();
});

const RETAINED = ['birth', 'state', 'status', 'latest'];

describe('§3.6 removing a device', () => {
  it('cmd/forget clears its retained messages with empty ones, and is answered', async () => {
    const harness = await startHarness(broker.url, 'forget');
    try {
      const device = new FakeDevice(harness.source.connect(), 'gone-1');
      device.boot();
      device.heartbeat(5000);
      device.data(5000, [{ id: 0, value: 1 }]);
      await harness.watcher.waitFor('gone-1/latest');
      await harness.watcher.publish('gone-1/cmd/forget', '{"id":"f1"}');
      for (const kind of RETAINED) await harness.watcher.waitFor(`gone-1/${kind}`, (_, seen) => seen.text === '' && seen.retain);
      expect(harness.gateway.devices()).toHaveLength(0);
      const done = await harness.watcher.waitFor('gone-1/result', (json) => json?.id === 'f1');
      expect(done.json).toMatchObject({ device: 'gone-1', command: 'forget', id: 'f1', result: 'ok', origin: 'edge' });
      // §5.1 with MQTT 5: the answer to a device the edge does not know goes to the response topic.
      const responseTopic = 'gone-1/result/me';
      await harness.watcher.publish('gone-1/cmd/forget', '{}', { qos: 1, properties: { responseTopic: `wasmote/${harness.edgeId}/${responseTopic}`, correlationData: Buffer.from('f2') } });
      const unknown = await harness.watcher.waitFor(responseTopic);
      expect(unknown.json).toMatchObject({ device: 'gone-1', command: 'forget', result: 'error', origin: 'edge', error: 'unknown-device' });
      expect(unknown.packet.properties?.correlationData?.toString()).toBe('f2');
    } finally {
      await harness.close();
    }
  });

  it('--forget-after forgets a device that has been offline that long', async () => {
    const harness = await startHarness(broker.url, 'forget-after', { forgetAfterMs: 60_000 });
    try {
      const link = harness.source.connect();
      new FakeDevice(link, 'idle-1').boot();
      await harness.watcher.waitFor('idle-1/birth');
      await link.close('unplugged');
      harness.clock.advance(59_000);
      await settle();
      expect(harness.gateway.devices()).toHaveLength(1);
      harness.clock.advance(61_000);
      await harness.watcher.waitFor('idle-1/birth', (_, seen) => seen.text === '');
      expect(harness.gateway.devices()).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });
});

/** A sink that keeps what the forwarder hands it. */
class KeepingSink implements Sink {
  readonly name = 'keeping';
  readonly records: OutboxRecord[] = [];
  async publish(records: readonly OutboxRecord[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

describe('the cloud tier', () => {
  it('gets each data, log and event message, keyed <edge>/<device>/<kind>:<session>:<seq>, before it is published', async () => {
    const dir = tempDir('gateway-cloud');
    const sink = new KeepingSink();
    const config = parseCloudTierConfig({ outbox: { path: path.join(dir.path, 'outbox.sqlite') }, sinks: {} });
    const cloud = assembleCloudTier(config, [sink], { registry: new Registry() });
    const harness = await startHarness(broker.url, 'cloud', { cloud });
    try {
      const device = new FakeDevice(harness.source.connect(), 'cloudy-1');
      device.boot();
      device.data(1000, [{ id: 4, value: 40 }]);
      device.send({ type: 'log', timeMs: 1000, level: 0, text: 'oops' });
      await harness.watcher.waitFor('cloudy-1/log');
      await until(() => sink.records.length === 2);
      const [data, log] = sink.records;
      expect(data!.key).toEqual({ deviceId: `${harness.edgeId}/cloudy-1`, session: DOC_SESSION, seq: 3 });
      expect(data!.subject).toBe(`${harness.edgeId}/cloudy-1/data`);
      expect(idempotencyKey(data!)).toBe(`${harness.edgeId}/cloudy-1/data:${DOC_SESSION}:3`);
      expect(idempotencyKey(log!)).toBe(`${harness.edgeId}/cloudy-1/log:${DOC_SESSION}:4`);
      expect(JSON.parse(Buffer.from(data!.payload).toString())).toEqual(harness.watcher.on('cloudy-1/data')[0]!.json);
      expect(log!.subject).toBe(`${harness.edgeId}/cloudy-1/log`);
      expect(log!.key.seq).toBe(4);
    } finally {
      await harness.close();
      await cloud.close();
      dir.remove();
    }
  });
});
