import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ModelLoadError } from './model-errors.ts';

/**
 * What it takes to run a model on device telemetry (edge-inference/README.md, "Your own model"): the .onnx file,
 * which metrics in which order, the sliding window, the scaling applied before the model sees the values, the
 * names of its input and output, and what the output means.
 *
 * The model's input is float32 `[batch, window.length, metrics.length]`: a batch of windows, each the window's
 * samples oldest first, each sample the metrics in the config's order, scaled as `(value − offset) / scale`.
 */

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, . _ - (not starting with . _ -)');
const metricName = z.string().min(1);
const tensorName = z.string().min(1);
const finite = z.number().finite();

const scaling = z
  .object({
    /** Subtracted from the value... */
    offset: finite.default(0),
    /** ...then divided by this. */
    scale: finite.positive().default(1),
  })
  .strict();

const scoreOutput = z
  .object({
    kind: z.literal('score'),
    name: tensorName,
    /** The window is anomalous when its score is above (or, with `anomalousWhen: "below"`, below) this. */
    threshold: finite,
    anomalousWhen: z.enum(['above', 'below']).default('above'),
  })
  .strict();

const classOutput = z
  .object({
    kind: z.literal('class-probabilities'),
    name: tensorName,
    /** The classes in the order of the output's second dimension. */
    classes: z.array(z.string().min(1)).min(2),
    /** The window is anomalous when its most probable class is one of these. */
    anomalousClasses: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .superRefine((output, context) => {
    const duplicate = output.classes.find((entry, index) => output.classes.indexOf(entry) !== index);
    if (duplicate !== undefined) context.addIssue({ code: 'custom', path: ['classes'], message: `'${duplicate}' is listed twice` });
    for (const [index, entry] of output.anomalousClasses.entries()) {
      if (!output.classes.includes(entry)) {
        context.addIssue({ code: 'custom', path: ['anomalousClasses', index], message: `'${entry}' is not one of classes` });
      }
    }
  });

export const modelConfigSchema = z
  .object({
    name,
    description: z.string().optional(),
    /** The .onnx file, relative to the config file. */
    model: z.string().min(1),
    /** The metrics the model reads, in the order of the input's last dimension. */
    metrics: z.array(metricName).min(1),
    window: z
      .object({
        /** Samples in one window. */
        length: z.number().int().min(1).max(4096),
        /** A window is scored every `stride` samples (1: at every sample). */
        stride: z.number().int().min(1).default(1),
      })
      .strict()
      .refine((window) => window.stride <= window.length, { message: 'must not exceed length', path: ['stride'] }),
    /** Per metric; a metric left out is fed as it is. */
    scaling: z.record(metricName, scaling).default({}),
    /**
     * A sample without one of the metrics (its sensor failed this time): `hold-last` repeats the metric's last
     * value, `skip-sample` leaves the sample out of this model's windows.
     */
    missingValues: z.enum(['hold-last', 'skip-sample']).default('hold-last'),
    input: z.object({ name: tensorName }).strict(),
    output: z.discriminatedUnion('kind', [scoreOutput, classOutput]),
    /** How the model was made (free form, for people): seeds, data, figures. */
    provenance: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const duplicate = config.metrics.find((entry, index) => config.metrics.indexOf(entry) !== index);
    if (duplicate !== undefined) context.addIssue({ code: 'custom', path: ['metrics'], message: `'${duplicate}' is listed twice` });
    for (const metric of Object.keys(config.scaling)) {
      if (!config.metrics.includes(metric)) {
        context.addIssue({ code: 'custom', path: ['scaling', metric], message: `'${metric}' is not one of metrics` });
      }
    }
  });

export type ModelConfig = z.output<typeof modelConfigSchema>;
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

/** Validates a parsed config; the error names every problem by its path. */
export function parseModelConfig(json: unknown, source = 'model config'): ModelConfig {
  const result = modelConfigSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  throw new ModelLoadError(`${source} is not a valid model config:\n${problems.join('\n')}`);
}

export async function readModelConfig(path: string): Promise<ModelConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelLoadError(`cannot read model config ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseModelConfig(json, path);
}
