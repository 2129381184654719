/**
 * Alarms kept in SQLite and published retained (edge-inference/loop/alarm-book.ts, sqlite-alarm-store.ts): they
 * survive the store being closed and opened again, ids are never reused, cleared alarms past their retention are
 * removed with an empty retained message, acknowledgements keep the first, every change has a higher revision, and
 * the broker's retained alarms are reconciled with the store (docs/mqtt.md §9.2).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmBook, type ClearedAlarmRetention } from '../../../edge-inference/loop/alarm-book.ts';
import { SqliteAlarmStore } from '../../../edge-inference/loop/sqlite-alarm-store.ts';

const T0_MS = Date.parse('2026-12-04T08:00:00.000Z');
const HOUR_MS = 3600_000;

let scratch: string;
let storePath: string;
let stores: SqliteAlarmStore[];
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-alarms-'));
  storePath = path.join(scratch, 'alarms.sqlite');
  stores = [];
});
afterEach(async () => {
  for (const store of stores) store.close();
  await rm(scratch, { recursive: true, force: true });
});

function openBook(retention: ClearedAlarmRetention = { maxCount: 100, maxAgeMs: 24 * HOUR_MS }, nowMs = () => T0_MS) {
  const store = new SqliteAlarmStore(storePath);
  stores.push(store);
  const published: { topic: string; payload: object | null; qos: number; retain: boolean }[] = [];
  const book = new AlarmBook({ edgeId: 'lab', store, publish: async (topic, payload, options) => void published.push({ topic, payload, ...options }), retention, wallClockMs: nowMs, log: () => {} });
  const close = () => {
    store.close();
    stores.splice(stores.indexOf(store), 1);
  };
  return { book, published, close };
}

const opening = (device: string, atMs = T0_MS) => ({ device, rule: 'detector', model: 'detector', atMs, peak: { score: 5, atMs }, ledBefore: null });

describe('the alarm book', () => {
  it('keeps its alarms across a reopen, active ones findable, and publishes them again', async () => {
    const first = openBook();
    const alarm = first.book.open(opening('d1'));
    first.book.observeScore(alarm, 9, T0_MS + 2000, (score, peak) => score > peak);
    first.book.recordCommand(alarm, { command: 'led', payload: { mode: 'blink', periodMs: 200 }, time: '2026-12-04T08:00:01.000Z', answer: { device: 'd1', command: 'led', result: 'timeout', origin: 'edge', detail: 'no answer in 10000 ms' } });
    const cleared = first.book.open(opening('d2'));
    first.book.clear(cleared, T0_MS + 60_000);
    const before = first.book.list();
    first.close();

    const second = openBook();
    expect(second.book.list()).toEqual(before);
    expect(second.book.active('d1', 'detector')).toMatchObject({ id: alarm.id, state: 'open', peakScore: 9, lastCommandResult: { answer: { result: 'timeout' } } });
    expect(second.book.active('d2', 'detector')).toBeUndefined();
    await second.book.reconcile();
    expect(second.published).toEqual(before.map((entry) => ({ topic: `wasmote/lab/$edge/alarms/${entry.id}`, payload: entry, qos: 1, retain: true })));
  });

  it('reconciles the broker with the store: republishes what it keeps, empties what it does not', async () => {
    const { book, published } = openBook();
    const kept = book.open(opening('d1'));
    published.length = 0;
    await book.reconcile(['7', kept.id, '12']);
    expect(published.filter((entry) => entry.payload === null)).toEqual(['7', '12'].map((id) => ({ topic: `wasmote/lab/$edge/alarms/${id}`, payload: null, qos: 1, retain: true })));
    expect(published.filter((entry) => entry.payload !== null).map((entry) => entry.topic)).toEqual([`wasmote/lab/$edge/alarms/${kept.id}`]);
  });

  it('numbers each change of an alarm and stamps it with the edge clock', () => {
    let nowMs = T0_MS;
    const { book, published } = openBook(undefined, () => nowMs);
    const alarm = book.open(opening('d1'));
    nowMs += 1000;
    book.observeScore(alarm, 9, T0_MS + 1000, (score, peak) => score > peak);
    nowMs += 1000;
    book.acknowledge(alarm.id, 'alice');
    nowMs += 1000;
    book.clear(alarm, T0_MS + 3000, 'device-forgotten');
    expect(published.map((entry) => [(entry.payload as { revision: number }).revision, (entry.payload as { updatedAt: string }).updatedAt])).toEqual([
      [1, '2026-12-04T08:00:00.000Z'],
      [2, '2026-12-04T08:00:01.000Z'],
      [3, '2026-12-04T08:00:02.000Z'],
      [4, '2026-12-04T08:00:03.000Z'],
    ]);
    expect(published.at(-1)!.payload).toMatchObject({ state: 'cleared', clearReason: 'device-forgotten', clearedAt: '2026-12-04T08:00:03.000Z' });
  });

  it('reads alarms stored before revisions with a first revision and the reason normal', () => {
    const { book, close } = openBook();
    const alarm = book.open(opening('d1'));
    book.clear(alarm, T0_MS + 5000);
    close();
    // An alarm as an earlier edge wrote it: no revision, updatedAt or clearReason.
    const db = new Database(storePath);
    const { revision, updatedAt, clearReason, ...older } = alarm;
    db.prepare('UPDATE alarms SET alarm = ? WHERE id = ?').run(JSON.stringify({ ...older, id: undefined }), Number(alarm.id));
    db.close();
    expect(openBook().book.list()[0]).toMatchObject({ id: alarm.id, revision: 1, updatedAt: '2026-12-04T08:00:05.000Z', clearReason: 'normal' });
    expect([revision, updatedAt, clearReason]).toEqual([2, '2026-12-04T08:00:00.000Z', 'normal']);
  });

  it('never reuses an id, even of a removed alarm', () => {
    const first = openBook({ maxCount: 0, maxAgeMs: HOUR_MS });
    const one = first.book.open(opening('d1'));
    first.book.clear(one, T0_MS);
    expect(first.book.list()).toEqual([]);
    first.close();
    const second = openBook();
    expect(second.book.open(opening('d1')).id).toBe('2');
  });

  it('removes cleared alarms beyond the count, and past the age, with an empty retained message', () => {
    let nowMs = T0_MS;
    const { book, published } = openBook({ maxCount: 2, maxAgeMs: HOUR_MS }, () => nowMs);
    const alarms = ['d1', 'd2', 'd3'].map((device) => book.open(opening(device)));
    alarms.forEach((alarm, index) => book.clear(alarm, T0_MS + index * 1000));
    expect(book.list().map((alarm) => alarm.id)).toEqual(['2', '3']);
    expect(published).toContainEqual({ topic: 'wasmote/lab/$edge/alarms/1', payload: null, qos: 1, retain: true });
    const active = book.open(opening('d4'));
    nowMs = T0_MS + 2 * HOUR_MS;
    book.prune();
    expect(book.list().map((alarm) => alarm.id)).toEqual([active.id]);
    expect(published.filter((entry) => entry.payload === null).map((entry) => entry.topic)).toEqual(['1', '2', '3'].map((id) => `wasmote/lab/$edge/alarms/${id}`));
  });

  it('acknowledges an open alarm once, refuses a cleared one, and names an unknown one', () => {
    const { book } = openBook(undefined, () => T0_MS + 5000);
    const open = book.open(opening('d1'));
    expect(book.acknowledge(open.id, 'alice')).toMatchObject({ ok: true, alarm: { state: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: '2026-12-04T08:00:05.000Z' } });
    expect(book.acknowledge(open.id, 'bob')).toMatchObject({ ok: true, alarm: { acknowledgedBy: 'alice' } });
    expect(book.active('d1', 'detector')?.state).toBe('acknowledged');
    book.clear(book.active('d1', 'detector')!, T0_MS + 9000);
    expect(book.list()[0]).toMatchObject({ state: 'cleared', acknowledgedBy: 'alice' });
    const cleared = book.open(opening('d2'));
    book.clear(cleared, T0_MS);
    expect(book.acknowledge(cleared.id, 'bob')).toEqual({ ok: false, error: 'already-cleared', detail: `alarm ${cleared.id} cleared at 2026-12-04T08:00:00.000Z (normal)` });
    expect(book.list().find((alarm) => alarm.id === cleared.id)).toMatchObject({ acknowledgedBy: null });
    expect(book.acknowledge('99', 'bob')).toEqual({ ok: false, error: 'unknown-alarm', detail: 'no alarm 99 on this edge' });
  });

  it('refuses a second process on the same file', () => {
    openBook();
    expect(() => new SqliteAlarmStore(storePath)).toThrow(/open in another process/);
  });
});
