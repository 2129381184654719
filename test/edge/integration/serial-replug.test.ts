/**
 * Issue 11, "Done means": unplug and re-plug a serial device over a socat pty pair. `wasmote edge --serial A`
 * reads one end; the test's device writes link frames to the other. Unplugged, the device goes offline
 * (`link-closed`); plugged in again, the edge reopens the port, asks for HELLO, and a new birth says `requested`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkDecoder } from '../../../host/link/decoder.ts';
import { LinkEncoder } from '../../../host/link/encoder.ts';
import type { LinkMessage } from '../../../host/link/messages.ts';
import { uniqueEdgeId, Watcher } from '../gateway/support/broker.ts';
import { DOC_METRICS, docHello } from '../gateway/support/fake-device.ts';
import { until } from '../gateway/support/harness.ts';
import { Mosquitto, tempDir } from '../../../bench/peers.ts';
import { sleep, startEdge } from './support/processes.ts';

const SESSION = 0x5e41_0001;
/** docs/link-protocol.md §4.5.1: the runner's HELLO command. */
const HELLO_OPCODE = 0x71;
/** docs/link-protocol.md §4.1: HELLO sent because the edge asked for it. */
const HELLO_REASON_REQUESTED = 2 as const;
const DATA_INTERVAL_MS = 300;

let dir: ReturnType<typeof tempDir>;
let broker: Mosquitto;

beforeAll(async () => {
  dir = tempDir('serial-replug');
  broker = await Mosquitto.start(dir.path);
});

afterAll(async () => {
  await broker?.stop();
  dir?.remove();
});

/** The cable: `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`, ended by its own pid. */
class PtyCable {
  private constructor(private readonly socat: ChildProcess) {}

  static async plug(edgeEnd: string, deviceEnd: string): Promise<PtyCable> {
    const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${edgeEnd}`, `pty,raw,echo=0,link=${deviceEnd}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    socat.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await until(() => log.includes('starting data transfer loop') || socat.exitCode !== null, 10_000, 'socat ready');
    if (socat.exitCode !== null) throw new Error(`socat exited: ${log}`);
    return new PtyCable(socat);
  }

  async unplug(): Promise<void> {
    if (this.socat.exitCode !== null || this.socat.signalCode !== null) return;
    const closed = new Promise((resolve) => this.socat.once('close', resolve));
    this.socat.kill('SIGTERM');
    await closed;
  }
}

/**
 * A device that keeps running across the unplug, as one on a USB serial adapter does: one session, its seq
 * carrying on. It sends DATA on a timer and answers the runner's commands, HELLO with a HELLO of its own.
 */
class SerialDevice {
  private readonly encoder = new LinkEncoder({ session: SESSION });
  private fd: number | undefined;
  private stream: tty.ReadStream | undefined;
  private decoder = new LinkDecoder();
  private uptimeMs = 0;
  private readonly timer: NodeJS.Timeout;
  readonly received: LinkMessage[] = [];

  constructor(readonly deviceId: string) {
    this.timer = setInterval(() => {
      this.uptimeMs += DATA_INTERVAL_MS;
      this.send({ type: 'data', timeMs: this.uptimeMs, values: [{ id: 0, value: 20 + (this.uptimeMs % 1000) / 1000 }] });
    }, DATA_INTERVAL_MS);
  }

  /** Plugged in: what the edge sends from now on is in `received`. */
  attach(devicePath: string): void {
    this.decoder = new LinkDecoder();
    this.received.length = 0;
    this.fd = openSync(devicePath, constants.O_RDWR | constants.O_NOCTTY);
    const stream = new tty.ReadStream(this.fd);
    stream.setRawMode(true);
    stream.on('error', () => this.detach());
    stream.on('data', (chunk: Buffer) => {
      for (const { message } of this.decoder.push(chunk)) this.handle(message);
    });
    this.stream = stream;
  }

  detach(): void {
    this.stream?.destroy();
    this.stream = undefined;
    this.fd = undefined;
  }

  boot(helloReason: 0 | typeof HELLO_REASON_REQUESTED = 0): void {
    this.send(docHello(this.deviceId, { session: SESSION, helloReason, uptimeMs: this.uptimeMs }));
    for (const metric of DOC_METRICS) this.send({ type: 'metric', ...metric });
  }

  stop(): void {
    clearInterval(this.timer);
    this.detach();
  }

  private handle(message: LinkMessage): void {
    this.received.push(message);
    if (message.type !== 'command') return;
    this.send({ type: 'command-result', commandId: message.commandId, origin: 1, status: 0, cached: false, payload: new Uint8Array(0) });
    if (message.payload[0] === HELLO_OPCODE) this.boot(HELLO_REASON_REQUESTED);
  }

  /** Frames sent while unplugged are lost, as on a real cable. */
  private send(message: Parameters<LinkEncoder['encode']>[0]): void {
    const frame = this.encoder.encode(message);
    if (this.fd === undefined || this.stream === undefined) return;
    try {
      writeSync(this.fd, frame);
    } catch {
      // EAGAIN on a full buffer, EIO once socat is gone: lost like any frame on an unplugged line.
    }
  }
}

describe('a serial device unplugged and plugged in again', () => {
  it('goes offline with link-closed, then back online with a requested HELLO and a new birth', async () => {
    const edgeId = uniqueEdgeId('serial');
    const edgeEnd = path.join(dir.path, 'ttyEDGE');
    const deviceEnd = path.join(dir.path, 'ttyDEVICE');
    const deviceId = 'serial-node';
    const watcher = await Watcher.start(broker.url, edgeId);
    let cable = await PtyCable.plug(edgeEnd, deviceEnd);
    const device = new SerialDevice(deviceId);
    device.attach(deviceEnd);
    const edge = startEdge({ edgeId, brokerUrl: broker.url, serial: edgeEnd });
    try {
      // The edge opens the port, sees frames from a device it does not know, and asks it for HELLO (§7.1).
      const firstBirth = await watcher.waitFor(`${deviceId}/birth`, () => true, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${edge.output}`);
      });
      await watcher.waitFor(`${deviceId}/state`, (json) => json?.state === 'online');
      await watcher.waitFor(`${deviceId}/data`);
      const birthsBefore = watcher.on(`${deviceId}/birth`).length;

      await cable.unplug();
      device.detach();
      const offline = await watcher.waitFor(`${deviceId}/state`, (json) => json?.state === 'offline', 20_000);
      expect(offline.json).toMatchObject({ state: 'offline', reason: 'link-closed', session: SESSION });
      await sleep(1000);

      const statesBeforeReplug = watcher.on(`${deviceId}/state`).length;
      cable = await PtyCable.plug(edgeEnd, deviceEnd);
      device.attach(deviceEnd);
      const reborn = await watcher.waitFor(`${deviceId}/birth`, (json) => json?.helloReason === 'requested' && watcher.on(`${deviceId}/birth`).length > birthsBefore, 30_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${edge.output}`);
        },
      );
      expect(reborn.json).toMatchObject({ device: deviceId, session: SESSION, helloReason: 'requested' });
      expect(watcher.on(`${deviceId}/birth`).length).toBeGreaterThan(birthsBefore);
      expect(firstBirth).not.toBe(reborn);
      await until(() => watcher.on(`${deviceId}/state`).slice(statesBeforeReplug).some(({ json }) => json?.state === 'online'), 20_000, 'online again');
      // The edge asked: a HELLO command went down the reopened port (the device never sends one unasked).
      expect(device.received.some((message) => message.type === 'command' && message.payload[0] === HELLO_OPCODE)).toBe(true);
      const dataBefore = watcher.on(`${deviceId}/data`).length;
      await until(() => watcher.on(`${deviceId}/data`).length > dataBefore, 10_000, 'data after the re-plug');
    } finally {
      device.stop();
      await edge.end('SIGTERM');
      await cable.unplug();
      await watcher.close();
    }
  }, 90_000);
});
