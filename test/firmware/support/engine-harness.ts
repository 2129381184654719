/**
 * test/firmware/native/engine-harness.c built around one app: the app translated by wasm2c exactly as
 * `wasmote firmware build` translates it, then compiled for the host with the portable firmware sources.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkFirmwareApp } from '../../../host/firmware/app-check.ts';
import {
  defineFlags,
  portableSources,
  WASM2C_BACKEND_DIR,
  WASM2C_CONFIG_HEADER,
  WASM2C_RUNTIME_DIR,
} from '../../../host/firmware/sources.ts';
import { translateApp } from '../../../host/firmware/translate.ts';
import { buildNativeProgram, NATIVE_DIR, runLines } from './native.ts';

export interface HarnessOptions {
  memoryLimitBytes?: number;
  /** The host's frames are bigger than a Cortex-M4's, so the default budget is generous. */
  appStackBytes?: number;
}

/** Builds the harness for `wasmPath`; returns a function running one script through it. */
export async function engineHarness(wasmPath: string, options: HarnessOptions = {}) {
  const name = path.basename(wasmPath, '.wasm');
  const memoryLimitBytes = options.memoryLimitBytes ?? 8192;
  const wasm = await readFile(wasmPath);
  const sections = await checkFirmwareApp(wasm, memoryLimitBytes);
  const outDir = path.join(NATIVE_DIR, name);
  const app = await translateApp(wasm, sections, outDir, {
    memoryLimitBytes,
    appStackBytes: options.appStackBytes ?? 64 * 1024,
  });
  const program = await buildNativeProgram(
    `engine-harness-${name}`,
    ['test/firmware/native/engine-harness.c', ...(await portableSources()), app.source],
    [
      '-DNDEBUG',
      ...defineFlags(app.defines),
      `-I${WASM2C_RUNTIME_DIR}`,
      `-I${outDir}`,
      `-I${WASM2C_BACKEND_DIR}`,
      '-include',
      WASM2C_CONFIG_HEADER,
      // wasm2c's generated code, not ours: its TRAP macro leaves a value unused.
      '-Wno-unused-value',
      '-Wno-unused-parameter',
      '-Wno-unused-function',
    ],
  );
  return (script: string[]) => runLines(program, script);
}
