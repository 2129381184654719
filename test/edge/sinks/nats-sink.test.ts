import { DiscardPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudTier } from '../../../host/edge/cloud-tier.ts';
import { parseCloudTierConfig } from '../../../host/edge/config.ts';
import type { OutboxRecord } from '../../../host/edge/record.ts';
import { NatsJetStreamSink, type NatsSinkOptions } from '../../../host/edge/sinks/nats-sink.ts';
import { SinkError } from '../../../host/edge/sinks/sink.ts';
import { readStream, streamConfig } from '../support/jetstream-reader.ts';
import { NatsServer, tempDir } from '../../../bench/peers.ts';
import { makeRecords } from '../support/records.ts';
import { makeTestCa } from '../support/test-ca.ts';

/** Against a nats-server of this file's own (JetStream on, a temporary store), never the machine's. */

const AUTH = { user: 'edge', pass: 'edge-secret' };
const dir = tempDir('nats-sink');
let server: NatsServer;

beforeAll(async () => {
  server = await NatsServer.start(path.join(dir.path, 'store'), AUTH);
});
afterAll(async () => {
  await server?.stop();
  dir.remove();
});

let streamCount = 0;
function sinkOptions(overrides: Partial<NatsSinkOptions> = {}): NatsSinkOptions {
  streamCount++;
  return {
    name: 'nats',
    servers: [server.url],
    ...AUTH,
    stream: {
      name: `T${streamCount}`,
      subjectPrefix: `t${streamCount}`,
      duplicateWindowMs: 60_000,
      storage: 'file',
      maxAgeMs: 0,
      replicas: 1,
    },
    connectTimeoutMs: 5000,
    publishTimeoutMs: 10_000,
    ...overrides,
  };
}

const asStored = (records: ReturnType<typeof makeRecords>): OutboxRecord[] =>
  records.map((record, index) => ({ ...record, position: index + 1 }));

describe('NATS JetStream sink', () => {
  it('creates the stream and stores each record under its subject with its key as Nats-Msg-Id', async () => {
    const options = sinkOptions();
    const sink = new NatsJetStreamSink(options);
    try {
      await sink.publish(asStored(makeRecords(0, 200)));
    } finally {
      await sink.close();
    }
    const prefix = options.stream.subjectPrefix;
    const stored = await readStream(server.url, options.stream.name, AUTH);
    expect(stored).toHaveLength(200);
    expect(stored[0]).toEqual({ subject: `${prefix}.dev-0.data`, msgId: 'dev-0/data:1:0', receivedAtMs: '1700000000000', n: 0 });
    expect(stored[199]).toEqual({ subject: `${prefix}.dev-3.data`, msgId: 'dev-3/data:1:199', receivedAtMs: '1700000000199', n: 199 });
    const config = await streamConfig(server.url, options.stream.name, AUTH);
    expect(config).toMatchObject({ subjects: [`${prefix}.>`], duplicate_window: nanos(60_000), storage: 'file' });
  });

  it('stores a re-sent record once: JetStream drops the duplicate by Nats-Msg-Id', async () => {
    const options = sinkOptions();
    const sink = new NatsJetStreamSink(options);
    try {
      await sink.publish(asStored(makeRecords(0, 100)));
      await sink.publish(asStored(makeRecords(50, 100)));
    } finally {
      await sink.close();
    }
    const stored = await readStream(server.url, options.stream.name, AUTH);
    expect(stored.map((message) => message.n)).toEqual(Array.from({ length: 150 }, (_, n) => n));
  });

  it("sets an existing stream's duplicate window, and refuses a stream that takes other subjects", async () => {
    const options = sinkOptions();
    const nc = await connect({ servers: server.url, ...AUTH });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: options.stream.name, subjects: [`${options.stream.subjectPrefix}.>`], duplicate_window: nanos(5000) });
    await jsm.streams.add({ name: 'ELSEWHERE', subjects: ['elsewhere.>'] });
    await nc.close();

    const sink = new NatsJetStreamSink(options);
    await sink.publish(asStored(makeRecords(0, 1)));
    await sink.close();
    expect((await streamConfig(server.url, options.stream.name, AUTH)).duplicate_window).toBe(nanos(60_000));

    const wrong = new NatsJetStreamSink({ ...options, stream: { ...options.stream, name: 'ELSEWHERE' } });
    const failure = wrong.publish(asStored(makeRecords(0, 1)));
    await expect(failure).rejects.toBeInstanceOf(SinkError);
    await expect(failure).rejects.toThrow(
      `NATS at ${server.url}: stream ELSEWHERE takes subjects ["elsewhere.>"], ` +
        `not ${options.stream.subjectPrefix}.> (sinks.nats.stream.subjectPrefix`,
    );
    await wrong.close();
  });

  it('fails the batch at the first message JetStream refuses, with what it acknowledged before', async () => {
    // A stream that keeps 3 messages and refuses new ones past them: the 4th PubAck is an API error.
    const options = sinkOptions();
    const nc = await connect({ servers: server.url, ...AUTH });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: options.stream.name,
      subjects: [`${options.stream.subjectPrefix}.>`],
      duplicate_window: nanos(60_000),
      max_msgs: 3,
      discard: DiscardPolicy.New,
    });
    await nc.close();

    const sink = new NatsJetStreamSink(options);
    try {
      const failure = sink.publish(asStored(makeRecords(0, 5)));
      await expect(failure).rejects.toBeInstanceOf(SinkError);
      await expect(failure).rejects.toThrow(/JetStream refused message 3 of the batch: 503 10077 maximum messages exceeded/);
      await expect(failure).rejects.toMatchObject({ delivered: 3 });
    } finally {
      await sink.close();
    }
    expect((await readStream(server.url, options.stream.name, AUTH)).length).toBe(3);
  });

  it('fails the batch, naming the server, when the password is wrong or the server is not there', async () => {
    const wrongPassword = new NatsJetStreamSink(sinkOptions({ pass: 'not-the-password' }));
    const refused = wrongPassword.publish(asStored(makeRecords(0, 1)));
    await expect(refused).rejects.toThrow(`cannot connect to NATS at ${server.url}: `);
    await expect(refused).rejects.toMatchObject({ delivered: 0 });
    await wrongPassword.close();
    const nowhere = new NatsJetStreamSink(sinkOptions({ servers: ['nats://127.0.0.1:1'] }));
    await expect(nowhere.publish(asStored(makeRecords(0, 1)))).rejects.toThrow('cannot connect to NATS at nats://127.0.0.1:1');
    await nowhere.close();
  });
});

describe('NATS JetStream sink over TLS', () => {
  it('connects with the CA and a client certificate; without the certificate the server refuses it', async () => {
    const tlsDir = tempDir('nats-tls');
    const ca = makeTestCa(tlsDir.path);
    const secure = await NatsServer.start(path.join(tlsDir.path, 'store'), AUTH, {
      caFile: ca.caFile,
      certFile: ca.serverCertFile,
      keyFile: ca.serverKeyFile,
    });
    try {
      const tls = { caFile: ca.caFile, certFile: ca.clientCertFile, keyFile: ca.clientKeyFile };
      const options = sinkOptions({ servers: [secure.url], tls });
      const sink = new NatsJetStreamSink(options);
      await sink.publish(asStored(makeRecords(0, 20)));
      await sink.close();
      const reader = await connect({ servers: secure.url, ...AUTH, tls });
      const { state } = await (await jetstreamManager(reader)).streams.info(options.stream.name);
      await reader.close();
      expect(state.messages).toBe(20);

      const withoutCertificate = new NatsJetStreamSink(sinkOptions({ servers: [secure.url], tls: { caFile: ca.caFile } }));
      await expect(withoutCertificate.publish(asStored(makeRecords(0, 1)))).rejects.toThrow(
        `cannot connect to NATS at ${secure.url}: `,
      );
      await withoutCertificate.close();
    } finally {
      await secure.stop();
      tlsDir.remove();
    }
  });
});

describe('cloud tier to NATS across an outage', () => {
  it('loses nothing and stores nothing twice when its nats-server is killed and restarted mid-stream', async () => {
    const outageDir = tempDir('nats-outage');
    const own = await NatsServer.start(path.join(outageDir.path, 'store'));
    const registry = new Registry();
    const tier = startCloudTier(
      parseCloudTierConfig({
        outbox: { path: path.join(outageDir.path, 'outbox.db') },
        forwarder: { batchRecords: 500, backoff: { initialMs: 20, maxMs: 200 }, circuit: { failureThreshold: 5, openMs: 300 } },
        sinks: { nats: { servers: own.url, stream: { name: 'OUTAGE', subjectPrefix: 'outage' }, publishTimeoutMs: 2000 } },
      }),
      { registry },
    );
    const TOTAL = 20_000;
    const pending = (): number => tier.outbox.stats().pendingBySink.nats!;
    try {
      let appended = 0;
      const append = async (until: number): Promise<void> => {
        for (; appended < until; appended += 100) await tier.append(makeRecords(appended, 100, { devices: 50, payloadBytes: 220 }));
      };
      await append(8000);
      await until(() => pending() < 4000, 'half the records delivered');
      await own.kill();
      await append(14_000); // appended while NATS is down
      await sleep(1000);
      await own.start(); // same port, same store
      await append(TOTAL);
      await until(() => pending() === 0, 'the backlog drained');
    } finally {
      await tier.close();
    }
    const stored = await readStream(own.url, 'OUTAGE');
    await own.stop();
    outageDir.remove();

    expect(stored).toHaveLength(TOTAL);
    expect(new Set(stored.map((message) => message.msgId)).size).toBe(TOTAL);
    expect(stored.map((message) => message.n).sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, n) => n));
    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((metric) => metric.name === name)!.values[0]!.value;
    expect(value('wasmote_sink_messages_total')).toBeGreaterThanOrEqual(TOTAL);
    expect(value('wasmote_sink_failures_total')).toBeGreaterThan(0);
  }, 120_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
