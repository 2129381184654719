import Database from 'better-sqlite3';
import type { Alarm } from './alarm.ts';
import type { AlarmStore } from './alarm-store.ts';

/** Schema version in `PRAGMA user_version`. */
const SCHEMA_VERSION = 1;

/** AUTOINCREMENT: an id is never drawn twice, even after its alarm was removed (SQLite, "Autoincrement"). */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm TEXT NOT NULL
  ) STRICT;
`;

/**
 * The edge's alarms in SQLite (better-sqlite3), one file in its data dir, one process at a time. WAL with
 * `synchronous = NORMAL`: a write survives the edge process dying; a power loss may lose the last few.
 */
export class SqliteAlarmStore implements AlarmStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string]>;
  private readonly replace: Database.Statement<[string, number]>;
  private readonly delete: Database.Statement<[number]>;
  private readonly select: Database.Statement<[], { id: number; alarm: string }>;

  constructor(path: string) {
    this.db = openDatabase(path);
    this.insert = this.db.prepare('INSERT INTO alarms (alarm) VALUES (?)');
    this.replace = this.db.prepare('UPDATE alarms SET alarm = ? WHERE id = ?');
    this.delete = this.db.prepare('DELETE FROM alarms WHERE id = ?');
    this.select = this.db.prepare('SELECT id, alarm FROM alarms ORDER BY id');
  }

  create(fields: Omit<Alarm, 'id'>): Alarm {
    const { lastInsertRowid } = this.insert.run(JSON.stringify(fields));
    return { id: String(lastInsertRowid), ...fields };
  }

  update(alarm: Alarm): void {
    const { id, ...fields } = alarm;
    const { changes } = this.replace.run(JSON.stringify(fields), Number(id));
    if (changes !== 1) throw new Error(`no alarm ${id} to update`);
  }

  remove(id: string): void {
    this.delete.run(Number(id));
  }

  all(): Alarm[] {
    return this.select.all().map(({ id, alarm }) => ({ id: String(id), ...(JSON.parse(alarm) as Omit<Alarm, 'id'>) }));
  }

  close(): void {
    this.db.close();
  }
}

function openDatabase(path: string): Database.Database {
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`cannot put ${path} in WAL mode (journal_mode is ${mode})`);
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`alarm store ${path} has schema version ${version}; this edge knows up to ${SCHEMA_VERSION}`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`alarm store ${path} is open in another process`, { cause: error });
    throw error;
  }
  return db;
}
