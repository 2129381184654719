import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Mosquitto, tempDir } from '../../../bench/peers.ts';
import { makeTestCa, type TestCa } from '../support/test-ca.ts';
import { sensorNodeBirth } from './support/gateway-fixtures.ts';
import { counterValue, makeRig, type Rig } from './support/node-under-test.ts';

/** docs/mqtt.md §6: a broker of this file's own that takes only known users, over TLS with client certificates. */

const USERS = { 'edge-1': 'edge-secret', 'host-scada': 'host-secret' };
const dir = tempDir('sparkplug-tls');
let broker: Mosquitto;
let ca: TestCa;
let rig: Rig;

beforeAll(async () => {
  ca = makeTestCa(dir.path);
  broker = await Mosquitto.start(dir.path, {
    users: USERS,
    tls: { caFile: ca.caFile, certFile: ca.serverCertFile, keyFile: ca.serverKeyFile, requireCertificate: true },
  });
});
afterAll(async () => {
  await broker?.stop();
  dir.remove();
});
afterEach(async () => {
  await rig?.close();
});

async function secureRig(): Promise<Rig> {
  return makeRig(broker.url, {
    username: 'host-scada',
    password: USERS['host-scada'],
    ca: readFileSync(ca.caFile),
    cert: readFileSync(ca.clientCertFile),
    key: readFileSync(ca.clientKeyFile),
  });
}

const tls = () => ({ caFile: ca.caFile, certFile: ca.clientCertFile, keyFile: ca.clientKeyFile });

it('connects with a username, a password and TLS files', async () => {
  rig = await secureRig();
  rig.gateway.bringUp(sensorNodeBirth('sim-3fa2-0000'));
  rig.start({ username: 'edge-1', password: USERS['edge-1'], tls: tls() });
  await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
});

it('keeps trying, and publishes nothing, while the broker refuses its credentials', async () => {
  rig = await secureRig();
  rig.gateway.bringUp(sensorNodeBirth('sim-3fa2-0000'));
  rig.start({ username: 'edge-1', password: 'wrong', tls: tls() });
  await expect
    .poll(() => counterValue(rig.registry, 'wasmote_sparkplug_connects_total', { result: 'failed' }), {
      timeout: 10_000,
    })
    .toBeGreaterThanOrEqual(2);
  expect(rig.host.messages).toEqual([]);
});
