import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../../host/edge/outbox/memory-outbox.ts';
import {
  type BacklogLimits,
  type Outbox,
  OutboxClosedError,
  OutboxFullError,
  type OutboxObserver,
} from '../../../host/edge/outbox/outbox.ts';
import { SqliteOutbox } from '../../../host/edge/outbox/sqlite-outbox.ts';
import { RecordError } from '../../../host/edge/record.ts';
import { makeRecord, makeRecords, recordNumber } from '../support/records.ts';
import { tempDir } from '../../../bench/peers.ts';

/** Both implementations keep one contract; SqliteOutbox's disk behaviour has its own file. */

const LIMITS: BacklogLimits = { maxRecords: 1000, maxBytes: 1_000_000, overflow: 'drop-oldest', maxRecordBytes: 4096 };

function observer(): OutboxObserver & { counts: { committed: number; dropped: number; rejected: number } } {
  const counts = { committed: 0, dropped: 0, rejected: 0 };
  return {
    counts,
    committed: (records) => void (counts.committed += records),
    dropped: (records) => void (counts.dropped += records),
    rejected: (records) => void (counts.rejected += records),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Open = (sinks: string[], limits?: Partial<BacklogLimits>, watch?: OutboxObserver) => Outbox;

const implementations: [string, Open][] = [
  ['MemoryOutbox', (sinks, limits, watch) => new MemoryOutbox(sinks, { ...LIMITS, ...limits }, watch)],
  [
    'SqliteOutbox',
    (sinks, limits, watch) => {
      const dir = tempDir('outbox');
      const outbox = SqliteOutbox.open({
        path: `${dir.path}/outbox.db`,
        sinks,
        limits: { ...LIMITS, ...limits },
        durability: 'normal',
        commitIntervalMs: 1,
        commitMaxRecords: 256,
        observer: watch,
      });
      cleanups.push(async () => {
        await outbox.close();
        dir.remove();
      });
      return outbox;
    },
  ],
];

const numbers = (records: { payload: Uint8Array }[]): number[] => records.map((record) => recordNumber(record.payload));

describe.each(implementations)('%s', (_name, open) => {
  it('gives each sink the records after its cursor, oldest first, with consecutive positions from 1', async () => {
    const outbox = open(['nats', 'mqtt']);
    await outbox.append(makeRecords(0, 5));
    await outbox.append(makeRecords(5, 3));
    const read = await outbox.read('nats', 10);
    expect(read.map((record) => record.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(numbers(read)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(read[2]).toMatchObject({ key: { deviceId: 'dev-2', session: 1, seq: 2 }, subject: 'dev-2/data' });
    expect(numbers(await outbox.read('mqtt', 3))).toEqual([0, 1, 2]);
  });

  it('moves one sink on without the other, and lets a record go once every sink has it', async () => {
    const outbox = open(['nats', 'mqtt']);
    await outbox.append(makeRecords(0, 10, { payloadBytes: 100 }));
    outbox.ack('nats', 10);
    outbox.ack('mqtt', 4);
    expect(await outbox.read('nats', 10)).toEqual([]);
    expect(numbers(await outbox.read('mqtt', 2))).toEqual([4, 5]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outbox.stats()).toEqual({ records: 6, bytes: 600, pendingBySink: { nats: 0, mqtt: 6 } });
    outbox.ack('mqtt', 10);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outbox.stats()).toEqual({ records: 0, bytes: 0, pendingBySink: { nats: 0, mqtt: 0 } });
  });

  it('ignores an ack that does not move the cursor on, and refuses one past the newest record', async () => {
    const outbox = open(['nats']);
    await outbox.append(makeRecords(0, 3));
    outbox.ack('nats', 2);
    outbox.ack('nats', 1);
    expect(numbers(await outbox.read('nats', 5))).toEqual([2]);
    expect(() => outbox.ack('nats', 4)).toThrow('ack position 4 for sink nats is not a stored position (newest 3)');
    expect(() => outbox.ack('other', 1)).toThrow('no sink named "other"');
  });

  it('drop-oldest: keeps the newest maxRecords, counts the dropped, and moves cursors past them', async () => {
    const watch = observer();
    const outbox = open(['nats', 'mqtt'], { maxRecords: 5 }, watch);
    await outbox.append(makeRecords(0, 4));
    outbox.ack('nats', 2);
    await outbox.append(makeRecords(4, 4));
    expect(watch.counts).toEqual({ committed: 8, dropped: 3, rejected: 0 });
    expect(outbox.stats().records).toBe(5);
    expect(numbers(await outbox.read('nats', 10))).toEqual([3, 4, 5, 6, 7]);
    expect(numbers(await outbox.read('mqtt', 10))).toEqual([3, 4, 5, 6, 7]);
  });

  it('drop-oldest: keeps the payload bytes within maxBytes', async () => {
    const watch = observer();
    const outbox = open(['nats'], { maxBytes: 1000 }, watch);
    await outbox.append(makeRecords(0, 12, { payloadBytes: 100 }));
    expect(outbox.stats()).toMatchObject({ records: 10, bytes: 1000 });
    expect(watch.counts.dropped).toBe(2);
    expect(numbers(await outbox.read('nats', 1))).toEqual([2]);
  });

  it('reject-new: refuses the whole append that does not fit, keeps what was there, and counts it', async () => {
    const watch = observer();
    const outbox = open(['nats'], { maxRecords: 5, overflow: 'reject-new' }, watch);
    await outbox.append(makeRecords(0, 4));
    const full = outbox.append(makeRecords(4, 2));
    await expect(full).rejects.toBeInstanceOf(OutboxFullError);
    await expect(full).rejects.toThrow('2 records (');
    expect(watch.counts).toEqual({ committed: 4, dropped: 0, rejected: 2 });
    expect(numbers(await outbox.read('nats', 10))).toEqual([0, 1, 2, 3]);
    outbox.ack('nats', 2);
    await outbox.append(makeRecords(4, 2)); // room again once the sink has taken two
    expect(numbers(await outbox.read('nats', 10))).toEqual([2, 3, 4, 5]);
  });

  it('refuses a record it could never deliver, naming the record and field, and stores none of the append', async () => {
    const outbox = open(['nats'], { maxRecordBytes: 100 });
    const bad = { ...makeRecord(1), key: { deviceId: 'dev-1', session: 1, seq: 70_000 } };
    await expect(outbox.append([makeRecord(0), bad])).rejects.toThrow('record 1: key.seq must be a u16 (got 70000)');
    await expect(outbox.append([makeRecord(0, { payloadBytes: 101 })])).rejects.toThrow(
      'record 0: payload is 101 bytes, over maxRecordBytes 100',
    );
    await expect(outbox.append([makeRecord(0, { payloadBytes: 101 })])).rejects.toBeInstanceOf(RecordError);
    expect(outbox.stats().records).toBe(0);
  });

  it('tells listeners after a commit that stored records', async () => {
    const outbox = open(['nats']);
    let calls = 0;
    const remove = outbox.onAppend(() => calls++);
    await outbox.append(makeRecords(0, 2));
    expect(calls).toBe(1);
    remove();
    await outbox.append(makeRecords(2, 2));
    expect(calls).toBe(1);
  });

  it('refuses appends once closed', async () => {
    const outbox = open(['nats']);
    await outbox.close();
    await expect(outbox.append(makeRecords(0, 1))).rejects.toBeInstanceOf(OutboxClosedError);
  });
});
