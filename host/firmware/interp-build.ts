/**
 * The interpreter backend's part of the build (docs/firmware.md, "Interpreter"): the app goes into the image as
 * its .wasm, in flash, its data segments merged (merge-data.ts); the interpreter's host build
 * (firmware/engine/interp/host/) validates it as the board will and measures the arena its loaded form needs,
 * which sizes the board's static arena, and the cells of its compiled code, which size the flash section the
 * image's own run fills in (code-section.ts). A module the interpreter refuses fails the build with its reason.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILD_DIR } from '../build/paths.ts';
import { CODE_SECTION } from './code-section.ts';
import type { InterpCodeHome } from './engines.ts';
import { mergeDataSegments } from './merge-data.ts';
import { cSources, FIRMWARE_DIR } from './sources.ts';
import { runTool, ToolFailedError } from './toolchain.ts';

export const INTERP_BACKEND_DIR = path.join(FIRMWARE_DIR, 'engine', 'interp');
const HOST_MAIN = path.join(INTERP_BACKEND_DIR, 'host', 'main.c');
/** The interpreter's core: what the host build shares with the board's (engine.c and imports.c are the board's). */
const CORE_FILES = ['loader.c', 'compile.c', 'exec.c'];
const HOST_BUILD_DIR = path.join(BUILD_DIR, 'interp-host');

export class InterpreterRefusalError extends Error {}

export interface InterpApp {
  /** app_wasm.c: the module as const bytes. */
  source: string;
  defines: Record<string, number>;
}

/** The core's sources and the host build's main, for a host compile. */
export async function interpHostSources(): Promise<string[]> {
  const core = (await cSources([path.join('engine', 'interp')])).filter((file) => CORE_FILES.includes(path.basename(file)));
  return [HOST_MAIN, ...core, path.join(FIRMWARE_DIR, 'engine', 'trap.c'), path.join(FIRMWARE_DIR, 'link', 'utf8.c')];
}

/** Every header the host build compiles: the core's own, and trap.h and utf8.h beside the shared sources. */
async function interpHostHeaders(): Promise<string[]> {
  const core = (await readdir(INTERP_BACKEND_DIR)).filter((name) => name.endsWith('.h')).map((name) => path.join(INTERP_BACKEND_DIR, name));
  return [...core, path.join(FIRMWARE_DIR, 'engine', 'trap.h'), path.join(FIRMWARE_DIR, 'link', 'utf8.h')];
}

let hostBuild: Promise<string> | undefined;

/**
 * The interpreter built for this machine with gcc, once per process and again only when its sources change
 * (the executable's name carries a hash of them).
 */
export function interpHost(): Promise<string> {
  hostBuild ??= (async () => {
    const sources = await interpHostSources();
    const hash = createHash('sha256');
    for (const file of [...sources, ...(await interpHostHeaders())]) {
      hash.update(await readFile(file));
    }
    const executable = path.join(HOST_BUILD_DIR, `interp-host-${hash.digest('hex').slice(0, 12)}`);
    const built = await access(executable).then(
      () => true,
      () => false,
    );
    if (!built) {
      await mkdir(HOST_BUILD_DIR, { recursive: true });
      const partial = `${executable}.${process.pid}`;
      await runTool('gcc', ['-std=gnu11', '-O2', '-ffp-contract=off', '-fno-math-errno', '-o', partial, ...sources, '-lm']);
      await rename(partial, executable);
    }
    return executable;
  })();
  return hostBuild;
}

export interface InterpMeasure {
  arenaBytes: number;
  codeCells: number;
}

/** The arena bytes the interpreter needs for `wasmPath` and the cells of its compiled code, or its refusal. */
export async function measureInterp(wasmPath: string): Promise<InterpMeasure> {
  const host = await interpHost();
  try {
    const { stdout } = await promisify(execFile)(host, ['--arena', wasmPath]);
    const [arenaBytes, codeCells] = stdout.trim().split(' ').map(Number);
    return { arenaBytes: arenaBytes!, codeCells: codeCells! };
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    if (stdout.startsWith('refused ')) throw new InterpreterRefusalError(`the interpreter refuses the app: ${stdout.slice(8).trim()}`);
    throw new ToolFailedError('the interpreter\'s host build', String(error));
  }
}

/** Writes app.wasm and app_wasm.c to `outDir` and returns the definitions the backend is compiled with. */
export async function prepareInterpApp(
  wasm: Uint8Array,
  outDir: string,
  options: { memoryLimitBytes: number; appStackBytes: number; codeHome: InterpCodeHome },
): Promise<InterpApp> {
  await mkdir(outDir, { recursive: true });
  const merged = mergeDataSegments(wasm);
  const modulePath = path.join(outDir, 'app.wasm');
  await writeFile(modulePath, merged);
  const { arenaBytes, codeCells } = await measureInterp(modulePath);
  const source = path.join(outDir, 'app_wasm.c');
  const lines = [];
  for (let at = 0; at < merged.length; at += 16) {
    lines.push(`  ${[...merged.subarray(at, at + 16)].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')},`);
  }
  await writeFile(
    source,
    [
      '/* Written by `wasmote firmware build --engine interp` (host/firmware/interp-build.ts). */',
      '#include "app_wasm.h"',
      '',
      'const uint8_t app_wasm[] = {',
      ...lines,
      '};',
      `const uint32_t app_wasm_length = ${merged.length};`,
      '',
      ...(options.codeHome === 'flash'
        ? [
            '/* Erased until the build writes the compiled code in (host/firmware/code-section.ts). */',
            `const uint32_t app_code[${codeCells}] __attribute__((section("${CODE_SECTION}"))) = {[0 ... ${codeCells - 1}] = 0xFFFFFFFFu};`,
          ]
        : ['/* Compiled into at every boot (firmware/engine/interp/engine.c). */', `uint32_t app_code[${codeCells}];`]),
      `const uint32_t app_code_cells = ${codeCells};`,
      '',
    ].join('\n'),
  );
  return {
    source,
    defines: {
      ENGINE_MEMORY_LIMIT_BYTES: options.memoryLimitBytes,
      ENGINE_APP_STACK_BYTES: options.appStackBytes,
      INTERP_ARENA_BYTES: arenaBytes,
      ...(options.codeHome === 'ram' ? { INTERP_CODE_IN_RAM: 1 } : {}),
    },
  };
}
