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
/** A call of a load or store accessor, as wabt 1.0.32 writes it: `i32_load(&instance->w2c_memory, (u64)(w2c_i0) + 4u)`. */
const ACCESSOR_CALL = /\b((?:i32|i64|f32|f64)_(?:load|store)\w*)\(&instance->w2c_memory, \(u64\)\((w2c_\w+)\)(?: \+ (\d+)u?)?(?=[,)])/g;
const ACCESSOR_NAME = /\b(?:i32|i64|f32|f64)_(?:load|store)\w*\(/g;
/** A function of the app as wabt 1.0.32 defines it, up to its closing brace at the start of a line. */
const APP_FUNCTION = /^static [^\n]* w2c_\w+\(Z_app_instance_t\* instance[^\n]*\) \{\n[\s\S]*?^\}$/gm;
/** A call out of a function: to another of the app's, to an import, or through the table. */
const CALL = /\bw2c_\w+\(|\(\*Z_\w+\)\(|\bCALL_INDIRECT\(/;
const STACK_CHECK = '  FUNC_PROLOGUE;\n';
/** A data segment's bytes as wabt 1.0.32 defines them, and an active segment's load at instantiation. */
const DATA_SEGMENT = /^static const u8 (data_segment_data_w2c_\w+)\[\] = \{\n([\s\S]*?)\};$/gm;
const DATA_SEGMENT_LOAD = (name: string) => new RegExp(`\\bLOAD_DATA\\(instance->w2c_memory, (\\d+)u, ${name}, (\\d+)\\);`, 'g');
/** overrides.h's 32-bit bounds check holds for memory limits below 2^31. */
const MEMORY_LIMIT_MAX_BYTES = 2 ** 31 - 1;

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
  if (options.memoryLimitBytes > MEMORY_LIMIT_MAX_BYTES) {
    throw new TranslationError(`a memory limit of ${options.memoryLimitBytes} bytes is above the engine's ${MEMORY_LIMIT_MAX_BYTES}`);
  }
  const withOverrides = generated.replace(OVERRIDES_ANCHOR, `${OVERRIDES_INCLUDE}\n${OVERRIDES_ANCHOR}`);
  await writeFile(source, packDataSegments(elideLeafStackChecks(splitAccessorAddresses(withOverrides))));
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

/**
 * Rewrites each load and store so that it passes its address as operand and constant offset, as overrides.h's
 * accessors take it, instead of wasm2c's 64-bit sum. Every call must match: one the pattern misses would not
 * compile against the accessors' signature, so that is reported here instead.
 */
export function splitAccessorAddresses(source: string): string {
  let rewritten = 0;
  const result = source.replace(ACCESSOR_CALL, (_call, accessor: string, operand: string, offset?: string) => {
    rewritten++;
    return `${accessor}(&instance->w2c_memory, ${operand}, ${offset ?? 0}u`;
  });
  const calls = source.match(ACCESSOR_NAME)?.length ?? 0;
  if (rewritten !== calls) {
    throw new TranslationError(`wasm2c's output has ${calls} loads and stores, of which ${rewritten} have the form wabt 1.0.32 writes`);
  }
  return result;
}

/**
 * Drops the stack check (overrides.h, FUNC_PROLOGUE) from functions that call nothing. Only a chain of calls
 * can run the stack down, and every function that calls is still checked; a leaf adds at most its own frame
 * below the floor, which the firmware's reserve beneath the app's stack covers (build.ts). Inlined into a loop,
 * a leaf's check would otherwise run on every iteration.
 */
export function elideLeafStackChecks(source: string): string {
  return source.replace(APP_FUNCTION, (definition) => (CALL.test(definition.slice(definition.indexOf('{'))) ? definition : definition.replace(STACK_CHECK, '')));
}

/**
 * Stores each active data segment packed, as overrides.h's LOAD_PACKED_DATA reads it: a bitmap with one bit per
 * byte, set for the non-zero ones, then those bytes in order. A segment is packed only where its one use is the
 * load that instantiation makes (a passive one, which memory.init copies, keeps its bytes as they are).
 */
export function packDataSegments(source: string): string {
  const packed = new Set<string>();
  let result = source.replace(DATA_SEGMENT, (definition, name: string, body: string) => {
    const loads = source.match(DATA_SEGMENT_LOAD(name))?.length ?? 0;
    const uses = source.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
    if (loads !== 1 || uses !== 2) return definition;
    const bytes = (body.match(/0x[0-9a-f]{2}/gi) ?? []).map((hex) => Number.parseInt(hex, 16));
    const map = new Uint8Array(Math.ceil(bytes.length / 8));
    bytes.forEach((byte, index) => {
      if (byte !== 0) map[index >> 3]! |= 1 << (index & 7);
    });
    const stored = [...map, ...bytes.filter((byte) => byte !== 0)];
    packed.add(name);
    const lines = [];
    for (let at = 0; at < stored.length; at += 12) {
      lines.push(`  ${stored.slice(at, at + 12).map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')},`);
    }
    return `static const u8 ${name}[] = {\n${lines.join('\n')}\n};`;
  });
  for (const name of packed) {
    result = result.replace(DATA_SEGMENT_LOAD(name), (_load, offset: string, length: string) => `LOAD_PACKED_DATA(instance->w2c_memory, ${offset}u, ${name}, ${length});`);
  }
  return result;
}
