import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const APPS_DIR = path.join(PROJECT_ROOT, 'drivers', 'apps');
export const BUILD_DIR = path.join(PROJECT_ROOT, 'build');
/** Where `wasmote build` puts the apps: `<name>.<debug|release>.wasm`. */
export const BUILT_APPS_DIR = path.join(BUILD_DIR, 'apps');
