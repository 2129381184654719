import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BacklogLimits, OutboxObserver } from '../../../host/edge/outbox/outbox.ts';
import { type Durability, SqliteOutbox, type SqliteOutboxOptions } from '../../../host/edge/outbox/sqlite-outbox.ts';
import { tempDir } from '../../../bench/peers.ts';
import { makeRecords, recordNumber } from '../support/records.ts';

const LIMITS: BacklogLimits = { maxRecords: 1_000_000, maxBytes: 1e9, overflow: 'drop-oldest', maxRecordBytes: 4096 };
const WRITER = path.join(import.meta.dirname, '..', 'support', 'outbox-writer.ts');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function databasePath(): string {
  const dir = tempDir('sqlite-outbox');
  cleanups.push(dir.remove);
  return path.join(dir.path, 'outbox.db');
}

function open(dbPath: string, options: Partial<SqliteOutboxOptions> = {}): SqliteOutbox {
  const outbox = SqliteOutbox.open({
    path: dbPath,
    sinks: ['nats'],
    limits: LIMITS,
    durability: 'normal',
    commitIntervalMs: 1,
    commitMaxRecords: 256,
    ...options,
  });
  cleanups.push(() => outbox.close());
  return outbox;
}

const readAll = async (outbox: SqliteOutbox, sink = 'nats') =>
  (await outbox.read(sink, 1_000_000)).map((record) => recordNumber(record.payload));

describe('SqliteOutbox on disk', () => {
  it('groups concurrent appends into few transactions and resolves each after its commit', async () => {
    const commits: number[] = [];
    const observer: OutboxObserver = { committed: (records) => commits.push(records), dropped: () => {}, rejected: () => {} };
    const outbox = open(databasePath(), { observer, commitIntervalMs: 5, commitMaxRecords: 256 });
    await Promise.all(Array.from({ length: 1000 }, (_, n) => outbox.append(makeRecords(n, 1))));
    expect(commits).toEqual([256, 256, 256, 232]);
    expect(await readAll(outbox)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });

  it('keeps records and cursors across a close and reopen; a sink added later starts at the oldest record held', async () => {
    const dbPath = databasePath();
    const first = open(dbPath);
    await first.append(makeRecords(0, 10));
    first.ack('nats', 4);
    await first.close();
    const second = open(dbPath, { sinks: ['nats', 'mqtt'] });
    expect(second.stats()).toMatchObject({ records: 6, pendingBySink: { nats: 6, mqtt: 6 } });
    expect(await readAll(second, 'nats')).toEqual([4, 5, 6, 7, 8, 9]);
    expect(await readAll(second, 'mqtt')).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('never reuses a position, even after every record has left', async () => {
    const dbPath = databasePath();
    const first = open(dbPath);
    await first.append(makeRecords(0, 3));
    first.ack('nats', 3);
    await first.close();
    const second = open(dbPath);
    expect(second.stats().records).toBe(0);
    await second.append(makeRecords(3, 1));
    expect((await second.read('nats', 5)).map((record) => record.position)).toEqual([4]);
  });

  it("keeps each device's last key after its records have left, across a close and reopen (docs/edge.md)", async () => {
    const dbPath = databasePath();
    const first = open(dbPath);
    await first.append(makeRecords(0, 10));
    expect(first.lastKeys().get('dev-1')).toEqual({ session: 1, seq: 9 });
    first.ack('nats', 10);
    await first.close();
    const second = open(dbPath);
    expect(second.stats().records).toBe(0);
    expect(Object.fromEntries(second.lastKeys())).toEqual({
      'dev-0': { session: 1, seq: 8 },
      'dev-1': { session: 1, seq: 9 },
      'dev-2': { session: 1, seq: 6 },
      'dev-3': { session: 1, seq: 7 },
    });
  });

  it("reopens with each device's newest key, whether its newest record has left or is still held", async () => {
    const dbPath = databasePath();
    const first = open(dbPath);
    await first.append(makeRecords(0, 10));
    // dev-0's and dev-1's newest records (8 and 9) stay; dev-2's and dev-3's (6 and 7) leave; older ones of dev-0
    // and dev-1 leave too, and must not stand for their newer keys.
    first.ack('nats', 8);
    await first.append([{ ...makeRecords(10, 1)[0]!, key: { deviceId: 'dev-2', session: 2, seq: 0 } }]);
    const expected = {
      'dev-0': { session: 1, seq: 8 },
      'dev-1': { session: 1, seq: 9 },
      'dev-2': { session: 2, seq: 0 },
      'dev-3': { session: 1, seq: 7 },
    };
    expect(Object.fromEntries(first.lastKeys())).toEqual(expected);
    expect(first.stats().records).toBe(3);
    // A copy of the files as they are, not closed: what the last commit left on disk is all a killed edge finds.
    const crashed = databasePath();
    for (const suffix of ['', '-wal']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, crashed + suffix);
    await first.close();
    const second = open(crashed);
    expect(Object.fromEntries(second.lastKeys())).toEqual(expected);
    second.ack('nats', 11);
    await second.close();
    expect(Object.fromEntries(open(crashed).lastKeys())).toEqual(expected);
  });

  it('forgets the cursor of a sink no longer configured, so it holds nothing back', async () => {
    const dbPath = databasePath();
    const first = open(dbPath, { sinks: ['nats', 'mqtt'] });
    await first.append(makeRecords(0, 5));
    first.ack('nats', 5);
    await first.close();
    expect(open(dbPath, { sinks: ['nats'] }).stats().records).toBe(0);
  });

  it("applies today's limits to the backlog it reopens, counting what it drops", async () => {
    const dbPath = databasePath();
    const first = open(dbPath);
    await first.append(makeRecords(0, 50));
    await first.close();
    let dropped = 0;
    const observer: OutboxObserver = { committed: () => {}, dropped: (n) => void (dropped += n), rejected: () => {} };
    const second = open(dbPath, { limits: { ...LIMITS, maxRecords: 10 }, observer });
    expect(dropped).toBe(40);
    expect(await readAll(second)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });

  it('reads the same records whether they come from its in-memory tail or, after a reopen, from the table', async () => {
    const dbPath = databasePath();
    const first = open(dbPath, { sinks: ['nats', 'mqtt'], commitMaxRecords: 4096 });
    // More than the tail keeps, in appends of several sizes, with one sink far behind and one keeping up.
    for (let from = 0; from < 20_000; from += 997) await first.append(makeRecords(from, Math.min(997, 20_000 - from)));
    first.ack('nats', 19_000);
    const plain = (records: Awaited<ReturnType<SqliteOutbox['read']>>) =>
      records.map(({ position, key, subject, payload, receivedAtMs }) => ({ position, key, subject, n: recordNumber(payload), receivedAtMs }));
    const kept = { behind: plain(await first.read('mqtt', 50_000)), keepingUp: plain(await first.read('nats', 50_000)) };
    await first.close();
    const second = open(dbPath, { sinks: ['nats', 'mqtt'] });
    expect(kept.behind).toHaveLength(20_000);
    expect(kept.keepingUp.map((record) => record.n)).toEqual(Array.from({ length: 1000 }, (_, n) => 19_000 + n));
    expect(plain(await second.read('mqtt', 50_000))).toEqual(kept.behind);
    expect(plain(await second.read('nats', 50_000))).toEqual(kept.keepingUp);
  });

  it('refuses a second opener while one holds the file', () => {
    const dbPath = databasePath();
    open(dbPath);
    expect(() => open(dbPath)).toThrow(`outbox ${dbPath} is open in another process`);
  });

  it.each<Durability>(['normal', 'full'])(
    'synchronous=%s: keeps every append that resolved across a SIGKILL of the appending process, once each',
    async (durability) => {
      const dbPath = databasePath();
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, durability], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      cleanups.push(async () => {
        child.kill('SIGKILL');
        await exited;
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let ackedThrough = 0;
      let buffered = '';
      await new Promise<void>((resolve, reject) => {
        const kill = (): void => {
          child.kill('SIGKILL');
          resolve();
        };
        let killTimer: NodeJS.Timeout | undefined;
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const match = /^acked (\d+)$/.exec(line);
            if (match) ackedThrough = Math.max(ackedThrough, Number(match[1]));
          }
          // Kill mid-stream: after thousands of records, or a while after the first commit on a slow machine.
          if (ackedThrough >= 5000) kill();
          else if (ackedThrough > 0) killTimer ??= setTimeout(kill, 5000);
        });
        child.once('exit', () => {
          clearTimeout(killTimer);
          reject(new Error(`writer exited before the kill (acked ${ackedThrough}):\n${stderr}`));
        });
      });
      expect(await exited).toBe('SIGKILL');
      expect(ackedThrough).toBeGreaterThan(0);

      const outbox = open(dbPath);
      const held = await readAll(outbox);
      // Everything acknowledged is there; anything beyond is whole appends committed before the kill; no repeats.
      expect(held.length).toBeGreaterThanOrEqual(ackedThrough);
      expect(held).toEqual(Array.from({ length: held.length }, (_, n) => n));
      const positions = (await outbox.read('nats', 1_000_000)).map((record) => record.position);
      expect(positions).toEqual(Array.from({ length: held.length }, (_, n) => n + 1));
    },
    60_000,
  );
});
