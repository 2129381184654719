/**
 * Refuses, with a message naming the problem, an app the firmware cannot run: one the HAL ABI refuses
 * (host/abi/app-instance.ts), one whose imports or exports have other types than docs/hal-abi.md gives, or one
 * whose static data does not fit the memory limit (docs/firmware.md, "Memory below one page").
 */
import { AppLoadError, compileAppModule } from '../abi/app-instance.ts';
import { formatAbiVersion, HAL_ABI_VERSION } from '../abi/abi-version.ts';
import { EXPORT_SIGNATURES, IMPORT_SIGNATURES, sameSignature } from './abi-signatures.ts';
import { formatSignature, readAppSections, WasmFormatError, type AppSections } from './wasm-sections.ts';

export async function checkFirmwareApp(wasm: Uint8Array, memoryLimitBytes: number): Promise<AppSections> {
  await compileAppModule(wasm);
  let sections: AppSections;
  try {
    sections = readAppSections(wasm);
  } catch (error) {
    if (error instanceof WasmFormatError) throw new AppLoadError(`cannot read the module: ${error.message}`);
    throw error;
  }
  const abi = formatAbiVersion(HAL_ABI_VERSION);
  for (const { module, name, signature } of sections.functionImports) {
    const expected = IMPORT_SIGNATURES[module]?.[name];
    if (expected !== undefined && !sameSignature(signature, expected)) {
      throw new AppLoadError(
        `the app imports ${module}.${name} as ${formatSignature(signature)}; HAL ABI ${abi} gives ${formatSignature(expected)}`,
      );
    }
  }
  for (const [name, expected] of Object.entries(EXPORT_SIGNATURES)) {
    const actual = sections.exports.get(name);
    if (actual?.kind === 'function' && !sameSignature(actual.signature, expected)) {
      throw new AppLoadError(
        `the app exports ${name} as ${formatSignature(actual.signature)}; HAL ABI ${abi} gives ${formatSignature(expected)}`,
      );
    }
  }
  const version = sections.exports.get('wasmote_abi_version');
  if (version?.kind === 'global' && (version.type !== 'i32' || version.mutable)) {
    throw new AppLoadError('the app exports wasmote_abi_version as something other than an immutable i32 global');
  }
  if (sections.memories.length !== 1 || sections.tables.length > 1) {
    throw new AppLoadError('the firmware runs apps with one memory and at most one table');
  }
  if (sections.dataEnd > memoryLimitBytes) {
    throw new AppLoadError(
      `the app's static data ends at byte ${sections.dataEnd}, past the memory limit of ${memoryLimitBytes} bytes ` +
        '(raise --memory-limit, or build the app with a matching --lowMemoryLimit)',
    );
  }
  return sections;
}
