import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPasswordFile } from '../../../host/edge/broker/password-file.ts';
import { startEmbeddedBroker } from '../../../host/edge/broker/embedded-broker.ts';
import { Mosquitto, tempDir } from '../../../bench/peers.ts';
import { connectAs, PublishObserver, trySubscribe } from './access-probe.ts';
import {
  describeCheck,
  PASSWORDS,
  PUBLISH_CHECKS,
  SHARED_SUBSCRIBE_CHECKS,
  SUBSCRIBE_CHECKS,
} from './role-table.ts';
import { makePasswordFile, SHIPPED_ACL_FILE } from './support.ts';

/**
 * The role table of docs/mqtt.md §6 run against two implementations of it: Mosquitto with the shipped
 * docs/mosquitto/acl, and the embedded broker in secured mode, both reading one password file that
 * mosquitto_passwd wrote. Each check connects as the role's user.
 */

interface BrokerUnderTest {
  name: string;
  /** Whether `$share/<group>/<filter>` works (Mosquitto) or is refused (aedes has no shared subscriptions). */
  sharedSubscriptions: boolean;
  start(dir: string): Promise<{ url: string; stop(): Promise<void> }>;
}

const BROKERS: BrokerUnderTest[] = [
  {
    name: 'Mosquitto with docs/mosquitto/acl',
    sharedSubscriptions: true,
    start: async (dir) => {
      const broker = await Mosquitto.start(dir, { users: PASSWORDS, aclFile: SHIPPED_ACL_FILE });
      return { url: broker.url, stop: () => broker.stop() };
    },
  },
  {
    name: 'the embedded broker, secured',
    sharedSubscriptions: false,
    start: async (dir) => {
      const passwords = await loadPasswordFile(makePasswordFile(dir, PASSWORDS));
      const broker = await startEmbeddedBroker({ port: 0, security: { mode: 'secured', passwords } });
      return { url: broker.url, stop: () => broker.close() };
    },
  },
];

describe.each(BROKERS)('$name', (underTest) => {
  const dir = tempDir('access-rules');
  let broker: { url: string; stop(): Promise<void> };
  let observer: PublishObserver;

  beforeAll(async () => {
    broker = await underTest.start(dir.path);
    observer = await PublishObserver.start(broker.url, 'view~alice', ['wasmote/#', 'spBv1.0/#'], 'lab', 'wasmote/lab/marker');
  });
  afterAll(async () => {
    await observer?.close();
    await broker?.stop();
    dir.remove();
  });

  it.each(PUBLISH_CHECKS.map((check, index) => ({ check, index, name: describeCheck(check) })))(
    '$name',
    async ({ check, index }) => {
      expect(await observer.tryPublish(check, `probe-${index}`)).toBe(check.allowed);
    },
  );

  it.each(SUBSCRIBE_CHECKS.map((check) => ({ check, name: describeCheck(check) })))('$name', async ({ check }) => {
    expect(await trySubscribe(broker.url, check)).toBe(check.allowed);
  });

  it.each(SHARED_SUBSCRIBE_CHECKS.map((check) => ({ check, name: describeCheck(check) })))(
    '$name where the broker has shared subscriptions',
    async ({ check }) => {
      expect(await trySubscribe(broker.url, check)).toBe(check.allowed && underTest.sharedSubscriptions);
    },
  );

  it('refuses a wrong password', async () => {
    await expect(connectAs(broker.url, 'lab', { password: 'not-the-password' })).rejects.toThrow(/not authorized|bad user/i);
  });

  it('refuses a client without credentials', async () => {
    await expect(connectAs(broker.url, undefined)).rejects.toThrow(/not authorized/i);
  });
});
