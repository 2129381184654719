/** `wasmote worker` as a user meets it: in the command table, its help, and errors in one line. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../host/build/paths.ts';
import { tempDir } from '../../../bench/peers.ts';

const WASMOTE = fileURLToPath(new URL('../links/support/wasmote-from-source.ts', import.meta.url));

async function wasmote(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', WASMOTE, ...args], { cwd: PROJECT_ROOT, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('wasmote worker', () => {
  it('is in the command table, and has full help', async () => {
    expect((await wasmote(['--help'])).stdout).toMatch(/^ {2}worker {4}a processing worker/m);
    const help = await wasmote(['worker', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--broker', '--username', '--password-file', '--ca', '--cert', '--key', '--group', '--model', '--edge', '--client-id']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain('$share/<group>/wasmote/<edge>/+/window');
  });

  const dir = tempDir('worker-cli');
  const badConfig = `${dir.path}/bad.json`;
  writeFileSync(badConfig, JSON.stringify({ name: 'bad' }));
  afterAll(() => dir.remove());

  it.each([
    [['worker'], '--broker is required'],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--group', 'a/b'], "--group 'a/b' contains '/'"],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--group', ''], "--group '' is empty"],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--edge', 'a#'], "--edge 'a#' contains \"#\""],
    [['worker', '--broker', 'nope'], '--broker: not a URL'],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--ca', 'ca.pem'], '--ca: needs an mqtts:// or wss:// --broker'],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--model', 'missing.json'], 'cannot read model config missing.json: ENOENT'],
    [['worker', '--broker', 'mqtt://127.0.0.1:1883', '--model', badConfig], 'is not a valid model config: '],
    [['worker', '--broker', 'mqtt://127.0.0.1:1'], 'cannot connect to the broker at mqtt://127.0.0.1:1: ECONNREFUSED'],
  ])('%j fails in one line: %s', async (args, message) => {
    const run = await wasmote(args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('wasmote:'))).toHaveLength(1);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2); // the error, and a pointer to --help
  });
});
