import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppLoadError } from '../abi/app-instance.ts';
import { BoardError, listBoards, loadBoard } from '../firmware/boards.ts';
import {
  buildFirmware,
  DEFAULT_APP_STACK_BYTES,
  DEFAULT_DEVICE_ID,
  DEFAULT_MEMORY_LIMIT_BYTES,
  DEFAULT_SEED,
  FirmwareBuildError,
  type FirmwareBuild,
} from '../firmware/build.ts';
import { DEFAULT_ICOUNT_SHIFT } from '../firmware/qemu.ts';
import { FirmwareSession } from '../firmware/session.ts';
import { MissingToolError, ToolFailedError } from '../firmware/toolchain.ts';
import { TranslationError } from '../firmware/translate.ts';
import { ScenarioError, defaultScenario, loadScenario } from '../sim/scenario.ts';
import { parseDurationMs } from './durations.ts';
import { UsageError, UserError } from './errors.ts';
import { TelemetryPrinter } from './telemetry-printer.ts';

const HELP = `Usage: wasmote firmware <build|run> [options]

Turns a .wasm app into STM32F4 firmware, the app translated ahead of time by wasm2c, and runs it on an
emulated board.

  build   writes firmware.elf, .bin, .hex, a map and a size report to build/firmware/<board>/<app>/
  run     builds the image and runs it in QEMU; the host answers its I2C, GPIO and PWM with the simulator's
          virtual chips, and the device's messages print as \`wasmote sim\` prints a simulated device's

Run \`wasmote firmware build --help\` or \`wasmote firmware run --help\` for their options.`;

const buildHelp = (boards: string[]) => `Usage: wasmote firmware build --board <board> --app <file.wasm> [options]

Checks the app against the HAL ABI, translates it to C with wasm2c and compiles it with the firmware for the
board (arm-none-eabi-gcc, newlib-nano). Progress goes to stderr, the files and the size report to stdout.

Options:
  --board <name>           ${boards.join(', ')}
  --app <file.wasm>        the app, as built for devices (e.g. build/apps/sensor-node.release.wasm)
  --out <dir>              the build folder (default build/firmware/<board>/<app file name>/)
  --memory-limit <bytes>   the app's linear memory on the device (default ${DEFAULT_MEMORY_LIMIT_BYTES}); build the app with
                           an AssemblyScript --lowMemoryLimit no higher
  --app-stack <bytes>      stack for one call into the app (default ${DEFAULT_APP_STACK_BYTES})
  --device-id <id>         HELLO's device id on an emulated board (default ${DEFAULT_DEVICE_ID})
  --seed <S>               env.seed as device 0 of a simulation with seed S has it (default ${DEFAULT_SEED})
  --json                   print the outputs and the size report as JSON
  --help                   this text`;

const runHelp = (boards: string[]) => `Usage: wasmote firmware run --board <board> --app <file.wasm> [options]

Builds the firmware and runs it in QEMU with -icount, so device time is counted in instructions and runs
repeat. The host answers the firmware's tunnelled I2C, GPIO and PWM calls with a simulated board and prints
the device's messages exactly as \`wasmote sim\` prints a simulated device's.

Options:
  --board <name>           an emulated board: ${boards.join(', ')}
  --app <file.wasm>        the app
  --scenario <file.json>   environment and faults over time (docs/scenarios.md); default: a quiet office
  --duration <time>        device time to run: 500ms, 60s, 5m, 1h (default 60s)
  --seed <S>               the seed of the run, as \`wasmote sim --seed\` (default ${DEFAULT_SEED})
  --icount-shift <N>       2^N ns of device time per instruction (default ${DEFAULT_ICOUNT_SHIFT})
  --json                   one JSON object per line instead of text
  --quiet                  print only the summary
  --help                   this text`;

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
    throw toUserError(error);
  }
}

async function runBuild(args: string[]): Promise<number> {
  const { values } = parse(args, {
    board: { type: 'string' },
    app: { type: 'string' },
    out: { type: 'string' },
    'memory-limit': { type: 'string' },
    'app-stack': { type: 'string' },
    'device-id': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(buildHelp(await listBoards()));
    return 0;
  }
  const build = await buildFirmware({
    board: await required(values.board, '--board'),
    appPath: await required(values.app, '--app'),
    outDir: values.out,
    memoryLimitBytes: optionalInteger(values['memory-limit'], '--memory-limit'),
    appStackBytes: optionalInteger(values['app-stack'], '--app-stack'),
    deviceId: values['device-id'],
    seed: optionalInteger(values.seed, '--seed'),
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
  const { values } = parse(args, {
    board: { type: 'string' },
    app: { type: 'string' },
    scenario: { type: 'string' },
    duration: { type: 'string', default: '60s' },
    seed: { type: 'string' },
    'icount-shift': { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(runHelp(await emulatedBoards()));
    return 0;
  }
  const board = await loadBoard(await required(values.board, '--board'));
  if (board.qemuMachine === undefined) {
    throw new UsageError(`board '${board.name}' has no emulator; \`firmware run\` runs ${(await emulatedBoards()).join(', ')}`);
  }
  const appPath = await required(values.app, '--app');
  const durationMs = parseDurationMs(values.duration, '--duration');
  const seed = optionalInteger(values.seed, '--seed') ?? DEFAULT_SEED;
  const icountShift = optionalInteger(values['icount-shift'], '--icount-shift') ?? DEFAULT_ICOUNT_SHIFT;
  const scenario = values.scenario === undefined ? defaultScenario() : await loadScenario(values.scenario);
  const build = await buildFirmware({ board: board.name, appPath, seed, onProgress });
  onProgress(`running ${path.relative(process.cwd(), build.elf)} on QEMU's ${board.qemuMachine}`);

  const printer = new TelemetryPrinter(values.json, (line) => process.stdout.write(`${line}\n`));
  let messages = 0;
  const session = new FirmwareSession({
    machine: board.qemuMachine,
    elf: build.elf,
    deviceId: build.deviceId,
    icountShift,
    scenario,
    seed,
    onMessage: (message) => {
      messages += 1;
      if (!values.quiet) printer.print(message);
    },
  });
  const startedMs = performance.now();
  await session.start();
  await session.runFor(durationMs);
  const wallS = (performance.now() - startedMs) / 1000;
  const { framesOk: _ok, seqGaps: _lost, ...drops } = session.decoder.stats;
  const dropped = Object.values(drops).reduce((sum, count) => sum + count, 0);
  process.stderr.write(
    `1 device(s), ${durationMs / 1000} s of device time in ${wallS.toFixed(2)} s ` +
      `(${(durationMs / 1000 / wallS).toFixed(0)}x real time), ${messages} messages, ${dropped} frames dropped\n`,
  );
  return 0;
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function onProgress(line: string): void {
  process.stderr.write(`firmware: ${line}\n`);
}

async function required(value: string | boolean | undefined, option: string): Promise<string> {
  if (typeof value === 'string') return value;
  const hint = option === '--board' ? `: one of ${(await listBoards()).join(', ')}` : '';
  throw new UsageError(`${option} is required${hint}`);
}

function optionalInteger(text: string | boolean | undefined, option: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${option} '${text}' must be a non-negative integer`);
  return value;
}

async function emulatedBoards(): Promise<string[]> {
  const boards = await Promise.all((await listBoards()).map(loadBoard));
  return boards.filter((board) => board.qemuMachine !== undefined).map((board) => board.name);
}

function printBuild({ board, elf, bin, hex, map, size }: FirmwareBuild): void {
  const firmwareRam = size.ramBytes - size.linearMemoryBytes - size.stackBytes;
  console.log(`${board.name} (${board.chip})`);
  for (const file of [elf, bin, hex, map]) console.log(`  ${path.relative(process.cwd(), file)}`);
  console.log(`flash ${size.flashBytes} bytes`);
  console.log(
    `RAM   ${size.ramBytes} bytes: ${size.linearMemoryBytes} app memory, ${size.stackBytes} stack, ${firmwareRam} firmware`,
  );
}

function toUserError(error: unknown): unknown {
  if (
    error instanceof MissingToolError ||
    error instanceof AppLoadError ||
    error instanceof ScenarioError ||
    error instanceof TranslationError
  ) {
    return new UserError(error.message);
  }
  if (error instanceof BoardError || error instanceof FirmwareBuildError) return new UsageError(error.message);
  if (error instanceof ToolFailedError) return new UserError(`firmware build failed: ${error.message}`);
  return error;
}
