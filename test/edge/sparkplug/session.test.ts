import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BirthDeathSequence, MessageSequence } from '../../../host/edge/sparkplug/session.ts';
import { CuttableRelay, useBroker } from './support/broker.ts';
import { sensorNodeBirth } from './support/gateway-fixtures.ts';
import { counterValue, makeRig, type Rig } from './support/node-under-test.ts';
import { metricNamed } from './support/sparkplug-host.ts';

describe('bdSeq and seq counters', () => {
  it('count bdSeq from 0 per CONNECT and wrap 255 to 0', () => {
    const bdSeq = new BirthDeathSequence();
    const values = Array.from({ length: 258 }, () => bdSeq.forNextConnect());
    expect(values.slice(0, 3)).toEqual([0, 1, 2]);
    expect(values.slice(254)).toEqual([254, 255, 0, 1]);
  });

  it('start seq at 0 on NBIRTH and wrap 255 to 0', () => {
    const seq = new MessageSequence();
    expect(seq.restart()).toBe(0);
    const values = Array.from({ length: 256 }, () => seq.take());
    expect(values.slice(0, 2)).toEqual([1, 2]);
    expect(values.slice(253)).toEqual([254, 255, 0]);
    expect(seq.restart()).toBe(0);
    expect(seq.take()).toBe(1);
  });
});

describe('the connection’s will and a clean stop', () => {
  let broker: Awaited<ReturnType<typeof useBroker>>;
  let relay: CuttableRelay | undefined;
  let rig: Rig;

  beforeAll(async () => {
    broker = await useBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    await rig?.close();
    await relay?.close();
  });

  it('leaves NDEATH with the bdSeq of its NBIRTH when the connection dies, and connects again with the next bdSeq', async () => {
    rig = await makeRig(broker.url);
    relay = await CuttableRelay.start(broker);
    rig.gateway.bringUp(sensorNodeBirth('sim-3fa2-0000'));
    rig.start({ url: relay.url });
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    expect(metricNamed(rig.host.of('NBIRTH')[0]!, 'bdSeq').value).toBe(0n);

    // The socket dies without DISCONNECT: the broker publishes the will.
    relay.cut();
    const ndeath = await rig.host.waitFor('the NDEATH will', (message) => message.type === 'NDEATH');
    expect(ndeath).toMatchObject({ topic: `spBv1.0/${rig.group}/NDEATH/${rig.edge}`, qos: 1, retain: false });
    expect(ndeath.seq).toBeUndefined();
    expect(ndeath.metrics).toEqual([expect.objectContaining({ name: 'bdSeq', type: 'Int64', value: 0n })]);

    const index = rig.host.messages.indexOf(ndeath);
    const rebirth = await rig.host.waitFor('an NBIRTH after reconnecting', (message) => message.type === 'NBIRTH', {
      fromIndex: index,
    });
    expect(rebirth.seq).toBe(0);
    expect(metricNamed(rebirth, 'bdSeq').value).toBe(1n);
    await rig.host.waitFor('the DBIRTH again', (message) => message.type === 'DBIRTH', { fromIndex: index });
    expect(await counterValue(rig.registry, 'wasmote_sparkplug_connects_total', { result: 'ok' })).toBe(2);

    // Cut again: this connection's will carries bdSeq 1.
    relay.cut();
    const second = await rig.host.waitFor(
      'a second NDEATH',
      (message) => message.type === 'NDEATH' && message !== ndeath,
    );
    expect(metricNamed(second, 'bdSeq').value).toBe(1n);
  });

  it('publishes NDEATH itself before a clean stop', async () => {
    rig = await makeRig(broker.url);
    rig.gateway.bringUp(sensorNodeBirth('sim-3fa2-0000'));
    const node = rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    await node.stop();
    const ndeath = await rig.host.waitFor('the NDEATH', (message) => message.type === 'NDEATH');
    expect(metricNamed(ndeath, 'bdSeq').value).toBe(0n);
    expect(rig.host.of('NDEATH')).toHaveLength(1);
    // Stopped: the gateway's messages go nowhere.
    rig.gateway.emit({
      device: 'sim-3fa2-0000',
      kind: 'birth',
      payload: sensorNodeBirth('sim-3fa2-0000', { session: 7 }),
    });
    expect(rig.host.of('DBIRTH')).toHaveLength(1);
  });
});
