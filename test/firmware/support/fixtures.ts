/** The firmware's own test apps (test/firmware/fixtures/), compiled with the project's asconfig.json. */
import path from 'node:path';
import { compileApp } from '../../../host/build/compile-app.ts';
import { BUILD_DIR, PROJECT_ROOT } from '../../../host/build/paths.ts';

const FIXTURES_DIR = path.join(PROJECT_ROOT, 'test', 'firmware', 'fixtures');
const OUT_DIR = path.join(BUILD_DIR, 'test-firmware-apps');

/** Compiles test/firmware/fixtures/<name>.ts (debug target, like test/fixtures/apps/); returns the .wasm path. */
export async function firmwareFixture(name: string): Promise<string> {
  return (await compileApp(path.join(FIXTURES_DIR, `${name}.ts`), 'debug', OUT_DIR)).wasmPath;
}

/** An app under test/fixtures/apps/, as test/global-setup.ts built it. */
export function sharedFixture(name: string): string {
  return path.join(BUILD_DIR, 'test-apps', `${name}.debug.wasm`);
}
