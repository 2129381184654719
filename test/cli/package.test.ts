/**
 * The package as a user gets it (issue 9): `npm pack`, installed into an empty folder, then the installed
 * `wasmote` builds the apps from the AssemblyScript sources that come with it, simulates a device, and a
 * simulated bootloader started by it is flashed by it, all from that folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../host/build/paths.ts';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 600_000;
const COMMAND_TIMEOUT_MS = 60_000;

let userDir: string;
let installedCli: string;

/** Runs the installed CLI from the user's folder; resolves with its output whatever its exit status. */
async function wasmote(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [installedCli, ...args], { cwd: userDir, timeout: COMMAND_TIMEOUT_MS });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  userDir = await mkdtemp(path.join(tmpdir(), 'wasmote-user-'));
  const packDir = await mkdtemp(path.join(tmpdir(), 'wasmote-pack-'));
  await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { cwd: PROJECT_ROOT, timeout: INSTALL_TIMEOUT_MS });
  const [tarball] = (await readdir(packDir)).filter((name) => name.endsWith('.tgz'));
  // A plain project, but for one thing: better-sqlite3's install compiles SQLite where no prebuilt binary can be
  // fetched, several CPU minutes that test that package, not this one. The project's own build of the same version
  // is copied in instead.
  await writeFile(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'user-project', private: true, allowScripts: { 'better-sqlite3': false } }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(packDir, tarball!)], {
    cwd: userDir,
    timeout: INSTALL_TIMEOUT_MS,
  });
  await copyProjectSqliteBuild(path.join(userDir, 'node_modules', 'better-sqlite3'));
  await rm(packDir, { recursive: true, force: true });
  installedCli = path.join(userDir, 'node_modules', '.bin', 'wasmote');
}, INSTALL_TIMEOUT_MS * 2);

/** Puts the project's compiled better-sqlite3 into the user's copy, which must be the same version. */
async function copyProjectSqliteBuild(installedDir: string): Promise<void> {
  const projectDir = path.join(PROJECT_ROOT, 'node_modules', 'better-sqlite3');
  const version = async (dir: string): Promise<string> => JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).version;
  const [installed, project] = await Promise.all([version(installedDir), version(projectDir)]);
  if (installed !== project) throw new Error(`better-sqlite3 ${installed} installed, but the project has ${project}: run npm ci`);
  await cp(path.join(projectDir, 'build'), path.join(installedDir, 'build'), { recursive: true });
}

afterAll(async () => {
  if (userDir) await rm(userDir, { recursive: true, force: true });
});

describe('the packed tarball, installed in an empty folder', () => {
  it('ships compiled JavaScript, the app sources and the docs, and no tests or TypeScript of the host', async () => {
    const packageDir = path.join(userDir, 'node_modules', 'wasmote');
    const shipped = await readdir(packageDir);
    expect(shipped).toEqual(expect.arrayContaining(['bin', 'dist', 'drivers', 'firmware', 'docs', 'asconfig.json', 'package.json']));
    expect(shipped).not.toContain('test');
    expect(shipped).not.toContain('bench');
    expect(await readdir(path.join(packageDir, 'drivers', 'apps'))).toContain('sensor-node.ts');
    expect(await readdir(path.join(packageDir, 'dist', 'host', 'cli'))).toContain('main.js');
    // Only the scenario files and the dashboard's page, which is served as it is (plain ES modules, no TypeScript).
    expect(await readdir(path.join(packageDir, 'host'))).toEqual(['dashboard', 'sim']);
    expect(await readdir(path.join(packageDir, 'host', 'dashboard'))).toEqual(['page']);
    const page = await readdir(path.join(packageDir, 'host', 'dashboard', 'page'));
    expect(page).toContain('index.html');
    expect(page.filter((file) => file.endsWith('.ts'))).toEqual([]);
  });

  it('prints its usage with `wasmote --help`', async () => {
    const { code, stdout } = await wasmote('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: wasmote <command>/);
    for (const command of ['build', 'sim', 'firmware', 'flash', 'demo']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('builds the apps into build/ of the working folder and simulates the release build', async () => {
    const built = await wasmote('build');
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/^build\/apps\/sensor-node\.release\.wasm +\d+ bytes$/m);
    expect(await readdir(path.join(userDir, 'build', 'apps'))).toEqual(['sensor-node.debug.wasm', 'sensor-node.debug.wasm.map', 'sensor-node.release.wasm']);

    const simulated = await wasmote('sim', '--duration', '5s', '--json');
    expect(simulated.code).toBe(0);
    const messages = simulated.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(messages.some((message) => message.type === 'hello')).toBe(true);
    expect(messages.filter((message) => message.type === 'data').length).toBeGreaterThanOrEqual(4);
  });

  it('evaluates the shipped anomaly detector once the user adds onnxruntime-node, and says how before', async () => {
    // onnxruntime-node is an optional peer (edge-inference/README.md): its install step would fetch GPU files.
    const without = await wasmote('model', 'eval', '--json');
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'onnxruntime-node@^1.31.1'], {
      cwd: userDir,
      timeout: INSTALL_TIMEOUT_MS,
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    const evaluated = await wasmote('model', 'eval', '--json');
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as { model: string; goals: { met: boolean }[] };
    expect(report.model).toBe('sensor-node-anomaly');
    expect(report.goals.every((goal) => goal.met)).toBe(true);
  }, INSTALL_TIMEOUT_MS);

  it('runs the edge with its dashboard: the page and uPlot come from the installed package, the token is required', async () => {
    const edge = spawn(process.execPath, [installedCli, 'edge', '--demo', '--listen', '127.0.0.1:0', '--sim', '1', '--no-inference', '--dashboard', '127.0.0.1:0'], {
      cwd: userDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let printed = '';
      edge.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      edge.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      const deadline = Date.now() + COMMAND_TIMEOUT_MS;
      let url: RegExpExecArray | null = null;
      while ((url = /dashboard: (http:\/\/\S+)\/\?token=(\S+)/.exec(printed)) === null && Date.now() < deadline && edge.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(url, printed).not.toBeNull();
      const [, origin, token] = url!;
      const page = await fetch(`${origin}/?token=${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module"');
      expect((await fetch(`${origin}/assets/vendor/uPlot.esm.js`)).status).toBe(200);
      expect((await fetch(`${origin}/snapshot`)).status).toBe(401);
    } finally {
      edge.kill('SIGINT');
      await new Promise((resolve) => edge.once('exit', resolve));
    }
  });

  it('runs `flash simulate` (its timing worker thread compiled too), and its own flasher reads the simulated chip', async () => {
    const simulator = spawn(process.execPath, [installedCli, 'flash', 'simulate', '--chip', 'stm32f411'], {
      cwd: userDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { portPath, printed } = await printedPort(simulator);
      expect(printed).toMatch(/pseudo-terminal pair delay, taken off the timing: \d+\.\d+ ms in/);
      const { code, stdout } = await wasmote('flash', '--port', portPath, '--info');
      expect(code).toBe(0);
      expect(stdout).toContain('product ID 0x431 STM32F411');
    } finally {
      simulator.kill('SIGINT');
      await new Promise((resolve) => simulator.once('exit', resolve));
    }
  });
});

/** The `port: <path>` line `flash simulate` prints once its pseudo-terminal pair is up. */
function printedPort(child: ChildProcess): Promise<{ portPath: string; printed: string }> {
  return new Promise((resolve, reject) => {
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /^port: (\S+)$/m.exec(printed);
      if (match) resolve({ portPath: match[1]!, printed });
    });
    child.once('exit', (code) => reject(new Error(`flash simulate exited with ${code} before printing its port: ${printed}`)));
  });
}
