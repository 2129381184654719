import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder (drivers/, firmware/, asconfig.json), from the source tree or from its compiled copy in dist/. */
export const PROJECT_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const APPS_DIR = path.join(PROJECT_ROOT, 'drivers', 'apps');
/**
 * Where builds go: build/ in the working directory, so an installed package writes beside the user's files and
 * never into node_modules. In the source tree, commands run from the project's root.
 */
export const BUILD_DIR = path.resolve('build');
/** Where `wasmote build` puts the apps: `<name>.<debug|release>.wasm`. */
export const BUILT_APPS_DIR = path.join(BUILD_DIR, 'apps');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
