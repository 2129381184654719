import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_DIR = fileURLToPath(new URL('../../build/', import.meta.url));

/** A test app from test/fixtures/apps/, as built by the global setup. */
export async function testAppBytes(name: string): Promise<Uint8Array> {
  return readFile(path.join(BUILD_DIR, 'test-apps', `${name}.debug.wasm`));
}

/** A shipped app from drivers/apps/, as built by the global setup. */
export async function appBytes(name: string, target: 'debug' | 'release' = 'release'): Promise<Uint8Array> {
  return readFile(path.join(BUILD_DIR, 'apps', `${name}.${target}.wasm`));
}

export function appPath(name: string, target: 'debug' | 'release' = 'release'): string {
  return path.join(BUILD_DIR, 'apps', `${name}.${target}.wasm`);
}
