import type { Registry } from 'prom-client';
import { type Clock, systemClock } from '../flash/clock.ts';
import type { CloudTierConfig } from './config.ts';
import type { ForwarderObserver } from './forwarder/forwarder.ts';
import { Forwarder } from './forwarder/forwarder.ts';
import { CloudTierMetrics } from './metrics.ts';
import { type LastKey, Listeners, type Outbox, OutboxClosedError } from './outbox/outbox.ts';
import { SqliteOutbox } from './outbox/sqlite-outbox.ts';
import type { IngestRecord } from './record.ts';
import { MqttBridgeSink } from './sinks/mqtt-bridge.ts';
import { NatsJetStreamSink } from './sinks/nats-sink.ts';
import type { Sink } from './sinks/sink.ts';

/** The sink names (cursor names and `sink` metric labels) for the configured sinks. */
export const NATS_SINK = 'nats';
export const MQTT_SINK = 'mqtt';

/**
 * The part of the edge after ingest (issue 11): the gateway appends what it ingests and acknowledges it upstream
 * once append() resolves; the forwarder drains the outbox to the sinks.
 */
export class CloudTier {
  private closing: Promise<void> | undefined;

  constructor(
    readonly outbox: Outbox,
    private readonly sinks: readonly Sink[],
    private readonly forwarder: Forwarder,
    private readonly sinkChanges: Listeners,
    /** Records the forwarder sends a sink at most at a time (`forwarder.batchRecords`). */
    readonly forwardBatchRecords: number,
  ) {}

  /**
   * docs/edge.md, "Backpressure": the records still to go to the sinks that are taking them. A sink that is down
   * or failing does not count: the outbox is there to hold its share.
   */
  flowingBacklog(): number {
    const pending = this.outbox.stats().pendingBySink;
    return Math.max(0, ...this.forwarder.flowingSinks().map((sink) => pending[sink] ?? 0));
  }

  /**
   * `listener` runs each time a sink has acknowledged records, failed a batch or changed its circuit's state: when
   * flowingBacklog() may have changed. Returns its removal.
   */
  onSinkChange(listener: () => void): () => void {
    return this.sinkChanges.add(listener);
  }

  /**
   * Stores the records in the outbox; resolves once they are durable, and only then may the gateway acknowledge
   * them upstream (MQTT PUBACK, the device link's own flow). Rejects as Outbox.append does, and with
   * OutboxClosedError once close() has begun.
   */
  append(records: readonly IngestRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new OutboxClosedError());
    return this.outbox.append(records);
  }

  /** docs/edge.md: each device's last stored key, across edge restarts. */
  lastKeys(): ReadonlyMap<string, LastKey> {
    return this.outbox.lastKeys();
  }

  /**
   * Shutdown that loses nothing: stops intake, lets each sink's batch in flight finish, commits the pending
   * appends and the cursors, then closes the sink connections. What no sink had yet stays in the outbox for the
   * next start. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.forwarder.stop();
      await this.outbox.close();
      await Promise.all(this.sinks.map((sink) => sink.close()));
    })();
    return this.closing;
  }
}

export interface CloudTierOptions {
  /** Where the metrics go; the edge exposes it (no global registry). */
  registry: Registry;
  clock?: Clock;
  /** [0, 1) for the backoff's jitter. */
  random?: () => number;
  /** One line per sink failure and circuit change. */
  log?: (line: string) => void;
}

/** Opens the outbox, builds the configured sinks and starts draining. */
export function startCloudTier(config: CloudTierConfig, options: CloudTierOptions): CloudTier {
  const clock = options.clock ?? systemClock;
  const sinks: Sink[] = [];
  const { nats, mqtt } = config.sinks;
  if (nats) sinks.push(new NatsJetStreamSink({ name: NATS_SINK, ...nats, clock }));
  if (mqtt) sinks.push(new MqttBridgeSink({ name: MQTT_SINK, ...mqtt, clock }));
  return assembleCloudTier(config, sinks, options);
}

/** The same as startCloudTier with the sinks given (another adapter, or a test's). */
export function assembleCloudTier(config: CloudTierConfig, sinks: readonly Sink[], options: CloudTierOptions): CloudTier {
  const clock = options.clock ?? systemClock;
  const names = sinks.map((sink) => sink.name);
  const metrics = new CloudTierMetrics(options.registry, names);
  const sinkChanges = new Listeners();
  const { path, durability, commitIntervalMs, commitMaxRecords, ...limits } = config.outbox;
  const outbox = SqliteOutbox.open({
    path,
    sinks: names,
    limits,
    durability,
    commitIntervalMs,
    commitMaxRecords,
    clock,
    observer: metrics.outbox,
  });
  metrics.watch(outbox);
  const forwarder = new Forwarder({
    outbox,
    sinks,
    ...config.forwarder,
    clock,
    random: options.random,
    observer: notifying(withLog(metrics.forwarder, options.log), sinkChanges),
  });
  forwarder.start();
  return new CloudTier(outbox, sinks, forwarder, sinkChanges, config.forwarder.batchRecords);
}

function notifying(observer: ForwarderObserver, sinkChanges: Listeners): ForwarderObserver {
  return {
    delivered(sink, records) {
      observer.delivered(sink, records);
      sinkChanges.notify();
    },
    failed(sink, error, retryInMs) {
      observer.failed(sink, error, retryInMs);
      sinkChanges.notify();
    },
    circuit(sink, state) {
      observer.circuit(sink, state);
      sinkChanges.notify();
    },
  };
}

function withLog(observer: ForwarderObserver, log: ((line: string) => void) | undefined): ForwarderObserver {
  if (!log) return observer;
  return {
    delivered: observer.delivered,
    failed(sink, error, retryInMs) {
      observer.failed(sink, error, retryInMs);
      log(`sink ${sink}: ${error.message}; retrying in ${Math.round(retryInMs)} ms`);
    },
    circuit(sink, state) {
      observer.circuit(sink, state);
      log(`sink ${sink}: circuit ${state}`);
    },
  };
}
