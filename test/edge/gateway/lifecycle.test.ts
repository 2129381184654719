/**
 * docs/mqtt.md §3.3 and §4.1: a device's life as the edge sees it — online, heartbeat timeout, unplugged, rebooted,
 * met late — and a link that sends garbage, with a manual clock wherever time matters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBroker } from './support/broker.ts';
import { DOC_SESSION, FakeDevice } from './support/fake-device.ts';
import { settle, startHarness, until, type Harness } from './support/harness.ts';

let broker: Awaited<ReturnType<typeof testBroker>>;
let harness: Harness;

beforeAll(async () => {
  broker = await testBroker();
  harness = await startHarness(broker.url, 'lifecycle');
});

afterAll(async () => {
  await harness?.close();
  await broker?.stop();
});

function states(device: string): { state: string; reason: string; session: number }[] {
  return harness.watcher.on(`${device}/state`).map((seen) => seen.json);
}

describe('a device comes and goes', () => {
  it('§3.3 goes offline after three heartbeat periods without a HEARTBEAT, and back online when heard', async () => {
    const device = new FakeDevice(harness.source.connect(), 'quiet-1');
    device.boot();
    await harness.watcher.waitFor('quiet-1/birth');
    harness.clock.advance(10_000);
    device.heartbeat(10_000);
    harness.clock.advance(14_999);
    await settle();
    expect(states('quiet-1').map(({ state }) => state)).toEqual(['online']);
    harness.clock.advance(1);
    const offline = await harness.watcher.waitFor('quiet-1/state', (json) => json.state === 'offline');
    expect(offline.json).toMatchObject({ reason: 'heartbeat-timeout', session: DOC_SESSION, lastSeen: '2026-12-04T07:30:10.000Z' });
    device.heartbeat(30_000);
    await until(() => states('quiet-1').length === 3);
    expect(states('quiet-1')[2]).toMatchObject({ state: 'online', reason: 'seen' });
  });

  it('§3.3 goes offline when its link closes', async () => {
    const link = harness.source.connect();
    new FakeDevice(link, 'unplugged-1').boot();
    await harness.watcher.waitFor('unplugged-1/birth');
    await link.close('unplugged');
    const offline = await harness.watcher.waitFor('unplugged-1/state', (json) => json.state === 'offline');
    expect(offline.json.reason).toBe('link-closed');
  });

  it('§3.3 a reboot keeps it online, reason rebooted, with a new birth for the new session', async () => {
    const device = new FakeDevice(harness.source.connect(), 'reboot-1');
    device.boot();
    await harness.watcher.waitFor('reboot-1/birth');
    device.reboot(0x0102_0304);
    const rebooted = await harness.watcher.waitFor('reboot-1/state', (json) => json.reason === 'rebooted');
    expect(rebooted.json).toMatchObject({ state: 'online', session: 0x0102_0304 });
    const birth = await harness.watcher.waitFor('reboot-1/birth', (json) => json.session === 0x0102_0304);
    expect(birth.json).toMatchObject({ bootReason: 'reboot', bootCount: 2 });
    expect(states('reboot-1').map(({ state }) => state)).toEqual(['online', 'online']);
  });

  it('§4.1 data of a session without a birth is held, the HELLO asked for, then published in order', async () => {
    const link = harness.source.connect();
    const device = new FakeDevice(link, 'late-1', 0x0a0b_0c0d);
    // The edge started late: the device's HELLO went out before the link was there.
    device.encoder.encode({ type: 'log', timeMs: 0, level: 2, text: 'lost' });
    device.data(1000, [{ id: 0, value: 1 }]);
    device.data(2000, [{ id: 0, value: 2 }]);
    await until(() => link.commands.length === 1);
    expect([...link.commands[0]!.command.payload]).toEqual([0x71]);
    await settle();
    expect(harness.watcher.on('late-1/data')).toHaveLength(0);
    device.boot({ helloReason: 2, uptimeMs: 2500 });
    await until(() => harness.watcher.on('late-1/data').length === 2);
    expect(harness.watcher.on('late-1/data').map((seen) => seen.json.values['tmp102.temperature'])).toEqual([1, 2]);
    expect(harness.watcher.on('late-1/birth')[0]!.json.helloReason).toBe('requested');
  });

  it('§4.1 data that cannot be named in 5 s is counted and dropped', async () => {
    const link = harness.source.connect();
    const device = new FakeDevice(link, 'mute-1', 0x0e0e_0e0e);
    const before = harness.gateway.unnamedValues;
    device.data(1000, [
      { id: 0, value: 1 },
      { id: 4, value: 2 },
    ]);
    await until(() => link.commands.length === 1);
    harness.clock.advance(5000);
    expect(harness.gateway.unnamedValues).toBe(before + 2);
    await settle();
    expect(harness.watcher.on('mute-1/data')).toHaveLength(0);
  });

  it('garbage on a link costs only its own frames', async () => {
    const link = harness.source.connect();
    const device = new FakeDevice(link, 'noisy-1');
    const random = (length: number) => Uint8Array.from({ length }, (_, index) => (index * 73 + 11) % 256);
    link.send(random(3000));
    link.send(Uint8Array.of(0x00, 0x05, 0x02, 0x00));
    link.send(Uint8Array.of(0x00, 0x00, 0x03, 0xff, 0xff, 0x00));
    device.boot();
    device.heartbeat(5000);
    const status = await harness.watcher.waitFor('noisy-1/status');
    const drops = status.json.edgeLink.drops as Record<string, number>;
    expect(Object.values(drops).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    expect(status.json.edgeLink.framesOk).toBe(4);
  });
});
