import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudTier } from '../../../host/edge/cloud-tier.ts';
import { parseCloudTierConfig } from '../../../host/edge/config.ts';
import type { OutboxRecord } from '../../../host/edge/record.ts';
import { type MqttBridgeOptions, MqttBridgeSink } from '../../../host/edge/sinks/mqtt-bridge.ts';
import { Mosquitto, tempDir } from '../../../bench/peers.ts';
import { makeRecords, recordNumber } from '../support/records.ts';
import { makeTestCa, type TestCa } from '../support/test-ca.ts';

/** Against mosquitto instances of this file's own, checked by an independent subscribing client. */

const USERS = { edge: 'edge-secret', reader: 'reader-secret' };
const dir = tempDir('mqtt-bridge');
let broker: Mosquitto;
let ca: TestCa;

beforeAll(async () => {
  broker = await Mosquitto.start(dir.path, { users: USERS });
  ca = makeTestCa(dir.path);
});
afterAll(async () => {
  await broker?.stop();
  dir.remove();
});

interface Received {
  topic: string;
  key: unknown;
  receivedAtMs: unknown;
  n: number;
}

/** A subscriber of its own, with a persistent session so nothing published while it reconnects is lost to it. */
async function subscribe(url: string, topic: string, options: IClientOptions = {}) {
  const received: Received[] = [];
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: `reader-${Math.random().toString(16).slice(2)}`,
    clean: false,
    properties: { sessionExpiryInterval: 600 },
    username: 'reader',
    password: USERS.reader,
    reconnectPeriod: 100,
    ...options,
  });
  client.on('message', (messageTopic, payload, packet) => {
    const properties = packet.properties?.userProperties ?? {};
    received.push({
      topic: messageTopic,
      key: properties['idempotency-key'],
      receivedAtMs: properties['received-at-ms'],
      n: recordNumber(payload),
    });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { received, client };
}

function bridgeOptions(overrides: Partial<MqttBridgeOptions> = {}): MqttBridgeOptions {
  return {
    name: 'mqtt',
    url: broker.url,
    clientId: `edge-${Math.random().toString(16).slice(2)}`,
    topicPrefix: 'site-1/edge',
    sessionExpiryS: 3600,
    username: 'edge',
    password: USERS.edge,
    connectTimeoutMs: 5000,
    publishTimeoutMs: 10_000,
    maxInflight: 100,
    ...overrides,
  };
}

const asStored = (records: ReturnType<typeof makeRecords>): OutboxRecord[] =>
  records.map((record, index) => ({ ...record, position: index + 1 }));

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function end(client: MqttClient): Promise<void> {
  await client.endAsync();
}

describe('MQTT bridge', () => {
  it('publishes QoS 1 under the topic prefix, the record key in a user property, in a persistent session', async () => {
    const { received, client } = await subscribe(broker.url, 'site-1/edge/#');
    const options = bridgeOptions();
    const sink = new MqttBridgeSink(options);
    try {
      await sink.publish(asStored(makeRecords(0, 300)));
      await until(() => received.length >= 300, '300 messages at the subscriber');
    } finally {
      await sink.close();
      await end(client);
    }
    expect(received).toHaveLength(300);
    expect(received[0]).toEqual({ topic: 'site-1/edge/dev-0/data', key: 'dev-0/data:1:0', receivedAtMs: '1700000000000', n: 0 });
    expect(received[299]).toEqual({ topic: 'site-1/edge/dev-3/data', key: 'dev-3/data:1:299', receivedAtMs: '1700000000299', n: 299 });
    // The broker's own log: MQTT 5 (p5), Clean Start 0 (c0), as the user configured.
    expect(broker.output).toMatch(new RegExp(`New client connected from 127\\.0\\.0\\.1:\\d+ as ${options.clientId} \\(p5, c0, k\\d+, u'edge'\\)`));
  });

  it('fails the batch, naming the broker, when the password is wrong or no broker is there', async () => {
    const wrong = new MqttBridgeSink(bridgeOptions({ password: 'not-the-password' }));
    const refused = wrong.publish(asStored(makeRecords(0, 1)));
    await expect(refused).rejects.toThrow(`cannot connect to ${broker.url}: `);
    await expect(refused).rejects.toMatchObject({ delivered: 0 });
    await wrong.close();
    const nowhere = new MqttBridgeSink(bridgeOptions({ url: 'mqtt://127.0.0.1:1' }));
    await expect(nowhere.publish(asStored(makeRecords(0, 1)))).rejects.toThrow('cannot connect to mqtt://127.0.0.1:1');
    await nowhere.close();
  });

  it('connects over TLS with the CA and a client certificate; without the CA the server is not trusted', async () => {
    const tlsDir = tempDir('mqtt-tls');
    const secure = await Mosquitto.start(tlsDir.path, {
      users: USERS,
      tls: { caFile: ca.caFile, certFile: ca.serverCertFile, keyFile: ca.serverKeyFile, requireCertificate: true },
    });
    try {
      const tls = { caFile: ca.caFile, certFile: ca.clientCertFile, keyFile: ca.clientKeyFile };
      const { received, client } = await subscribe(secure.url, 'site-1/edge/#', {
        ca: readFileSync(ca.caFile),
        cert: readFileSync(ca.clientCertFile),
        key: readFileSync(ca.clientKeyFile),
      });
      const sink = new MqttBridgeSink(bridgeOptions({ url: secure.url, tls }));
      try {
        await sink.publish(asStored(makeRecords(0, 20)));
        await until(() => received.length >= 20, '20 messages over TLS');
      } finally {
        await sink.close();
        await end(client);
      }
      expect(received.map((message) => message.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));

      const untrusting = new MqttBridgeSink(bridgeOptions({ url: secure.url, tls: { certFile: tls.certFile, keyFile: tls.keyFile } }));
      await expect(untrusting.publish(asStored(makeRecords(0, 1)))).rejects.toThrow(`cannot connect to ${secure.url}: `);
      await untrusting.close();
    } finally {
      await secure.stop();
      tlsDir.remove();
    }
  });
});

describe('cloud tier to an MQTT broker across its restart', () => {
  it('loses nothing when its upstream broker stops mid-stream and comes back', async () => {
    const restartDir = tempDir('mqtt-restart');
    const own = await Mosquitto.start(restartDir.path, { users: USERS, persistenceDir: restartDir.path });
    const { received, client } = await subscribe(own.url, 'restart/#');
    const registry = new Registry();
    const tier = startCloudTier(
      parseCloudTierConfig({
        outbox: { path: path.join(restartDir.path, 'outbox.db') },
        forwarder: { batchRecords: 200, backoff: { initialMs: 20, maxMs: 200 }, circuit: { failureThreshold: 5, openMs: 300 } },
        sinks: {
          mqtt: {
            url: own.url,
            clientId: 'edge-restart',
            topicPrefix: 'restart',
            username: 'edge',
            password: USERS.edge,
            publishTimeoutMs: 2000,
          },
        },
      }),
      { registry },
    );
    const TOTAL = 3000;
    const pending = (): number => tier.outbox.stats().pendingBySink.mqtt!;
    try {
      let appended = 0;
      const append = async (until: number): Promise<void> => {
        for (; appended < until; appended += 50) await tier.append(makeRecords(appended, 50, { devices: 20 }));
      };
      await append(1500);
      await until(() => pending() < 1000, 'a third delivered');
      await own.stop();
      await append(2200); // appended while the broker is down
      await new Promise((resolve) => setTimeout(resolve, 500));
      await own.start(); // same port, sessions restored from its persistence file
      await append(TOTAL);
      await until(() => pending() === 0, 'the backlog drained');
      await until(() => new Set(received.map((message) => message.key)).size >= TOTAL, 'every key at the subscriber', 30_000);
    } finally {
      await tier.close();
      await end(client);
      await own.stop();
      restartDir.remove();
    }
    const keys = new Set(received.map((message) => message.key));
    expect(keys.size).toBe(TOTAL);
    expect(new Set(received.map((message) => message.n)).size).toBe(TOTAL);
    // QoS 1 allows a duplicate where a PUBACK was lost to the restart; its key lets the subscriber drop it.
    expect(received.length - TOTAL).toBeLessThanOrEqual(200);
    const failures = (await registry.getSingleMetric('wasmote_sink_failures_total')!.get()).values[0]!.value;
    expect(failures).toBeGreaterThan(0); // the bridge did see the broker go
  }, 120_000);
});
