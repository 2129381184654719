import { PortError, ReadTimeoutError } from './errors.ts';
import type { Clock } from './clock.ts';
import type { ReplyOnArrival } from './port.ts';

/** Called with a read's bytes once they are all in, before the read resolves. */
type ArrivalHandler = (bytes: Uint8Array) => void;

/** A read waiting for bytes: its count, the handler still to call, and how to resume it. */
interface Waiter {
  count: number;
  onArrival: ArrivalHandler | undefined;
  resume: () => void;
}

/**
 * Bytes received and not yet read, shared by the real port implementations: producers push chunks as they
 * arrive; `take` waits for a count of them with a timeout on the injected clock, and calls its arrival handler
 * from inside `push`, in the producer's own callback, once they are all in.
 */
export class ByteQueue {
  private bytes = new Uint8Array(0);
  private head = 0;
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  /** When the last bytes were pushed, on the clock. */
  lastPushMs = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly name: string,
  ) {}

  get length(): number {
    return this.bytes.length - this.head;
  }

  push(chunk: Uint8Array): void {
    const merged = new Uint8Array(this.length + chunk.length);
    merged.set(this.bytes.subarray(this.head));
    merged.set(chunk, this.length);
    this.bytes = merged;
    this.head = 0;
    this.lastPushMs = this.clock.nowMs();
    const waiter = this.waiter;
    if (waiter?.onArrival && this.length >= waiter.count) {
      waiter.onArrival(this.bytes.slice(this.head, this.head + waiter.count));
      waiter.onArrival = undefined;
    }
    waiter?.resume();
  }

  /** No more bytes will come: readers get this error (or 'closed') once the queue runs dry. */
  end(failure: Error = new PortError(`${this.name} is closed`)): void {
    this.failure ??= failure;
    this.waiter?.resume();
  }

  /**
   * `take`, and `reply` handed to `write` from inside `push` when the first byte is its own; resolves once that
   * write has.
   */
  async takeReplying(count: number, timeoutMs: number, reply: ReplyOnArrival | undefined, write: (bytes: Uint8Array) => Promise<void>): Promise<Uint8Array> {
    let sent: Promise<void> | undefined;
    const onArrival = reply
      ? (bytes: Uint8Array): void => {
          if (bytes[0] === reply.onByte) sent = write(reply.bytes);
        }
      : undefined;
    const bytes = await this.take(count, timeoutMs, onArrival);
    await sent;
    return bytes;
  }

  clear(): void {
    this.bytes = new Uint8Array(0);
    this.head = 0;
  }

  async take(count: number, timeoutMs: number, onArrival?: ArrivalHandler): Promise<Uint8Array> {
    const deadline = this.clock.nowMs() + timeoutMs;
    const waiter: Waiter = { count, onArrival, resume: () => {} };
    while (this.length < count) {
      if (this.failure) throw this.failure;
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) throw new ReadTimeoutError(count, timeoutMs);
      let cancel: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        waiter.resume = resolve;
        this.waiter = waiter;
        if (Number.isFinite(remainingMs)) cancel = this.clock.schedule(remainingMs, resolve);
      });
      cancel?.();
      this.waiter = undefined;
    }
    const out = this.bytes.slice(this.head, this.head + count);
    this.head += count;
    waiter.onArrival?.(out);
    return out;
  }
}
