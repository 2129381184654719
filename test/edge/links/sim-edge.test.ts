import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../../../host/link/decoder.ts';
import { appPath } from '../../support/apps.ts';
import { FrameServer, type ServedConnection } from './support/frame-server.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WASMOTE = fileURLToPath(new URL('./support/wasmote-from-source.ts', import.meta.url));
/** docs/link-protocol.md §4.5.1: PING, answered by the runner; §4.6: origin runner, status OK. */
const PING = Uint8Array.of(0x70);
const ORIGIN_RUNNER = 1;
const STATUS_OK = 0;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `wasmote sim` from the sources, in a process of its own; ended by its own pid if the test fails first. */
function startSim(args: string[], timeoutMs: number): { finished: Promise<Finished>; stop: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', WASMOTE, 'sim', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const finished = new Promise<Finished>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { finished, stop: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL') };
}

const messagesOf = (connection: ServedConnection, type: string): DecodedFrame[] =>
  connection.frames.filter(({ message }) => message.type === type);

let server: FrameServer | undefined;
let stopSim: (() => void) | undefined;
afterEach(async () => {
  stopSim?.();
  await server?.stop();
  server = undefined;
});

describe('wasmote sim --edge', () => {
  it('connects once per device, sends each its frames, and delivers a PING to the device, which answers it', async () => {
    server = new FrameServer();
    await server.listen();
    const sim = startSim(['--app', appPath('sensor-node'), '--devices', '2', '--duration', '5s', '--id-prefix', 'edge-ping', '--quiet', '--edge', `tcp://127.0.0.1:${server.port}`], 30_000);
    stopSim = sim.stop;

    // §7.1: each device announces itself first, on its own connection.
    await server.until(() => server!.connections.length === 2 && server!.connections.every((c) => messagesOf(c, 'hello').length > 0), 15_000, 'HELLO on two connections');
    const ids = server.connections.map((connection) => (messagesOf(connection, 'hello')[0]!.message as { deviceId: string }).deviceId);
    expect(ids.sort()).toEqual(['edge-ping-0000', 'edge-ping-0001']);

    const target = server.connections[1]!;
    const sentAtMs = performance.now();
    target.send({ type: 'command', commandId: 4242, payload: PING });
    await server.until(() => messagesOf(target, 'command-result').length > 0, 5000, 'COMMAND_RESULT');
    const roundTripMs = performance.now() - sentAtMs;
    expect(messagesOf(target, 'command-result')[0]!.message).toMatchObject({ commandId: 4242, origin: ORIGIN_RUNNER, status: STATUS_OK, cached: false, payload: new Uint8Array() });
    // Answered as it arrives (a real-time run wakes for it), not at the device's next tick a second later.
    expect(roundTripMs).toBeLessThan(500);
    // The other device got no command and sent no result.
    const other = server.connections[0]!;
    expect(messagesOf(other, 'command-result')).toEqual([]);

    const { code, stderr } = await sim.finished;
    expect(code).toBe(0);
    // Paced to real time (implied by --edge): 5 s of device time, with heartbeats every 5 s (§7.2).
    expect(stderr).toMatch(/^2 device\(s\), 5 s of virtual time in [45]\.\d\d s \(1x real time\)/m);
    expect(stderr).toMatch(new RegExp(`^edge tcp://127\\.0\\.0\\.1:${server.port}: 2 connection\\(s\\), \\d+ frames sent, 0 lost while not connected$`, 'm'));
    for (const connection of server.connections) {
      expect(connection.decoder.stats).toMatchObject({ gaps: 0, crc: 0, cobs: 0, malformed: 0 });
      expect(messagesOf(connection, 'heartbeat').length).toBeGreaterThan(0);
    }
    // Every frame a device sent went to the edge, in order: seq 0, 1, 2, ... (§5).
    const seqs = server.connections[0]!.frames.map(({ seq }) => seq);
    expect(seqs).toEqual(seqs.map((_, index) => index));
  });

  it('reconnects with backoff when the edge restarts; the frames sent meanwhile are a gap', async () => {
    server = new FrameServer();
    await server.listen();
    const sim = startSim(['--app', appPath('sensor-node'), '--duration', '9s', '--id-prefix', 'edge-back', '--edge', `tcp://127.0.0.1:${server.port}`], 30_000);
    stopSim = sim.stop;

    await server.until(() => server!.connections.length === 1 && messagesOf(server!.connections[0]!, 'data').length >= 1, 15_000, 'DATA');
    await server.stop();
    const before = server.connections[0]!;
    const lastSeqBefore = before.frames.at(-1)!.seq;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await server.listen();
    await server.until(() => server!.connections.length === 2 && server!.connections[1]!.frames.length > 0, 15_000, 'frames on a new connection');

    const after = server.connections[1]!;
    // Same device, same session: its seq carries on past the frames lost while it had no connection.
    expect(after.frames[0]!.sessionTag).toBe(before.frames[0]!.sessionTag);
    expect(after.frames[0]!.seq - lastSeqBefore).toBeGreaterThan(1);
    const { code, stderr } = await sim.finished;
    expect(code).toBe(0);
    expect(stderr).toContain(`sim: connected to the edge at tcp://127.0.0.1:${server.port}\n`);
    expect(stderr).toMatch(/sim: lost the edge at tcp:\/\/127\.0\.0\.1:\d+( \(\w+\))?; reconnecting, and frames sent meanwhile are lost\n/);
    expect(stderr).toContain(`sim: reconnected to the edge at tcp://127.0.0.1:${server.port}\n`);
    expect(stderr).toMatch(/2 connection\(s\), \d+ frames sent, [1-9]\d* lost while not connected/);
    expect(after.decoder.stats).toMatchObject({ crc: 0, cobs: 0, malformed: 0 });
  });

  it('refuses --speed max with --edge', async () => {
    const sim = startSim(['--edge', 'tcp://127.0.0.1:9', '--speed', 'max'], 20_000);
    stopSim = sim.stop;
    const { code, stderr } = await sim.finished;
    expect(code).toBe(2);
    expect(stderr).toBe('wasmote: --edge runs in real time: leave out --speed max\nTry `wasmote sim --help`.\n');
  });
});
