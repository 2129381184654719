import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyResult, AnomalySource } from '../../../host/edge/sparkplug/anomaly-metrics.ts';
import {
  dataOf,
  latestOf,
  mixedKindBirth,
  offline,
  online,
  sensorNodeBirth,
  statusOf,
} from './support/gateway-fixtures.ts';
import { useBroker } from './support/broker.ts';
import { counterValue, makeRig, type Rig } from './support/node-under-test.ts';
import { metricNamed, type SeenMessage } from './support/sparkplug-host.ts';

/**
 * The Edge Node against a real Mosquitto, seen by a separate client that decodes with the Eclipse Tahu decoder.
 * Aliases restated from docs/mqtt.md §7: slot × 1024 + link id + 1, control metrics 512 + row.
 */
const DEVICE_A = 'sim-3fa2-0000';
const DEVICE_B = 'sim-3fa2-0001';
const aliasOf = (slot: number, linkId: number) => slot * 1024 + linkId + 1;
const controlAlias = (slot: number, row: number) => slot * 1024 + 512 + row;
const ROW = {
  rebirth: 1,
  reboot: 2,
  ledMode: 3,
  ledPeriod: 4,
  interval: 5,
  brightness: 6,
  lastResult: 7,
  session: 8,
  bootCount: 9,
  appState: 10,
};
const NODE_REBIRTH_ALIAS = 2;

let broker: Awaited<ReturnType<typeof useBroker>>;
let rig: Rig;

beforeAll(async () => {
  broker = await useBroker();
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  await rig?.close();
});

const seqs = (messages: SeenMessage[]) => messages.map((message) => message.seq);

describe('births', () => {
  it('publishes NBIRTH with bdSeq and Node Control/Rebirth, then a DBIRTH per online device', async () => {
    rig = await makeRig(broker.url);
    const a = sensorNodeBirth(DEVICE_A);
    const b = sensorNodeBirth(DEVICE_B, { session: 0x1234_5678 });
    rig.gateway.bringUp(a);
    rig.gateway.emit({
      device: DEVICE_A,
      kind: 'latest',
      payload: latestOf(a, { 'tmp102.temperature': 21.53, 'sht31.humidity': 41.2 }),
    });
    rig.gateway.bringUp(b);
    rig.start();

    await rig.host.waitFor('two DBIRTHs', () => rig.host.of('DBIRTH').length === 2);
    const [nbirth] = rig.host.of('NBIRTH');
    expect(nbirth).toMatchObject({ topic: `spBv1.0/${rig.group}/NBIRTH/${rig.edge}`, seq: 0, qos: 0, retain: false });
    expect(metricNamed(nbirth!, 'bdSeq')).toMatchObject({ type: 'Int64', value: 0n });
    expect(metricNamed(nbirth!, 'Node Control/Rebirth')).toMatchObject({
      type: 'Boolean',
      value: false,
      alias: NODE_REBIRTH_ALIAS,
    });

    const [birthA, birthB] = rig.host.of('DBIRTH');
    expect([birthA!.device, birthB!.device].sort()).toEqual([DEVICE_A, DEVICE_B]);
    expect(seqs([nbirth!, birthA!, birthB!])).toEqual([0, 1, 2]);
    const dbirthA = birthA!.device === DEVICE_A ? birthA! : birthB!;
    expect(dbirthA).toMatchObject({
      topic: `spBv1.0/${rig.group}/DBIRTH/${rig.edge}/${DEVICE_A}`,
      qos: 0,
      retain: false,
    });

    const temperature = metricNamed(dbirthA, 'tmp102/temperature');
    expect(temperature).toMatchObject({ alias: aliasOf(1, 1), type: 'Double', value: 21.53 });
    expect(temperature.timestampMs).toBe(Date.parse('2026-12-04T07:30:01.000Z'));
    expect(temperature.properties).toEqual({
      engUnit: { type: 'String', value: 'Cel' },
      engLow: { type: 'Double', value: -40 },
      engHigh: { type: 'Double', value: 125 },
    });
    expect(metricNamed(dbirthA, 'sht31/humidity')).toMatchObject({
      alias: aliasOf(1, 3),
      value: 41.2,
      properties: { engUnit: { type: 'String', value: '%RH' }, engLow: { value: 0 }, engHigh: { value: 100 } },
    });
    // Not reported yet in this session: a null value.
    expect(metricNamed(dbirthA, 'sht31/temperature').value).toBeNull();

    expect(metricNamed(dbirthA, 'LED/Mode')).toMatchObject({
      alias: controlAlias(1, ROW.ledMode),
      type: 'String',
      value: 'blink',
    });
    expect(metricNamed(dbirthA, 'LED/Period ms')).toMatchObject({
      alias: controlAlias(1, ROW.ledPeriod),
      type: 'UInt32',
    });
    expect(Number(metricNamed(dbirthA, 'LED/Period ms').value)).toBe(500);
    expect(Number(metricNamed(dbirthA, 'Report/Interval ms').value)).toBe(1000);
    expect(metricNamed(dbirthA, 'LED/Brightness')).toMatchObject({
      alias: controlAlias(1, ROW.brightness),
      type: 'UInt16',
      value: 0,
    });
    expect(Number(metricNamed(dbirthA, 'Device/Session').value)).toBe(305_419_896);
    expect(Number(metricNamed(dbirthA, 'Device/Boot Count').value)).toBe(1);
    expect(metricNamed(dbirthA, 'App/State').value).toBe('running');
    expect(metricNamed(dbirthA, 'Device Control/Rebirth')).toMatchObject({ type: 'Boolean', value: false });
    expect(metricNamed(dbirthA, 'Device Control/Reboot')).toMatchObject({ type: 'Boolean', value: false });
    expect(metricNamed(dbirthA, 'Device Control/Last Result')).toMatchObject({ type: 'String', value: '' });

    // Aliases are unique over the whole Edge Node, node metrics included.
    const aliases = rig.host.messages.flatMap((message) => message.metrics.map((metric) => metric.alias));
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('gives each kind its datatype and leaves out the properties a metric has no value for', async () => {
    rig = await makeRig(broker.url);
    const birth = mixedKindBirth(DEVICE_A);
    rig.gateway.bringUp(birth);
    rig.gateway.emit({
      device: DEVICE_A,
      kind: 'latest',
      payload: latestOf(birth, { 'app.ticks': 9_007_199_254_740_991, 'app.alarm': 1 }),
    });
    rig.start();

    const dbirth = await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    expect(metricNamed(dbirth, 'bme280/pressure')).toMatchObject({
      type: 'Double',
      properties: { engUnit: { type: 'String', value: 'Pa' }, engLow: { value: 30_000 }, engHigh: { value: 110_000 } },
    });
    const ticks = metricNamed(dbirth, 'app/ticks');
    expect(ticks.type).toBe('Int64');
    expect(BigInt.asIntN(64, ticks.value as bigint)).toBe(9_007_199_254_740_991n);
    expect(ticks.properties).toBeUndefined();
    expect(metricNamed(dbirth, 'app/alarm')).toMatchObject({ type: 'Boolean', value: true });
    // This app declared none of LED, INTERVAL, BRIGHTNESS: no such control metric.
    expect(dbirth.metrics.map((metric) => metric.name)).not.toContain('LED/Mode');
    expect(dbirth.metrics.map((metric) => metric.name)).not.toContain('Report/Interval ms');
  });
});

describe('data, deaths and rebirths', () => {
  it('sends DDATA by alias alone, wraps seq 255 to 0 in publish order, and DDEATH when a device goes offline', async () => {
    rig = await makeRig(broker.url);
    const a = sensorNodeBirth(DEVICE_A);
    rig.gateway.bringUp(a);
    rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');

    const ticks = 300;
    for (let second = 1; second <= ticks; second++) {
      rig.gateway.emit({
        device: DEVICE_A,
        kind: 'data',
        payload: dataOf(a, second, { 'tmp102.temperature': 20 + second / 100, 'sht31.humidity': 41.2 }),
      });
    }
    // Data under a name the birth does not have is never published.
    rig.gateway.emit({ device: DEVICE_A, kind: 'data', payload: dataOf(a, ticks + 1, { 'unknown.metric': 1 }) });
    rig.gateway.emit({ device: DEVICE_A, kind: 'state', payload: offline(a) });
    await rig.host.waitFor('the DDEATH', (message) => message.type === 'DDEATH');

    const ddata = rig.host.of('DDATA', DEVICE_A);
    expect(ddata).toHaveLength(ticks);
    const [first] = ddata;
    const tickTimeMs = Date.parse('2026-12-04T07:30:01.000Z');
    expect(first!.metrics).toEqual([
      { alias: aliasOf(1, 1), timestampMs: tickTimeMs, type: 'Double', value: 20.01 },
      { alias: aliasOf(1, 3), timestampMs: tickTimeMs, type: 'Double', value: 41.2 },
    ]);
    for (const message of ddata) {
      for (const metric of message.metrics) expect(metric.name).toBeUndefined();
    }
    // Every message after NBIRTH is one more than the one before it, modulo 256.
    const all = rig.host.messages;
    expect(all.map((message) => message.type)).toEqual(['NBIRTH', 'DBIRTH', ...Array(ticks).fill('DDATA'), 'DDEATH']);
    all.forEach((message, index) => expect(message.seq).toBe(index % 256));
    expect(rig.host.of('DDEATH')[0]).toMatchObject({
      topic: `spBv1.0/${rig.group}/DDEATH/${rig.edge}/${DEVICE_A}`,
      qos: 0,
      retain: false,
      metrics: [],
    });

    // Online again: a new DBIRTH; data then flows again.
    const before = rig.host.messages.length;
    rig.gateway.emit({ device: DEVICE_A, kind: 'state', payload: online(a) });
    await rig.host.waitFor('a DBIRTH after the DDEATH', (message) => message.type === 'DBIRTH', { fromIndex: before });
  });

  it('sends a new DBIRTH without DDEATH when a device reboots, and only changed control metrics on HEARTBEAT', async () => {
    rig = await makeRig(broker.url);
    const a = sensorNodeBirth(DEVICE_A);
    rig.gateway.bringUp(a);
    rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');

    // Same status again: nothing; the LED switched on: LED/Mode alone.
    rig.gateway.emit({ device: DEVICE_A, kind: 'status', payload: statusOf(a) });
    rig.gateway.emit({
      device: DEVICE_A,
      kind: 'status',
      payload: statusOf(a, { led: { mode: 'on', periodMs: 500, level: 1 } }),
    });
    const change = await rig.host.waitFor('a DDATA', (message) => message.type === 'DDATA');
    expect(change.metrics).toEqual([expect.objectContaining({ alias: controlAlias(1, ROW.ledMode), value: 'on' })]);

    const rebooted = sensorNodeBirth(DEVICE_A, { session: 0x0dead_beef, bootCount: 2, bootReason: 'reboot' });
    rig.gateway.emit({ device: DEVICE_A, kind: 'state', payload: online(rebooted, 'rebooted') });
    rig.gateway.emit({ device: DEVICE_A, kind: 'birth', payload: rebooted });
    const second = await rig.host.waitFor(
      'a second DBIRTH',
      (message) => message.type === 'DBIRTH' && message !== rig.host.of('DBIRTH')[0],
    );
    expect(Number(metricNamed(second, 'Device/Session').value)).toBe(0x0dead_beef);
    expect(Number(metricNamed(second, 'Device/Boot Count').value)).toBe(2);
    // The previous session's values are not the new session's.
    expect(metricNamed(second, 'tmp102/temperature').value).toBeNull();
    expect(rig.host.of('DDEATH')).toEqual([]);
    expect(rig.host.of('DBIRTH')).toHaveLength(2);

    // Removed (§3.6, an empty retained birth): DDEATH.
    rig.gateway.emit({ device: DEVICE_A, kind: 'birth', payload: null });
    await rig.host.waitFor('the DDEATH of a removed device', (message) => message.type === 'DDEATH');
  });

  it('answers an NCMD Rebirth with NBIRTH (seq 0, same bdSeq) and every DBIRTH again, by alias or by name', async () => {
    rig = await makeRig(broker.url);
    rig.gateway.bringUp(sensorNodeBirth(DEVICE_A));
    rig.gateway.bringUp(sensorNodeBirth(DEVICE_B));
    rig.gateway.emit({ device: DEVICE_B, kind: 'state', payload: offline(sensorNodeBirth(DEVICE_B)) });
    rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');

    const ncmd = `spBv1.0/${rig.group}/NCMD/${rig.edge}`;
    let from = rig.host.messages.length;
    await rig.host.command(ncmd, [{ alias: NODE_REBIRTH_ALIAS, type: 'Boolean', value: true }]);
    const nbirth = await rig.host.waitFor('a second NBIRTH', (message) => message.type === 'NBIRTH', {
      fromIndex: from,
    });
    const dbirth = await rig.host.waitFor('its DBIRTH', (message) => message.type === 'DBIRTH', { fromIndex: from });
    expect(nbirth.seq).toBe(0);
    expect(dbirth).toMatchObject({ device: DEVICE_A, seq: 1 });
    expect(metricNamed(nbirth, 'bdSeq').value).toBe(0n);

    from = rig.host.messages.length;
    await rig.host.command(ncmd, [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
    await rig.host.waitFor('a third NBIRTH', (message) => message.type === 'NBIRTH', { fromIndex: from });
    await rig.host.waitFor('its DBIRTH', (message) => message.type === 'DBIRTH', { fromIndex: from });
    // The offline device is never born.
    expect(rig.host.of('DBIRTH', DEVICE_B)).toEqual([]);
  });
});

describe('DCMD', () => {
  it('runs writes as §5.1 commands and publishes each answer as Device Control/Last Result', async () => {
    rig = await makeRig(broker.url);
    rig.gateway.bringUp(sensorNodeBirth(DEVICE_A));
    rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    const dcmd = `spBv1.0/${rig.group}/DCMD/${rig.edge}/${DEVICE_A}`;

    await rig.host.command(dcmd, [
      { alias: controlAlias(1, ROW.ledMode), type: 'String', value: 'blink' },
      { alias: controlAlias(1, ROW.ledPeriod), type: 'UInt32', value: 250 },
    ]);
    const answered = await rig.host.waitFor('Last Result', (message) => message.type === 'DDATA');
    expect(rig.gateway.commands).toEqual([
      { device: DEVICE_A, command: 'led', payload: { mode: 'blink', periodMs: 250 } },
    ]);
    const lastResult = answered.metrics.find((metric) => metric.alias === controlAlias(1, ROW.lastResult));
    expect(JSON.parse(lastResult!.value as string)).toMatchObject({ device: DEVICE_A, command: 'led', result: 'ok' });

    rig.gateway.answer = (device, command) => ({
      device,
      command,
      result: 'nack',
      origin: 'app',
      status: 'BAD_ARGUMENT',
      statusCode: 5,
      cached: false,
      rttMs: 9,
    });
    await rig.host.command(dcmd, [
      { alias: controlAlias(1, ROW.interval), type: 'UInt32', value: 50 },
      { name: 'LED/Brightness', type: 'UInt16', value: 32_768 },
      { alias: controlAlias(1, ROW.rebirth), type: 'Boolean', value: true },
      { alias: controlAlias(1, ROW.reboot), type: 'Boolean', value: true },
    ]);
    await rig.host.waitFor('four answers', () => rig.host.of('DDATA').length === 5);
    expect(rig.gateway.commands.slice(1)).toEqual([
      { device: DEVICE_A, command: 'hello', payload: {} },
      { device: DEVICE_A, command: 'reboot', payload: {} },
      { device: DEVICE_A, command: 'interval', payload: { ms: 50 } },
      { device: DEVICE_A, command: 'brightness', payload: { dutyU16: 32_768 } },
    ]);
    const last = rig.host.of('DDATA').at(-1)!;
    expect(JSON.parse(last.metrics[0]!.value as string)).toMatchObject({
      command: 'brightness',
      result: 'nack',
      status: 'BAD_ARGUMENT',
    });
  });

  it('counts and ignores malformed payloads, unknown metrics and read-only writes, and keeps working', async () => {
    rig = await makeRig(broker.url);
    rig.gateway.bringUp(sensorNodeBirth(DEVICE_A));
    rig.start();
    await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    const dcmd = `spBv1.0/${rig.group}/DCMD/${rig.edge}/${DEVICE_A}`;
    const ncmd = `spBv1.0/${rig.group}/NCMD/${rig.edge}`;

    await rig.host.publishRaw(dcmd, Buffer.from('{"LED/Mode":"on"}'));
    await rig.host.publishRaw(ncmd, Buffer.from([0x12, 0xff, 0xff, 0xff]));
    await rig.host.command(dcmd, [{ alias: controlAlias(1, ROW.session), type: 'UInt32', value: 1 }]);
    await rig.host.command(dcmd, [{ alias: controlAlias(2, ROW.ledMode), type: 'String', value: 'on' }]);
    await rig.host.command(dcmd, [{ alias: controlAlias(1, ROW.ledMode), type: 'Boolean', value: true }]);
    await rig.host.command(`spBv1.0/${rig.group}/DCMD/${rig.edge}/no-such-device`, [
      { name: 'LED/Mode', type: 'String', value: 'on' },
    ]);
    await rig.host.command(dcmd, [{ alias: controlAlias(1, ROW.ledMode), type: 'String', value: 'off' }]);

    await rig.host.waitFor('the valid write’s answer', (message) => message.type === 'DDATA');
    expect(rig.gateway.commands).toEqual([{ device: DEVICE_A, command: 'led', payload: { mode: 'off' } }]);
    const rejected = (reason: string) =>
      counterValue(rig.registry, 'wasmote_sparkplug_commands_rejected_total', { reason });
    expect(await rejected('malformed')).toBe(2);
    expect(await rejected('read-only')).toBe(1);
    expect(await rejected('unknown-metric')).toBe(1);
    expect(await rejected('bad-value')).toBe(1);
    expect(await rejected('unknown-device')).toBe(1);
  });
});

/** The closed loop as the node reads it: results the test publishes. */
class ScriptedAnomalies implements AnomalySource {
  readonly anomalyModels = [
    { name: 'vibration', metrics: ['mpu6050.gyro_x'] },
    { name: 'hot-spot', metrics: ['tmp102.temperature', 'sht31.humidity'] },
  ];
  private readonly listeners = new Set<(result: AnomalyResult) => void>();
  constructor(private readonly startStates: AnomalyResult[]) {}
  anomalyStates(): AnomalyResult[] {
    return this.startStates;
  }
  onAnomalyResult(listener: (result: AnomalyResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  send(result: AnomalyResult): void {
    for (const listener of this.listeners) listener(result);
  }
}

describe('anomaly metrics (docs/mqtt.md §7, §9)', () => {
  it('names a score and an Active flag per model that runs on the device in DBIRTH, and sends each change in DDATA', async () => {
    rig = await makeRig(broker.url);
    rig.gateway.bringUp(sensorNodeBirth(DEVICE_A));
    const sinceMs = Date.parse('2026-12-04T07:29:00.000Z');
    const anomalies = new ScriptedAnomalies([{ kind: 'state', device: DEVICE_A, model: 'hot-spot', anomalous: false, timeMs: sinceMs }]);
    rig.start({ anomaly: anomalies });

    const dbirth = await rig.host.waitFor('the DBIRTH', (message) => message.type === 'DBIRTH');
    // The second model's aliases: 768 + 2 × 1 + 1 and + 2; the first reads a metric this device lacks.
    expect(metricNamed(dbirth, 'Anomaly/hot-spot/Score')).toMatchObject({ alias: 1024 + 771, type: 'Double', value: null });
    expect(metricNamed(dbirth, 'Anomaly/hot-spot/Active')).toMatchObject({ alias: 1024 + 772, type: 'Boolean', value: false, timestampMs: sinceMs });
    expect(dbirth.metrics.filter((metric) => metric.name?.startsWith('Anomaly/vibration'))).toEqual([]);

    const scoredMs = Date.parse('2026-12-04T07:30:08.000Z');
    anomalies.send({ kind: 'score', device: DEVICE_A, model: 'hot-spot', score: 491.5, timeMs: scoredMs });
    anomalies.send({ kind: 'score', device: DEVICE_A, model: 'vibration', score: 2, timeMs: scoredMs });
    anomalies.send({ kind: 'state', device: DEVICE_A, model: 'hot-spot', anomalous: true, timeMs: scoredMs });
    const active = await rig.host.waitFor('the Active DDATA', (message) => message.type === 'DDATA' && message.metrics.some((metric) => metric.alias === 1024 + 772));
    const ddata = rig.host.of('DDATA', DEVICE_A);
    expect(ddata.map((message) => message.metrics)).toEqual([
      [{ alias: 1024 + 771, type: 'Double', value: 491.5, timestampMs: scoredMs }],
      [{ alias: 1024 + 772, type: 'Boolean', value: true, timestampMs: scoredMs }],
    ]);
    expect(active.seq).toBe((dbirth.seq! + 2) % 256);

    // A rebirth carries the latest values.
    await rig.host.command(`spBv1.0/${rig.group}/NCMD/${rig.edge}`, [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
    const reborn = await rig.host.waitFor('the second DBIRTH', (message) => message.type === 'DBIRTH' && message !== dbirth);
    expect(metricNamed(reborn, 'Anomaly/hot-spot/Score')).toMatchObject({ value: 491.5, timestampMs: scoredMs });
    expect(metricNamed(reborn, 'Anomaly/hot-spot/Active')).toMatchObject({ value: true });
  });
});
