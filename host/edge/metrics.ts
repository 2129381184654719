import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitState } from './forwarder/circuit-breaker.ts';
import { CIRCUIT_STATE_VALUE } from './forwarder/circuit-breaker.ts';
import type { ForwarderObserver } from './forwarder/forwarder.ts';
import type { Outbox, OutboxObserver } from './outbox/outbox.ts';
import type { OutboxRecord } from './record.ts';

/** Commit durations: from a fraction of a millisecond (WAL, synchronous=NORMAL) to a slow fsync. */
const COMMIT_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Receipt to peer acknowledgement: the goal is p99 ≤ 250 ms; outages reach minutes. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The cloud tier's Prometheus metrics (docs/edge.md, "Metrics"), registered in the registry the edge exposes,
 * never the global one. It observes the outbox and the forwarder through their observer interfaces.
 */
export class CloudTierMetrics {
  readonly outbox: OutboxObserver;
  readonly forwarder: ForwarderObserver;

  private readonly appended: Counter;
  private readonly dropped: Counter<'reason'>;
  private readonly rejected: Counter;
  private readonly commitSeconds: Histogram;
  private readonly sinkMessages: Counter<'sink'>;
  private readonly sinkFailures: Counter<'sink'>;
  private readonly circuitState: Gauge<'sink'>;
  private readonly latencySeconds: Histogram<'sink'>;
  private watched: Outbox | undefined;

  constructor(
    registry: Registry,
    sinkNames: readonly string[],
    /** Wall-clock Unix epoch ms, the clock `receivedAtMs` is on. */
    wallClockMs: () => number = Date.now,
  ) {
    const registers = [registry];
    this.appended = new Counter({
      name: 'wasmote_outbox_appended_total',
      help: 'Records committed to the outbox.',
      registers,
    });
    this.dropped = new Counter({
      name: 'wasmote_outbox_dropped_total',
      help: 'Records that left the outbox before every sink had them, by reason (overflow: the drop-oldest policy).',
      labelNames: ['reason'],
      registers,
    });
    this.rejected = new Counter({
      name: 'wasmote_outbox_rejected_total',
      help: 'Records refused at append because the outbox was full (the reject-new policy).',
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'wasmote_outbox_commit_seconds',
      help: 'Duration of one group commit (one transaction).',
      buckets: COMMIT_BUCKETS_S,
      registers,
    });
    const stats = () => this.watched?.stats();
    new Gauge({
      name: 'wasmote_outbox_backlog_records',
      help: 'Records held in the outbox, waiting for at least one sink.',
      registers,
      collect() {
        const now = stats();
        if (now) this.set(now.records);
      },
    });
    new Gauge({
      name: 'wasmote_outbox_backlog_bytes',
      help: "Sum of the held records' payload sizes.",
      registers,
      collect() {
        const now = stats();
        if (now) this.set(now.bytes);
      },
    });
    new Gauge({
      name: 'wasmote_sink_backlog_records',
      help: "Records after the sink's cursor, not yet acknowledged by its peer.",
      labelNames: ['sink'],
      registers,
      collect() {
        const now = stats();
        if (now) for (const [sink, pending] of Object.entries(now.pendingBySink)) this.set({ sink }, pending);
      },
    });
    this.sinkMessages = new Counter({
      name: 'wasmote_sink_messages_total',
      help: 'Records the sink peer acknowledged.',
      labelNames: ['sink'],
      registers,
    });
    this.sinkFailures = new Counter({
      name: 'wasmote_sink_failures_total',
      help: 'Batches that failed at the sink (each is retried after a backoff).',
      labelNames: ['sink'],
      registers,
    });
    this.circuitState = new Gauge({
      name: 'wasmote_sink_circuit_state',
      help: "The sink's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ['sink'],
      registers,
    });
    this.latencySeconds = new Histogram({
      name: 'wasmote_sink_delivery_latency_seconds',
      help: 'From receipt at the edge to acknowledgement by the sink peer.',
      labelNames: ['sink'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    for (const sink of sinkNames) {
      this.sinkMessages.inc({ sink }, 0);
      this.sinkFailures.inc({ sink }, 0);
      this.circuitState.set({ sink }, CIRCUIT_STATE_VALUE.closed);
    }
    this.dropped.inc({ reason: 'overflow' }, 0);

    this.outbox = {
      committed: (records, durationS) => {
        this.appended.inc(records);
        this.commitSeconds.observe(durationS);
      },
      dropped: (records, reason) => this.dropped.inc({ reason }, records),
      rejected: (records) => this.rejected.inc(records),
    };
    this.forwarder = {
      delivered: (sink: string, records: readonly OutboxRecord[]) => {
        this.sinkMessages.inc({ sink }, records.length);
        const nowMs = wallClockMs();
        for (const record of records) this.latencySeconds.observe({ sink }, (nowMs - record.receivedAtMs) / 1000);
      },
      failed: (sink: string) => this.sinkFailures.inc({ sink }),
      circuit: (sink: string, state: CircuitState) => this.circuitState.set({ sink }, CIRCUIT_STATE_VALUE[state]),
    };
  }

  /** Reads the backlog gauges from `outbox` at each scrape. */
  watch(outbox: Outbox): void {
    this.watched = outbox;
  }
}
