import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../../flash/clock.ts';
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

/**
 * How far a commit is on disk when append() resolves (SQLite, "PRAGMA synchronous", in WAL mode):
 * - `normal`: the commit is in the WAL file, which is synced at each checkpoint. It survives the edge process
 *   crashing or being killed (SIGKILL, OOM), since the data is in the kernel's page cache; a power loss or kernel
 *   panic may lose the last commits before a checkpoint, never corrupting the file. The default: an edge process
 *   dies far more often than its host loses power, and `full` costs an fsync per commit.
 * - `full`: the WAL is fsynced at every commit before append() resolves: survives power loss too.
 */
export type Durability = 'normal' | 'full';

export interface SqliteOutboxOptions {
  /** The database file; its -wal file sits beside it. */
  path: string;
  sinks: readonly string[];
  limits: BacklogLimits;
  durability: Durability;
  /** Appends are grouped into one transaction for at most this long (group commit)... */
  commitIntervalMs: number;
  /** ...or until this many records are waiting, whichever comes first. */
  commitMaxRecords: number;
  clock?: Clock;
  observer?: OutboxObserver;
}

/** The newest committed records kept in memory, so a sink that keeps up reads them without a query. */
const TAIL_RECORDS = 16_384;

/** Records stored by one INSERT statement of several rows: one call into SQLite for many records. */
const ROWS_PER_INSERT = 32;
const INSERT_COLUMNS = '(device_id, session, seq, subject, payload, received_at_ms)';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?)';

/** Schema version in `PRAGMA user_version`. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    session INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    payload BLOB NOT NULL,
    received_at_ms REAL NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS last_keys (
    device_id TEXT PRIMARY KEY,
    session INTEGER NOT NULL,
    seq INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS cursors (
    sink TEXT PRIMARY KEY,
    position INTEGER NOT NULL
  ) STRICT;
`;

interface QueuedAppend {
  records: readonly IngestRecord[];
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** What the table holds, as positions and bytes; changed in memory only once a transaction has committed. */
interface Extent {
  /** Position of the oldest held record; `newest + 1` when none is held. */
  oldest: number;
  newest: number;
  bytes: number;
}

type RecordRow = [number, string, number, number, string, Buffer, number];

/**
 * The durable Outbox: SQLite in WAL mode through better-sqlite3, one process at a time (exclusive locking).
 * Appends wait in memory for the next group commit: one transaction stores every waiting append, persists the
 * cursors, removes what every sink holds and applies the overflow policy; then their promises resolve.
 * better-sqlite3 is synchronous, so a commit holds the event loop for its duration (wasmote_outbox_commit_seconds).
 */
export class SqliteOutbox implements Outbox {
  private readonly clock: Clock;
  private readonly observer: OutboxObserver;
  private readonly cursors: Cursors;
  private readonly listeners = new Listeners();
  private extent: Extent;
  private queue: QueuedAppend[] = [];
  private queuedRecords = 0;
  private cursorsDirty = false;
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  private readonly insert: Database.Statement;
  private readonly insertRows: Database.Statement;
  private readonly selectAfter: Database.Statement;
  private readonly bytesThrough: Database.Statement;
  private readonly deleteThrough: Database.Statement;
  private readonly sizesFrom: Database.Statement;
  private readonly upsertCursor: Database.Statement;
  private readonly keepLastKeysThrough: Database.Statement;
  /**
   * The newest committed records in position order, consecutive, also in the table: a read after a cursor inside
   * it is served from here (the table is the truth after a restart or a long backlog).
   */
  private tail: OutboxRecord[] = [];
  /** The last_keys table as committed. */
  private readonly last: Map<string, LastKey>;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteOutboxOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.observer = options.observer ?? silentObserver;
    this.insert = this.db.prepare(`INSERT INTO records ${INSERT_COLUMNS} VALUES ${ROW_PLACEHOLDERS}`);
    this.insertRows = this.db.prepare(
      `INSERT INTO records ${INSERT_COLUMNS} VALUES ${Array(ROWS_PER_INSERT).fill(ROW_PLACEHOLDERS).join(', ')}`,
    );
    this.selectAfter = this.db
      .prepare(
        'SELECT position, device_id, session, seq, subject, payload, received_at_ms FROM records ' +
          'WHERE position > ? ORDER BY position LIMIT ?',
      )
      .raw();
    this.bytesThrough = this.db
      .prepare('SELECT COALESCE(SUM(length(payload)), 0) FROM records WHERE position <= ?')
      .pluck();
    this.deleteThrough = this.db.prepare('DELETE FROM records WHERE position <= ?');
    this.sizesFrom = this.db.prepare('SELECT length(payload) FROM records WHERE position >= ? ORDER BY position').pluck();
    this.upsertCursor = this.db.prepare(
      'INSERT INTO cursors (sink, position) VALUES (?, ?) ON CONFLICT (sink) DO UPDATE SET position = excluded.position',
    );

    // A device's last key is its newest record while the table holds one, and its last_keys row once none is left:
    // rows are written as records leave, from the newest of each device among them, in SQL rather than one
    // statement per device and commit. Records leave oldest first, so a later write is always the newer key.
    this.keepLastKeysThrough = this.db.prepare(
      'INSERT INTO last_keys (device_id, session, seq) ' +
        'SELECT device_id, session, seq FROM records WHERE position IN ' +
        '(SELECT MAX(position) FROM records WHERE position <= ? GROUP BY device_id) ' +
        'ON CONFLICT (device_id) DO UPDATE SET session = excluded.session, seq = excluded.seq',
    );
    const lastKeyRows = [
      ...(this.db.prepare('SELECT device_id, session, seq FROM last_keys').raw().all() as [string, number, number][]),
      // SQLite takes a bare column of an aggregate query with MAX() from the row that holds the maximum.
      ...(this.db.prepare('SELECT device_id, session, seq, MAX(position) FROM records GROUP BY device_id').raw().all() as [
        string,
        number,
        number,
      ][]),
    ];
    this.last = new Map(lastKeyRows.map(([deviceId, session, seq]) => [deviceId, { session, seq }]));
    const newest =
      (this.db.prepare('SELECT MAX(position) FROM records').pluck().get() as number | null) ??
      ((this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'records'").pluck().get() as number | undefined) ??
        0);
    const oldest = (this.db.prepare('SELECT MIN(position) FROM records').pluck().get() as number | null) ?? newest + 1;
    const bytes = this.db.prepare('SELECT COALESCE(SUM(length(payload)), 0) FROM records').pluck().get() as number;
    this.extent = { oldest, newest, bytes };
    const stored = new Map(
      (this.db.prepare('SELECT sink, position FROM cursors').raw().all() as [string, number][]).map(([s, p]) => [s, p]),
    );
    this.cursors = new Cursors(options.sinks, stored, oldest - 1);
    // Forget the cursors of sinks no longer configured, and apply today's limits to yesterday's backlog.
    this.db.transaction(() => {
      const forget = this.db.prepare('DELETE FROM cursors WHERE sink = ?');
      for (const sink of stored.keys()) if (!options.sinks.includes(sink)) forget.run(sink);
    })();
    this.cursorsDirty = true;
    this.commit();
  }

  /** Opens (creating if needed) the outbox at `options.path`; throws if another process has it open. */
  static open(options: SqliteOutboxOptions): SqliteOutbox {
    const db = openDatabase(options.path, options.durability);
    try {
      return new SqliteOutbox(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  append(records: readonly IngestRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new OutboxClosedError());
    let bytes: number;
    try {
      bytes = checkAppend(records, this.options.limits);
    } catch (error) {
      return Promise.reject(error);
    }
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
      this.queuedRecords += records.length;
      if (this.queuedRecords >= this.options.commitMaxRecords) this.commit();
      else this.scheduleCommit();
    });
  }

  async read(sink: string, limit: number): Promise<OutboxRecord[]> {
    if (this.closed) throw new OutboxClosedError();
    const after = this.cursors.get(sink);
    const tailStart = this.tail[0]?.position;
    if (tailStart !== undefined && after + 1 >= tailStart) return this.tail.slice(after + 1 - tailStart, after + 1 - tailStart + limit);
    const rows = this.selectAfter.all(after, limit) as RecordRow[];
    return rows.map(([position, deviceId, session, seq, subject, payload, receivedAtMs]) => ({
      position,
      key: { deviceId, session, seq },
      subject,
      payload,
      receivedAtMs,
    }));
  }

  ack(sink: string, position: number): void {
    if (this.closed) throw new OutboxClosedError();
    if (!this.cursors.advance(sink, position, this.extent.newest)) return;
    this.cursorsDirty = true;
    this.scheduleCommit();
  }

  stats(): BacklogStats {
    const { oldest, newest, bytes } = this.extent;
    return { records: newest - oldest + 1, bytes, pendingBySink: this.cursors.pendingBySink(newest) };
  }

  lastKeys(): ReadonlyMap<string, LastKey> {
    return this.last;
  }

  onAppend(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.commit();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  private scheduleCommit(): void {
    this.cancelTimer ??= this.clock.schedule(this.options.commitIntervalMs, () => {
      this.cancelTimer = undefined;
      this.commit();
    });
  }

  /** The group commit: one transaction for every queued append and the cursors. */
  private commit(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const queue = this.queue;
    this.queue = [];
    this.queuedRecords = 0;
    if (queue.length === 0 && !this.cursorsDirty) return;
    const startedMs = this.clock.nowMs();
    let outcome: CommitOutcome;
    try {
      outcome = this.db.transaction(() => this.commitInTransaction(queue))();
    } catch (error) {
      for (const entry of queue) entry.reject(error as Error);
      return;
    }
    this.extent = outcome.extent;
    this.keepTail(outcome.stored);
    this.cursors.raiseTo(outcome.extent.oldest - 1);
    this.cursorsDirty = false;
    if (outcome.dropped > 0) this.observer.dropped(outcome.dropped, 'overflow');
    let stored = 0;
    queue.forEach((entry, index) => {
      const rejection = outcome.rejections[index];
      if (rejection) {
        this.observer.rejected(entry.records.length);
        entry.reject(rejection);
      } else {
        stored += entry.records.length;
        for (const { key } of entry.records) this.last.set(key.deviceId, { session: key.session, seq: key.seq });
        entry.resolve();
      }
    });
    if (stored > 0) {
      this.observer.committed(stored, (this.clock.nowMs() - startedMs) / 1000);
      this.listeners.notify();
    }
  }

  /** The body of a commit's transaction: changes nothing in memory, so a rollback leaves memory as it was. */
  private commitInTransaction(queue: readonly QueuedAppend[]): CommitOutcome {
    const { limits } = this.options;
    const extent = { ...this.extent };
    // What every sink holds leaves first, making room before the overflow policy looks.
    this.removeThrough(extent, this.cursors.lowest(extent.newest));
    const stored: OutboxRecord[] = [];
    const rejections = queue.map((entry) => {
      const held = extent.newest - extent.oldest + 1;
      const fits = held + entry.records.length <= limits.maxRecords && extent.bytes + entry.bytes <= limits.maxBytes;
      if (!fits && limits.overflow === 'reject-new') return new OutboxFullError(entry.records.length, entry.bytes, limits);
      const { records } = entry;
      for (let first = 0; first < records.length; ) {
        const count = records.length - first >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
        const values: unknown[] = [];
        const blobs: Buffer[] = [];
        for (let index = first; index < first + count; index++) {
          const { key, subject, payload, receivedAtMs } = records[index]!;
          // better-sqlite3 binds a Buffer as a BLOB; the gateway's payloads are Buffers already.
          const blob = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
          values.push(key.deviceId, key.session, key.seq, subject, blob, receivedAtMs);
          blobs.push(blob);
        }
        // One statement's rows take consecutive positions: AUTOINCREMENT, and this process alone writes the file.
        const last = Number((count === 1 ? this.insert : this.insertRows).run(values).lastInsertRowid);
        blobs.forEach((payload, index) => {
          const { key, subject, receivedAtMs } = records[first + index]!;
          stored.push({ position: last - count + 1 + index, key, subject, payload, receivedAtMs });
        });
        extent.newest = last;
        first += count;
      }
      extent.bytes += entry.bytes;
      return undefined;
    });
    const dropped = this.dropOverflow(extent);
    if (this.cursorsDirty || dropped > 0) {
      for (const [sink, position] of this.cursors.entries()) {
        this.upsertCursor.run(sink, Math.max(position, extent.oldest - 1));
      }
    }
    return { extent, dropped, rejections, stored };
  }

  /** Adds a commit's records to the tail and trims it to TAIL_RECORDS and to what the table still holds. */
  private keepTail(stored: readonly OutboxRecord[]): void {
    const last = this.tail[this.tail.length - 1];
    if (stored.length > 0 && last !== undefined && stored[0]!.position !== last.position + 1) this.tail = [];
    for (const record of stored) this.tail.push(record);
    const first = this.tail[0]?.position;
    if (first === undefined) return;
    const drop = Math.max(this.tail.length - TAIL_RECORDS, this.extent.oldest - first);
    if (drop > 0) this.tail = this.tail.slice(drop);
  }

  /** Removes the oldest records until the limits hold; returns how many. */
  private dropOverflow(extent: Extent): number {
    const { maxRecords, maxBytes } = this.options.limits;
    const held = extent.newest - extent.oldest + 1;
    if (held <= maxRecords && extent.bytes <= maxBytes) return 0;
    let drop = 0;
    let bytesAfter = extent.bytes;
    for (const size of this.sizesFrom.iterate(extent.oldest) as IterableIterator<number>) {
      if (held - drop <= maxRecords && bytesAfter <= maxBytes) break;
      bytesAfter -= size;
      drop++;
    }
    this.removeThrough(extent, extent.oldest + drop - 1);
    return drop;
  }

  /** Deletes the held records up to `position`, updating `extent`. */
  private removeThrough(extent: Extent, position: number): void {
    if (position < extent.oldest) return;
    extent.bytes -= this.bytesThrough.get(position) as number;
    this.keepLastKeysThrough.run(position);
    this.deleteThrough.run(position);
    extent.oldest = position + 1;
  }
}

interface CommitOutcome {
  extent: Extent;
  /** Records the overflow policy removed. */
  dropped: number;
  /** Per queued append: the error it is rejected with, or undefined once stored. */
  rejections: (Error | undefined)[];
  /** What the commit stored, in position order. */
  stored: OutboxRecord[];
}

function openDatabase(path: string, durability: Durability): Database.Database {
  // No busy wait: the only other holder of the lock can be another process that owns the outbox.
  const db = new Database(path, { timeout: 0 });
  try {
    // Exclusive: one edge process owns the outbox (and WAL then needs no shared-memory file).
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`cannot put ${path} in WAL mode (journal_mode is ${mode})`);
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`outbox ${path} has schema version ${version}; this edge knows up to ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(`outbox ${path} is open in another process`, { cause: error });
    }
    throw error;
  }
  return db;
}
