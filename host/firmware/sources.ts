/**
 * Which C files make up a firmware image (docs/firmware.md, "Layout"). The portable part — link codec, engine,
 * HAL imports — also builds for the host, where tests run it as a plain program.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../build/paths.ts';

export const FIRMWARE_DIR = path.join(PROJECT_ROOT, 'firmware');
/** The headers wasm2c's output includes (wasm-rt.h), as the Debian package wabt installs them. */
export const WASM2C_RUNTIME_DIR = '/usr/src/wasm2c';
/** The wasm2c backend; its config.h is forced into its files and the generated app (`-include`). */
export const WASM2C_BACKEND_DIR = path.join(FIRMWARE_DIR, 'engine', 'wasm2c');
export const WASM2C_CONFIG_HEADER = path.join(WASM2C_BACKEND_DIR, 'config.h');

/** The folders whose .c files build anywhere: firmware/link, firmware/engine and one backend, firmware/hal. */
const PORTABLE_DIRS = ['link', 'engine', 'hal'];

/** The .c files directly inside `dirs` (relative to firmware/), as absolute paths. */
export async function cSources(dirs: string[]): Promise<string[]> {
  const lists = await Promise.all(
    dirs.map(async (dir) =>
      (await readdir(path.join(FIRMWARE_DIR, dir)))
        .filter((file) => file.endsWith('.c'))
        .sort()
        .map((file) => path.join(FIRMWARE_DIR, dir, file)),
    ),
  );
  return lists.flat();
}

/** The portable sources with the engine's backend: engine/wasm2c/ or engine/interp/ (docs/firmware.md, "Engine"). */
export function portableSources(engine: 'wasm2c' | 'interp' = 'wasm2c'): Promise<string[]> {
  return cSources([...PORTABLE_DIRS, path.join('engine', engine)]);
}

/** `-D` flags from a table of definitions. */
export function defineFlags(defines: Record<string, number | string>): string[] {
  return Object.entries(defines).map(([name, value]) => `-D${name}=${value}`);
}
