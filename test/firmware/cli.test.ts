/**
 * `wasmote firmware` (host/cli/firmware.ts): help, the errors a user makes, and `run` printing the device exactly
 * as `wasmote sim` prints a simulated one.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILD_DIR } from '../../host/build/paths.ts';
import { UsageError, UserError } from '../../host/cli/errors.ts';
import { runFirmware } from '../../host/cli/firmware.ts';
import { runSim } from '../../host/cli/sim.ts';
import { appPath } from '../support/apps.ts';

/** Runs a subcommand; returns its exit code and what it wrote to stdout, line by line. */
async function capture(run: () => Promise<number>) {
  const lines: string[] = [];
  const write = (text: string | Uint8Array) => {
    lines.push(...String(text).split('\n').filter((line) => line !== ''));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(console, 'log').mockImplementation((text: string) => void write(`${text}\n`));
  const code = await run();
  vi.restoreAllMocks();
  return { code, lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('wasmote firmware', { timeout: 120_000 }, () => {
  it.each([['--help'], ['build', '--help'], ['run', '--help']])('prints help for %s', async (...args) => {
    const { code, lines } = await capture(() => runFirmware(args));
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^Usage: wasmote firmware/);
  });

  it('lists the boards in `build --help` and only the emulated one in `run --help`', async () => {
    const build = await capture(() => runFirmware(['build', '--help']));
    expect(build.lines.join('\n')).toContain('netduinoplus2, nucleo-f411re, stm32f4-discovery');
    const run = await capture(() => runFirmware(['run', '--help']));
    expect(run.lines.join('\n')).toContain('an emulated board: netduinoplus2\n');
  });

  it.each([
    [[], /build or run/],
    [['flash'], /unknown firmware command 'flash'/],
    [['build', '--app', 'x.wasm'], /^--board is required: one of netduinoplus2, nucleo-f411re, stm32f4-discovery$/],
    [['build', '--board', 'netduinoplus2'], /^--app is required$/],
    [['build', '--board', 'arduino-uno', '--app', 'x.wasm'], /^--board 'arduino-uno' must be one of netduinoplus2, nucleo-f411re, stm32f4-discovery$/],
    [['build', '--board', 'netduinoplus2', '--app', 'x.wasm', '--memory-limit', 'lots'], /^--memory-limit 'lots' must be a positive whole number$/],
    [['build', '--board', 'netduinoplus2', '--app', 'x.wasm', '--seed', '-1'], /^--seed '-1' must be a whole number from 0 to 4294967295$/],
    [['run', '--board', 'nucleo-f411re', '--app', 'x.wasm'], /^--board 'nucleo-f411re' has no emulator; `firmware run` runs netduinoplus2$/],
    [['run', '--board', 'netduinoplus2', '--app', 'x.wasm', '--duration', 'soon'], /^--duration 'soon' must be a time above 0/],
    [['run', '--board', 'netduinoplus2', '--app', 'x.wasm', '--icount-shift', '-1'], /^--icount-shift '-1' must be a whole number from 0 to 10$/],
    [['build', '--bored', 'netduinoplus2'], /^unknown option '--bored'$/],
    [['build', '--board', 'netduinoplus2', '--app', 'x.wasm', '--engine', 'wasm3'], /^--engine 'wasm3' must be one of wasm2c, interp$/],
    // A bad board is named before anything else; a bad value before a missing option.
    [['build', '--memory-limit', 'lots', '--board', 'arduino-uno'], /^--board 'arduino-uno' must be one of/],
    [['build', '--board', 'netduinoplus2', '--memory-limit', 'lots'], /^--memory-limit 'lots'/],
    [['run', '--board', 'nucleo-f411re'], /^--board 'nucleo-f411re' has no emulator/],
  ])('refuses %j as a usage error', async (args, message) => {
    const error = await runFirmware(args as string[]).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('offers both engines in the help of build and run', async () => {
    for (const command of ['build', 'run']) {
      const { lines } = await capture(() => runFirmware([command, '--help']));
      expect(lines.join('\n')).toMatch(/--engine <name> +wasm2c or interp \(default wasm2c\)/);
    }
  });

  it('names what the interpreter refuses in an app the HAL ABI accepts, without a stack trace', async () => {
    const dir = path.join(BUILD_DIR, 'test-firmware', 'cli');
    await mkdir(dir, { recursive: true });
    // A valid app with the ABI's exports whose tick uses SIMD, a feature the interpreter leaves out.
    await writeFile(
      path.join(dir, 'simd-app.wat'),
      `(module (memory (export "memory") 1) (global (export "wasmote_abi_version") i32 (i32.const 0x10000))
        (func (export "init")) (func (export "command_buffer") (param i32) (result i32) (i32.const 0))
        (func (export "command") (param i32 i32) (result i32) (i32.const 0))
        (func (export "tick") (param i64) (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))`,
    );
    await promisify(execFile)('wat2wasm', [path.join(dir, 'simd-app.wat'), '-o', path.join(dir, 'simd-app.wasm')]);
    const build = runFirmware(['build', '--board', 'netduinoplus2', '--engine', 'interp', '--app', path.join(dir, 'simd-app.wasm'), '--out', dir]);
    await expect(build).rejects.toThrow(UserError);
    await expect(build).rejects.toThrow(/^the interpreter refuses the app: unsupported feature: SIMD at byte \d+$/);
  });

  it('says when the app file is not there', async () => {
    const run = runFirmware(['build', '--board', 'netduinoplus2', '--app', 'missing.wasm']);
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/cannot read app missing\.wasm/);
  });

  it('prints the size report of a build as JSON', async () => {
    const { code, lines } = await capture(() =>
      runFirmware(['build', '--board', 'stm32f4-discovery', '--app', appPath('sensor-node'), '--json']),
    );
    expect(code).toBe(0);
    const report = JSON.parse(lines.join('\n')) as Record<string, unknown>;
    expect(report).toMatchObject({ board: 'stm32f4-discovery', linearMemoryBytes: 8192 });
    expect(report.flashBytes).toEqual(expect.any(Number));
  });

  it('`run` prints the same lines as `sim` for the same app, duration and seed, but for the device\'s name', async () => {
    const args = ['--app', appPath('sensor-node'), '--duration', '4s', '--seed', '3'];
    const simulated = await capture(() => runSim(args));
    const firmware = await capture(() => runFirmware(['run', '--board', 'netduinoplus2', ...args]));
    // What a device says about itself (docs/link-protocol.md §4.1), and the session it draws, differ by design.
    const normalise = (line: string) =>
      line
        .replace(/\b(sim|qemu)-[0-9a-f]{4}-0000\b/g, 'DEVICE')
        .replace(/firmware=wasmote-(sim\/2|fw\/1 netduinoplus2)/, 'firmware=X')
        .replace(/session=[0-9a-f]+ board=\S+/, 'session=S board=B');
    expect(firmware.code).toBe(0);
    expect(firmware.lines.map(normalise)).toEqual(simulated.lines.map(normalise));
    // HELLO, 13 METRICs, what init logged, and 4 ticks' DATA.
    expect(firmware.lines).toHaveLength(19);
  });

  it('`run --json` prints the messages `sim --json` prints; seq numbers count the tunnelled calls too', async () => {
    const args = ['--app', appPath('sensor-node'), '--duration', '2s', '--json'];
    const simulated = await capture(() => runSim(args));
    const firmware = await capture(() => runFirmware(['run', '--board', 'netduinoplus2', ...args]));
    const normalise = (line: string) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const { device: _device, seq: _seq, deviceId: _id, firmwareVersion: _version, board: _board, ...rest } = parsed;
      const { capabilities: _capabilities, session: _session, ...same } = rest;
      return same;
    };
    expect(firmware.lines.map(normalise)).toEqual(simulated.lines.map(normalise));
  });
});
