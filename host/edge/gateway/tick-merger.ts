/**
 * docs/mqtt.md §4.1: a tick with more than 24 values arrives as several DATA frames, back to back with the same
 * `time_ms`, 24 values each and the rest in the last (docs/link-protocol.md §4.3, §7.3); they are published as one
 * message. A frame with fewer than 24 values ends its tick at once; a full one waits for the next frame of its link
 * or TICK_WAIT_MS, whichever comes first.
 */
import type { Clock } from '../../flash/clock.ts';
import type { MetricValue } from '../../link/messages.ts';

/** docs/link-protocol.md §4.3: values per DATA frame. */
export const VALUES_PER_DATA_FRAME = 24;
/** How long a full frame waits for the rest of its tick. */
export const TICK_WAIT_MS = 100;

export interface Tick {
  session: number;
  /** The first frame's. */
  seq: number;
  timeMs: number;
  values: readonly MetricValue[];
  /** The first frame's arrival. */
  arrivalWallMs: number;
}

export class TickMerger {
  private pending: (Tick & { values: MetricValue[] }) | null = null;
  /** The seq a frame continuing the pending tick has. */
  private nextSeq = 0;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onTick: (tick: Tick) => void,
  ) {}

  push(session: number, seq: number, timeMs: number, values: readonly MetricValue[], arrivalWallMs: number): void {
    const pending = this.pending;
    const continues = pending !== null && pending.session === session && pending.timeMs === timeMs && this.nextSeq === seq;
    this.nextSeq = (seq + 1) & 0xffff;
    if (continues) {
      pending.values.push(...values);
    } else {
      this.flush();
      const whole = values.length < VALUES_PER_DATA_FRAME;
      // A tick of one frame (the usual) takes the frame's values as they are; one of several gathers copies.
      if (whole) {
        this.onTick({ session, seq, timeMs, values, arrivalWallMs });
        return;
      }
      this.pending = { session, seq, timeMs, values: [...values], arrivalWallMs };
    }
    this.cancelWait?.();
    if (values.length < VALUES_PER_DATA_FRAME) this.flush();
    else this.cancelWait = this.clock.schedule(TICK_WAIT_MS, () => this.flush());
  }

  /** Publishes the tick in progress, if any: another frame came, or the link closed. */
  flush(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.onTick(pending);
  }
}
