/**
 * Time as the flasher sees it. Real runs use `systemClock`; tests use a `ManualClock` whose sleeps complete at
 * once and advance its time, so nothing in the flasher reads wall time or waits directly.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `callback` after `ms` unless the returned function cancels it first. */
  schedule(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** A clock that only moves when slept on or advanced: every sleep completes immediately. */
export class ManualClock implements Clock {
  private scheduled: { atMs: number; callback: () => void }[] = [];

  constructor(private timeMs = 0) {}

  nowMs(): number {
    return this.timeMs;
  }

  async sleep(ms: number): Promise<void> {
    this.advance(ms);
  }

  schedule(ms: number, callback: () => void): () => void {
    const entry = { atMs: this.timeMs + ms, callback };
    this.scheduled.push(entry);
    return () => {
      this.scheduled = this.scheduled.filter((other) => other !== entry);
    };
  }

  /** Moves time on, running what was scheduled up to then. */
  advance(ms: number): void {
    this.timeMs += ms;
    const due = this.scheduled.filter((entry) => entry.atMs <= this.timeMs);
    this.scheduled = this.scheduled.filter((entry) => entry.atMs > this.timeMs);
    for (const entry of due) entry.callback();
  }
}
