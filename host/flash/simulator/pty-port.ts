import { constants, openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import { ByteQueue } from '../byte-queue.ts';
import type { Clock } from '../clock.ts';
import { PortError } from '../errors.ts';
import type { BootloaderPort, ModemSignals, ReplyOnArrival } from '../port.ts';

const FULL_BUFFER_RETRY_MS = 1;

/**
 * The simulator's end of the pseudo-terminal pair, read through Node's own TTY stream (events on the main loop)
 * and written synchronously, so the simulated bootloader adds as little latency as possible of its own. A pty
 * has no modem lines, so setSignals is refused.
 */
export class PtyDevicePort implements BootloaderPort {
  private readonly fd: number;
  private readonly stream: tty.ReadStream;
  private readonly received: ByteQueue;

  constructor(
    private readonly path: string,
    clock: Clock,
  ) {
    this.received = new ByteQueue(clock, path);
    this.fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
    this.stream = new tty.ReadStream(this.fd);
    this.stream.setRawMode(true);
    this.stream.on('data', (chunk: Buffer) => this.received.push(chunk));
    this.stream.on('error', (error) => this.received.end(new PortError(`${path} failed: ${error.message}`)));
    this.stream.on('close', () => this.received.end());
  }

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.stream.destroyed) throw new PortError(`${this.path} is closed`);
      try {
        offset += writeSync(this.fd, bytes, offset);
      } catch (error) {
        // The descriptor is non-blocking (it is the TTY stream's too): a full pty buffer drains as the far end reads.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await new Promise((resolve) => setTimeout(resolve, FULL_BUFFER_RETRY_MS));
      }
    }
  }

  read(length: number, timeoutMs: number, reply?: ReplyOnArrival): Promise<Uint8Array> {
    return this.received.takeReplying(length, timeoutMs, reply, (bytes) => this.write(bytes));
  }

  /** When bytes last arrived, on the port's clock. */
  get lastArrivalMs(): number {
    return this.received.lastPushMs;
  }

  async setSignals(_signals: ModemSignals): Promise<void> {
    throw new PortError(`${this.path} is a pseudo-terminal: it has no DTR or RTS`);
  }

  async flush(): Promise<void> {
    this.received.clear();
  }

  async close(): Promise<void> {
    this.stream.destroy();
    this.received.end();
  }
}
