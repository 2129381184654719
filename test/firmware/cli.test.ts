/**
 * `wasmote firmware` (host/cli/firmware.ts): help, the errors a user makes, and `run` printing the device exactly
 * as `wasmote sim` prints a simulated one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
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
