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
  values: MetricValue[];
  /** The first frame's arrival. */
  arrivalWallMs: number;
}

export class TickMerger {
  private pending: (Tick & { nextSeq: number }) | null = null;
  private cancelWait: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onTick: (tick: Tick) => void,
  ) {}

  push(session: number, seq: number, timeMs: number, values: readonly MetricValue[], arrivalWallMs: number): void {
    const pending = this.pending;
    const continues = pending !== null && pending.session === session && pending.timeMs === timeMs && pending.nextSeq === seq;
    if (continues) {
      pending.values.push(...values);
      pending.nextSeq = (seq + 1) & 0xffff;
    } else {
      this.flush();
      this.pending = { session, seq, timeMs, values: [...values], arrivalWallMs, nextSeq: (seq + 1) & 0xffff };
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
    const { nextSeq: _, ...tick } = pending;
    this.onTick(tick);
  }
}
