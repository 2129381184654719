import { constants, openSync, writeSync } from 'node:fs';
import tty from 'node:tty';
import { autoDetect, type BindingPortInterface, type PortInfo } from '@serialport/bindings-cpp';
import { systemClock, type Clock } from './clock.ts';
import { ByteQueue } from './byte-queue.ts';
import { PortError } from './errors.ts';
import type { ArrivalHandler, BootloaderPort, ModemSignals, PortOptions } from './port.ts';

/** Bytes asked of the OS per read call: larger than any AN3155 frame (256 data bytes + framing). */
const READ_CHUNK_BYTES = 4096;
/** AN3155 §1: 8 data bits, 1 stop bit (parity from the options). */
const DATA_BITS = 8;
const STOP_BITS = 1;
const WOULD_BLOCK = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the Unix bindings (Linux, macOS) expose beyond the interface: the non-blocking fd and its poller. */
interface UnixBinding extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'writable', callback: (error: Error | null) => void): unknown };
}

function isUnixBinding(binding: BindingPortInterface): binding is UnixBinding {
  return 'fd' in binding && 'poller' in binding;
}

/** The serial ports the OS knows, as @serialport/bindings-cpp lists them. */
export async function listSerialPorts(): Promise<PortInfo[]> {
  return autoDetect().list();
}

/**
 * A BootloaderPort over a real serial line (or a pseudo-terminal) through @serialport/bindings-cpp, which opens
 * and configures the port (8E1 or 8N1, raw, locked) and drives DTR/RTS. Bytes received are buffered as they
 * arrive, so none are lost between two reads.
 *
 * On Unix the bytes move on the main thread: writes go straight to the binding's non-blocking descriptor, and
 * reads come from Node's TTY stream on a second descriptor of the same port, which stays registered with the
 * event loop. The binding's own read() and write() go through libuv's thread pool, about a quarter of a
 * millisecond per exchange (3 % of the write speed at 115200 baud, where each 256-byte block waits for three
 * ACKs); its poller takes the descriptor out of epoll and puts it back for every read, three more system calls
 * and another tenth of a millisecond per block. Other platforms use the binding's read() and write().
 */
export class SerialBootloaderPort implements BootloaderPort {
  private readonly received: ByteQueue;
  private readonly reader: tty.ReadStream | undefined;

  private constructor(
    private readonly binding: BindingPortInterface,
    private readonly path: string,
    clock: Clock,
  ) {
    this.received = new ByteQueue(clock, path);
    if (isUnixBinding(binding)) this.reader = this.startReader();
    else void this.pump();
  }

  static async open(options: PortOptions, clock: Clock = systemClock): Promise<SerialBootloaderPort> {
    let binding: BindingPortInterface | undefined;
    try {
      binding = await autoDetect().open({
        path: options.path,
        baudRate: options.baudRate,
        dataBits: DATA_BITS,
        stopBits: STOP_BITS,
        parity: options.parity,
      });
      return new SerialBootloaderPort(binding, options.path, clock);
    } catch (error) {
      if (binding?.isOpen) await binding.close();
      throw new PortError(`cannot open ${options.path}: ${messageOf(error)}`);
    }
  }

  /** Unix: a TTY stream on the port, pushing what arrives as it arrives. */
  private startReader(): tty.ReadStream {
    const reader = new tty.ReadStream(openSync(this.path, constants.O_RDONLY | constants.O_NOCTTY));
    reader.on('data', (chunk: Buffer) => this.received.push(chunk));
    reader.on('error', (error) => this.received.end(new PortError(`${this.path} failed: ${error.message}`)));
    reader.on('close', () => this.received.end());
    return reader;
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
        await writable(binding);
      }
    }
  }

  /** Other platforms: the binding's read(), over and over. */
  private async pump(): Promise<void> {
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    while (this.binding.isOpen) {
      try {
        const { bytesRead } = await this.binding.read(chunk, 0, chunk.length);
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

  read(length: number, timeoutMs: number, onArrival?: ArrivalHandler): Promise<Uint8Array> {
    return this.received.take(length, timeoutMs, onArrival);
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
    this.reader?.destroy();
    if (this.binding.isOpen) await this.binding.close();
    this.received.end();
  }
}

function writable(binding: UnixBinding): Promise<void> {
  return new Promise((resolve, reject) => binding.poller.once('writable', (error) => (error ? reject(error) : resolve())));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
