import { Worker } from 'node:worker_threads';
import { ByteQueue } from './byte-queue.ts';
import type { Clock } from './clock.ts';
import { PortError } from './errors.ts';
import type { ReplyOnArrival } from './port.ts';

/** Control words shared with line-thread.js. */
const WORDS = { stop: 0, written: 1, read: 2, arm: 3, replyByte: 4, replyLength: 5, failed: 6, count: 7 };
/** The arming's states: the main thread arms, the line thread fires (or drops it on another byte). */
const ARM = { idle: 0, armed: 1, firing: 2, sent: 3 };
const RING_BYTES = 64 * 1024;
/** Larger than any AN3155 frame: 256 data bytes and their count and checksum. */
const REPLY_BYTES = 512;
const CHUNK_BYTES = 4096;
const CONTROL_BYTES = WORDS.count * Int32Array.BYTES_PER_ELEMENT;
const LAYOUT = {
  words: WORDS,
  arm: ARM,
  ringOffset: CONTROL_BYTES,
  ringBytes: RING_BYTES,
  replyOffset: CONTROL_BYTES + RING_BYTES,
  replyBytes: REPLY_BYTES,
  chunkBytes: CHUNK_BYTES,
};

/**
 * Receives from a serial port (Unix) on a thread of its own that blocks in read(), and hands the bytes to this
 * thread's ByteQueue. A read can arm a reply that the line thread sends the moment the expected byte arrives: the
 * next AN3155 frame then waits neither for this thread's event loop nor for its code to resume, as a C flasher
 * blocked in read() would answer. The port must be opened with VMIN 0 and VTIME 1 (the thread's reads return
 * within 0.1 s, so it sees the stop flag).
 */
export class LineReader {
  private readonly shared = new SharedArrayBuffer(CONTROL_BYTES + RING_BYTES + REPLY_BYTES);
  private readonly control = new Int32Array(this.shared, 0, WORDS.count);
  private readonly ring = new Uint8Array(this.shared, LAYOUT.ringOffset, RING_BYTES);
  private readonly reply = new Uint8Array(this.shared, LAYOUT.replyOffset, REPLY_BYTES);
  private readonly received: ByteQueue;
  private readonly thread: Worker;
  private readonly exited: Promise<void>;
  /** Bytes taken from the ring so far. */
  private consumed = 0;

  constructor(
    private readonly path: string,
    clock: Clock,
  ) {
    this.received = new ByteQueue(clock, path);
    this.thread = new Worker(new URL('./line-thread.js', import.meta.url), {
      workerData: { path, shared: this.shared, layout: LAYOUT },
    });
    this.thread.on('message', (message: { error?: string }) => {
      if (message.error) this.received.end(new PortError(`${path} failed: ${message.error}`));
    });
    this.exited = new Promise((resolve) => this.thread.once('exit', () => resolve()));
    void this.pump();
  }

  /** Moves what the line thread delivered into the ByteQueue, waiting on its counter between deliveries. */
  private async pump(): Promise<void> {
    while (Atomics.load(this.control, WORDS.stop) === 0 && Atomics.load(this.control, WORDS.failed) === 0) {
      const written = Atomics.load(this.control, WORDS.written);
      if (written === this.consumed) {
        const wait = Atomics.waitAsync(this.control, WORDS.written, written);
        if (wait.async) await wait.value;
        continue;
      }
      const bytes = new Uint8Array(written - this.consumed);
      for (let i = 0; i < bytes.length; i++) bytes[i] = this.ring[(this.consumed + i) % RING_BYTES]!;
      this.consumed = written;
      Atomics.store(this.control, WORDS.read, written);
      Atomics.notify(this.control, WORDS.read);
      this.received.push(bytes);
    }
  }

  /**
   * Exactly `length` bytes (ByteQueue.take). With `reply`: armed in the line thread when nothing is waiting to
   * be read, so it goes out as the next byte arrives; sent from here if that byte was already in.
   */
  async read(length: number, timeoutMs: number, reply: ReplyOnArrival | undefined, write: (bytes: Uint8Array) => Promise<void>): Promise<Uint8Array> {
    if (!reply) return this.received.take(length, timeoutMs);
    if (reply.bytes.length > REPLY_BYTES) throw new RangeError(`a reply of ${reply.bytes.length} bytes is more than ${REPLY_BYTES}`);
    // Only when nothing received is still on its way here is the next byte to arrive this read's first.
    const armed = this.received.length === 0 && Atomics.load(this.control, WORDS.written) === this.consumed;
    if (armed) this.arm(reply);
    let bytes: Uint8Array;
    let sent = false;
    try {
      bytes = await this.received.take(length, timeoutMs);
    } finally {
      if (armed) sent = this.disarm();
    }
    if (bytes[0] === reply.onByte && !sent) await write(reply.bytes);
    return bytes;
  }

  private arm(reply: ReplyOnArrival): void {
    this.reply.set(reply.bytes);
    Atomics.store(this.control, WORDS.replyByte, reply.onByte);
    Atomics.store(this.control, WORDS.replyLength, reply.bytes.length);
    Atomics.store(this.control, WORDS.arm, ARM.armed);
  }

  /**
   * Ends the arming, and tells whether the line thread sent the reply (or dropped it on another byte, or never
   * saw the byte: it had come before the arming).
   */
  private disarm(): boolean {
    for (;;) {
      const state = Atomics.compareExchange(this.control, WORDS.arm, ARM.armed, ARM.idle);
      if (state === ARM.firing) {
        Atomics.wait(this.control, WORDS.arm, ARM.firing);
        continue;
      }
      Atomics.store(this.control, WORDS.arm, ARM.idle);
      return state === ARM.sent;
    }
  }

  clear(): void {
    this.received.clear();
  }

  async close(): Promise<void> {
    Atomics.store(this.control, WORDS.stop, 1);
    Atomics.notify(this.control, WORDS.read);
    Atomics.notify(this.control, WORDS.written);
    await this.exited;
    this.received.end();
  }
}
