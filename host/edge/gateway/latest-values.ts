/**
 * docs/mqtt.md §3.5: a device session's latest value of each metric and the time of the tick that carried it. Kept
 * by metric id in arrays that a tick overwrites in place (a number array holds doubles unboxed), so the ticks
 * between two `latest` messages leave nothing behind for the garbage collector to copy.
 */
import type { WallTime } from './messages.ts';

export type LatestByName = Record<string, { value: number; time: WallTime }>;

export class LatestValues {
  private readonly values: number[] = [];
  private readonly times: (WallTime | undefined)[] = [];
  private readonly names: string[] = [];
  /** The ids noted since the last clear, in the order first noted. */
  private readonly ids: number[] = [];

  /** A named value of a tick of this session. */
  note(id: number, name: string, value: number, time: WallTime): void {
    if (this.times[id] === undefined) this.ids.push(id);
    this.values[id] = value;
    this.times[id] = time;
    this.names[id] = name;
  }

  /** §3.5's `values`: every metric noted since the last clear, by name. */
  byName(): LatestByName {
    const latest: LatestByName = {};
    for (const id of this.ids) latest[this.names[id]!] = { value: this.values[id]!, time: this.times[id]! };
    return latest;
  }

  /** A new session: latest starts again. */
  clear(): void {
    for (const id of this.ids) this.times[id] = undefined;
    this.ids.length = 0;
  }
}
