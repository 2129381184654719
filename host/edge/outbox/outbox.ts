import { type IngestRecord, type OutboxRecord, checkRecord, RecordError } from '../record.ts';

/**
 * The store between ingest and the cloud (issue 11): what the edge receives is in the outbox before it is
 * acknowledged upstream, and it leaves once every sink holds it. Implementations: SqliteOutbox (durable, on disk)
 * and MemoryOutbox (unit tests, and an edge that accepts losing its backlog on a crash).
 *
 * Positions are assigned in append order, from 1, and never reused. Records only ever leave from the oldest end
 * (all sinks have them, or the overflow policy drops them), so what an outbox holds is always one run of
 * consecutive positions.
 */
/** A device's last stored (session, seq). */
export interface LastKey {
  readonly session: number;
  readonly seq: number;
}

export interface Outbox {
  /**
   * Stores the records, in order, as one unit. Resolves once they are committed (for SqliteOutbox: on disk at the
   * configured durability), so the caller may then acknowledge them upstream. Rejects with a RecordError for a
   * record that cannot be stored, an OutboxFullError under the `reject-new` policy when they do not fit, and an
   * OutboxClosedError once close() has begun; on a rejection none of the records is stored.
   */
  append(records: readonly IngestRecord[]): Promise<void>;
  /** Up to `limit` committed records after `sink`'s cursor, oldest first. */
  read(sink: string, limit: number): Promise<OutboxRecord[]>;
  /**
   * `sink` holds every record up to `position`: its cursor moves there (persisted with the next commit), and records
   * every sink holds leave. A cursor never moves back; a crash before the commit only means re-sending, which the
   * peers deduplicate by the record key.
   */
  ack(sink: string, position: number): void;
  stats(): BacklogStats;
  /**
   * Per record `deviceId`, the key of the last record stored for it, kept after the record itself has left: where
   * a restarted edge picks up each device's sequence, so frames sent while it was down count as gaps (docs/edge.md).
   */
  lastKeys(): ReadonlyMap<string, LastKey>;
  /** Calls `listener` after each commit that stored records. Returns the function that removes it. */
  onAppend(listener: () => void): () => void;
  /** Stops intake (later appends reject), commits pending appends and cursors, and releases the store. */
  close(): Promise<void>;
}

export interface BacklogStats {
  /** Records held, whichever sinks still need them. */
  records: number;
  /** Sum of the held records' payload sizes. */
  bytes: number;
  /** Per sink: records after its cursor. */
  pendingBySink: Record<string, number>;
}

/**
 * What happens when an append would take the backlog past `maxRecords` or `maxBytes` (docs/edge.md, "Overflow"):
 * - `drop-oldest`: the append is stored and the oldest records leave, whichever sinks lacked them, counted in
 *   `wasmote_outbox_dropped_total{reason="overflow"}`. The freshest data survives a long outage.
 * - `reject-new`: the append rejects with OutboxFullError, counted in `wasmote_outbox_rejected_total`, so the caller
 *   does not acknowledge it and the device or publisher upstream keeps it (back-pressure).
 */
export type OverflowPolicy = 'drop-oldest' | 'reject-new';

export interface BacklogLimits {
  maxRecords: number;
  maxBytes: number;
  overflow: OverflowPolicy;
  /** A larger payload is refused at append: no peer would take it, and it would block its sink forever. */
  maxRecordBytes: number;
}

/** How an outbox reports to metrics, so it depends on no metrics library. */
export interface OutboxObserver {
  committed(records: number, durationS: number): void;
  dropped(records: number, reason: 'overflow'): void;
  rejected(records: number): void;
}

export const silentObserver: OutboxObserver = {
  committed: () => {},
  dropped: () => {},
  rejected: () => {},
};

export class OutboxClosedError extends Error {
  constructor() {
    super('the outbox is closed');
    this.name = 'OutboxClosedError';
  }
}

export class OutboxFullError extends Error {
  constructor(
    readonly records: number,
    readonly bytes: number,
    limits: BacklogLimits,
  ) {
    super(
      `the outbox is full: ${records} records (${bytes} bytes) do not fit under ` +
        `maxRecords ${limits.maxRecords} and maxBytes ${limits.maxBytes}`,
    );
    this.name = 'OutboxFullError';
  }
}

/** Checks an append before it is queued; throws RecordError naming the record and field. */
export function checkAppend(records: readonly IngestRecord[], limits: BacklogLimits): number {
  let bytes = 0;
  records.forEach((record, index) => {
    try {
      checkRecord(record);
    } catch (error) {
      throw new RecordError(`record ${index}: ${(error as Error).message}`);
    }
    if (record.payload.byteLength > limits.maxRecordBytes) {
      throw new RecordError(
        `record ${index}: payload is ${record.payload.byteLength} bytes, over maxRecordBytes ${limits.maxRecordBytes}`,
      );
    }
    bytes += record.payload.byteLength;
  });
  return bytes;
}

/**
 * The sinks' cursors: the last position each holds. Sinks are named when the outbox opens; a cursor kept from an
 * earlier run for a sink no longer named is forgotten, so it cannot hold records back.
 */
export class Cursors {
  private readonly positions = new Map<string, number>();

  constructor(sinks: readonly string[], stored: ReadonlyMap<string, number>, startAfter: number) {
    const unique = new Set(sinks);
    if (unique.size !== sinks.length) throw new Error(`sink names must be unique (got ${sinks.join(', ')})`);
    for (const sink of sinks) this.positions.set(sink, Math.max(stored.get(sink) ?? startAfter, startAfter));
  }

  get(sink: string): number {
    const position = this.positions.get(sink);
    if (position === undefined) throw new Error(`no sink named ${JSON.stringify(sink)} in this outbox`);
    return position;
  }

  /** Moves `sink` forward to `position`; returns false when it is not forward. */
  advance(sink: string, position: number, newest: number): boolean {
    if (!Number.isInteger(position) || position > newest) {
      throw new RangeError(`ack position ${position} for sink ${sink} is not a stored position (newest ${newest})`);
    }
    if (position <= this.get(sink)) return false;
    this.positions.set(sink, position);
    return true;
  }

  /** Every cursor at least at `position` (records up to it have left). */
  raiseTo(position: number): void {
    for (const [sink, at] of this.positions) if (at < position) this.positions.set(sink, position);
  }

  /** The last position every sink holds; `newest` when there is no sink. */
  lowest(newest: number): number {
    let lowest = newest;
    for (const at of this.positions.values()) lowest = Math.min(lowest, at);
    return lowest;
  }

  entries(): IterableIterator<[string, number]> {
    return this.positions.entries();
  }

  pendingBySink(newest: number): Record<string, number> {
    const pending: Record<string, number> = {};
    for (const [sink, at] of this.positions) pending[sink] = newest - at;
    return pending;
  }
}

export class Listeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
