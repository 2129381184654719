/**
 * Issue 11, "Done means": restart the broker mid-stream with data at QoS 1 and a subscriber holding a persistent
 * session: every device's data arrives without a hole from before the restart until after it.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEdgeId } from '../gateway/support/broker.ts';
import { until } from '../gateway/support/harness.ts';
import { freePort, Mosquitto, tempDir } from '../../../bench/peers.ts';
import { sleep, startEdge, startSimFleet } from './support/processes.ts';

const DEVICES = 2;
/** MQTT 5 §3.1.2.11.2: kept this long after the subscriber goes away, seconds. */
const SESSION_EXPIRY_S = 300;

let dir: ReturnType<typeof tempDir>;
let broker: Mosquitto;

beforeAll(async () => {
  dir = tempDir('broker-restart');
  const persistenceDir = path.join(dir.path, 'mosquitto-store');
  mkdirSync(persistenceDir);
  broker = new Mosquitto(await freePort(), dir.path, { persistenceDir });
  await broker.start();
});

afterAll(async () => {
  await broker?.stop();
  dir?.remove();
});

interface Received {
  session: number;
  seq: number;
  uptimeMs: number;
}

describe('the broker restarted mid-stream', () => {
  it('loses no data message of any device', async () => {
    const edgeId = uniqueEdgeId('brk');
    const prefix = `brk-${edgeId.slice(-6)}`;
    const tcpPort = await freePort();
    const received = new Map<string, Received[]>();
    const subscriber: MqttClient = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: `sub-${edgeId}`,
      clean: false,
      reconnectPeriod: 250,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
    });
    subscriber.on('message', (topic, payload) => {
      const device = topic.split('/')[2]!;
      const json = JSON.parse(payload.toString()) as Received;
      received.set(device, [...(received.get(device) ?? []), { session: json.session, seq: json.seq, uptimeMs: json.uptimeMs }]);
    });
    await subscriber.subscribeAsync(`wasmote/${edgeId}/+/data`, { qos: 1 });
    const edge = startEdge({ edgeId, brokerUrl: broker.url, tcpPort, dataQos: 1 });
    const sim = startSimFleet(tcpPort, DEVICES, prefix);
    const devices = Array.from({ length: DEVICES }, (_, index) => `${prefix}-${String(index).padStart(4, '0')}`);
    const count = (device: string) => received.get(device)?.length ?? 0;
    try {
      await until(() => devices.every((device) => count(device) >= 3), 40_000, 'data from every device').catch((error: Error) => {
        throw new Error(`${error.message}\n${edge.output}\n${sim.output}`);
      });
      const before = new Map(devices.map((device) => [device, count(device)]));
      await broker.stop();
      await sleep(3000);
      await broker.start();
      await until(() => devices.every((device) => count(device) >= before.get(device)! + 6), 40_000, 'data after the restart').catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${edge.output}`);
        },
      );

      for (const device of devices) {
        // QoS 1 may deliver twice; what matters is that nothing is missing.
        const bySeq = new Map(received.get(device)!.map((message) => [`${message.session}:${message.seq}`, message]));
        const messages = [...bySeq.values()].sort((a, b) => a.uptimeMs - b.uptimeMs);
        expect(new Set(messages.map(({ session }) => session)).size).toBe(1);
        // The sensor node reports on a fixed interval: a hole would show as a wider step in the device's time.
        const steps = messages.slice(1).map((message, index) => message.uptimeMs - messages[index]!.uptimeMs);
        const interval = Math.min(...steps);
        expect(interval).toBeGreaterThan(0);
        expect(steps.filter((step) => step !== interval), `${device}: steps ${steps.join(' ')}`).toEqual([]);
        const seqs = messages.map(({ seq }) => seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      }
    } finally {
      await sim.end();
      await edge.end('SIGTERM');
      await subscriber.endAsync();
    }
  }, 110_000);
});
