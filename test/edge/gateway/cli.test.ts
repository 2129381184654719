/** `wasmote edge` as a user meets it: its help, and errors in one line without a stack trace. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import { testBroker, uniqueEdgeId, Watcher } from './support/broker.ts';

const WASMOTE = fileURLToPath(new URL('../links/support/wasmote-from-source.ts', import.meta.url));

async function wasmote(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', WASMOTE, ...args], { cwd: PROJECT_ROOT, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('wasmote edge', () => {
  it('is in the command table, and has full help', async () => {
    expect((await wasmote(['--help'])).stdout).toMatch(/^ {2}edge {6}the edge gateway/m);
    const help = await wasmote(['edge', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--broker', '--edge-id', '--sim', '--tcp', '--serial', '--cloud', '--data-dir', '--data-qos', '--data-window', '--forget-after', '--demo', '--username', '--password-file', '--ca', '--cert', '--key', '--users', '--listen', '--tls-listen', '--http', '--dashboard', '--dashboard-token', '--sparkplug', '--model', '--rules', '--no-inference']) {
      expect(help.stdout).toContain(option);
    }
  });

  it.each([
    [['edge', '--broker', 'mqtt://127.0.0.1:1883'], 'give at least one source of device links'],
    [['edge', '--broker', 'mqtt://127.0.0.1:1883', '--tcp', '0', '--edge-id', 'a/b'], "--edge-id 'a/b' contains \"/\""],
    [['edge', '--demo', '--dashboard', 'nowhere'], '--dashboard: expected [HOST:]PORT'],
    [['edge', '--demo', '--dashboard', '0', '--dashboard-token', 'short'], '--dashboard-token must be at least 16 characters long'],
    [['edge', '--demo', '--dashboard', '0', '--dashboard-token', '<script>alert(1)</script>'], '--dashboard-token may hold only letters'],
    [['edge', '--demo', '--username', 'u'], '--username needs --broker'],
    [['edge', '--demo', '--http', 'nowhere'], '--http: expected [HOST:]PORT'],
    [['edge', '--broker', 'mqtt://127.0.0.1:1', '--tcp', '0'], 'cannot connect to the broker at mqtt://127.0.0.1:1: ECONNREFUSED'],
    [['edge', '--broker', 'mqtt://127.0.0.1:1883', '--tcp', '0', '--cloud', 'nats://127.0.0.1:4222'], '--cloud needs --data-dir'],
  ])('%j fails in one line: %s', async (args, message) => {
    const run = await wasmote(args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('a link source that cannot start ends the run in one line, the edge published offline', async () => {
    const broker = await testBroker();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    const edgeId = uniqueEdgeId('cli-port');
    const watcher = await Watcher.start(broker.url, edgeId);
    try {
      const run = await wasmote(['edge', '--broker', broker.url, '--edge-id', edgeId, '--tcp', String(port), '--no-inference']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      await watcher.waitFor('$edge/state', (json) => json?.reason === 'stopped');
    } finally {
      await watcher.close();
      await new Promise((resolve) => taken.close(resolve));
      await broker.stop();
    }
  });
});
