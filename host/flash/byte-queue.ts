import { PortError, ReadTimeoutError } from './errors.ts';
import type { Clock } from './clock.ts';

/**
 * Bytes received and not yet read, shared by the real port implementations: producers push chunks as they
 * arrive; `take` waits for a count of them with a timeout on the injected clock.
 */
export class ByteQueue {
  private bytes = new Uint8Array(0);
  private head = 0;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

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
    this.wake?.();
  }

  /** No more bytes will come: readers get this error (or 'closed') once the queue runs dry. */
  end(failure: Error = new PortError(`${this.name} is closed`)): void {
    this.failure ??= failure;
    this.wake?.();
  }

  clear(): void {
    this.bytes = new Uint8Array(0);
    this.head = 0;
  }

  async take(count: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = this.clock.nowMs() + timeoutMs;
    while (this.length < count) {
      if (this.failure) throw this.failure;
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) throw new ReadTimeoutError(count, timeoutMs);
      let cancel: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (Number.isFinite(remainingMs)) cancel = this.clock.schedule(remainingMs, resolve);
      });
      cancel?.();
      this.wake = undefined;
    }
    const out = this.bytes.slice(this.head, this.head + count);
    this.head += count;
    return out;
  }
}
