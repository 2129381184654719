import type { IngestRecord, OutboxRecord } from '../record.ts';
import {
  type BacklogLimits,
  type BacklogStats,
  checkAppend,
  Cursors,
  type LastKey,
  Listeners,
  type Outbox,
  OutboxClosedError,
  OutboxFullError,
  type OutboxObserver,
  silentObserver,
} from './outbox.ts';

/** An Outbox in memory: the same contract as SqliteOutbox without the disk, for unit tests. */
export class MemoryOutbox implements Outbox {
  /** Held records, oldest first: `held[i]` has position `oldest + i`. */
  private held: OutboxRecord[] = [];
  private oldest = 1;
  private bytes = 0;
  private closed = false;
  private readonly cursors: Cursors;
  private readonly listeners = new Listeners();
  private readonly last = new Map<string, LastKey>();

  constructor(
    sinks: readonly string[],
    private readonly limits: BacklogLimits,
    private readonly observer: OutboxObserver = silentObserver,
  ) {
    this.cursors = new Cursors(sinks, new Map(), 0);
  }

  private get newest(): number {
    return this.oldest + this.held.length - 1;
  }

  async append(records: readonly IngestRecord[]): Promise<void> {
    if (this.closed) throw new OutboxClosedError();
    const bytes = checkAppend(records, this.limits);
    if (records.length === 0) return;
    const fits = this.held.length + records.length <= this.limits.maxRecords && this.bytes + bytes <= this.limits.maxBytes;
    if (!fits && this.limits.overflow === 'reject-new') {
      this.observer.rejected(records.length);
      throw new OutboxFullError(records.length, bytes, this.limits);
    }
    let position = this.newest;
    for (const record of records) {
      this.held.push({ ...record, position: ++position });
      this.last.set(record.key.deviceId, { session: record.key.session, seq: record.key.seq });
    }
    this.bytes += bytes;
    this.dropOverflow();
    this.observer.committed(records.length, 0);
    this.listeners.notify();
  }

  async read(sink: string, limit: number): Promise<OutboxRecord[]> {
    if (this.closed) throw new OutboxClosedError();
    const start = this.cursors.get(sink) + 1 - this.oldest;
    return this.held.slice(start, start + limit);
  }

  ack(sink: string, position: number): void {
    if (this.closed) throw new OutboxClosedError();
    if (this.cursors.advance(sink, position, this.newest)) this.removeThrough(this.cursors.lowest(this.newest));
  }

  stats(): BacklogStats {
    return { records: this.held.length, bytes: this.bytes, pendingBySink: this.cursors.pendingBySink(this.newest) };
  }

  lastKeys(): ReadonlyMap<string, LastKey> {
    return this.last;
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private dropOverflow(): void {
    let drop = Math.max(0, this.held.length - this.limits.maxRecords);
    let bytesAfter = this.bytes;
    for (let i = 0; i < drop; i++) bytesAfter -= this.held[i]!.payload.byteLength;
    while (bytesAfter > this.limits.maxBytes) bytesAfter -= this.held[drop++]!.payload.byteLength;
    if (drop === 0) return;
    this.removeThrough(this.oldest + drop - 1);
    this.cursors.raiseTo(this.oldest - 1);
    this.observer.dropped(drop, 'overflow');
  }

  private removeThrough(position: number): void {
    const count = position - this.oldest + 1;
    if (count <= 0) return;
    for (let i = 0; i < count; i++) this.bytes -= this.held[i]!.payload.byteLength;
    this.held = this.held.slice(count);
    this.oldest += count;
  }
}
