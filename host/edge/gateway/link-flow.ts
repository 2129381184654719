/**
 * docs/edge.md, "Backpressure": the edge reads its device links only as fast as it can store and forward what they
 * send. The links pause while too many messages wait to be stored and published, or while a sink that is taking
 * records has too many still to go; they read again once both have come down. Paused, a link leaves what the
 * device sends to its transport (TCP's window, a UART driver's buffer), so a burst costs latency at the device's
 * end instead of memory at the edge's, and the edge's latency stays bounded.
 */
import type { DeviceLink } from '../links/link.ts';

export interface FlowLimits {
  /** Messages emitted and not yet published: pause at this many... */
  pauseAtWaiting: number;
  /** ...and read again below this many. */
  resumeBelowWaiting: number;
  /** Records a flowing sink has still to take: pause at this many... */
  pauseAtSinkBacklog: number;
  /** ...and read again below this many. */
  resumeBelowSinkBacklog: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  pauseAtWaiting: 4000,
  resumeBelowWaiting: 1000,
  pauseAtSinkBacklog: 4000,
  resumeBelowSinkBacklog: 1500,
};

export class LinkFlow {
  private readonly links = new Set<DeviceLink>();
  private paused = false;
  /** Messages emitted and not yet published. */
  private waiting = 0;

  constructor(
    private readonly sinkBacklog: () => number,
    private readonly limits: FlowLimits = DEFAULT_FLOW_LIMITS,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** A new link: paused at once if the others are. */
  add(link: DeviceLink): void {
    this.links.add(link);
    link.onClose(() => this.links.delete(link));
    if (this.paused) link.pause?.();
  }

  /** `count` messages wait to be stored and published. */
  emitted(count: number): void {
    this.waiting += count;
    if (!this.paused && this.waiting >= this.limits.pauseAtWaiting) this.pause();
  }

  /** `count` messages have been published. */
  published(count: number): void {
    this.waiting -= count;
    this.check();
  }

  /** Looks again: a sink took records, or messages were published. */
  check(): void {
    const backlog = this.sinkBacklog();
    if (this.paused) {
      if (this.waiting < this.limits.resumeBelowWaiting && backlog < this.limits.resumeBelowSinkBacklog) this.resume();
    } else if (this.waiting >= this.limits.pauseAtWaiting || backlog >= this.limits.pauseAtSinkBacklog) {
      this.pause();
    }
  }

  private pause(): void {
    this.paused = true;
    for (const link of this.links) link.pause?.();
  }

  private resume(): void {
    this.paused = false;
    for (const link of this.links) link.resume?.();
  }
}
