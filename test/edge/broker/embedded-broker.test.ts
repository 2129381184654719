import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../../host/edge/broker/broker-security.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../host/edge/broker/embedded-broker.ts';
import { closeServer, listen, listenPreferring } from '../../../host/edge/listen.ts';
import { loadPasswordFile, type PasswordTable } from '../../../host/edge/broker/password-file.ts';
import { tempDir } from '../../../bench/peers.ts';
import { makeTestCa, type TestCa } from '../support/test-ca.ts';
import { connectAs } from './access-probe.ts';
import { makePasswordFile } from './support.ts';

const dir = tempDir('embedded-broker');
let passwords: PasswordTable;
let ca: TestCa;

beforeAll(async () => {
  passwords = await loadPasswordFile(
    makePasswordFile(dir.path, { lab: 'lab-secret', 'view~alice': 'alice-secret', 'guest~x': 'guest-secret' }),
  );
  ca = makeTestCa(dir.path);
});
afterAll(() => dir.remove());

describe('open (the demo)', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0, security: { mode: 'open' } });
  });
  afterAll(() => broker?.close());

  it('takes anonymous clients on loopback, every topic', async () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    const client = await connectAs(broker.url, undefined);
    try {
      const received = new Promise<string>((resolve) => client.once('message', (topic) => resolve(topic)));
      await client.subscribeAsync('#', { qos: 1 });
      await client.publishAsync('anything/at/all', 'x', { qos: 1 });
      expect(await received).toBe('anything/at/all');
    } finally {
      await client.endAsync(true);
    }
  });

  it('speaks MQTT 3.1.1 only', async () => {
    await expect(connectAs(broker.url, undefined, { protocolVersion: 5 })).rejects.toThrow(/protocol version/i);
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(startEmbeddedBroker({ host: '0.0.0.0', port: 0, security: { mode: 'open' } })).rejects.toThrow(
      /loopback only, not on 0\.0\.0\.0/,
    );
  });

  it.each([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.168.1.20', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('isLoopback(%s) is %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});

describe('secured', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      security: { mode: 'secured', passwords },
      tls: { port: 0, keyFile: ca.serverKeyFile, certFile: ca.serverCertFile, caFile: ca.caFile },
    });
  });
  afterAll(() => broker?.close());

  it('takes a user of the password file', async () => {
    const client = await connectAs(broker.url, undefined, { username: 'lab', password: 'lab-secret' });
    await client.endAsync(true);
  });

  it('refuses a username that names no role, even with its password', async () => {
    await expect(connectAs(broker.url, undefined, { username: 'guest~x', password: 'guest-secret' })).rejects.toThrow(
      /not authorized/i,
    );
  });

  it('refuses a username without a password', async () => {
    await expect(connectAs(broker.url, undefined, { username: 'lab' })).rejects.toThrow(/not authorized/i);
  });

  it('takes TLS clients with a certificate the CA signed and a password', async () => {
    expect(broker.tlsUrl).toBe(`mqtts://127.0.0.1:${broker.tlsPort}`);
    const client = await connectAs(broker.tlsUrl!, undefined, {
      username: 'lab',
      password: 'lab-secret',
      ca: readFileSync(ca.caFile),
      cert: readFileSync(ca.clientCertFile),
      key: readFileSync(ca.clientKeyFile),
    });
    await client.endAsync(true);
  });

  it('refuses TLS clients without a certificate', async () => {
    await expect(
      connectAs(broker.tlsUrl!, undefined, { username: 'lab', password: 'lab-secret', ca: readFileSync(ca.caFile) }),
    ).rejects.toThrow();
  });
});

describe('the edge on its own secured broker', () => {
  it('logs in with credentials drawn at start, in the role of an edge', async () => {
    const broker = await startEmbeddedBroker({ port: 0, security: { mode: 'secured', passwords }, edgeId: 'shed' });
    try {
      expect(broker.edgeCredentials?.username).toBe('shed');
      const client = await connectAs(broker.url, undefined, broker.edgeCredentials);
      const received = new Promise<string>((resolve) => client.once('message', (topic) => resolve(topic)));
      await client.subscribeAsync('wasmote/shed/#', { qos: 1 });
      await client.publishAsync('wasmote/shed/$edge/state', '{}', { qos: 1 });
      expect(await received).toBe('wasmote/shed/$edge/state');
      await client.endAsync(true);
      await expect(connectAs(broker.url, undefined, { username: 'shed', password: 'guess' })).rejects.toThrow(/bad user/i);
      // The password file's users still log in beside it.
      await (await connectAs(broker.url, undefined, { username: 'lab', password: 'lab-secret' })).endAsync(true);
    } finally {
      await broker.close();
    }
  });
});

describe('ports', () => {
  it('names a port in use when it was asked for', async () => {
    const holder = createServer();
    const port = await listen(holder, '127.0.0.1', 0, 'holder');
    try {
      await expect(startEmbeddedBroker({ port, security: { mode: 'open' } })).rejects.toThrow(
        `embedded broker: 127.0.0.1:${port} is in use`,
      );
    } finally {
      await closeServer(holder);
    }
  });

  it('moves to a free port when the preferred one is taken', async () => {
    const holder = createServer();
    const taken = await listen(holder, '127.0.0.1', 0, 'holder');
    const server = createServer();
    try {
      const port = await listenPreferring(server, '127.0.0.1', taken, 'test');
      expect(port).not.toBe(taken);
      expect(port).toBeGreaterThan(0);
    } finally {
      await Promise.all([closeServer(holder), closeServer(server)]);
    }
  });

  it('stops taking clients once closed', async () => {
    const broker = await startEmbeddedBroker({ port: 0, security: { mode: 'open' } });
    const client = await connectAs(broker.url, undefined);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await broker.close();
    await closed;
    await client.endAsync(true);
    await expect(connectAs(broker.url, undefined)).rejects.toThrow(/ECONNREFUSED/);
  });
});
