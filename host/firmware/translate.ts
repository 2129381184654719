/**
 * Translates an app to C with WABT's wasm2c (docs/firmware.md, "Engine") and works out the sizes the embedded
 * runtime (firmware/engine/wasm2c/) is compiled with.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mergeDataSegments } from './merge-data.ts';
import { runTool } from './toolchain.ts';
import type { AppSections } from './wasm-sections.ts';

/** The generated module's name: its symbols are Z_app*, as firmware/engine/wasm2c/engine.c expects. */
export const APP_MODULE_NAME = 'app';
const PAGE_BYTES = 65536;
/**
 * firmware/engine/wasm2c/overrides.h goes in front of the first accessor wasm2c defines: after its runtime
 * macros, before any use of them. This is wabt 1.0.32's output; another version's fails the build here.
 */
const OVERRIDES_ANCHOR = 'DEFINE_LOAD(i32_load, u32, u32, u32)';
const OVERRIDES_INCLUDE = '#include "overrides.h" /* wasmote: firmware/engine/wasm2c/overrides.h */';

export class TranslationError extends Error {}

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

/**
 * Writes app.wasm (its data segments merged, merge-data.ts), app.c (with overrides.h included) and app.h to
 * `outDir`.
 */
export async function translateApp(
  wasm: Uint8Array,
  sections: AppSections,
  outDir: string,
  options: TranslateOptions,
): Promise<TranslatedApp> {
  await mkdir(outDir, { recursive: true });
  const module = path.join(outDir, `${APP_MODULE_NAME}.wasm`);
  await writeFile(module, mergeDataSegments(wasm));
  const source = path.join(outDir, `${APP_MODULE_NAME}.c`);
  await runTool('wasm2c', [module, '--module-name', APP_MODULE_NAME, '-o', source]);
  const generated = await readFile(source, 'utf8');
  if (generated.split(OVERRIDES_ANCHOR).length !== 2) {
    throw new TranslationError(`wasm2c's output lacks '${OVERRIDES_ANCHOR}': the firmware needs wabt 1.0.32's wasm2c`);
  }
  await writeFile(source, generated.replace(OVERRIDES_ANCHOR, `${OVERRIDES_INCLUDE}\n${OVERRIDES_ANCHOR}`));
  // firmware/engine/wasm2c/runtime.c keeps each signature as its two counts and one byte per value type.
  const signatureBytes = sections.types.reduce((sum, { params, results }) => sum + 2 + params.length + results.length, 0);
  return {
    source,
    defines: {
      ENGINE_MEMORY_LIMIT_BYTES: options.memoryLimitBytes,
      ENGINE_MEMORY_SIZE_FIXED: (sections.memories[0]?.min ?? 0) * PAGE_BYTES >= options.memoryLimitBytes ? 1 : 0,
      ENGINE_APP_STACK_BYTES: options.appStackBytes,
      ENGINE_TABLE_ELEMENTS: sections.tables[0]?.min ?? 0,
      ENGINE_SIGNATURE_BYTES: signatureBytes,
      APP_IMPORTED_MODULES: new Set(sections.functionImports.map(({ module }) => module)).size,
    },
  };
}
