/**
 * Translates an app to C with WABT's wasm2c (docs/firmware.md, "Engine") and works out the sizes the embedded
 * runtime (firmware/engine/wasm2c/) is compiled with.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from './toolchain.ts';
import type { AppSections } from './wasm-sections.ts';

/** The generated module's name: its symbols are Z_app*, as firmware/engine/wasm2c/engine.c expects. */
export const APP_MODULE_NAME = 'app';

export interface TranslatedApp {
  /** The generated C file; its header, app.h, is beside it. */
  source: string;
  /** -D definitions for the runtime and the generated code. */
  defines: Record<string, number>;
}

export interface TranslateOptions {
  /** Bytes of linear memory backed on the device; accesses past them trap. */
  memoryLimitBytes: number;
  /** Bytes of stack one call into the app may use before it traps with call-stack exhaustion. */
  appStackBytes: number;
}

export async function translateApp(
  wasmPath: string,
  sections: AppSections,
  outDir: string,
  options: TranslateOptions,
): Promise<TranslatedApp> {
  await mkdir(outDir, { recursive: true });
  const source = path.join(outDir, `${APP_MODULE_NAME}.c`);
  await runTool('wasm2c', [wasmPath, '--module-name', APP_MODULE_NAME, '-o', source]);
  // firmware/engine/wasm2c/runtime.c keeps each signature as its two counts and one byte per value type.
  const signatureBytes = sections.types.reduce((sum, { params, results }) => sum + 2 + params.length + results.length, 0);
  return {
    source,
    defines: {
      ENGINE_MEMORY_LIMIT_BYTES: options.memoryLimitBytes,
      ENGINE_APP_STACK_BYTES: options.appStackBytes,
      ENGINE_TABLE_ELEMENTS: sections.tables[0]?.min ?? 0,
      ENGINE_SIGNATURE_BYTES: signatureBytes,
      APP_IMPORTED_MODULES: new Set(sections.functionImports.map(({ module }) => module)).size,
    },
  };
}
