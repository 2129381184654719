import path from 'node:path';
import type { Board } from '../firmware/boards.ts';
import { DEFAULT_ENGINE, ENGINES, INTERP_CODE_HOMES, type InterpCodeHome } from '../firmware/engines.ts';
import type { FirmwareBuild } from '../firmware/build.ts';
import {
  choice,
  duration,
  flag,
  integer,
  parseCommandLine,
  POSITIVE,
  required,
  SEED_RANGE,
  text,
  type IntegerRange,
  type OptionSpec,
} from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { edgeUrl, formatEdgeUrl } from './link-addresses.ts';
import { onStdoutClosed, printLine, stdoutClosed } from './output.ts';

/** QEMU's -icount shift=N: 0 to 10 (MAX_ICOUNT_SHIFT in QEMU's system/cpu-timers). */
const ICOUNT_SHIFT: IntegerRange = { min: 0, max: 10 };

const HELP = `Usage: wasmote firmware <build|run> [options]

Turns a .wasm app into STM32F4 firmware, the app translated ahead of time by wasm2c or run by the project's
interpreter (--engine), and runs it on an emulated board.

  build   writes firmware.elf, .bin, .hex, a map and a size report to build/firmware/<board>/<app>/
  run     builds the image and runs it in QEMU; the host answers its I2C, GPIO and PWM with the simulator's
          virtual chips, and the device's messages print as \`wasmote sim\` prints a simulated device's

Run \`wasmote firmware build --help\` or \`wasmote firmware run --help\` for their options.`;

const ENGINE_HELP = `${ENGINES.join(' or ')} (default ${DEFAULT_ENGINE}): the app translated to C ahead of time,
                           or its .wasm in flash run by the interpreter (docs/firmware.md, "Engine")`;
const INTERP_CODE_HELP = `with --engine interp, where its compiled code lives: flash (the default on an
                           emulated board; the build runs the image on QEMU once to write it) or ram
                           (compiled at every boot; the default on other boards, and it takes RAM)`;

/** --interp-code only means something to the interpreter. */
function interpCodeHome(engine: string | undefined, home: InterpCodeHome | undefined, command: string): InterpCodeHome | undefined {
  if (home !== undefined && engine !== 'interp') throw new UsageError('--interp-code applies to --engine interp only', command);
  return home;
}

/** The help texts show the firmware's own defaults, so they load its modules (still without a toolchain). */
async function buildHelp(boards: Board[]): Promise<string> {
  const defaults = await import('../firmware/build.ts');
  return `Usage: wasmote firmware build --board <board> --app <file.wasm> [options]

Checks the app against the HAL ABI, translates it to C with wasm2c and compiles it with the firmware for the
board (arm-none-eabi-gcc, newlib-nano). Progress goes to stderr, the files and the size report to stdout.

Options:
  --board <name>           ${boards.map((board) => board.name).join(', ')}
  --app <file.wasm>        the app, as built for devices (e.g. build/apps/sensor-node.release.wasm)
  --engine <name>          ${ENGINE_HELP}
  --interp-code <home>     ${INTERP_CODE_HELP}
  --out <dir>              the build folder (default build/firmware/<board>/<app file name>/)
  --memory-limit <bytes>   the app's linear memory on the device (default ${defaults.DEFAULT_MEMORY_LIMIT_BYTES}); build the app with
                           an AssemblyScript --lowMemoryLimit no higher
  --app-stack <bytes>      stack for one call into the app (default ${defaults.DEFAULT_APP_STACK_BYTES})
  --device-id <id>         HELLO's device id on an emulated board (default ${defaults.DEFAULT_DEVICE_ID})
  --seed <S>               env.seed as device 0 of a simulation with seed S has it, 0 to ${SEED_RANGE.max}
                           (default ${defaults.DEFAULT_SEED})
  --json                   print the outputs and the size report as JSON
  --help                   this text`;
}

async function runHelp(boards: Board[]): Promise<string> {
  const [{ DEFAULT_SEED }, { DEFAULT_ICOUNT_SHIFT }] = await Promise.all([
    import('../firmware/build.ts'),
    import('../firmware/qemu.ts'),
  ]);
  return `Usage: wasmote firmware run --board <board> --app <file.wasm> [options]

Builds the firmware and runs it in QEMU with -icount, so device time is counted in instructions and runs
repeat. The host answers the firmware's tunnelled I2C, GPIO and PWM calls with a simulated board and prints
the device's messages exactly as \`wasmote sim\` prints a simulated device's. With --edge the device's link also
goes to a running edge over TCP, and the edge's commands come back to the device.

Options:
  --board <name>           an emulated board: ${emulated(boards).join(', ')}
  --app <file.wasm>        the app
  --engine <name>          ${ENGINE_HELP}
  --interp-code <home>     ${INTERP_CODE_HELP}
  --scenario <file.json>   environment and faults over time (docs/scenarios.md); default: a quiet office
  --duration <time>        device time to run: 500ms, 60s, 5m, 1h (default 60s)
  --seed <S>               the seed of the run, as \`wasmote sim --seed\` (default ${DEFAULT_SEED})
  --icount-shift <N>       2^N ns of device time per instruction, ${ICOUNT_SHIFT.min} to ${ICOUNT_SHIFT.max} (default ${DEFAULT_ICOUNT_SHIFT})
  --edge tcp://HOST:PORT   send every frame of the device's link (its PROXY_REQUESTs too) to the edge
                           listening there, and its commands to the device; device time then keeps pace
                           with the wall clock. A lost connection is made again with backoff, and the
                           frames sent meanwhile are lost, as on an unplugged line
  --json                   one JSON object per line instead of text
  --quiet                  print only the summary
  --help                   this text`;
}

export async function runFirmware(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  try {
    switch (action) {
      case 'build':
        return await runBuild(rest);
      case 'run':
        return await runRun(rest);
      case '--help':
      case '-h':
        console.log(HELP);
        return 0;
      case undefined:
        throw new UsageError('firmware needs a command: build or run');
      default:
        throw new UsageError(`unknown firmware command '${action}' (build or run)`);
    }
  } catch (error) {
    throw await toUserError(error);
  }
}

async function runBuild(args: string[]): Promise<number> {
  const boards = await loadBoards();
  const line = parseCommandLine(
    args,
    {
      board: boardOption(boards, false),
      app: required(text()),
      engine: choice(ENGINES),
      'interp-code': choice(INTERP_CODE_HOMES),
      out: text(),
      'memory-limit': integer(POSITIVE),
      'app-stack': integer(POSITIVE),
      'device-id': text(),
      seed: integer(SEED_RANGE),
      json: flag(),
    },
    { command: 'firmware build' },
  );
  if (line.help) {
    console.log(await buildHelp(boards));
    return 0;
  }
  const { values } = line;
  const { buildFirmware } = await import('../firmware/build.ts');
  const build = await buildFirmware({
    board: values.board.name,
    appPath: values.app,
    engine: values.engine,
    interpCode: interpCodeHome(values.engine, values['interp-code'], 'firmware build'),
    outDir: values.out,
    memoryLimitBytes: values['memory-limit'],
    appStackBytes: values['app-stack'],
    deviceId: values['device-id'],
    seed: values.seed,
    onProgress,
  });
  if (values.json) {
    const { elf, bin, hex, map, size } = build;
    console.log(JSON.stringify({ board: build.board.name, elf, bin, hex, map, ...size }, null, 2));
  } else {
    printBuild(build);
  }
  return 0;
}

async function runRun(args: string[]): Promise<number> {
  const boards = await loadBoards();
  const line = parseCommandLine(
    args,
    {
      board: boardOption(boards, true),
      app: required(text()),
      engine: choice(ENGINES),
      'interp-code': choice(INTERP_CODE_HOMES),
      scenario: text(),
      duration: duration('60s'),
      seed: integer(SEED_RANGE),
      'id-prefix': text(),
      'icount-shift': integer(ICOUNT_SHIFT),
      edge: edgeUrl(),
      json: flag(),
      quiet: flag(),
    },
    { command: 'firmware run' },
  );
  if (line.help) {
    console.log(await runHelp(boards));
    return 0;
  }
  const { values } = line;
  const [
    { buildFirmware, DEFAULT_SEED },
    { DEFAULT_ICOUNT_SHIFT },
    { FirmwareSession },
    { defaultScenario, loadScenario },
    { TelemetryPrinter },
    { idPrefixProblem },
    { deviceIdFor, randomIdPrefix },
    { droppedSegments },
    uplinkModule,
  ] = await Promise.all([
    import('../firmware/build.ts'),
    import('../firmware/qemu.ts'),
    import('../firmware/session.ts'),
    import('../sim/scenario.ts'),
    import('./telemetry-printer.ts'),
    import('../link/link-id.ts'),
    import('../sim/simulation.ts'),
    import('../link/decoder.ts'),
    values.edge === undefined ? undefined : import('../edge/links/device-uplinks.ts'),
  ]);
  const idPrefix = values['id-prefix'] ?? randomIdPrefix('qemu');
  const prefixProblem = idPrefixProblem(idPrefix);
  if (prefixProblem !== null) throw new UserError(`--id-prefix '${idPrefix}' ${prefixProblem}`);
  const board = values.board;
  const seed = values.seed ?? DEFAULT_SEED;
  const scenario = values.scenario === undefined ? defaultScenario() : await loadScenario(values.scenario);
  const build = await buildFirmware({
    board: board.name,
    appPath: values.app,
    engine: values.engine,
    interpCode: interpCodeHome(values.engine, values['interp-code'], 'firmware run'),
    seed,
    deviceId: deviceIdFor(idPrefix, 0),
    onProgress,
  });
  onProgress(`running ${path.relative(process.cwd(), build.elf)} on QEMU's ${board.qemuMachine}`);

  const printer = new TelemetryPrinter(values.json, printLine);
  let messages = 0;
  const edge = values.edge;
  // Issue 11: the device's link bytes also go to the edge, a whole segment at a time, and the edge's back to it.
  const uplinks =
    edge === undefined || uplinkModule === undefined
      ? undefined
      : new uplinkModule.DeviceUplinks({
          address: edge,
          addressText: formatEdgeUrl(edge),
          deviceCount: 1,
          onSegment: (_index, segment) => session.writeLinkSegments([segment]),
          ...(values.quiet ? {} : { onNote: (note: string) => onProgress(note) }),
        });
  const session: InstanceType<typeof FirmwareSession> = new FirmwareSession({
    machine: board.qemuMachine!,
    elf: build.elf,
    deviceId: build.deviceId,
    icountShift: values['icount-shift'] ?? DEFAULT_ICOUNT_SHIFT,
    realTime: edge !== undefined,
    scenario,
    seed,
    onMessage: (message) => {
      messages += 1;
      if (!values.quiet) printer.print(message);
    },
    ...(uplinks === undefined ? {} : { onLinkBytes: (chunk: Uint8Array) => uplinks.sendStream(0, chunk) }),
  });
  const startedMs = performance.now();
  const stopWatching = onStdoutClosed(() => void session.stop());
  try {
    await uplinks?.start();
    await session.start();
    await session.runFor(values.duration);
  } catch (error) {
    // Stopped because stdout's reader went away: not a failure (issue 9).
    if (stdoutClosed()) return 0;
    throw error;
  } finally {
    stopWatching();
    await uplinks?.close();
  }
  if (stdoutClosed()) return 0;
  const wallS = (performance.now() - startedMs) / 1000;
  const dropped = droppedSegments(session.decoder.stats);
  process.stderr.write(
    `1 device(s), ${values.duration / 1000} s of device time in ${wallS.toFixed(2)} s ` +
      `(${(values.duration / 1000 / wallS).toFixed(0)}x real time), ${messages} messages, ${dropped} frames dropped\n`,
  );
  if (uplinks !== undefined) process.stderr.write(`${uplinks.summary()}\n`);
  return 0;
}

async function loadBoards(): Promise<Board[]> {
  const { listBoards, loadBoard } = await import('../firmware/boards.ts');
  return Promise.all((await listBoards()).map(loadBoard));
}

function emulated(boards: Board[]): string[] {
  return boards.filter((board) => board.qemuMachine !== undefined).map((board) => board.name);
}

/** --board: one of the boards under firmware/boards/, and for `run` one QEMU emulates. */
function boardOption(boards: Board[], needsEmulator: boolean): OptionSpec<Board> {
  const names = needsEmulator ? emulated(boards) : boards.map((board) => board.name);
  return required(
    {
      takesValue: true,
      read(name, option) {
        const board = boards.find((candidate) => candidate.name === name);
        if (board === undefined) throw new UsageError(`${option} '${name}' must be one of ${names.join(', ')}`);
        if (needsEmulator && board.qemuMachine === undefined) {
          throw new UsageError(`${option} '${name}' has no emulator; \`firmware run\` runs ${names.join(', ')}`);
        }
        return board;
      },
    },
    `: one of ${names.join(', ')}`,
  );
}

function onProgress(line: string): void {
  process.stderr.write(`firmware: ${line}\n`);
}

function printBuild({ board, elf, bin, hex, map, size }: FirmwareBuild): void {
  const firmwareRam = size.ramBytes - size.linearMemoryBytes - size.stackBytes;
  console.log(`${board.name} (${board.chip})`);
  for (const file of [elf, bin, hex, map]) console.log(`  ${path.relative(process.cwd(), file)}`);
  console.log(`flash ${size.flashBytes} bytes`);
  console.log(`RAM   ${size.ramBytes} bytes: ${size.linearMemoryBytes} app memory, ${size.stackBytes} stack, ${firmwareRam} firmware`);
}

/** The firmware's own errors as the user sees them: one line, no stack. */
async function toUserError(error: unknown): Promise<unknown> {
  if (error instanceof UserError || !(error instanceof Error)) return error;
  const [
    { AppLoadError },
    { BoardError },
    { FirmwareBuildError },
    { MissingToolError, ToolFailedError },
    { TranslationError },
    { ScenarioError },
    { InterpreterRefusalError },
  ] = await Promise.all([
    import('../abi/app-instance.ts'),
    import('../firmware/boards.ts'),
    import('../firmware/build.ts'),
    import('../firmware/toolchain.ts'),
    import('../firmware/translate.ts'),
    import('../sim/scenario.ts'),
    import('../firmware/interp-build.ts'),
  ]);
  if (
    error instanceof MissingToolError ||
    error instanceof InterpreterRefusalError ||
    error instanceof AppLoadError ||
    error instanceof ScenarioError ||
    error instanceof TranslationError ||
    error instanceof BoardError
  ) {
    return new UserError(error.message);
  }
  if (error instanceof FirmwareBuildError) return new UsageError(error.message);
  if (error instanceof ToolFailedError) return new UserError(`firmware build failed: ${error.message}`);
  return error;
}
