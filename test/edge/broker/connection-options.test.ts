import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { brokerConnection, type BrokerConnectionFlags } from '../../../host/edge/broker/connection-options.ts';
import { OptionError } from '../../../host/edge/option-error.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../host/edge/broker/embedded-broker.ts';
import { loadPasswordFile } from '../../../host/edge/broker/password-file.ts';
import { tempDir } from '../../../bench/peers.ts';
import { makeTestCa, type TestCa } from '../support/test-ca.ts';
import { makePasswordFile } from './support.ts';

const dir = tempDir('connection-options');
const file = (name: string, text: string): string => {
  const where = path.join(dir.path, name);
  writeFileSync(where, text);
  return where;
};
let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa(dir.path);
});
afterAll(() => dir.remove());

describe('brokerConnection', () => {
  it('takes the credentials out of the URL', () => {
    const { url, options } = brokerConnection({ broker: 'mqtt://view~alice:p%40ss@broker.example:1884' });
    expect(url).toBe('mqtt://broker.example:1884');
    expect(options).toEqual({ username: 'view~alice', password: 'p@ss' });
  });

  it('reads the first line of --password-file', () => {
    const passwordFile = file('password', 'lab-secret\nsecond line is not read\n');
    expect(brokerConnection({ broker: 'mqtts://b:8883', username: 'lab', passwordFile }).options).toEqual({
      username: 'lab',
      password: 'lab-secret',
    });
    const crlf = file('password-crlf', 'lab-secret\r\n');
    expect(brokerConnection({ broker: 'mqtt://lab@b', passwordFile: crlf }).options.password).toBe('lab-secret');
  });

  it('keeps a WebSocket path', () => {
    expect(brokerConnection({ broker: 'wss://b.example/mqtt' }).url).toBe('wss://b.example/mqtt');
  });

  it('reads --ca, --cert and --key for mqtts://', () => {
    const { options } = brokerConnection({ broker: 'mqtts://b', ca: ca.caFile, cert: ca.clientCertFile, key: ca.clientKeyFile });
    expect(options.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(options.cert?.toString()).toContain('BEGIN CERTIFICATE');
    expect(options.key?.toString()).toContain('PRIVATE KEY');
  });

  const SCHEMES = /must be mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\//;
  const refusals: Array<[string, () => BrokerConnectionFlags, string, RegExp]> = [
    ['a URL without a scheme', () => ({ broker: 'broker.example:1883' }), '--broker', SCHEMES],
    ['another scheme', () => ({ broker: 'http://b' }), '--broker', /got http:\/\//],
    ['no URL', () => ({ broker: 'not a url' }), '--broker', /not a URL/],
    ['a path on mqtt://', () => ({ broker: 'mqtt://b/topic' }), '--broker', /takes no path/],
    [
      'a password twice',
      () => ({ broker: 'mqtt://u:p@b', passwordFile: file('pw', 'x\n') }),
      '--password-file',
      /holds a password already/,
    ],
    ['two usernames', () => ({ broker: 'mqtt://u@b', username: 'v' }), '--username', /differs from the user in --broker/],
    [
      'a password without a user',
      () => ({ broker: 'mqtt://b', passwordFile: file('pw', 'x\n') }),
      '--password-file',
      /needs a username/,
    ],
    [
      'a missing password file',
      () => ({ broker: 'mqtt://b', username: 'u', passwordFile: '/nonexistent/pw' }),
      '--password-file',
      /cannot read \/nonexistent\/pw \(ENOENT\)/,
    ],
    [
      'an empty first line',
      () => ({ broker: 'mqtt://b', username: 'u', passwordFile: file('empty', '\nx\n') }),
      '--password-file',
      /empty line/,
    ],
    ['a CA without TLS', () => ({ broker: 'mqtt://b', ca: ca.caFile }), '--ca', /needs an mqtts:\/\/ or wss:\/\//],
    ['a certificate without its key', () => ({ broker: 'mqtts://b', cert: ca.clientCertFile }), '--cert', /needs --key too/],
    [
      'a missing CA file',
      () => ({ broker: 'mqtts://b', ca: '/nonexistent/ca.pem' }),
      '--ca',
      /cannot read \/nonexistent\/ca.pem \(ENOENT\)/,
    ],
  ];

  it.each(refusals)('refuses %s, naming the option', (_case, flags, option, message) => {
    let thrown: unknown;
    try {
      brokerConnection(flags());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OptionError);
    expect((thrown as OptionError).option).toBe(option);
    expect((thrown as Error).message).toMatch(message);
  });

  it('never shows a password in an error', () => {
    expect(() => brokerConnection({ broker: 'mqtt://u:hunter2@b/path' })).toThrow(OptionError);
    expect(() => brokerConnection({ broker: 'mqtt://u:hunter2@b/path' })).not.toThrow(/hunter2/);
    expect(() => brokerConnection({ broker: 'mqtt:// u:hunter2@b' })).not.toThrow(/hunter2/);
  });
});

describe('a connection made with them', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    const passwords = await loadPasswordFile(makePasswordFile(dir.path, { lab: 'lab-secret' }));
    broker = await startEmbeddedBroker({
      port: 0,
      security: { mode: 'secured', passwords },
      tls: { port: 0, keyFile: ca.serverKeyFile, certFile: ca.serverCertFile, caFile: ca.caFile },
    });
  });
  afterAll(() => broker?.close());

  it('reaches the secured embedded broker over TLS with a client certificate', async () => {
    const { url, options } = brokerConnection({
      broker: broker.tlsUrl!,
      username: 'lab',
      passwordFile: file('lab-password', 'lab-secret\n'),
      ca: ca.caFile,
      cert: ca.clientCertFile,
      key: ca.clientKeyFile,
    });
    const client = await mqtt.connectAsync(url, { ...options, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
    await client.endAsync(true);
  });
});
