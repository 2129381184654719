import type { AppImage } from '../../host/sim/app-image.ts';
import type { Scenario } from '../../host/sim/scenario.ts';
import { Simulation } from '../../host/sim/simulation.ts';
import type { MetricSample } from '../runtime/metric-sample.ts';

/** What one simulated device reported: the metrics it declared and its samples in order. */
export interface DeviceTelemetry {
  deviceId: string;
  index: number;
  declaredMetrics: string[];
  samples: MetricSample[];
}

export interface SimulatedRun {
  app: AppImage;
  scenario: Scenario;
  deviceCount: number;
  durationS: number;
  seed: number;
}

/** Virtual time simulated between yields, so a long run keeps the event loop (and progress output) moving. */
const SLICE_MS = 60_000;

/**
 * Runs the project's simulator (host/sim) and collects each device's telemetry as the edge would decode it:
 * the METRIC declarations and one sample per DATA message. Deterministic: the same app, scenario and seed give
 * the same samples.
 */
export async function simulateTelemetry(run: SimulatedRun): Promise<DeviceTelemetry[]> {
  const devices: DeviceTelemetry[] = [];
  const namesById: Map<number, string>[] = [];
  const simulation = new Simulation({
    app: run.app,
    scenario: run.scenario,
    deviceCount: run.deviceCount,
    seed: run.seed,
    idPrefix: `seed${run.seed}`,
    onMessage: ({ deviceId, index, message }) => {
      let device = devices[index];
      if (device === undefined) {
        device = { deviceId, index, declaredMetrics: [], samples: [] };
        devices[index] = device;
        namesById[index] = new Map();
      }
      const names = namesById[index]!;
      if (message.type === 'metric') {
        names.set(message.id, message.name);
        if (!device.declaredMetrics.includes(message.name)) device.declaredMetrics.push(message.name);
      } else if (message.type === 'data') {
        const values: Record<string, number> = {};
        for (const { id, value } of message.values) {
          const name = names.get(id);
          if (name !== undefined) values[name] = value;
        }
        device.samples.push({ timeMs: message.timeMs, values });
      }
    },
  });
  const totalMs = run.durationS * 1000;
  for (let doneMs = 0; doneMs < totalMs; doneMs += SLICE_MS) {
    await simulation.runFor(Math.min(SLICE_MS, totalMs - doneMs));
  }
  return devices.filter((device) => device !== undefined);
}
