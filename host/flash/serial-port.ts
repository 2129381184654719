import { readSync, writeSync } from 'node:fs';
import { autoDetect, type BindingPortInterface, type PortInfo } from '@serialport/bindings-cpp';
import { systemClock, type Clock } from './clock.ts';
import { PortError, ReadTimeoutError } from './errors.ts';
import type { BootloaderPort, ModemSignals, PortOptions } from './port.ts';

/** Bytes asked of the OS per read call: larger than any AN3155 frame (256 data bytes + framing). */
const READ_CHUNK_BYTES = 4096;
const DATA_BITS = 8;
const WOULD_BLOCK = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the Unix bindings (Linux, macOS) expose beyond the interface: the non-blocking fd and its poller. */
interface UnixBinding extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable' | 'writable', callback: (error: Error | null) => void): unknown };
}

function isUnixBinding(binding: BindingPortInterface): binding is UnixBinding {
  return 'fd' in binding && 'poller' in binding;
}
const STOP_BITS = 1;

/** The serial ports the OS knows, as @serialport/bindings-cpp lists them. */
export async function listSerialPorts(): Promise<PortInfo[]> {
  return autoDetect().list();
}

/**
 * A BootloaderPort over a real serial line (or a pseudo-terminal) through @serialport/bindings-cpp.
 * A pump reads continuously into a buffer so that bytes arriving between two reads are never lost.
 *
 * On Unix the bytes move with non-blocking reads and writes on the main thread, woken by the binding's poller;
 * the binding's own read() and write() go through libuv's thread pool, which costs about a quarter of a
 * millisecond per exchange, or 3 % of the write speed at 115200 baud (each 256-byte block waits for three ACKs).
 */
export class SerialBootloaderPort implements BootloaderPort {
  private buffered: number[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly binding: BindingPortInterface,
    private readonly path: string,
    private readonly clock: Clock,
  ) {
    void this.pump();
  }

  static async open(options: PortOptions, clock: Clock = systemClock): Promise<SerialBootloaderPort> {
    try {
      const binding = await autoDetect().open({
        path: options.path,
        baudRate: options.baudRate,
        dataBits: DATA_BITS,
        stopBits: STOP_BITS,
        parity: options.parity,
      });
      return new SerialBootloaderPort(binding, options.path, clock);
    } catch (error) {
      throw new PortError(`cannot open ${options.path}: ${messageOf(error)}`);
    }
  }

  /** Reads what is there, or waits until something is. */
  private async readChunk(chunk: Buffer): Promise<number> {
    const binding = this.binding;
    if (!isUnixBinding(binding)) return (await binding.read(chunk, 0, chunk.length)).bytesRead;
    for (;;) {
      if (binding.fd === null) throw Object.assign(new Error('closed'), { canceled: true });
      try {
        return readSync(binding.fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if (!WOULD_BLOCK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        await waitFor(binding, 'readable');
      }
    }
  }

  private async writeAll(bytes: Buffer): Promise<void> {
    const binding = this.binding;
    if (!isUnixBinding(binding)) return binding.write(bytes);
    let offset = 0;
    while (offset < bytes.length) {
      if (binding.fd === null) throw new Error('closed');
      try {
        offset += writeSync(binding.fd, bytes, offset);
      } catch (error) {
        if (!WOULD_BLOCK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        await waitFor(binding, 'writable');
      }
    }
  }

  private async pump(): Promise<void> {
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    while (this.binding.isOpen) {
      try {
        const bytesRead = await this.readChunk(chunk);
        for (let i = 0; i < bytesRead; i++) this.buffered.push(chunk[i]!);
      } catch (error) {
        if (!(error as { canceled?: boolean }).canceled) {
          this.failure = new PortError(`${this.path} failed: ${messageOf(error)}`);
        }
        this.wake?.();
        return;
      }
      this.wake?.();
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await this.writeAll(Buffer.from(bytes));
    } catch (error) {
      throw new PortError(`cannot write to ${this.path}: ${messageOf(error)}`);
    }
  }

  async read(length: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = this.clock.nowMs() + timeoutMs;
    while (this.buffered.length < length) {
      if (this.failure) throw this.failure;
      if (!this.binding.isOpen) throw new PortError(`${this.path} is closed`);
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) throw new ReadTimeoutError(length, timeoutMs);
      const stop = new AbortController();
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      const sleeping = Number.isFinite(remainingMs) ? this.clock.sleep(remainingMs, stop.signal) : new Promise<void>(() => {});
      await Promise.race([arrived, sleeping]);
      stop.abort();
      this.wake = undefined;
    }
    return Uint8Array.from(this.buffered.splice(0, length));
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    try {
      await this.binding.set({ dtr: signals.dtr, rts: signals.rts });
    } catch (error) {
      throw new PortError(
        `cannot drive DTR/RTS on ${this.path} (${messageOf(error)}); pseudo-terminals have no modem lines: ` +
          'use --reset-sequence none',
      );
    }
  }

  async flush(): Promise<void> {
    await this.binding.flush();
    this.buffered = [];
  }

  async close(): Promise<void> {
    if (this.binding.isOpen) await this.binding.close();
  }
}

function waitFor(binding: UnixBinding, event: 'readable' | 'writable'): Promise<void> {
  return new Promise((resolve, reject) => binding.poller.once(event, (error) => (error ? reject(error) : resolve())));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
