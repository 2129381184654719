import { closeSync, constants, openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import type { Clock } from '../clock.ts';
import { PortError, ReadTimeoutError } from '../errors.ts';
import type { BootloaderPort, ModemSignals } from '../port.ts';

/**
 * The simulator's end of the pseudo-terminal pair, read through Node's own TTY stream (events on the main loop)
 * and written synchronously, so the simulated bootloader adds as little latency as possible of its own. A pty
 * has no modem lines, so setSignals is refused.
 */
export class PtyDevicePort implements BootloaderPort {
  private buffered: number[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly stream: tty.ReadStream;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
  ) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
    this.stream = new tty.ReadStream(this.fd);
    this.stream.setRawMode(true);
    this.stream.on('data', (chunk: Buffer) => {
      for (const byte of chunk) this.buffered.push(byte);
      this.wake?.();
    });
    this.stream.on('error', () => this.shut());
  }

  private readonly fd: number;

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new PortError(`${this.path} is closed`);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
  }

  async read(length: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = this.clock.nowMs() + timeoutMs;
    while (this.buffered.length < length) {
      if (this.closed) throw new PortError(`${this.path} is closed`);
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) throw new ReadTimeoutError(length, timeoutMs);
      const stop = new AbortController();
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      await Promise.race([arrived, Number.isFinite(remainingMs) ? this.clock.sleep(remainingMs, stop.signal) : arrived]);
      stop.abort();
      this.wake = undefined;
    }
    return Uint8Array.from(this.buffered.splice(0, length));
  }

  async setSignals(_signals: ModemSignals): Promise<void> {
    throw new PortError(`${this.path} is a pseudo-terminal: it has no DTR or RTS`);
  }

  async flush(): Promise<void> {
    this.buffered = [];
  }

  async close(): Promise<void> {
    this.shut();
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
    this.wake?.();
  }
}
