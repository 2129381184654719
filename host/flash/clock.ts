/**
 * Time as the flasher sees it. Real runs use `systemClock`; tests use a `ManualClock` whose sleeps complete at
 * once and advance its time, so nothing in the flasher reads wall time or waits directly.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  nowMs(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** A clock that only moves when slept on or advanced: every sleep completes immediately. */
export class ManualClock implements Clock {
  constructor(private timeMs = 0) {}

  nowMs(): number {
    return this.timeMs;
  }

  async sleep(ms: number): Promise<void> {
    this.timeMs += ms;
  }

  advance(ms: number): void {
    this.timeMs += ms;
  }
}
