/**
 * docs/mqtt.md §8 `--data-window N`: a device's last N values per metric, published beside each `data` as
 * `wasmote/<edge>/<device>/window`, so a worker behind a shared subscription can score one message alone.
 */
import type { FrameIdentity, WallTime } from './messages.ts';

/** docs/mqtt.md §8: `values[name]` and `times[name]` hold the metric's last `size` values, oldest first. */
export interface WindowMessage extends FrameIdentity {
  time: WallTime;
  /** The data message's device clock, beside `time` as in every device message (§1). */
  uptimeMs: number;
  size: number;
  values: Record<string, number[]>;
  times: Record<string, WallTime[]>;
}

export class ValueWindow {
  private readonly series = new Map<string, { values: number[]; times: WallTime[] }>();

  constructor(readonly size: number) {}

  add(values: Record<string, number>, time: WallTime): void {
    for (const [name, value] of Object.entries(values)) {
      let series = this.series.get(name);
      if (series === undefined) this.series.set(name, (series = { values: [], times: [] }));
      series.values.push(value);
      series.times.push(time);
      if (series.values.length > this.size) {
        series.values.shift();
        series.times.shift();
      }
    }
  }

  message(identity: FrameIdentity, time: WallTime, uptimeMs: number): WindowMessage {
    const values: Record<string, number[]> = {};
    const times: Record<string, WallTime[]> = {};
    for (const [name, series] of this.series) {
      values[name] = [...series.values];
      times[name] = [...series.times];
    }
    return { time, uptimeMs, ...identity, size: this.size, values, times };
  }
}
