/**
 * docs/mqtt.md §3.1 and §3.3 across edge runs: a restarted edge cleans up what the last one left online, a killed
 * edge leaves its will, a stopped one says so; and `wasmote edge` with simulated devices and a real TCP link.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import { startGateway } from '../../../host/edge/gateway/gateway.ts';
import { SimLinkSource } from '../../../host/edge/links/sim-source.ts';
import { TcpLinkSource } from '../../../host/edge/links/tcp-source.ts';
import { LinkDecoder } from '../../../host/link/decoder.ts';
import { parseScenario } from '../../../host/sim/scenario.ts';
import { sensorNode } from '../../support/sim-run.ts';
import { testBroker, uniqueEdgeId, Watcher } from './support/broker.ts';
import { DOC_METRICS, docHello } from './support/fake-device.ts';
import { until } from './support/harness.ts';
import { LinkEncoder } from '../../../host/link/encoder.ts';

const WASMOTE = fileURLToPath(new URL('../links/support/wasmote-from-source.ts', import.meta.url));

let broker: Awaited<ReturnType<typeof testBroker>>;

beforeAll(async () => {
  broker = await testBroker();
});

afterAll(async () => {
  await broker?.stop();
});

describe('edge runs', () => {
  it('§3.1 a starting edge publishes offline, edge-restarted, for devices the last run left online, before it says online', async () => {
    const edgeId = uniqueEdgeId('restart');
    const watcher = await Watcher.start(broker.url, edgeId);
    const leftOnline = { state: 'online', time: '2026-12-04T07:00:00.000Z', session: 77, reason: 'seen', edgeSession: 1 };
    await watcher.publish('old-1/state', JSON.stringify(leftOnline), { qos: 1, retain: true });
    await watcher.publish('old-2/state', JSON.stringify({ ...leftOnline, state: 'offline', reason: 'link-closed' }), { qos: 1, retain: true });
    const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [], version: '0.1.0' });
    try {
      const online = await watcher.waitFor('$edge/state', (json) => json.edgeSession === gateway.edgeSession);
      const cleaned = await watcher.waitFor('old-1/state', (json) => json.reason === 'edge-restarted');
      expect(cleaned.json).toMatchObject({ state: 'offline', session: 77, edgeSession: gateway.edgeSession });
      expect(watcher.seen.indexOf(cleaned)).toBeLessThan(watcher.seen.indexOf(online));
      expect(watcher.on('old-2/state')).toHaveLength(1);
      await gateway.stop();
      const stopped = await watcher.waitFor('$edge/state', (json) => json?.state === 'offline');
      expect(stopped.json).toMatchObject({ reason: 'stopped', edgeSession: gateway.edgeSession });
    } finally {
      await gateway.stop();
      await watcher.close();
    }
  });

  it('§3.1 a killed edge leaves its will: offline, connection-lost, naming the run', async () => {
    const edgeId = uniqueEdgeId('will');
    const watcher = await Watcher.start(broker.url, edgeId);
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WASMOTE, 'edge', '--broker', broker.url, '--edge-id', edgeId, '--tcp', '0', '--no-inference'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const online = await watcher.waitFor('$edge/state', (json) => json.state === 'online', 20_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      });
      await until(() => output.includes(`-v -t 'wasmote/${edgeId}/#'`), 10_000, 'the start-up lines');
      child.kill('SIGKILL');
      const will = await watcher.waitFor('$edge/state', (json) => json.state === 'offline');
      expect(will.json).toEqual({ state: 'offline', reason: 'connection-lost', startedAt: online.json.startedAt, edgeSession: online.json.edgeSession });
    } finally {
      child.kill('SIGKILL');
      await watcher.close();
    }
  }, 40_000);

  it('simulated devices in process: births, data, and a command answered by the simulated runner', async () => {
    const edgeId = uniqueEdgeId('sim');
    const watcher = await Watcher.start(broker.url, edgeId);
    const source = new SimLinkSource({ app: await sensorNode(), scenario: parseScenario({}), deviceCount: 2, seed: 1, idPrefix: 'simt' });
    const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [source], version: '0.1.0', dataWindow: 3 });
    try {
      const birth = await watcher.waitFor('simt-0001/birth');
      expect(birth.json).toMatchObject({ device: 'simt-0001', board: 'sim', helloReason: 'boot', app: { state: 'running' } });
      await watcher.waitFor('simt-0000/data');
      const window = await watcher.waitFor('simt-0000/window', (json) => json.values['tmp102.temperature']?.length === 2);
      expect(window.json).toMatchObject({ size: 3, session: expect.any(Number), seq: expect.any(Number) });
      expect(window.json.times['tmp102.temperature']).toHaveLength(2);
      expect(await gateway.command('simt-0000', 'led', { mode: 'blink', periodMs: 200 })).toMatchObject({ result: 'ok', origin: 'app', status: 'OK' });
      expect(await gateway.command('simt-0001', 'reboot', {})).toMatchObject({ result: 'ok', origin: 'runner' });
      const reborn = await watcher.waitFor('simt-0001/birth', (json) => json.bootReason === 'reboot');
      expect(reborn.json.session).not.toBe(birth.json.session);
      await watcher.waitFor('simt-0001/state', (json) => json.reason === 'rebooted');
    } finally {
      await gateway.stop();
      await watcher.close();
    }
  }, 30_000);

  it('a device on a real TCP link: its birth, and a command over the socket', async () => {
    const edgeId = uniqueEdgeId('tcp');
    const watcher = await Watcher.start(broker.url, edgeId);
    const source = new TcpLinkSource({ host: '127.0.0.1', port: 0 });
    const gateway = await startGateway({ broker: { url: broker.url, options: {} }, edgeId, sources: [source], version: '0.1.0' });
    let socket: Socket | undefined;
    try {
      socket = connect(source.port, '127.0.0.1');
      await new Promise((resolve) => socket!.once('connect', resolve));
      const encoder = new LinkEncoder({ session: 0x5151_5151 });
      const fromEdge = new LinkDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const { message } of fromEdge.push(chunk)) {
          if (message.type === 'command') {
            socket!.write(encoder.encode({ type: 'command-result', commandId: message.commandId, origin: 1, status: 0, cached: false, payload: new Uint8Array(0) }));
          }
        }
      });
      socket.write(encoder.encode(docHello('tcp-node', { session: 0x5151_5151 })));
      for (const metric of DOC_METRICS) socket.write(encoder.encode({ type: 'metric', ...metric }));
      await watcher.waitFor('tcp-node/birth');
      await watcher.publish('tcp-node/cmd/ping', '{"id":"over-tcp"}');
      const answer = await watcher.waitFor('tcp-node/result', (json) => json.id === 'over-tcp');
      expect(answer.json).toMatchObject({ result: 'ok', origin: 'runner' });
      socket.end();
      await watcher.waitFor('tcp-node/state', (json) => json.reason === 'link-closed');
    } finally {
      socket?.destroy();
      await gateway.stop();
      await watcher.close();
    }
  });
});
