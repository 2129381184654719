/**
 * Time as the flasher sees it. Real runs use `systemClock`; tests use a `ManualClock` whose sleeps complete at
 * once and advance its time, so nothing in the flasher reads wall time or waits directly.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Resolves once `nowMs()` has reached `atMs`, as close after it as the clock can manage (at once if past). */
  sleepUntil(atMs: number): Promise<void>;
  /** Calls `callback` after `ms` unless the returned function cancels it first. */
  schedule(ms: number, callback: () => void): () => void;
}

/**
 * Node timers count whole milliseconds from the event loop's cached time: they fire up to 1.5 ms early, or late
 * on a busy machine. `sleepUntil` sleeps on timers until the deadline is this close...
 */
const TIMER_SLACK_MS = 2;
/** ...then on a futex (Atomics.wait), which wakes 0.05 to 0.2 ms late, until this close... */
const FUTEX_SLACK_MS = 0.25;
/** ...and spins on the clock for the rest. */
const futex = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  async sleepUntil(atMs) {
    for (let aheadMs = atMs - performance.now(); aheadMs > TIMER_SLACK_MS; aheadMs = atMs - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, aheadMs - TIMER_SLACK_MS));
    }
    // This holds the thread for up to TIMER_SLACK_MS. Only the simulator's pacing sleeps this way; whatever shares
    // its thread (the flasher, in tests) is waiting for the very answer being held back, and the bench gives the
    // simulator a thread of its own.
    const futexMs = atMs - FUTEX_SLACK_MS - performance.now();
    if (futexMs > 0) Atomics.wait(futex, 0, 0, futexMs);
    while (performance.now() < atMs);
  },
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

  async sleepUntil(atMs: number): Promise<void> {
    this.advance(Math.max(0, atMs - this.timeMs));
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
