import { readSync, writeSync } from 'node:fs';
import { autoDetect, type BindingPortInterface, type PortInfo } from '@serialport/bindings-cpp';
import { systemClock, type Clock } from './clock.ts';
import { ByteQueue } from './byte-queue.ts';
import { PortError } from './errors.ts';
import type { BootloaderPort, ModemSignals, PortOptions } from './port.ts';

/** Bytes asked of the OS per read call: larger than any AN3155 frame (256 data bytes + framing). */
const READ_CHUNK_BYTES = 4096;
/** AN3155 §1: 8 data bits, 1 stop bit (parity from the options). */
const DATA_BITS = 8;
const STOP_BITS = 1;
const WOULD_BLOCK = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the Unix bindings (Linux, macOS) expose beyond the interface: the non-blocking fd and its poller. */
interface UnixBinding extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable' | 'writable', callback: (error: Error | null) => void): unknown };
}

function isUnixBinding(binding: BindingPortInterface): binding is UnixBinding {
  return 'fd' in binding && 'poller' in binding;
}

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
 * millisecond per exchange: 3 % of the write speed at 115200 baud, where each 256-byte block waits for three
 * ACKs. Other platforms use the binding's read() and write().
 */
export class SerialBootloaderPort implements BootloaderPort {
  private readonly received: ByteQueue;

  private constructor(
    private readonly binding: BindingPortInterface,
    private readonly path: string,
    clock: Clock,
  ) {
    this.received = new ByteQueue(clock, path);
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

  /**
   * Waits until the port is readable (the poller is level-triggered, so bytes left over wake it at once), then
   * reads what is there; waiting first spares a failing read, and its exception, per chunk.
   */
  private async readChunk(chunk: Buffer): Promise<number> {
    const binding = this.binding;
    if (!isUnixBinding(binding)) return (await binding.read(chunk, 0, chunk.length)).bytesRead;
    for (;;) {
      await waitFor(binding, 'readable');
      if (binding.fd === null) throw Object.assign(new Error('closed'), { canceled: true });
      try {
        return readSync(binding.fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if (!WOULD_BLOCK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
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
        this.received.push(chunk.subarray(0, bytesRead));
      } catch (error) {
        const canceled = (error as { canceled?: boolean }).canceled;
        this.received.end(canceled ? undefined : new PortError(`${this.path} failed: ${messageOf(error)}`));
        return;
      }
    }
    this.received.end();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.binding.isOpen) throw new PortError(`${this.path} is closed`);
    try {
      await this.writeAll(Buffer.from(bytes));
    } catch (error) {
      throw new PortError(`cannot write to ${this.path}: ${messageOf(error)}`);
    }
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.received.take(length, timeoutMs);
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
    this.received.clear();
  }

  async close(): Promise<void> {
    if (this.binding.isOpen) await this.binding.close();
    this.received.end();
  }
}

function waitFor(binding: UnixBinding, event: 'readable' | 'writable'): Promise<void> {
  return new Promise((resolve, reject) => binding.poller.once(event, (error) => (error ? reject(error) : resolve())));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
