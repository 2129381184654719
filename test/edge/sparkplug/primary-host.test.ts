import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseHostState, PrimaryHostTracker } from '../../../host/edge/sparkplug/primary-host.ts';
import { useBroker } from './support/broker.ts';
import { sensorNodeBirth } from './support/gateway-fixtures.ts';
import { counterValue, makeRig, type Rig } from './support/node-under-test.ts';
import { metricNamed } from './support/sparkplug-host.ts';

describe('STATE payloads', () => {
  it('reads Sparkplug 3.0 STATE and refuses anything else', () => {
    expect(parseHostState(Buffer.from('{"online":true,"timestamp":1796392612929}'))).toEqual({
      online: true,
      timestampMs: 1_796_392_612_929,
    });
    expect(parseHostState(Buffer.from('OFFLINE'))).toBeUndefined();
    expect(parseHostState(Buffer.from('{"online":"yes","timestamp":1}'))).toBeUndefined();
    expect(parseHostState(Buffer.from('{"online":true}'))).toBeUndefined();
    expect(parseHostState(Buffer.alloc(0))).toBeUndefined();
  });

  it('ignores a STATE older than the last one taken, and takes one of the same time again', () => {
    const tracker = new PrimaryHostTracker();
    expect(tracker.take({ online: true, timestampMs: 200 })).toEqual({ online: true, timestampMs: 200 });
    expect(tracker.take({ online: false, timestampMs: 100 })).toBeUndefined();
    expect(tracker.take({ online: false, timestampMs: 200 })).toEqual({ online: false, timestampMs: 200 });
  });
});

describe('with a primary host', () => {
  let broker: Awaited<ReturnType<typeof useBroker>>;
  let rig: Rig;
  let stateTopic: string;

  beforeAll(async () => {
    broker = await useBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    // The retained STATE this test made goes, whatever happened.
    await rig?.host.publishRaw(stateTopic, Buffer.alloc(0), true);
    await rig?.close();
  });

  const state = (online: boolean, timestampMs: number) => JSON.stringify({ online, timestamp: timestampMs });

  it('births only after the host’s STATE says online, dies and reconnects when it goes offline, and ignores an older STATE', async () => {
    rig = await makeRig(broker.url);
    stateTopic = `spBv1.0/STATE/${rig.hostId}`;
    const t0 = Date.now();
    await rig.host.publishRaw(stateTopic, state(false, t0), true);
    rig.gateway.bringUp(sensorNodeBirth('sim-3fa2-0000'));
    rig.start({ primaryHostId: rig.hostId });

    // Connected and subscribed, with the retained offline STATE: no NBIRTH.
    await expect
      .poll(() => counterValue(rig.registry, 'wasmote_sparkplug_connects_total', { result: 'ok' }), { timeout: 10_000 })
      .toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rig.host.messages).toEqual([]);

    await rig.host.publishRaw(stateTopic, state(true, t0 + 1), true);
    const nbirth = await rig.host.waitFor('the NBIRTH', (message) => message.type === 'NBIRTH');
    expect(metricNamed(nbirth, 'bdSeq').value).toBe(0n);
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');

    // A stale offline STATE (older than the online one) changes nothing: the next message is a Rebirth's NBIRTH.
    await rig.host.publishRaw(stateTopic, state(false, t0 - 1000), true);
    let from = rig.host.messages.length;
    await rig.host.command(`spBv1.0/${rig.group}/NCMD/${rig.edge}`, [{ alias: 2, type: 'Boolean', value: true }]);
    const next = await rig.host.waitFor('the answer to a Rebirth', () => rig.host.messages.length > from, {
      fromIndex: from,
    });
    expect(next.type).toBe('NBIRTH');
    expect(metricNamed(next, 'bdSeq').value).toBe(0n);

    // The host goes offline: NDEATH with this connection's bdSeq; the edge reconnects (bdSeq 1) and waits.
    from = rig.host.messages.length;
    await rig.host.publishRaw(stateTopic, state(false, t0 + 2), true);
    const ndeath = await rig.host.waitFor('the NDEATH', (message) => message.type === 'NDEATH', { fromIndex: from });
    expect(metricNamed(ndeath, 'bdSeq').value).toBe(0n);
    await expect
      .poll(() => counterValue(rig.registry, 'wasmote_sparkplug_connects_total', { result: 'ok' }), { timeout: 10_000 })
      .toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rig.host.of('NBIRTH')).toHaveLength(2);

    await rig.host.publishRaw(stateTopic, state(true, t0 + 3), true);
    from = rig.host.messages.indexOf(ndeath);
    const rebirth = await rig.host.waitFor('an NBIRTH on the new connection', (message) => message.type === 'NBIRTH', {
      fromIndex: from,
    });
    expect(metricNamed(rebirth, 'bdSeq').value).toBe(1n);
    await rig.host.waitFor('the DBIRTH again', (message) => message.type === 'DBIRTH', { fromIndex: from });
  });
});
