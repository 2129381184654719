import type { EventMessage, LogMessage } from '../edge/gateway/messages.ts';
import type { ScorePoint, TimeMs } from './feed-messages.ts';

/**
 * What the device view shows of the minutes before it opened (docs/dashboard.md, "Bounded memory"): each device's
 * latest data points in fixed-size columns, and its latest scores, logs and events in short lists. Memory per
 * device is fixed, so 1,000 devices at 1 Hz cost the same after a week as after a minute.
 */
export interface HistoryLimits {
  /** Data points kept per device (5 minutes at 1 Hz by default). */
  points: number;
  scores: number;
  logs: number;
  events: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { points: 300, scores: 300, logs: 100, events: 100 };

export class DeviceHistory {
  private readonly times: Float64Array;
  private readonly columns = new Map<string, Float64Array>();
  /** Where the next point goes, and how many are held. */
  private next = 0;
  private count = 0;
  readonly scores: ScorePoint[] = [];
  readonly logs: LogMessage[] = [];
  readonly events: EventMessage[] = [];

  constructor(private readonly limits: HistoryLimits) {
    this.times = new Float64Array(limits.points);
  }

  addPoint(timeMs: TimeMs, values: Record<string, number>): void {
    const slot = this.next;
    this.times[slot] = timeMs;
    for (const column of this.columns.values()) column[slot] = Number.NaN;
    for (const [name, value] of Object.entries(values)) {
      let column = this.columns.get(name);
      if (column === undefined) {
        column = new Float64Array(this.limits.points).fill(Number.NaN);
        this.columns.set(name, column);
      }
      column[slot] = value;
    }
    this.next = (slot + 1) % this.limits.points;
    this.count = Math.min(this.count + 1, this.limits.points);
  }

  addScore(score: ScorePoint): void {
    pushBounded(this.scores, score, this.limits.scores);
  }

  addLog(log: LogMessage): void {
    pushBounded(this.logs, log, this.limits.logs);
  }

  addEvent(event: EventMessage): void {
    pushBounded(this.events, event, this.limits.events);
  }

  /** The held points, oldest first; a metric missing from a point is null. */
  points(): { times: TimeMs[]; series: Record<string, Array<number | null>> } {
    const first = (this.next - this.count + this.limits.points) % this.limits.points;
    const order = Array.from({ length: this.count }, (_, index) => (first + index) % this.limits.points);
    const series: Record<string, Array<number | null>> = {};
    for (const [name, column] of this.columns) series[name] = order.map((slot) => (Number.isNaN(column[slot]!) ? null : column[slot]!));
    return { times: order.map((slot) => this.times[slot]!), series };
  }
}

function pushBounded<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
