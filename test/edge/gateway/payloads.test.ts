/**
 * The published payloads against docs/mqtt.md's own examples (§3.1–§4.3), from link frames the codec encodes,
 * through a real broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBroker } from './support/broker.ts';
import { DOC_SESSION, FakeDevice } from './support/fake-device.ts';
import { startHarness, type Harness } from './support/harness.ts';

let broker: Awaited<ReturnType<typeof testBroker>>;
let harness: Harness;
let device: FakeDevice;
const DEVICE = 'sim-3fa2-0000';

beforeAll(async () => {
  broker = await testBroker();
  harness = await startHarness(broker.url, 'payloads');
  device = new FakeDevice(harness.source.connect(), DEVICE);
  device.boot();
  await harness.watcher.waitFor(`${DEVICE}/birth`);
});

afterAll(async () => {
  await harness?.close();
  await broker?.stop();
});

describe('docs/mqtt.md payloads', () => {
  it('§3.1 the edge state is online, retained, with its session', async () => {
    const { json, retain } = await harness.watcher.waitFor('$edge/state');
    expect(retain).toBe(true);
    expect(json).toMatchObject({ state: 'online', time: '2026-12-04T07:30:00.000Z', startedAt: '2026-12-04T07:30:00.000Z', version: '0.1.0' });
    expect(json.edgeSession).toBe(harness.gateway.edgeSession);
    expect(json.edgeSession).toBeGreaterThan(0);
  });

  it('§3.2 the birth, as in the example', async () => {
    const { json, packet } = await harness.watcher.waitFor(`${DEVICE}/birth`);
    expect(packet.qos).toBe(1);
    expect(json).toMatchObject({
      device: 'sim-3fa2-0000',
      edge: harness.edgeId,
      time: '2026-12-04T07:30:00.000Z',
      session: 305419896,
      bootCount: 1,
      bootReason: 'power-on',
      helloReason: 'boot',
      board: 'sim',
      firmware: 'wasmote-sim/2',
      link: '2.0',
      capabilities: ['reboot'],
      app: { name: 'sensor-node', version: 'sensor-node@1a2b3c4d', hash: '1a'.repeat(32), abi: '1.1', state: 'running' },
      heartbeatPeriodMs: 5000,
      offlineAfterMs: 15000,
      reportIntervalMs: 1000,
      metrics: [
        { id: 0, name: 'tmp102.temperature', unit: 'Cel', kind: 'number', min: -40, max: 125 },
        { id: 4, name: 'sht31.humidity', unit: '%RH', kind: 'number', min: 0, max: 100 },
      ],
      commands: ['led', 'interval', 'brightness', 'app:0x80', 'ping', 'hello', 'reboot'],
    });
  });

  it('§3.3 the state goes online, seen', async () => {
    const { json, retain } = await harness.watcher.waitFor(`${DEVICE}/state`);
    expect(retain).toBe(true);
    expect(json).toEqual({
      state: 'online',
      time: '2026-12-04T07:30:00.000Z',
      session: 305419896,
      reason: 'seen',
      edgeSession: harness.gateway.edgeSession,
      edgeSeq: expect.any(Number),
    });
  });

  it('§4.1 data and §3.5 latest, named from the birth and anchored on the HELLO', async () => {
    harness.clock.advance(1000);
    device.data(1000, [
      { id: 0, value: 21.53 },
      { id: 4, value: 41.2 },
    ]);
    const data = await harness.watcher.waitFor(`${DEVICE}/data`);
    expect(data.retain).toBe(false);
    expect(data.packet.qos).toBe(0);
    expect(data.json).toMatchObject({
      time: '2026-12-04T07:30:01.000Z',
      uptimeMs: 1000,
      session: 305419896,
      seq: 3,
      values: { 'tmp102.temperature': 21.53, 'sht31.humidity': 41.2 },
    });
    const latest = await harness.watcher.waitFor(`${DEVICE}/latest`);
    expect(latest.json).toMatchObject({
      session: 305419896,
      values: {
        'tmp102.temperature': { value: 21.53, time: '2026-12-04T07:30:01.000Z' },
        'sht31.humidity': { value: 41.2, time: '2026-12-04T07:30:01.000Z' },
      },
    });
  });

  it('§3.5 latest at most once a second', async () => {
    const before = harness.watcher.on(`${DEVICE}/latest`).length;
    harness.clock.advance(100);
    device.data(1100, [{ id: 0, value: 22 }]);
    device.data(1200, [{ id: 0, value: 23 }]);
    await harness.watcher.waitFor(`${DEVICE}/data`, (json) => json.uptimeMs === 1200);
    expect(harness.watcher.on(`${DEVICE}/latest`).length).toBe(before);
    harness.clock.advance(900);
    const latest = await harness.watcher.waitFor(`${DEVICE}/latest`, (json) => json.values['tmp102.temperature'].value === 23);
    expect(latest.json.values['sht31.humidity'].value).toBe(41.2);
  });

  it('§3.4 the status: the HEARTBEAT and the edge counters', async () => {
    harness.clock.advance(3000);
    device.heartbeat(5000);
    const { json, retain } = await harness.watcher.waitFor(`${DEVICE}/status`);
    expect(retain).toBe(true);
    expect(json).toMatchObject({
      time: '2026-12-04T07:30:05.000Z',
      uptimeMs: 5000,
      session: 305419896,
      app: { state: 'running', consecutiveFailures: 0, lastFailure: null },
      led: { mode: 'blink', periodMs: 500, level: 1 },
      brightnessU16: 0,
      reportIntervalMs: 1000,
      deviceLink: { rxFrames: 3, rxDrops: { crc: 0, cobs: 0, short: 0, oversize: 0, version: 0, unknownType: 0, malformed: 0 }, commandsDropped: 0 },
      edgeLink: { drops: { crc: 0 }, gaps: 0, duplicates: 0, reorders: 0, late: 0, resets: 0, sessionChanges: 0 },
    });
    expect(json.edgeLink.framesOk).toBe(json.seq + 1);
  });

  it('§4.2 a log line and §4.3 an event', async () => {
    device.send({ type: 'log', timeMs: 0, level: 2, text: 'sensor-node: found tmp102 sht31 bme280 mpu6050' });
    device.send({ type: 'event', timeMs: 2500, kind: 1, code: 2, message: '', file: '', line: 0, column: 0 });
    const log = await harness.watcher.waitFor(`${DEVICE}/log`);
    expect(log.packet.qos).toBe(1);
    expect(log.json).toMatchObject({
      time: '2026-12-04T07:30:00.000Z',
      uptimeMs: 0,
      session: DOC_SESSION,
      level: 'info',
      text: 'sensor-node: found tmp102 sht31 bme280 mpu6050',
    });
    const event = await harness.watcher.waitFor(`${DEVICE}/event`);
    expect(event.json).toMatchObject({ time: '2026-12-04T07:30:02.500Z', uptimeMs: 2500, kind: 'trap', code: 'unreachable', codeNumber: 2, message: '', file: '', line: 0, column: 0 });
  });

  it('§4.1 a tick split over two DATA frames is one message', async () => {
    const values = Array.from({ length: 30 }, (_, index) => ({ id: index % 2 === 0 ? 0 : 4, value: index }));
    device.data(9000, values.slice(0, 24));
    device.data(9000, values.slice(24));
    const data = await harness.watcher.waitFor(`${DEVICE}/data`, (json) => json.uptimeMs === 9000);
    // An id that repeats keeps its last value.
    expect(data.json.values).toEqual({ 'tmp102.temperature': 28, 'sht31.humidity': 29 });
    expect(harness.watcher.on(`${DEVICE}/data`).filter((seen) => seen.json.uptimeMs === 9000)).toHaveLength(1);
  });

  it('GatewayView: devices() holds the retained messages as published', () => {
    const [entry] = harness.gateway.devices();
    expect(entry).toMatchObject({ device: DEVICE, birth: { session: DOC_SESSION }, state: { state: 'online' }, status: { uptimeMs: 5000 } });
  });
});
