import type { BirthMessage, DataMessage } from '../../host/edge/gateway/messages.ts';
import type { InferenceRuntime } from '../runtime/inference-runtime.ts';
import type { LoadedModel } from '../runtime/loaded-model.ts';
import type { DeviceTracks } from './device-tracks.ts';

/**
 * The gateway's births and data into the models' runtimes: a model runs on a device only when the device's
 * latest birth (docs/mqtt.md §3.2) declares all of the model's metrics, and a new session (§1) starts the
 * device's windows afresh.
 */
export class TelemetryIntake {
  /** Per device, the runtimes of the models whose metrics its latest birth declares. */
  private readonly applicable = new Map<string, InferenceRuntime[]>();

  constructor(
    private readonly models: readonly LoadedModel[],
    private readonly runtimes: ReadonlyMap<string, InferenceRuntime>,
    private readonly tracks: DeviceTracks,
    private readonly log: (line: string) => void,
  ) {}

  /** A birth, or null when the device was removed (§3.6); returns the names of the models that run on it now. */
  birth(device: string, birth: BirthMessage | null): Set<string> {
    this.forget(this.tracks.birth(device, birth));
    const declared = this.tracks.metricNames(device);
    if (declared === undefined) {
      this.applicable.delete(device);
      return new Set();
    }
    const chosen: InferenceRuntime[] = [];
    for (const model of this.models) {
      const missing = model.config.metrics.filter((metric) => !declared.has(metric));
      if (missing.length === 0) chosen.push(this.runtimes.get(model.name)!);
      else this.log(`model ${model.name} does not run on ${device}: its birth declares no ${missing.join(', ')}`);
    }
    this.applicable.set(device, chosen);
    return new Set(chosen.flatMap((runtime) => runtime.modelNames));
  }

  data(device: string, data: DataMessage): void {
    const chosen = this.applicable.get(device);
    if (chosen === undefined || chosen.length === 0) return;
    const { track, forgottenKey } = this.tracks.data(device, data);
    this.forget(forgottenKey);
    const sample = { timeMs: data.uptimeMs, seq: data.seq, values: data.values };
    for (const runtime of chosen) runtime.feed(track.key, sample);
  }

  private forget(key: string | undefined): void {
    if (key === undefined) return;
    for (const runtime of this.runtimes.values()) runtime.forgetDevice(key);
  }
}
