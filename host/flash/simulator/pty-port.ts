import { constants, openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import { ByteQueue } from '../byte-queue.ts';
import type { Clock } from '../clock.ts';
import { PortError } from '../errors.ts';
import type { ArrivalHandler, BootloaderPort, ModemSignals } from '../port.ts';

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
    if (this.stream.destroyed) throw new PortError(`${this.path} is closed`);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
  }

  read(length: number, timeoutMs: number, onArrival?: ArrivalHandler): Promise<Uint8Array> {
    return this.received.take(length, timeoutMs, onArrival);
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
