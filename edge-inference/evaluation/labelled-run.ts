import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseScenario, type Scenario, type Signal } from '../../host/sim/scenario.ts';

/**
 * A labelled evaluation run (edge-inference/eval/*.json): a simulator scenario (docs/scenarios.md) with the
 * anomalies it injects, the fleet and time to run it for, and its seed. The labels are not written twice: every
 * anomaly the scenario injects is one — `spike` and `vibration` signal components (on every device), and every
 * fault (on its devices). A run with none is normal data.
 */
const labelledRunSchema = z
  .object({
    description: z.string().min(1),
    /** What the run's anomalies are, for the report: `spike`, `drift`, ..., or `normal`. */
    anomaly: z.string().regex(/^[a-z][a-z-]*$/, 'must be a lower-case word such as spike or hot-spot'),
    devices: z.number().int().min(1).max(64),
    durationS: z.number().int().min(60).max(86_400),
    seed: z.number().int().min(0).max(0xffff_ffff),
    scenario: z.unknown(),
  })
  .strict();

export interface LabelledRun {
  /** The file's name without .json. */
  name: string;
  description: string;
  anomaly: string;
  devices: number;
  durationS: number;
  seed: number;
  scenario: Scenario;
}

/** A labelled anomaly on one device: from `fromS` up to `toS`, device seconds. */
export interface AnomalyInterval {
  device: number;
  fromS: number;
  toS: number;
}

export async function readLabelledRun(path: string, name: string): Promise<LabelledRun> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read evaluation run ${path}: ${(error as Error).message}`);
  }
  const result = labelledRunSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new Error(`${path} is not a valid evaluation run:\n${problems.join('\n')}`);
  }
  const { scenario, ...run } = result.data;
  return { name, ...run, scenario: parseScenario(scenario ?? {}, `${path}: scenario`) };
}

/** The run's anomalies per device, overlapping or touching ones merged into one. */
export function anomalyIntervals(run: LabelledRun): AnomalyInterval[] {
  const everywhere: { fromS: number; toS: number }[] = [];
  const environment = run.scenario.environment;
  const signals: (Signal | undefined)[] = [
    environment.temperatureC,
    environment.relativeHumidityPct,
    environment.pressurePa,
    ...(['x', 'y', 'z'] as const).flatMap((axis) => [environment.accelerationMps2?.[axis], environment.angularRateRadps?.[axis]]),
  ];
  for (const signal of signals) {
    for (const component of signal?.components ?? []) {
      if (component.kind === 'spike') everywhere.push({ fromS: component.atS, toS: component.atS + component.durationS });
      if (component.kind === 'vibration') everywhere.push({ fromS: component.fromS, toS: component.toS });
    }
  }
  const intervals: AnomalyInterval[] = [];
  for (let device = 0; device < run.devices; device++) {
    const own = run.scenario.faults
      .filter((fault) => fault.devices === undefined || fault.devices.includes(device))
      .map(({ fromS, toS }) => ({ fromS, toS }));
    intervals.push(...merge([...everywhere, ...own]).map((interval) => ({ device, ...interval })));
  }
  return intervals;
}

function merge(intervals: { fromS: number; toS: number }[]): { fromS: number; toS: number }[] {
  const sorted = [...intervals].sort((a, b) => a.fromS - b.fromS);
  const merged: { fromS: number; toS: number }[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.fromS <= last.toS) last.toS = Math.max(last.toS, interval.toS);
    else merged.push({ ...interval });
  }
  return merged;
}
