/**
 * `wasmote edge` and `wasmote sim --edge` in processes of their own, each ended by its own pid, and the cloud
 * stream read back by key: what the issue 11 integration tests run against real peers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Mosquitto, NatsServer, tempDir } from '../../../../bench/peers.ts';
import { appPath } from '../../../support/apps.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WASMOTE = fileURLToPath(new URL('../../links/support/wasmote-from-source.ts', import.meta.url));

/** A `wasmote` command in a child process: what it printed, and a way to end it by its pid. */
export class WasmoteProcess {
  private text = '';
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  static start(args: string[]): WasmoteProcess {
    return new WasmoteProcess(spawn(process.execPath, ['--import', 'tsx', WASMOTE, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get output(): string {
    return this.text;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` unless it has already ended, and waits for its exit. */
  async end(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }
}

export interface EdgeArgs {
  edgeId: string;
  brokerUrl: string;
  tcpPort?: number;
  natsUrl?: string;
  dataDir?: string;
  serial?: string;
  dataQos?: 0 | 1;
}

export function startEdge({ edgeId, brokerUrl, tcpPort, natsUrl, dataDir, serial, dataQos }: EdgeArgs): WasmoteProcess {
  const args = ['edge', '--broker', brokerUrl, '--edge-id', edgeId];
  if (tcpPort !== undefined) args.push('--tcp', `127.0.0.1:${tcpPort}`);
  if (natsUrl !== undefined) args.push('--cloud', natsUrl);
  if (dataDir !== undefined) args.push('--data-dir', dataDir);
  if (serial !== undefined) args.push('--serial', serial);
  if (dataQos !== undefined) args.push('--data-qos', String(dataQos));
  return WasmoteProcess.start(args);
}

/** `wasmote sim --edge`: `devices` sensor nodes paced in real time, each on its own TCP connection. */
export function startSimFleet(tcpPort: number, devices: number, idPrefix: string, durationS = 120): WasmoteProcess {
  return WasmoteProcess.start([
    'sim',
    '--app',
    appPath('sensor-node'),
    '--devices',
    String(devices),
    '--duration',
    `${durationS}s`,
    '--id-prefix',
    idPrefix,
    '--quiet',
    '--edge',
    `tcp://127.0.0.1:${tcpPort}`,
  ]);
}

/** The edge's default stream (docs/edge.md). */
export const STREAM = 'WASMOTE';

/** Every message's `Nats-Msg-Id` in the stream, in stream order; empty when the stream does not exist yet. */
export async function streamKeys(servers: string, stream = STREAM): Promise<string[]> {
  const nc = await connect({ servers });
  try {
    const manager = await jetstreamManager(nc);
    const state = await manager.streams
      .info(stream)
      .then((info) => info.state)
      .catch(() => undefined);
    if (state === undefined || state.messages === 0) return [];
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.consume();
    const keys: string[] = [];
    for await (const message of messages) {
      keys.push(message.headers?.get('Nats-Msg-Id') ?? '');
      if (keys.length >= state.messages) break;
    }
    return keys;
  } finally {
    await nc.close();
  }
}

/** The cloud key of a data message (docs/mqtt.md §1). */
export function cloudKey(edgeId: string, device: string, json: { session: number; seq: number }): string {
  return `${edgeId}/${device}/data:${json.session}:${json.seq}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls an asynchronous `check` until it holds; fails after `timeoutMs`, naming `what` and the last `explain()`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string, explain: () => string = () => ''): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms${explain() === '' ? '' : `: ${explain()}`}`);
    await sleep(250);
  }
}

/** A test file's own Mosquitto and NATS with JetStream (a test may stop and restart them), in a scratch folder. */
export interface OwnPeers {
  dir: string;
  broker: Mosquitto;
  nats: NatsServer;
}

/** Starts the file's own peers before its tests and ends them after; read the fields inside a test. */
export function ownPeers(name: string): OwnPeers {
  const peers = {} as OwnPeers;
  let scratch: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    scratch = tempDir(name);
    peers.dir = scratch.path;
    peers.broker = await Mosquitto.start(scratch.path);
    peers.nats = await NatsServer.start(path.join(scratch.path, 'jetstream'));
  });
  afterAll(async () => {
    await peers.nats?.stop();
    await peers.broker?.stop();
    scratch?.remove();
  });
  return peers;
}
