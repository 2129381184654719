import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { compileAllApps, compileApp } from '../host/build/compile-app.ts';
import { BUILD_DIR, PROJECT_ROOT } from '../host/build/paths.ts';

export const TEST_APPS_DIR = path.join(BUILD_DIR, 'test-apps');

/** Builds the shipped apps and the test-only apps under test/fixtures/apps/ (debug target) once per run. */
export default async function setup(): Promise<void> {
  await compileAllApps();
  const fixturesDir = path.join(PROJECT_ROOT, 'test', 'fixtures', 'apps');
  for (const file of (await readdir(fixturesDir)).filter((name) => name.endsWith('.ts'))) {
    await compileApp(path.join(fixturesDir, file), 'debug', TEST_APPS_DIR);
  }
}
