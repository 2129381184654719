import type { Alarm } from './alarm.ts';

/**
 * Where alarms live across restarts (STYLE.md, "Persistence behind an interface"); the edge's is SQLite
 * (sqlite-alarm-store.ts). Writes are synchronous and durable when they return.
 */
export interface AlarmStore {
  /** Stores a new alarm under an id never used before in this store. */
  create(fields: Omit<Alarm, 'id'>): Alarm;
  /** Replaces a stored alarm. */
  update(alarm: Alarm): void;
  remove(id: string): void;
  /** Every stored alarm, oldest id first. */
  all(): Alarm[];
  close(): void;
}
