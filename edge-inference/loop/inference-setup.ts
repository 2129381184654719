import path from 'node:path';
import { PROJECT_ROOT } from '../../host/build/paths.ts';
import { LoadedModel } from '../runtime/loaded-model.ts';
import { defaultRules, readRules, resolveRules, type RulesFile } from './rules.ts';

/** The built-in detector, which `wasmote edge` runs when no `--model` is given. */
export const SHIPPED_MODEL_CONFIG_PATH = path.join(PROJECT_ROOT, 'edge-inference', 'models', 'sensor-node-anomaly.json');
/** The alarm store's file name in the edge's data dir. */
export const ALARM_STORE_FILE_NAME = 'alarms.sqlite';

export interface InferenceSetup {
  /** Loaded models, for startEdgeInference; their owner closes them after it stops. */
  models: LoadedModel[];
  rules: RulesFile;
}

/**
 * What `wasmote edge --model <config.json>… --rules <file>` names, loaded and checked together, so that a broken
 * model, a rules file that does not validate or a rule naming no loaded model stops the edge at its start.
 */
export async function loadInferenceSetup(options: { modelConfigPaths?: readonly string[]; rulesPath?: string }): Promise<InferenceSetup> {
  const paths = options.modelConfigPaths?.length ? options.modelConfigPaths : [SHIPPED_MODEL_CONFIG_PATH];
  const models: LoadedModel[] = [];
  try {
    for (const configPath of paths) models.push(await LoadedModel.fromConfigFile(configPath));
    const rules = options.rulesPath === undefined ? defaultRules(models) : await readRules(options.rulesPath);
    resolveRules(rules, models);
    return { models, rules };
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    throw error;
  }
}
