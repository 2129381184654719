import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The rolling z-score baseline as training calibrated it, kept beside the model it is compared with. */
export const baselineParametersSchema = z
  .object({
    metrics: z.array(z.string().min(1)).min(1),
    historySamples: z.number().int().min(2),
    spreadFloors: z.array(z.number().positive()),
    threshold: z.number().positive(),
  })
  .strict()
  .refine((value) => value.spreadFloors.length === value.metrics.length, { message: 'one floor per metric', path: ['spreadFloors'] });

export type BaselineParameters = z.output<typeof baselineParametersSchema>;

export async function readBaselineParameters(path: string): Promise<BaselineParameters> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read baseline parameters ${path}: ${(error as Error).message}`);
  }
  const result = baselineParametersSchema.safeParse(json);
  if (!result.success) throw new Error(`${path} is not valid baseline parameters: ${result.error.issues[0]!.message}`);
  return result.data;
}
