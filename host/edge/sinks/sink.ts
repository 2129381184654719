import type { OutboxRecord } from '../record.ts';

/**
 * A peer the outbox drains to (issue 11): an adapter in front of one client library. The forwarder gives each
 * sink its own cursor, retry pacing and circuit breaker; a sink only delivers one batch when asked, connecting
 * first if it has no connection, and never retries on its own.
 */
export interface Sink {
  /** Names its cursor in the outbox and its metrics (`sink="nats"`); unique within an edge. */
  readonly name: string;
  /**
   * Delivers `records` in order, each carrying its idempotency key, and resolves once the peer has acknowledged
   * every one (a JetStream PubAck, an MQTT PUBACK). On any failure rejects with a SinkError telling how many
   * leading records the peer did acknowledge; the forwarder sends the rest again after a backoff.
   */
  publish(records: readonly OutboxRecord[]): Promise<void>;
  /** Drops the connection; publish() after close() rejects. */
  close(): Promise<void>;
}

export class SinkError extends Error {
  constructor(
    message: string,
    /** How many leading records of the batch the peer acknowledged before the failure. */
    readonly delivered: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SinkError';
  }
}

/** The length of the acknowledged prefix: `acked[i]` is true once record i is acknowledged. */
export function acknowledgedPrefix(acked: readonly boolean[]): number {
  const first = acked.indexOf(false);
  return first === -1 ? acked.length : first;
}
