import { type Clock, systemClock } from '../../flash/clock.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { OutboxRecord } from '../record.ts';
import { type Sink, SinkError } from '../sinks/sink.ts';
import { type BackoffPolicy, backoffDelayMs } from './backoff.ts';
import { CircuitBreaker, type CircuitPolicy, type CircuitState } from './circuit-breaker.ts';

export interface ForwarderOptions {
  outbox: Outbox;
  sinks: readonly Sink[];
  /** Records read from the outbox and handed to a sink at once. */
  batchRecords: number;
  backoff: BackoffPolicy;
  circuit: CircuitPolicy;
  clock?: Clock;
  /** [0, 1) for the backoff's jitter. */
  random?: () => number;
  observer?: ForwarderObserver;
}

/** How the forwarder reports to metrics and logs. */
export interface ForwarderObserver {
  /** The peer acknowledged these records (the sink's cursor has moved past them). */
  delivered(sink: string, records: readonly OutboxRecord[]): void;
  /** A batch failed; the next try is in `retryInMs` (the backoff, or what is left of an open circuit's time). */
  failed(sink: string, error: Error, retryInMs: number): void;
  circuit(sink: string, state: CircuitState): void;
}

const silentObserver: ForwarderObserver = { delivered: () => {}, failed: () => {}, circuit: () => {} };

/**
 * Drains the outbox to every sink. Each sink has a lane of its own: its cursor, its backoff and its circuit
 * breaker, so a slow or down sink holds back no other. A lane reads a batch after its cursor, publishes it, and
 * acknowledges what the peer acknowledged; on failure it waits the backoff and sends the rest again.
 */
export class Forwarder {
  private readonly lanes: SinkLane[];

  constructor(options: ForwarderOptions) {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    const observer = options.observer ?? silentObserver;
    this.lanes = options.sinks.map((sink) => new SinkLane(sink, options, clock, random, observer));
  }

  start(): void {
    for (const lane of this.lanes) lane.start();
  }

  /** Stops every lane after its batch in flight (if any) has been acknowledged or has failed. */
  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.stop()));
  }

  /**
   * The sinks that are taking records: their last batch went through and their circuit is closed. A sink that is
   * down or failing is not among them; the outbox holds its share until it is back.
   */
  flowingSinks(): string[] {
    return this.lanes.filter((lane) => lane.flowing).map((lane) => lane.sink.name);
  }

  circuitStates(): Record<string, CircuitState> {
    return Object.fromEntries(this.lanes.map((lane) => [lane.sink.name, lane.breaker.state]));
  }
}

class SinkLane {
  readonly breaker: CircuitBreaker;
  private failedAttempts = 0;
  private stopping = false;
  private appended = false;
  private running: Promise<void> | undefined;
  /** Ends the current wait early (stop, or new records). */
  private wake: (() => void) | undefined;
  private removeListener: (() => void) | undefined;

  get flowing(): boolean {
    return this.failedAttempts === 0 && this.breaker.state === 'closed';
  }

  constructor(
    readonly sink: Sink,
    private readonly options: ForwarderOptions,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly observer: ForwarderObserver,
  ) {
    this.breaker = new CircuitBreaker(options.circuit, clock, (state) => observer.circuit(sink.name, state));
  }

  start(): void {
    if (this.running) return;
    this.removeListener = this.options.outbox.onAppend(() => {
      this.appended = true;
      this.wake?.();
    });
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.removeListener?.();
    await this.running;
  }

  private async run(): Promise<void> {
    const { outbox, batchRecords } = this.options;
    while (!this.stopping) {
      const holdMs = this.breaker.waitMs();
      if (holdMs > 0) {
        await this.wait(holdMs, { untilAppend: false });
        continue;
      }
      this.appended = false;
      let batch: OutboxRecord[];
      try {
        batch = await outbox.read(this.sink.name, batchRecords);
      } catch (error) {
        // The outbox failed (an I/O error): not the sink's fault, so no circuit; wait and read again.
        await this.retryAfter(error, { countsForCircuit: false });
        continue;
      }
      if (batch.length === 0) {
        if (!this.appended) await this.wait(undefined);
        continue;
      }
      let delivered = batch.length;
      let failure: unknown;
      try {
        await this.sink.publish(batch);
      } catch (error) {
        delivered = error instanceof SinkError ? error.delivered : 0;
        failure = error;
      }
      this.acknowledge(batch, delivered);
      if (failure === undefined) {
        this.failedAttempts = 0;
        this.breaker.success();
      } else {
        await this.retryAfter(failure, { countsForCircuit: true });
      }
    }
  }

  private async retryAfter(error: unknown, { countsForCircuit }: { countsForCircuit: boolean }): Promise<void> {
    if (countsForCircuit) this.breaker.failure();
    const backoffMs = backoffDelayMs(this.options.backoff, this.failedAttempts++, this.random);
    // An open circuit holds the lane for its own time instead.
    const retryInMs = this.breaker.state === 'open' ? this.breaker.waitMs() : backoffMs;
    this.observer.failed(this.sink.name, error instanceof Error ? error : new Error(String(error)), retryInMs);
    await this.wait(retryInMs, { untilAppend: false });
  }

  private acknowledge(batch: readonly OutboxRecord[], count: number): void {
    if (count === 0) return;
    const delivered = count === batch.length ? batch : batch.slice(0, count);
    this.options.outbox.ack(this.sink.name, delivered[delivered.length - 1]!.position);
    this.observer.delivered(this.sink.name, delivered);
  }

  /**
   * Waits `ms` (forever when undefined) or until stop(); with `untilAppend` (the default) new records end the wait
   * too, while a backoff waits its time out.
   */
  private wait(ms: number | undefined, { untilAppend = true } = {}): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = ms === undefined ? undefined : this.clock.schedule(ms, () => done());
      const done = (): void => {
        cancel?.();
        this.wake = undefined;
        resolve();
      };
      this.wake = () => {
        if (untilAppend || this.stopping) done();
      };
    });
  }
}
