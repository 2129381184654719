import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCloudTierConfig } from '../../host/edge/config.ts';

const MINIMAL = { outbox: { path: '/var/lib/wasmote/outbox.db' }, sinks: {} };
const CERT = path.join(import.meta.dirname, 'config.test.ts'); // any file that exists

function problems(input: unknown): string {
  try {
    parseCloudTierConfig(input, 'edge.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('cloud tier configuration', () => {
  it('fills every default around the outbox path', () => {
    expect(parseCloudTierConfig(MINIMAL)).toEqual({
      outbox: {
        path: '/var/lib/wasmote/outbox.db',
        durability: 'normal',
        commitIntervalMs: 2,
        commitMaxRecords: 4096,
        maxRecords: 1_000_000,
        maxBytes: 268_435_456,
        maxRecordBytes: 524_288,
        overflow: 'drop-oldest',
      },
      forwarder: {
        batchRecords: 1000,
        backoff: { initialMs: 100, maxMs: 30_000, multiplier: 2, jitter: 0.5 },
        circuit: { failureThreshold: 5, openMs: 15_000 },
      },
      sinks: {},
    });
  });

  it('fills the sinks’ defaults: stream WASMOTE on wasmote.>, a two-minute duplicate window, prefix wasmote', () => {
    const config = parseCloudTierConfig({
      ...MINIMAL,
      sinks: { nats: { servers: 'nats://127.0.0.1:4222' }, mqtt: { url: 'mqtt://broker:1883', clientId: 'edge-1' } },
    });
    expect(config.sinks.nats).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      stream: { name: 'WASMOTE', subjectPrefix: 'wasmote', duplicateWindowMs: 120_000, storage: 'file', maxAgeMs: 0, replicas: 1 },
      connectTimeoutMs: 5000,
      publishTimeoutMs: 5000,
    });
    expect(config.sinks.mqtt).toEqual({
      url: 'mqtt://broker:1883',
      clientId: 'edge-1',
      topicPrefix: 'wasmote',
      sessionExpiryS: 3600,
      connectTimeoutMs: 5000,
      publishTimeoutMs: 10_000,
      maxInflight: 100,
    });
  });

  it('names the source, each field and its value', () => {
    const message = problems({
      outbox: { path: 'outbox.db', durability: 'fsync', maxRecords: 0 },
      forwarder: { backoff: { initialMs: 500, maxMs: 100 } },
      sinks: { nats: { servers: ['http://x'], stream: { name: 'has.dot', duplicateWindowMs: 10 } } },
    });
    expect(message).toContain('edge.json is not a valid cloud tier configuration:');
    expect(message).toContain('outbox.durability: Invalid option: expected one of "normal"|"full" (got "fsync")');
    expect(message).toContain('outbox.maxRecords: Too small: expected number to be >0 (got 0)');
    expect(message).toContain('forwarder.backoff.maxMs: must be at least initialMs (got 100)');
    expect(message).toContain('sinks.nats.servers.0: must be nats://host:port (got "http://x")');
    expect(message).toContain('sinks.nats.stream.name: must be a NATS stream name');
    expect(message).toContain('(got "has.dot")');
    expect(message).toContain('sinks.nats.stream.duplicateWindowMs: Too small: expected number to be >=1000 (got 10)');
  });

  it('names a missing field and an unknown one', () => {
    expect(problems({ sinks: {} })).toContain('outbox: Invalid input: expected object, received undefined (got nothing)');
    expect(problems({ ...MINIMAL, sinks: { kafka: {} } })).toContain('sinks: Unrecognized key: "kafka" (got an object)');
  });

  it('hides secrets, and names TLS files that do not exist', () => {
    const message = problems({
      ...MINIMAL,
      sinks: {
        mqtt: { url: 'mqtts://broker:8883', clientId: 'edge-1', password: 'hunter2', tls: { caFile: '/nonexistent/ca.pem' } },
        nats: { servers: 'tls://nats:4222', user: 'edge', pass: '', tls: { certFile: CERT } },
      },
    });
    expect(message).toContain('sinks.mqtt.password: a password needs a username (got (hidden))');
    expect(message).toContain('sinks.mqtt.tls.caFile: no such file (got "/nonexistent/ca.pem")');
    expect(message).toContain('sinks.nats.pass: Too small: expected string to have >=1 characters (got (hidden))');
    expect(message).toContain(`sinks.nats.tls.certFile: certFile and keyFile go together (got ${JSON.stringify(CERT)})`);
    expect(message).not.toContain('hunter2');
  });

  it('wants mqtts:// for a TLS bridge', () => {
    expect(problems({ ...MINIMAL, sinks: { mqtt: { url: 'mqtt://broker:1883', clientId: 'e', tls: { caFile: CERT } } } })).toContain(
      'sinks.mqtt.url: tls needs an mqtts:// url (got "mqtt://broker:1883")',
    );
  });
});
