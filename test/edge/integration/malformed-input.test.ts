/**
 * Issue 11, "Done means": malformed link frames and MQTT command payloads are counted, answered with an error
 * where someone asked, and the edge keeps running and publishing the device's data.
 */
import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../host/edge/gateway/gateway.ts';
import { TcpLinkSource } from '../../../host/edge/links/tcp-source.ts';
import { LinkDecoder } from '../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../host/link/encoder.ts';
import { uniqueEdgeId, Watcher } from '../gateway/support/broker.ts';
import { DOC_METRICS, docHeartbeat, docHello } from '../gateway/support/fake-device.ts';
import { until } from '../gateway/support/harness.ts';
import { Mosquitto, tempDir } from '../../../bench/peers.ts';

const SESSION = 0x4d41_4c46;
const DEVICE = 'bad-input';

let dir: ReturnType<typeof tempDir>;
let broker: Mosquitto;

beforeAll(async () => {
  dir = tempDir('malformed');
  broker = await Mosquitto.start(dir.path);
});

afterAll(async () => {
  await broker?.stop();
  dir?.remove();
});

/** A sample's value from the registry's Prometheus text, 0 when absent (docs/edge.md, "Health and metrics"). */
async function sample(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  // A histogram's samples (`<name>_count`, …) belong to the metric `<name>`.
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => name === candidate.name || name.startsWith(`${candidate.name}_`));
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  const match = values.find(
    (value) => (value.metricName ?? name) === name && Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
  );
  return match?.value ?? 0;
}

/** The device's side of a TCP link: numbered frames of its session, and the runner's answers to commands. */
class SocketDevice {
  private readonly encoder = new LinkEncoder({ session: SESSION });
  private readonly fromEdge = new LinkDecoder();
  private uptimeMs = 0;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const { message } of this.fromEdge.push(chunk)) {
        if (message.type === 'command') this.send({ type: 'command-result', commandId: message.commandId, origin: 1, status: 0, cached: false, payload: new Uint8Array(0) });
      }
    });
  }

  frame(message: Parameters<LinkEncoder['encode']>[0]): Uint8Array {
    return this.encoder.encode(message);
  }

  send(message: Parameters<LinkEncoder['encode']>[0]): void {
    this.socket.write(this.frame(message));
  }

  boot(): void {
    this.send(docHello(DEVICE, { session: SESSION }));
    for (const metric of DOC_METRICS) this.send({ type: 'metric', ...metric });
  }

  /** docs/link-protocol.md §4.8, with nothing wrong on the device's side. */
  heartbeat(): void {
    this.send(docHeartbeat(SESSION));
  }

  data(value: number): void {
    this.uptimeMs += 1000;
    this.send({ type: 'data', timeMs: this.uptimeMs, values: [{ id: 0, value }] });
  }
}

/** A gateway with a TCP link source and its own metrics, a watcher of its tree, and one device connected to it. */
async function edgeWithDevice(prefix: string) {
  const edgeId = uniqueEdgeId(prefix);
  const watcher = await Watcher.start(broker.url, edgeId);
  const source = new TcpLinkSource({ host: '127.0.0.1', port: 0 });
  const metrics = new Registry();
  const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [source], version: '0.1.0', metrics });
  const socket = connect(source.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  return { watcher, metrics, gateway, socket, device: new SocketDevice(socket) };
}

describe('malformed input', () => {
  it('garbage and corrupted frames on a TCP link are counted per reason; the device stays online and its data flows', async () => {
    const { watcher, metrics, gateway, socket, device } = await edgeWithDevice('garbage');
    try {
      device.boot();
      device.data(21.5);
      await watcher.waitFor(`${DEVICE}/data`, (json) => json.values['tmp102.temperature'] === 21.5);

      // Bytes that were never a frame, then frames damaged on the wire: a flipped payload bit (CRC), a frame cut short.
      socket.write(Buffer.from('\u0000this is no frame\u0000\u0001\u0002\u0003\u0000', 'latin1'));
      const corrupted = Buffer.from(device.frame({ type: 'data', timeMs: 9999, values: [{ id: 0, value: 99 }] }));
      corrupted[Math.floor(corrupted.length / 2)]! ^= 0x10;
      socket.write(corrupted);
      const cut = Buffer.from(device.frame({ type: 'data', timeMs: 9999, values: [{ id: 0, value: 98 }] }));
      socket.write(Buffer.concat([cut.subarray(0, 4), Buffer.of(0)]));

      device.data(22.5);
      device.heartbeat();
      const status = await watcher.waitFor(`${DEVICE}/status`);
      const { drops } = status.json.edgeLink;
      const dropped = Object.values(drops as Record<string, number>).reduce((sum, count) => sum + count, 0);
      expect(dropped).toBeGreaterThanOrEqual(3);
      expect(await watcher.waitFor(`${DEVICE}/data`, (json) => json.values['tmp102.temperature'] === 22.5)).toBeDefined();
      expect(watcher.on(`${DEVICE}/data`).map(({ json }) => json.values['tmp102.temperature'])).toEqual([21.5, 22.5]);
      expect(watcher.on(`${DEVICE}/state`).at(-1)!.json.state).toBe('online');

      // /metrics counts what the device's status counts, by the same reasons, and the device as online.
      for (const [reason, count] of Object.entries(drops as Record<string, number>)) {
        expect(await sample(metrics, 'wasmote_edge_frames_total', { reason }), reason).toBe(count);
      }
      expect(await sample(metrics, 'wasmote_edge_frames_total', { reason: 'ok' })).toBe(status.json.edgeLink.framesOk);
      expect(await sample(metrics, 'wasmote_edge_devices', { state: 'online' })).toBe(1);
      socket.destroy();
      await watcher.waitFor(`${DEVICE}/state`, (json) => json.state === 'offline');
      // A closed link's counts stay in the totals.
      expect(await sample(metrics, 'wasmote_edge_frames_total', { reason: 'crc' })).toBe(drops.crc);
      expect(await sample(metrics, 'wasmote_edge_devices', { state: 'offline' })).toBe(1);
    } finally {
      socket.destroy();
      await gateway.stop();
      await watcher.close();
    }
  });

  it('malformed command payloads are answered with an error on the result topic and counted; the device keeps working', async () => {
    const { watcher, metrics, gateway, socket, device } = await edgeWithDevice('badcmd');
    try {
      device.boot();
      await watcher.waitFor(`${DEVICE}/birth`);

      for (const payload of ['not json', '[]', '"text"', '{"id":']) {
        const before = watcher.on(`${DEVICE}/result`).length;
        await watcher.publish(`${DEVICE}/cmd/ping`, payload);
        await until(() => watcher.on(`${DEVICE}/result`).length > before, 10_000, `an answer to ${payload}`);
        expect(watcher.on(`${DEVICE}/result`).at(-1)!.json).toMatchObject({ result: 'error', error: 'malformed', command: 'ping' });
      }
      const badFields: [string, string, string][] = [
        ['led', '{"id":"f1","mode":"purple"}', 'bad-argument'],
        ['interval', '{"id":"f2","ms":"soon"}', 'bad-argument'],
        ['brightness', '{"id":"f3","value":-1}', 'bad-argument'],
        ['no-such-command', '{"id":"f4"}', 'unknown-command'],
      ];
      for (const [command, payload, error] of badFields) {
        await watcher.publish(`${DEVICE}/cmd/${command}`, payload);
        const id = JSON.parse(payload).id;
        expect((await watcher.waitFor(`${DEVICE}/result`, (json) => json?.id === id)).json).toMatchObject({ result: 'error', origin: 'edge', error });
      }

      // Still running: a good command reaches the device and its answer comes back, and data still flows.
      await watcher.publish(`${DEVICE}/cmd/ping`, '{"id":"still-here"}');
      expect((await watcher.waitFor(`${DEVICE}/result`, (json) => json?.id === 'still-here')).json).toMatchObject({ result: 'ok', origin: 'runner' });
      device.data(23.5);
      await watcher.waitFor(`${DEVICE}/data`, (json) => json.values['tmp102.temperature'] === 23.5);

      const commands = (result: string) => sample(metrics, 'wasmote_edge_commands_total', { result });
      expect([await commands('malformed'), await commands('bad-argument'), await commands('unknown-command'), await commands('ok')]).toEqual([4, 3, 1, 1]);
      expect(await sample(metrics, 'wasmote_edge_command_round_trip_seconds_count')).toBe(1);
    } finally {
      socket.destroy();
      await gateway.stop();
      await watcher.close();
    }
  });
});
