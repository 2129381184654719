/**
 * The `wasmote` command as a user runs it (bin/wasmote.js on dist/): its output, the rules every option
 * follows (issue 9), help for every command, and failures that say what went wrong without a stack trace.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPath } from '../support/apps.ts';

const CLI = new URL('../../bin/wasmote.js', import.meta.url).pathname;
const PROJECT = new URL('../../', import.meta.url).href;
const STACK_LINE = /\n\s+at /;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function wasmote(args: string[], options: { env?: NodeJS.ProcessEnv; nodeOptions?: string[]; timeoutMs?: number } = {}): Promise<Run> {
  const run = promisify(execFile)(process.execPath, [...(options.nodeOptions ?? []), CLI, ...args], {
    maxBuffer: 64 * 2 ** 20,
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 20_000,
  });
  try {
    const { stdout, stderr } = await run;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string; killed: boolean };
    if (failed.killed) throw new Error(`wasmote ${args.join(' ')} did not end in time; stderr: ${failed.stderr}`);
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('wasmote sim', () => {
  it('prints plausible readings of all five chips as JSON lines for 60 s of virtual time', async () => {
    const { code, stdout, stderr } = await wasmote(['sim', '--app', appPath('sensor-node'), '--duration', '60s', '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    // docs/link-protocol.md §7.1: HELLO first, then one METRIC per declared metric.
    expect(lines[0]).toMatchObject({ type: 'hello', bootReason: 0, helloReason: 0, abiVersion: 0x10001, metricCount: 13, board: 'sim' });
    expect(lines[0].device).toMatch(/^sim-[0-9a-f]{4}-0000$/);
    expect(lines.slice(1, 14).map((line) => line.type)).toEqual(Array(13).fill('metric'));
    expect(lines.find((line) => line.name === 'tmp102.temperature')).toMatchObject({ type: 'metric', unit: 'Cel', kind: 0 });
    expect(lines.find((line) => line.name === 'sht31.humidity')).toMatchObject({ unit: '%RH', range: { min: 0, max: 100 } });
    // §7.2: a heartbeat every 5 s of uptime.
    expect(lines.filter((line) => line.type === 'heartbeat').map((line) => line.uptimeMs)).toEqual(
      Array.from({ length: 12 }, (_, k) => (k + 1) * 5000),
    );
    const data = lines.filter((line) => line.type === 'data');
    expect(data).toHaveLength(60); // one a second, the first after init's chip start-up waits
    for (const { values } of data) {
      expect(values['tmp102.temperature']).toBeGreaterThan(15);
      expect(values['tmp102.temperature']).toBeLessThan(30);
      expect(values['sht31.humidity']).toBeGreaterThan(30);
      expect(values['sht31.humidity']).toBeLessThan(60);
      expect(values['bme280.pressure']).toBeGreaterThan(100_000);
      expect(values['bme280.pressure']).toBeLessThan(102_500);
      expect(values['mpu6050.accel_z']).toBeGreaterThan(9.5);
      expect(values['mpu6050.accel_z']).toBeLessThan(10.1);
    }
    expect(stderr).toMatch(/1 device\(s\), 60 s of virtual time/);
  });

  it('gives the same output for the same seed and id prefix, and other device ids and sessions without one', async () => {
    const args = ['sim', '--app', appPath('sensor-node'), '--duration', '10s', '--json', '--devices', '3', '--seed', '42'];
    const [first, second] = [await wasmote([...args, '--id-prefix', 'lab']), await wasmote([...args, '--id-prefix', 'lab'])];
    expect(first.stdout.length).toBeGreaterThan(1000);
    expect(first.stdout).toBe(second.stdout);
    const hellos = async (extra: string[]) =>
      (await wasmote([...args, ...extra])).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((line) => line.type === 'hello');
    const [mine, theirs] = [await hellos([]), await hellos([])];
    expect(mine.map((hello) => hello.device)).not.toEqual(theirs.map((hello) => hello.device));
    expect(mine.map((hello) => hello.session)).not.toEqual(theirs.map((hello) => hello.session));
    expect((await hellos(['--id-prefix', 'lab'])).map((hello) => hello.device)).toEqual(['lab-0000', 'lab-0001', 'lab-0002']);
  });

  it('refuses an id prefix that would not make link ids, naming the character', async () => {
    const { code, stderr } = await wasmote(['sim', '--app', appPath('sensor-node'), '--id-prefix', 'bay/7']);
    expect(code).toBe(1);
    expect(stderr).toContain(`--id-prefix 'bay/7' contains "/"`);
  });

  it('refuses a bad scenario with a message naming the field, and no stack trace', async () => {
    const scenario = path.join(scratch, 'bad.json');
    await writeFile(scenario, JSON.stringify({ faults: [{ kind: 'unplug', address: '0x76', fromS: 9, toS: 3 }] }));
    const { code, stderr } = await wasmote(['sim', '--app', appPath('sensor-node'), '--scenario', scenario]);
    expect(code).toBe(1);
    expect(stderr).toContain('faults.0.toS: toS must be after fromS');
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it('refuses a file that is not an app', async () => {
    const { code, stderr } = await wasmote(['sim', '--app', CLI]);
    expect(code).toBe(1);
    expect(stderr).toContain('not a valid WebAssembly module');
  });

  it('ends quietly with status 0, and stops simulating, when the reader of its output goes (`| head -1`)', async () => {
    // An hour of 200 devices takes tens of seconds to run in full: ending within a few shows the work stopped.
    const child = spawn(process.execPath, [CLI, 'sim', '--app', appPath('sensor-node'), '--devices', '200', '--duration', '1h'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const startedMs = performance.now();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let firstLine = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (firstLine !== '') return;
      firstLine = text.split('\n')[0]!;
      child.stdout.destroy();
    });
    const killer = setTimeout(() => child.kill(), 15_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(firstLine).toMatch(/ sim-[0-9a-f]{4}-0000 hello /);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stderr).not.toContain('EPIPE');
    expect(performance.now() - startedMs).toBeLessThan(10_000);
  });
});

describe('wasmote flash simulate without socat', () => {
  it('says at once that socat is missing and how to install it, and exits non-zero', async () => {
    const bin = path.join(scratch, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, path.join(bin, 'node'));
    const startedMs = performance.now();
    const { code, stdout, stderr } = await wasmote(['flash', 'simulate'], { env: { ...process.env, PATH: bin }, timeoutMs: 10_000 });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^wasmote: socat is not installed.*apt-get install socat/);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(stdout).toBe('');
    expect(performance.now() - startedMs).toBeLessThan(5_000);
  });
});

describe('the command line of every command', () => {
  it.each([
    // Numbers: the option, the value and the rule, never the parser's own text.
    [['sim', '--devices', '-5'], "--devices '-5' must be a whole number from 1 to 100000"],
    [['sim', '--devices=-5'], "--devices '-5' must be a whole number from 1 to 100000"],
    [['sim', '--devices', '0'], "--devices '0' must be a whole number from 1 to 100000"],
    [['sim', '--devices', '100001'], "--devices '100001' must be a whole number from 1 to 100000"],
    [['sim', '--devices', '1.5'], "--devices '1.5' must be a whole number from 1 to 100000"],
    [['sim', '--devices', 'many'], "--devices 'many' must be a whole number from 1 to 100000"],
    [['sim', '--devices', '1e3'], "--devices '1e3' must be a whole number from 1 to 100000"],
    [['sim', '--devices='], "--devices '' must be a whole number from 1 to 100000"],
    [['sim', '--seed', '-1'], "--seed '-1' must be a whole number from 0 to 4294967295"],
    [['sim', '--seed', '4294967296'], "--seed '4294967296' must be a whole number from 0 to 4294967295"],
    [['sim', '--duration', 'soon'], "--duration 'soon' must be a time above 0 such as 500ms, 60s, 5m or 1h"],
    [['sim', '--duration', '0s'], "--duration '0s' must be a time above 0 such as 500ms, 60s, 5m or 1h"],
    [['sim', '--duration', '-5s'], "--duration '-5s' must be a time above 0 such as 500ms, 60s, 5m or 1h"],
    [['sim', '--speed', 'fast'], "--speed 'fast' must be one of max, realtime"],
    [['demo', '--devices', '0'], "--devices '0' must be a whole number from 1 to 100000"],
    [['demo', '--duration', 'forever'], "--duration 'forever' must be a time above 0 such as 500ms, 60s, 5m or 1h"],
    [['flash', '--port', '/dev/null', '--baud', '1.5', 'fw.bin'], "--baud '1.5' must be a positive whole number"],
    [['flash', '--port', '/dev/null', '--baud', '0', 'fw.bin'], "--baud '0' must be a positive whole number"],
    [['flash', '--port', '/dev/null', '--retries', '-1', 'fw.bin'], "--retries '-1' must be a whole number from 0 to 100"],
    [['flash', '--port', '/dev/null', '--retries', '2.5', 'fw.bin'], "--retries '2.5' must be a whole number from 0 to 100"],
    [
      ['flash', '--port', '/dev/null', '--address', '0x100000000', 'fw.bin'],
      "--address '0x100000000' must be a whole number from 0x00000000 to 0xFFFFFFFF",
    ],
    [['flash', '--port', '/dev/null', '--erase', 'some', 'fw.bin'], "--erase 'some' must be one of touched, all"],
    [['flash', '--port', '/dev/null', '--parity', 'odd', 'fw.bin'], "--parity 'odd' must be one of even, none"],
    [
      ['flash', '--port', '/dev/null', '--reset-sequence', 'jump', 'fw.bin'],
      "--reset-sequence 'jump': reset sequence step 'jump' is not dtr, -dtr, rts, -rts or <n>ms",
    ],
    [['flash', 'simulate', '--baud', '0'], "--baud '0' must be a positive whole number"],
    [['flash', 'simulate', '--baud', '1.5'], "--baud '1.5' must be a positive whole number"],
    [['flash', 'simulate', '--fault-nack', '2'], "--fault-nack '2' must be a probability from 0 to 1"],
    [['flash', 'simulate', '--fault-drop', '-0.1'], "--fault-drop '-0.1' must be a probability from 0 to 1"],
    [['flash', 'simulate', '--seed', '1.5'], "--seed '1.5' must be a whole number from 0 to 4294967295"],
    [['flash', 'simulate', '--chip', 'z80'], "--chip 'z80' must be a part such as stm32f405 (`wasmote flash --help` lists them)"],
    [['firmware', 'run', '--board', 'netduinoplus2', '--app', 'x.wasm', '--icount-shift', '11'], "--icount-shift '11' must be a whole number from 0 to 10"],
    [['firmware', 'build', '--board', 'netduinoplus2', '--app', 'x.wasm', '--app-stack', '0'], "--app-stack '0' must be a positive whole number"],
    // The shape of the command line.
    [['sim', '--devices'], '--devices needs a value'],
    [['sim', '--devices', '--json'], '--devices needs a value'],
    [['sim', '--bogus'], "unknown option '--bogus'"],
    [['sim', '-x'], "unknown option '-x'"],
    [['sim', 'extra'], "unexpected argument 'extra'"],
    [['sim', '--json=yes'], '--json takes no value'],
    [['build', '--release'], "unknown option '--release'"],
    [['flash', 'simulate', 'now'], "unexpected argument 'now'"],
    // Order: the board first, then any bad value, then what is missing.
    [['firmware', 'build', '--board', 'nosuch'], "--board 'nosuch' must be one of netduinoplus2, nucleo-f411re, stm32f4-discovery"],
    [
      ['firmware', 'build', '--memory-limit', 'lots', '--board', 'nosuch'],
      "--board 'nosuch' must be one of netduinoplus2, nucleo-f411re, stm32f4-discovery",
    ],
    [['firmware', 'build', '--board', 'netduinoplus2', '--memory-limit', 'lots'], "--memory-limit 'lots' must be a positive whole number"],
    [['firmware', 'build', '--board', 'netduinoplus2'], '--app is required'],
    [['firmware', 'build', '--app', 'x.wasm'], '--board is required: one of netduinoplus2, nucleo-f411re, stm32f4-discovery'],
    [['firmware', 'run', '--board', 'nucleo-f411re'], "--board 'nucleo-f411re' has no emulator; `firmware run` runs netduinoplus2"],
    [['firmware', 'run', '--app', 'x.wasm'], '--board is required: one of netduinoplus2'],
    [['flash', '--baud', '0'], "--baud '0' must be a positive whole number"],
    [['flash', 'fw.bin'], '--port is required (see --list)'],
  ])('wasmote %j', async (args, message) => {
    const { code, stdout, stderr } = await wasmote(args);
    const command = args[0] === 'firmware' || (args[0] === 'flash' && args[1] === 'simulate') ? args.slice(0, 2).join(' ') : args[0];
    expect(stderr).toBe(`wasmote: ${message}\nTry \`wasmote ${command} --help\`.\n`);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('takes a negative value for an option whose values may start with a dash', async () => {
    // `-rts,...` is a step of the sequence, not an option; the run then fails on the missing image, not the sequence.
    const { code, stderr } = await wasmote(['flash', '--port', '/dev/null', '--reset-sequence', '-rts,dtr,100ms', 'missing.bin']);
    expect(stderr).toMatch(/^wasmote: cannot read/);
    expect(code).toBe(1);
  });

  it('points to the commands when run with no arguments', async () => {
    const { code, stdout, stderr } = await wasmote([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: wasmote <command> \[options\]\n/);
    for (const command of ['build', 'sim', 'firmware', 'flash', 'demo']) expect(stderr).toContain(`\n  ${command} `);
    expect(stderr).not.toContain('bench');
  });

  it('refuses an unknown command, a removed one included', async () => {
    for (const command of ['bench', 'toString']) {
      const { code, stderr } = await wasmote([command]);
      expect(code).toBe(2);
      expect(stderr).toBe(`wasmote: unknown command '${command}'\nTry \`wasmote --help\`.\n`);
    }
  });
});

describe('wasmote model', () => {
  it('evaluates a model on labelled runs as a table and as JSON', async () => {
    const runs = path.join(scratch, 'runs');
    await mkdir(runs, { recursive: true });
    const spike = {
      description: 'one warm spike',
      anomaly: 'spike',
      devices: 1,
      durationS: 120,
      seed: 7,
      scenario: { environment: { temperatureC: { base: 22, components: [{ kind: 'sine', amplitude: 1.5, periodS: 600 }, { kind: 'spike', atS: 60, durationS: 5, delta: 3 }, { kind: 'noise', stddev: 0.05 }] } } },
    };
    await writeFile(path.join(runs, 'spike.json'), JSON.stringify(spike));
    await writeFile(path.join(runs, 'normal.json'), JSON.stringify({ description: 'quiet', anomaly: 'normal', devices: 1, durationS: 120, seed: 8, scenario: {} }));
    const app = ['--app', appPath('sensor-node')];
    const table = await wasmote(['model', 'eval', '--runs', runs, ...app]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^spike +1\.000 +1\.000 +1\.000 +1\/1 /m);
    expect(table.stdout).toContain('met: median detection delay ≤ 3 samples');
    expect(table.stderr).toContain('spike: 1 device(s) × 120 s, seed 7');
    const json = await wasmote(['model', 'eval', '--runs', runs, ...app, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.model).toBe('sensor-node-anomaly');
    expect(report.overall.model).toMatchObject({ recall: 1, events: 1, falseAlarmsPerDeviceHour: 0 });
    expect(report.goals).toHaveLength(4);
  });

  it('trains with progress lines on stderr, and says what is wrong with a model without a stack trace', async () => {
    const out = path.join(scratch, 'trained');
    const trained = await wasmote(['model', 'train', '--app', appPath('sensor-node'), '--out', out, '--devices', '2', '--duration', '600']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toMatch(/^simulating 2 device\(s\) × 600 s of the default office, seed 1 \(fitting\)\n/);
    expect(trained.stderr).toMatch(/wrote .*sensor-node-anomaly\.onnx\n[^]*trained in [\d.]+ s\n$/);
    const config = JSON.parse(await readFile(path.join(out, 'sensor-node-anomaly.json'), 'utf8'));
    await writeFile(path.join(out, 'sensor-node-anomaly.json'), JSON.stringify({ ...config, window: { length: 10 } }));
    const failed = await wasmote(['model', 'eval', '--model', path.join(out, 'sensor-node-anomaly.json'), '--app', appPath('sensor-node')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^wasmote: model 'sensor-node-anomaly' \(sensor-node-anomaly\.onnx\): input 'windows' has shape \[batch, 8, 13\]: dimension 1 is 8 where the config has 10 \(window\.length\)\n$/);
    expect(failed.stderr).not.toMatch(STACK_LINE);
  });

  it('refuses unknown commands and options with a pointer to help', async () => {
    expect(await wasmote(['model', 'fit'])).toMatchObject({ code: 2, stderr: "wasmote: unknown model command 'fit' (train or eval)\nTry `wasmote model --help`.\n" });
    expect(await wasmote(['model', 'train', '--window', '1'])).toMatchObject({
      code: 2,
      stderr: "wasmote: --window '1' must be a whole number from 2 to 256\nTry `wasmote model train --help`.\n",
    });
  });
});

describe('help', () => {
  const HELP = [
    [[], 'Usage: wasmote <command> [options]'],
    [['sim'], 'Usage: wasmote sim [options]'],
    [['build'], 'Usage: wasmote build'],
    [['demo'], 'Usage: wasmote demo [--duration <time>] [--devices <N>]'],
    [['flash'], 'Usage: wasmote flash --port <path> <image.bin|.hex|.elf> [options]'],
    [['flash', 'simulate'], 'Usage: wasmote flash simulate [options]'],
    [['firmware'], 'Usage: wasmote firmware <build|run> [options]'],
    [['firmware', 'build'], 'Usage: wasmote firmware build --board <board> --app <file.wasm> [options]'],
    [['firmware', 'run'], 'Usage: wasmote firmware run --board <board> --app <file.wasm> [options]'],
    [['model'], 'Usage: wasmote model <train|eval> [options]'],
    [['model', 'train'], 'Usage: wasmote model train [options]'],
    [['model', 'eval'], 'Usage: wasmote model eval [options]'],
  ] as const;

  it.each(HELP)('wasmote %j --help prints its usage and exits 0', async (command, usage) => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await wasmote([...command, flag]);
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toBe(usage);
      expect(stderr).toBe('');
    }
  });

  it('wins over a bad value on the same command line', async () => {
    const { code, stdout } = await wasmote(['sim', '--devices', '-5', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: wasmote sim/);
  });

  it('loads no simulator, firmware or flasher code and no dependency', async () => {
    // A loader hook records every file Node loads, so help staying light is checked directly, not by timing.
    const hooks = path.join(scratch, 'hooks.mjs');
    const register = path.join(scratch, 'register.mjs');
    await writeFile(
      hooks,
      `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(log, url + '\\n');
  return nextLoad(url, context);
}
`,
    );
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)}, { data: { log: process.env.LOADED_LOG } });\n`);
    // Beside the CLI: the tables its help prints (the chips, the firmware's engine names), which import nothing.
    const allowed =
      /^(bin\/wasmote\.js|dist\/host\/cli\/[a-z-]+\.js|dist\/host\/build\/paths\.js|dist\/host\/firmware\/engines\.js|dist\/host\/flash\/(chips|errors|reset-sequences|image\/firmware-image|protocol\/commands)\.js)$/;
    for (const command of [['sim'], ['build'], ['demo'], ['flash'], ['flash', 'simulate'], ['firmware'], ['model'], ['model', 'train'], ['model', 'eval']]) {
      const log = path.join(scratch, `loaded-${command.join('-')}.log`);
      const { code } = await wasmote([...command, '--help'], { env: { ...process.env, LOADED_LOG: log }, nodeOptions: ['--import', register] });
      expect(code).toBe(0);
      const loaded = (await readFile(log, 'utf8')).trim().split('\n').map((url) => url.replace(PROJECT, ''));
      expect(loaded).toContain('dist/host/cli/main.js');
      expect(loaded.filter((file) => !allowed.test(file)), `loaded by ${command.join(' ')} --help`).toEqual([]);
    }
  });
});
