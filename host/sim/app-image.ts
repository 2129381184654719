import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppLoadError, compileAppModule } from '../abi/app-instance.ts';
import { linkIdFromName } from '../link/link-id.ts';

/** A compiled app and the identity a device announces for it in HELLO (docs/link-protocol.md). */
export interface AppImage {
  module: WebAssembly.Module;
  /** SHA-256 of the .wasm bytes. */
  hash: Uint8Array;
  /** HELLO's `app_name`: the file name as a link id (docs/link-protocol.md §3.3). */
  name: string;
  /** `<file name>@<first 8 hex digits of the hash>`. */
  version: string;
}

export async function appImageFromBytes(wasm: Uint8Array, name: string): Promise<AppImage> {
  const module = await compileAppModule(wasm);
  const hash = new Uint8Array(createHash('sha256').update(wasm).digest());
  return {
    module,
    hash,
    name: linkIdFromName(name),
    version: `${name}@${Buffer.from(hash.subarray(0, 4)).toString('hex')}`,
  };
}

export async function loadAppImage(wasmPath: string): Promise<AppImage> {
  let wasm: Uint8Array;
  try {
    wasm = await readFile(wasmPath);
  } catch (error) {
    throw new AppLoadError(`cannot read app ${wasmPath}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return await appImageFromBytes(wasm, path.basename(wasmPath, '.wasm'));
  } catch (error) {
    if (error instanceof AppLoadError) throw new AppLoadError(`${wasmPath}: ${error.message}`);
    throw error;
  }
}
