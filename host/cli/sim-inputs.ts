/** The app, scenario and id prefix of a simulated fleet, as `wasmote sim` and `wasmote edge --sim` read them. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILT_APPS_DIR } from '../build/paths.ts';
import type { AppImage } from '../sim/app-image.ts';
import type { Scenario } from '../sim/scenario.ts';
import { UserError } from './errors.ts';

export const DEFAULT_APP = path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm');

export interface SimInputPaths {
  /** Default: the sensor-node app `wasmote build` makes. */
  appPath?: string;
  /** Default: a quiet office. */
  scenarioPath?: string;
  idPrefix?: string;
}

/** Loads the app and scenario and checks the prefix; every problem is a UserError in one line. */
export async function loadSimInputs(paths: SimInputPaths): Promise<{ app: AppImage; scenario: Scenario }> {
  if (paths.appPath === undefined && !existsSync(DEFAULT_APP)) {
    throw new UserError(`no --app given and ${path.relative(process.cwd(), DEFAULT_APP)} is missing: run \`wasmote build\` first`);
  }
  const [{ AppLoadError }, { loadAppImage }, { ScenarioError, defaultScenario, loadScenario }, { idPrefixProblem }] = await Promise.all([
    import('../abi/app-instance.ts'),
    import('../sim/app-image.ts'),
    import('../sim/scenario.ts'),
    import('../link/link-id.ts'),
  ]);
  const prefixProblem = paths.idPrefix === undefined ? null : idPrefixProblem(paths.idPrefix);
  if (prefixProblem !== null) throw new UserError(`--id-prefix '${paths.idPrefix}' ${prefixProblem}`);
  const toUserError = (error: unknown): never => {
    if (error instanceof AppLoadError || error instanceof ScenarioError) throw new UserError(error.message);
    throw error;
  };
  const [app, scenario] = await Promise.all([
    loadAppImage(paths.appPath ?? DEFAULT_APP).catch(toUserError),
    (paths.scenarioPath === undefined ? Promise.resolve(defaultScenario()) : loadScenario(paths.scenarioPath)).catch(toUserError),
  ]);
  return { app, scenario };
}
