/**
 * docs/edge.md, "Backpressure": the edge reads its device links only as fast as it can store, forward and score what
 * they send. The links pause while too many messages wait to be stored and published, or while a consumer of them
 * (a sink that is taking records, the inference runtime) has too many still to take; they read again once every one
 * has come down. Paused, a link leaves what the
 * device sends to its transport (TCP's window, a UART driver's buffer), so a burst costs latency at the device's
 * end instead of memory at the edge's, and the edge's latency stays bounded.
 */
import type { DeviceLink } from '../links/link.ts';

/** A consumer the links wait for: its backlog, at which the links pause, and below which they may read again. */
export interface FlowConsumer {
  backlog(): number;
  pauseAt: number;
  resumeBelow: number;
}

/** Messages emitted and not yet published: the links pause at `pauseAt` and read again below `resumeBelow`. */
export const WAITING_LIMITS = { pauseAt: 1000, resumeBelow: 250 };
/**
 * Links resumed at once; the next as many one event-loop turn later, while the flow stays open. Resuming every
 * link of a large fleet at once costs a turn of each, though the first few hundred bring a turn's worth of
 * messages and pause the rest again: at 10,000 links that was a quarter of the edge's work (docs/edge.md,
 * "Backpressure").
 */
export const LINKS_RESUMED_PER_TURN = 256;

export class LinkFlow {
  private readonly links = new Set<DeviceLink>();
  /**
   * The paused links in the order they resume, from `nextPaused` on: those left over from the last resume first, so
   * each gets its turn.
   */
  private pausedLinks: DeviceLink[] = [];
  private nextPaused = 0;
  /** The links reading: what the next pause has to pause. Closed links in either list are skipped. */
  private readingLinks: DeviceLink[] = [];
  private resumeScheduled = false;
  private paused = false;
  /** Messages emitted and not yet published. */
  private waiting = 0;

  private readonly consumers = new Set<FlowConsumer>();

  constructor(
    private readonly waitingLimits: { pauseAt: number; resumeBelow: number } = WAITING_LIMITS,
    private readonly linksPerTurn = LINKS_RESUMED_PER_TURN,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  /** A new link: paused at once if the others are. */
  add(link: DeviceLink): void {
    this.links.add(link);
    link.onClose(() => this.links.delete(link));
    if (this.paused) {
      link.pause?.();
      this.pausedLinks.push(link);
    } else {
      this.readingLinks.push(link);
    }
  }

  /** A consumer to wait for from now on; returns its removal. Call check() when its backlog falls. */
  waitFor(consumer: FlowConsumer): () => void {
    this.consumers.add(consumer);
    return () => {
      this.consumers.delete(consumer);
      this.check();
    };
  }

  /** `count` messages wait to be stored and published. */
  emitted(count: number): void {
    this.waiting += count;
    if (!this.paused && this.waiting >= this.waitingLimits.pauseAt) this.pause();
  }

  /** `count` messages have been published. */
  published(count: number): void {
    this.waiting -= count;
    this.check();
  }

  /** Looks again: a consumer took some of its backlog, or messages were published. */
  check(): void {
    const consumers = [...this.consumers];
    if (this.paused) {
      const caughtUp = this.waiting < this.waitingLimits.resumeBelow && consumers.every((consumer) => consumer.backlog() < consumer.resumeBelow);
      if (caughtUp) this.resume();
    } else if (this.waiting >= this.waitingLimits.pauseAt || consumers.some((consumer) => consumer.backlog() >= consumer.pauseAt)) {
      this.pause();
    }
  }

  private pause(): void {
    this.paused = true;
    this.pausedLinks = this.pausedLinks.slice(this.nextPaused);
    this.nextPaused = 0;
    for (const link of this.readingLinks) {
      if (!this.links.has(link)) continue;
      link.pause?.();
      this.pausedLinks.push(link);
    }
    this.readingLinks = [];
  }

  private resume(): void {
    this.paused = false;
    this.resumeNextLinks();
  }

  /** Resumes the next links in turn, and the rest a turn later while the flow stays open. */
  private resumeNextLinks(): void {
    let resumed = 0;
    while (this.nextPaused < this.pausedLinks.length && resumed < this.linksPerTurn) {
      const link = this.pausedLinks[this.nextPaused++]!;
      if (!this.links.has(link)) continue;
      link.resume?.();
      this.readingLinks.push(link);
      resumed++;
    }
    if (this.nextPaused === this.pausedLinks.length) {
      this.pausedLinks = [];
      this.nextPaused = 0;
      return;
    }
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(this.resumeLater);
  }

  private readonly resumeLater = (): void => {
    this.resumeScheduled = false;
    if (!this.paused) this.resumeNextLinks();
  };
}
