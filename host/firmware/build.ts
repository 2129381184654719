/**
 * `wasmote firmware build`: an app and a board in, a firmware image out (docs/firmware.md, "Building"). The app
 * is checked against the HAL ABI, translated to C by wasm2c and compiled with the firmware by
 * arm-none-eabi-gcc and newlib-nano; the build folder gets the .elf, .bin, .hex, the linker map and a size
 * report.
 */
import { linkIdFromName, linkIdProblem } from '../link/link-id.ts';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { AppLoadError } from '../abi/app-instance.ts';
import { BUILD_DIR } from '../build/paths.ts';
import { hash32 } from '../sim/deterministic-noise.ts';
import { checkFirmwareApp } from './app-check.ts';
import { loadBoard, type Board } from './boards.ts';
import { readSizeReport, type SizeReport } from './size-report.ts';
import {
  cSources,
  defineFlags,
  FIRMWARE_DIR,
  portableSources,
  WASM2C_BACKEND_DIR,
  WASM2C_CONFIG_HEADER,
  WASM2C_RUNTIME_DIR,
} from './sources.ts';
import { runTool } from './toolchain.ts';
import { checkLoopFitsHandlerOffsets, rewriteLoopDispatches } from './thumb-dispatch.ts';
import { translateApp } from './translate.ts';
import { DEFAULT_ENGINE, type Engine, type InterpCodeHome } from './engines.ts';
import { fillCodeSection } from './code-section.ts';
import { INTERP_BACKEND_DIR, prepareInterpApp } from './interp-build.ts';

/** docs/firmware.md, "Memory below one page": the linear memory an app gets unless it asks otherwise. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 8 * 1024;
/** The stack one call into the app may use (docs/hal-abi.md §7, call-stack exhaustion). */
export const DEFAULT_APP_STACK_BYTES = 2 * 1024;
/** The firmware's own stack beside the app's: runner, HAL imports, link, interrupt frames. */
const FIRMWARE_STACK_BYTES = 1536;
/**
 * The interpreter runs every Wasm call in one loop on its own value stack (the app's stack budget, in static
 * storage), so the firmware's stack holds the loop's frame and the HAL beneath it, not the app's calls.
 */
const INTERPRETER_LOOP_STACK_BYTES = 512;
/**
 * The interpreter's dispatch loop is compiled for speed, with sqrt to the FPU without errno and its slot loops
 * left as loops (not memmove and memset calls); its loader, which runs once per boot, for size like the rest.
 */
const INTERP_LOOP_SOURCE = path.join(INTERP_BACKEND_DIR, 'exec.c');
const INTERP_LOOP_FLAGS = ['-O2', '-fno-math-errno', '-fno-tree-loop-distribute-patterns'];
/**
 * The loader and the compiler, compiled for size: without GCC's inlining of every function called once into its
 * caller, whose copies into their large functions took more bytes than the calls (238 in all with GCC 12).
 */
const INTERP_LOADER_SOURCES = ['loader.c', 'compile.c'].map((name) => path.join(INTERP_BACKEND_DIR, name));
const INTERP_LOADER_FLAGS = ['-fno-inline-functions-called-once'];
/** The arena beyond what the host build measured: alignment, and the loader's margin before scratch. */
const ARENA_MARGIN_BYTES = 16;
/** An emulated device's identity: the simulator's defaults for device 0 of seed 1 (host/sim/simulation.ts). */
export const DEFAULT_DEVICE_ID = 'qemu-0000';
export const DEFAULT_SEED = 1;
/** docs/link-protocol.md §4.1: identity strings are at most 32 bytes. */
const IDENTITY_MAX_BYTES = 32;
const FIRMWARE_VERSION_PREFIX = 'wasmote-fw/1';
/** host/sim/app-image.ts: `<file name>@<first 8 hex digits of the SHA-256>`. */
const APP_HASH_PREFIX_HEX_DIGITS = 8;

/** -ffp-contract=off: Wasm rounds every f32 multiply and add (no fused multiply-add), so C must too. */
const C_FLAGS = ['-std=gnu11', '-Os', '-g', '-ffunction-sections', '-fdata-sections', '-ffp-contract=off', '-DNDEBUG'];
const OUR_WARNINGS = ['-Wall', '-Wextra', '-Werror'];
/**
 * The translated app: compiled for speed, the firmware around it for size (docs/firmware.md, "Benchmark": -O2
 * inlines the accessors AssemblyScript's -Oz leaves out of line). wasm2c's output, not ours, so without our
 * warnings: its TRAP macro leaves a value unused, and it declares what it may not use.
 */
const APP_OPTIMIZATION = '-O2';
const APP_FLAGS = [APP_OPTIMIZATION, '-Wno-unused-value', '-Wno-unused-parameter', '-Wno-unused-function'];
/** The benchmark's plain-C sides: compiled as the translated app is, so the two are compared on equal terms. */
const BENCH_C_WORKLOADS = path.join(FIRMWARE_DIR, 'bench', 'workloads.c');
const BENCH_C_NODE_DIR = path.join(FIRMWARE_DIR, 'bench', 'node');

/**
 * The programs, each a folder under firmware/ with main(): the folders of C an image adds to the portable and
 * the board's, and the functions it answers itself (ld --wrap: a call to `name` from another file goes to
 * `__wrap_name`). The whole-tick benchmark answers the board's I2C, GPIO and PWM inside the image, skips the
 * waits and taps what the HAL is handed (docs/firmware.md, "Benchmark").
 */
const PROGRAMS = {
  runner: { dirs: ['runner'], wraps: [] },
  bench: { dirs: ['bench', 'bench/harness'], wraps: [] },
  'bench/tick': {
    dirs: ['bench/tick', 'bench/harness', 'bench/node', 'bench/responder'],
    wraps: [
      ...['board_i2c_transfer', 'board_gpio_mode', 'board_gpio_write', 'board_pwm_set'],
      ...['clock_delay_us', 'telemetry_report'],
    ],
  },
} as const satisfies Record<string, { dirs: readonly string[]; wraps: readonly string[] }>;
export type FirmwareProgram = keyof typeof PROGRAMS;

export interface FirmwareBuildOptions {
  board: string;
  /** Default: wasm2c. */
  engine?: Engine;
  /** With the interpreter: default `flash` on a board QEMU emulates, `ram` on others. */
  interpCode?: InterpCodeHome;
  appPath: string;
  /** Default: build/firmware/<board>/<app file name>/. */
  outDir?: string;
  memoryLimitBytes?: number;
  appStackBytes?: number;
  /** HELLO's device_id on a board without a unique ID of its own (an emulated one). */
  deviceId?: string;
  /** The simulation seed whose device 0 this device mirrors: env.seed is hash32(seed, 0), as in the simulator. */
  seed?: number;
  /** The folder under firmware/ with main(): the runner, or a benchmark image (bench/firmware.ts). */
  program?: FirmwareProgram;
  /** Instead of `program`: a folder of C with main() outside firmware/, such as a test's image. */
  mainDir?: string;
  onProgress?: (line: string) => void;
}

export interface FirmwareBuild {
  board: Board;
  engine: Engine;
  /** HELLO's device_id on an emulated board. */
  deviceId: string;
  outDir: string;
  elf: string;
  bin: string;
  hex: string;
  map: string;
  size: SizeReport;
}

export class FirmwareBuildError extends Error {}

export async function buildFirmware(options: FirmwareBuildOptions): Promise<FirmwareBuild> {
  const progress = options.onProgress ?? (() => {});
  const board = await loadBoard(options.board);
  const appName = path.basename(options.appPath, '.wasm');
  const outDir = options.outDir ?? path.join(BUILD_DIR, 'firmware', board.name, appName);
  const memoryLimitBytes = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  const appStackBytes = options.appStackBytes ?? DEFAULT_APP_STACK_BYTES;
  const deviceId = options.deviceId ?? DEFAULT_DEVICE_ID;
  const program: { dirs: readonly string[]; wraps: readonly string[] } = options.mainDir
    ? { dirs: [path.relative(FIRMWARE_DIR, path.resolve(options.mainDir))], wraps: [] }
    : PROGRAMS[options.program ?? 'runner'];
  const idProblem = linkIdProblem(deviceId);
  if (idProblem !== null) throw new FirmwareBuildError(`the device id '${deviceId}' ${idProblem}`);
  const objectsDir = path.join(outDir, 'obj');
  await mkdir(objectsDir, { recursive: true });

  progress(`checking ${options.appPath} against the HAL ABI`);
  const wasm = await readFile(options.appPath).catch((error: NodeJS.ErrnoException) => {
    throw new AppLoadError(`cannot read app ${options.appPath}: ${error.code ?? error.message}`);
  });
  const sections = await checkFirmwareApp(wasm, memoryLimitBytes);
  const engine = options.engine ?? DEFAULT_ENGINE;
  const codeHome = options.interpCode ?? (board.qemuMachine === undefined ? 'ram' : 'flash');
  if (engine === 'interp' && codeHome === 'flash' && board.qemuMachine === undefined) {
    throw new FirmwareBuildError(
      `the interpreter's code for flash is compiled by the image itself on QEMU, which has no machine for ${board.name} (--interp-code ram keeps it in RAM)`,
    );
  }
  const app = await prepareApp(engine, wasm, sections, path.join(outDir, 'app'), { memoryLimitBytes, appStackBytes, codeHome }, progress);
  const identity = path.join(outDir, 'app', 'identity.c');
  await writeFile(identity, identitySource(board.name, appName, wasm));

  const defines = {
    ...app.defines,
    FIRMWARE_DEVICE_ID: JSON.stringify(deviceId),
    FIRMWARE_SEED: `${hash32(options.seed ?? DEFAULT_SEED, 0)}.0`,
  };
  const common = [...board.cpu, ...C_FLAGS, ...defineFlags(defines), `-I${WASM2C_RUNTIME_DIR}`, `-I${path.dirname(app.source)}`];
  const ours = [
    ...(await portableSources(engine)),
    ...(await cSources([...board.sources, ...program.dirs])),
    ...(await cSources([path.relative(FIRMWARE_DIR, board.dir)])),
  ];
  const units = [
    ...ours.map((source) => ({
      source,
      flags: [...OUR_WARNINGS, ...backendFlags(source), ...(isBenchCSide(source) ? [APP_OPTIMIZATION] : [])],
    })),
    { source: identity, flags: [...OUR_WARNINGS, `-I${FIRMWARE_DIR}`] },
    engine === 'wasm2c'
      ? { source: app.source, flags: [...APP_FLAGS, `-I${WASM2C_BACKEND_DIR}`, '-include', WASM2C_CONFIG_HEADER] }
      : { source: app.source, flags: [...OUR_WARNINGS, `-I${INTERP_BACKEND_DIR}`] },
  ];
  progress(`compiling ${units.length} files for ${board.chip}`);
  const objects = await inParallel(units, async ({ source, flags }) => {
    const object = path.join(objectsDir, `${path.relative(FIRMWARE_DIR, source).replaceAll(/[/\\.]/g, '_')}.o`);
    if (source === INTERP_LOOP_SOURCE) {
      const assembly = object.replace(/\.o$/, '.s');
      await runTool('arm-none-eabi-gcc', [...common, ...flags, '-S', source, '-o', assembly]);
      await writeFile(assembly, rewriteLoopDispatches(await readFile(assembly, 'utf8')));
      await runTool('arm-none-eabi-gcc', [...common, '-c', assembly, '-o', object]);
      checkLoopFitsHandlerOffsets(await runTool('arm-none-eabi-size', ['-A', object]));
    } else {
      await runTool('arm-none-eabi-gcc', [...common, ...flags, '-c', source, '-o', object]);
    }
    return object;
  });

  progress('linking with newlib-nano');
  const stackBytes = (engine === 'wasm2c' ? appStackBytes : INTERPRETER_LOOP_STACK_BYTES) + FIRMWARE_STACK_BYTES;
  const base = path.join(outDir, 'firmware');
  const elf = `${base}.elf`;
  const map = `${base}.map`;
  await runTool('arm-none-eabi-gcc', [
    ...board.cpu,
    '--specs=nano.specs',
    '-nostartfiles',
    `-T${path.join(board.dir, 'memory.ld')}`,
    `-L${path.join(FIRMWARE_DIR, 'hal', 'stm32f4')}`,
    '-Wl,--gc-sections',
    `-Wl,--defsym=STACK_BYTES=${stackBytes}`,
    `-Wl,-Map=${map}`,
    ...program.wraps.map((name) => `-Wl,--wrap=${name}`),
    '-o',
    elf,
    ...objects,
    '-lm',
  ]);
  if (engine === 'interp' && codeHome === 'flash') {
    progress(`compiling the app's code for flash with the image itself on QEMU's ${board.qemuMachine}`);
    await fillCodeSection(elf, board.qemuMachine!);
  }
  const bin = `${base}.bin`;
  const hex = `${base}.hex`;
  await runTool('arm-none-eabi-objcopy', ['-O', 'binary', elf, bin]);
  await runTool('arm-none-eabi-objcopy', ['-O', 'ihex', elf, hex]);
  const size = await readSizeReport(elf, { memoryLimitBytes, stackBytes });
  await writeFile(`${base}.size.json`, `${JSON.stringify(size, null, 2)}\n`);
  return { board, engine, deviceId, outDir, elf, bin, hex, map, size };
}

/** The app in the form the engine runs: translated to C (wasm2c), or embedded as its .wasm (interp). */
async function prepareApp(
  engine: Engine,
  wasm: Uint8Array,
  sections: Awaited<ReturnType<typeof checkFirmwareApp>>,
  outDir: string,
  sizes: { memoryLimitBytes: number; appStackBytes: number; codeHome: InterpCodeHome },
  progress: (line: string) => void,
): Promise<{ source: string; defines: Record<string, number> }> {
  if (engine === 'wasm2c') {
    progress('translating the app to C with wasm2c');
    return translateApp(wasm, sections, outDir, sizes);
  }
  progress('validating the app with the interpreter and sizing its arena');
  const app = await prepareInterpApp(wasm, outDir, sizes);
  const arenaBytes = Math.ceil(app.defines.INTERP_ARENA_BYTES! / 8) * 8 + ARENA_MARGIN_BYTES;
  return { source: app.source, defines: { ...app.defines, INTERP_ARENA_BYTES: arenaBytes } };
}

function isBenchCSide(source: string): boolean {
  return source === BENCH_C_WORKLOADS || path.dirname(source) === BENCH_C_NODE_DIR;
}

/** Files of the wasm2c backend see the same runtime configuration as the generated app; the interpreter's loop runs fast. */
function backendFlags(source: string): string[] {
  if (path.dirname(source) === path.dirname(WASM2C_CONFIG_HEADER)) return ['-include', WASM2C_CONFIG_HEADER];
  if (source === INTERP_LOOP_SOURCE) return INTERP_LOOP_FLAGS;
  if (INTERP_LOADER_SOURCES.includes(source)) return INTERP_LOADER_FLAGS;
  return [];
}

function checkIdentity(what: string, value: string): void {
  if (Buffer.byteLength(value) > IDENTITY_MAX_BYTES || !/^[\x20-\x7e]*$/.test(value)) {
    throw new FirmwareBuildError(`the ${what} '${value}' must be at most ${IDENTITY_MAX_BYTES} printable ASCII characters`);
  }
}

/** firmware/runner/identity.h's definitions for this board and app. */
function identitySource(boardName: string, appName: string, wasm: Uint8Array): string {
  const hash = createHash('sha256').update(wasm).digest();
  const suffix = `@${hash.subarray(0, APP_HASH_PREFIX_HEX_DIGITS / 2).toString('hex')}`;
  const appVersion = appName.slice(0, IDENTITY_MAX_BYTES - suffix.length) + suffix;
  const firmwareVersion = `${FIRMWARE_VERSION_PREFIX} ${boardName}`;
  checkIdentity('firmware version', firmwareVersion);
  checkIdentity('app version', appVersion);
  const bytes = [...hash].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ');
  return [
    '/* Written by `wasmote firmware build` (host/firmware/build.ts). */',
    '#include "runner/identity.h"',
    '',
    `const char firmware_version[] = ${JSON.stringify(firmwareVersion)};`,
    `const char app_version[] = ${JSON.stringify(appVersion)};`,
    `const char app_name[] = ${JSON.stringify(linkIdFromName(appName))};`,
    `const char board_name[] = ${JSON.stringify(boardName)};`,
    `const uint8_t app_hash[LINK_APP_HASH_BYTES] = {${bytes}};`,
    '',
  ].join('\n');
}

async function inParallel<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), items.length) }, worker));
  return results;
}
