import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../host/flash/byte-queue.ts';
import { ManualClock } from '../../host/flash/clock.ts';
import { ReadTimeoutError } from '../../host/flash/errors.ts';

describe('ByteQueue', () => {
  it('keeps bytes beyond a read for the next one', async () => {
    const queue = new ByteQueue(new ManualClock(), 'test');
    queue.push(Uint8Array.of(1, 2, 3));
    expect([...(await queue.take(2, 10))]).toEqual([1, 2]);
    queue.push(Uint8Array.of(4));
    expect([...(await queue.take(2, 10))]).toEqual([3, 4]);
  });

  it('calls the arrival handler inside push, before the reader resumes, once', async () => {
    const queue = new ByteQueue(new ManualClock(), 'test');
    const events: string[] = [];
    const read = queue.take(2, Infinity, (bytes) => events.push(`arrived ${[...bytes]}`)).then(() => events.push('resumed'));
    queue.push(Uint8Array.of(7));
    expect(events).toEqual([]);
    queue.push(Uint8Array.of(8, 9));
    expect(events).toEqual(['arrived 7,8']);
    await read;
    expect(events).toEqual(['arrived 7,8', 'resumed']);
  });

  it('calls the arrival handler at once for bytes already there', async () => {
    const queue = new ByteQueue(new ManualClock(), 'test');
    queue.push(Uint8Array.of(5));
    const arrived: number[][] = [];
    await queue.take(1, 10, (bytes) => arrived.push([...bytes]));
    expect(arrived).toEqual([[5]]);
  });

  it('hands a reply to the writer inside push when the first byte is its own, and only then', async () => {
    const queue = new ByteQueue(new ManualClock(), 'test');
    const events: string[] = [];
    const write = async (bytes: Uint8Array): Promise<void> => void events.push(`wrote ${[...bytes]}`);
    const reply = { onByte: 0x79, bytes: Uint8Array.of(1, 2) };
    const acked = queue.takeReplying(1, Infinity, reply, write).then(() => events.push('resumed'));
    queue.push(Uint8Array.of(0x79));
    expect(events).toEqual(['wrote 1,2']);
    await acked;
    const nacked = queue.takeReplying(1, Infinity, reply, write);
    queue.push(Uint8Array.of(0x1f));
    expect([...(await nacked)]).toEqual([0x1f]);
    expect(events).toEqual(['wrote 1,2', 'resumed']);
  });

  it('times out on the injected clock without calling the handler', async () => {
    const clock = new ManualClock();
    const queue = new ByteQueue(clock, 'test');
    let called = false;
    const read = queue.take(1, 50, () => (called = true));
    clock.advance(50);
    await expect(read).rejects.toBeInstanceOf(ReadTimeoutError);
    queue.push(Uint8Array.of(1));
    expect(called).toBe(false);
  });
});
