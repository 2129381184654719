import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { LoadedModel } from '../runtime/loaded-model.ts';

/**
 * Rules of the closed loop (edge-inference/README.md, "Rules"; issue 12): which model's windows open an alarm on
 * a device, with what hysteresis, and which commands (docs/mqtt.md §5.1) go to the device when the alarm opens
 * and when it clears.
 */

/** Defaults: open after 3 anomalous windows in a row, clear after 30 s of normal windows. */
export const DEFAULT_OPEN_AFTER_WINDOWS = 3;
export const DEFAULT_CLEAR_AFTER_NORMAL_S = 30;
/** docs/mqtt.md §5.1 `led`: a fast blink, unlike any mode an app sets by itself. */
export const DEFAULT_OPEN_ACTIONS: readonly RuleAction[] = [{ command: 'led', payload: { mode: 'blink', periodMs: 200 } }];
/** Back to the LED mode of the device's last status (§3.4) before the alarm, or `off`. */
export const DEFAULT_CLEAR_ACTIONS: readonly RuleAction[] = [{ restore: 'led' }];

const ruleName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, . _ - (not starting with . _ -)');

const actionSchema = z.union([
  z
    .object({
      /** A §5.1 command name: `led`, `interval`, `brightness`, `app:0xNN`, … */
      command: z.string().min(1),
      payload: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
  z
    .object({
      /** `led`: the LED mode the device reported in its last status (§3.4) before the alarm opened, or `off`. */
      restore: z.literal('led'),
    })
    .strict(),
]);

const ruleSchema = z
  .object({
    /** Names the rule in alarms and logs; by default the model's name. */
    name: ruleName.optional(),
    /** The model whose windows the rule reads (its config's `name`). */
    model: z.string().min(1),
    /** Devices the rule applies to; all by default. */
    devices: z.array(z.string().min(1)).min(1).optional(),
    /** A score model's threshold for this rule; by default the model's own (its `output.threshold`). */
    threshold: z.number().finite().optional(),
    /** The alarm opens at this many anomalous windows in a row. */
    openAfterWindows: z.number().int().min(1).max(10_000).default(DEFAULT_OPEN_AFTER_WINDOWS),
    /** The alarm clears when the device's windows have been normal for this long (their own times). */
    clearAfterNormalS: z.number().min(0).max(86_400).default(DEFAULT_CLEAR_AFTER_NORMAL_S),
    onOpen: z.array(actionSchema).default([...DEFAULT_OPEN_ACTIONS]),
    onClear: z.array(actionSchema).default([...DEFAULT_CLEAR_ACTIONS]),
  })
  .strict();

const rulesFileSchema = z
  .object({ rules: z.array(ruleSchema) })
  .strict()
  .superRefine((file, context) => {
    const names = file.rules.map((rule) => rule.name ?? rule.model);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) context.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `'${name}' names two rules` });
    });
  });

export type RuleAction = z.output<typeof actionSchema>;
export type RulesFile = z.output<typeof rulesFileSchema>;

/** A rule with its defaults filled in against the loaded models. */
export interface Rule {
  name: string;
  model: string;
  devices: readonly string[] | undefined;
  /** For a score model, the threshold and its direction; undefined for a class model (its label decides). */
  threshold: { value: number; anomalousWhen: 'above' | 'below' } | undefined;
  openAfterWindows: number;
  clearAfterNormalMs: number;
  onOpen: readonly RuleAction[];
  onClear: readonly RuleAction[];
}

export class RulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesError';
  }
}

/** Validates parsed rules; the error names every problem by its path. */
export function parseRules(json: unknown, source = 'rules'): RulesFile {
  const result = rulesFileSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  throw new RulesError(`${source} is not a valid rules file:\n${problems.join('\n')}`);
}

export async function readRules(path: string): Promise<RulesFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RulesError(`cannot read rules ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RulesError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseRules(json, path);
}

/** Without a rules file, one rule per model with every default. */
export function defaultRules(models: readonly LoadedModel[]): RulesFile {
  return parseRules({ rules: models.map((model) => ({ model: model.name })) }, 'the default rules');
}

/** Fills in each rule's threshold from its model; a rule naming no loaded model is an error, now. */
export function resolveRules(file: RulesFile, models: readonly LoadedModel[]): Rule[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const problems: string[] = [];
  const rules = file.rules.map((entry, index): Rule | undefined => {
    const model = byName.get(entry.model);
    if (model === undefined) {
      problems.push(`  rules.${index}.model: no model named '${entry.model}' is loaded (loaded: ${[...byName.keys()].join(', ') || 'none'})`);
      return undefined;
    }
    const output = model.config.output;
    if (output.kind !== 'score' && entry.threshold !== undefined) {
      problems.push(`  rules.${index}.threshold: model '${model.name}' gives class probabilities, not a score`);
      return undefined;
    }
    return {
      name: entry.name ?? entry.model,
      model: entry.model,
      devices: entry.devices,
      threshold: output.kind === 'score' ? { value: entry.threshold ?? output.threshold, anomalousWhen: output.anomalousWhen } : undefined,
      openAfterWindows: entry.openAfterWindows,
      clearAfterNormalMs: entry.clearAfterNormalS * 1000,
      onOpen: entry.onOpen,
      onClear: entry.onClear,
    };
  });
  if (problems.length > 0) throw new RulesError(`the rules do not fit the models:\n${problems.join('\n')}`);
  return rules.filter((rule): rule is Rule => rule !== undefined);
}
