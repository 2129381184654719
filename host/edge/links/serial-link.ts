import { read } from 'node:fs';
import { promisify } from 'node:util';
import { autoDetect, type BindingPortInterface } from '@serialport/bindings-cpp';
import { LinkListeners, type LinkCloseReason } from './link-listeners.ts';
import type { DeviceLink } from './link.ts';

const readAsync = promisify(read);

/** The device link's UART framing: 8 data bits, no parity, 1 stop bit (8N1). */
const DATA_BITS = 8;
const STOP_BITS = 1;
const PARITY = 'none';
export const DEFAULT_BAUD_RATE = 115_200;
/** Bytes asked of the OS per read: several frames at once, and more than one maximal frame (§2: 1040 with its delimiter). */
const READ_CHUNK_BYTES = 4096;
/** What a read says when the line has gone: the adapter unplugged, the far end of a pseudo-terminal closed. */
const HUNG_UP_CODES = new Set(['EIO', 'ENXIO', 'ENODEV', 'EBADF']);
const TRY_AGAIN_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the Unix bindings (Linux, macOS) expose beyond the interface: the non-blocking fd and its poller. */
interface UnixBinding extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
}

function isUnixBinding(binding: BindingPortInterface): binding is UnixBinding {
  return 'fd' in binding && 'poller' in binding;
}

export class SerialOpenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SerialOpenError';
  }
}

/**
 * A serial port as a DeviceLink (`serial:<path>`), opened 8N1 through @serialport/bindings-cpp (which also takes
 * the port's exclusive lock). A line that hangs up — the adapter unplugged, a pseudo-terminal's far end closed —
 * closes the link as `unplugged`; another read or write failure closes it as `error`.
 *
 * On Unix the port's descriptor is read here, waiting on the binding's poller between reads, because the binding's
 * own read() retries at once, for ever, when a hung-up line reads as end-of-file. Other platforms use it as it is.
 */
export class SerialDeviceLink implements DeviceLink {
  readonly name: string;
  private readonly listeners = new LinkListeners();
  private writing: Promise<void> = Promise.resolve();
  private readonly reading: Promise<void>;
  /** Set while paused: reading waits for it (the UART driver's buffer holds what comes meanwhile). */
  private resumed: { promise: Promise<void>; resolve: () => void } | null = null;

  private constructor(
    readonly path: string,
    private readonly binding: BindingPortInterface,
  ) {
    this.name = `serial:${path}`;
    this.reading = this.readUntilClosed();
  }

  /** Opens `path` 8N1 at `baudRate`; rejects with SerialOpenError (its `code` the OS's, e.g. ENOENT, EBUSY, EACCES). */
  static async open(path: string, baudRate = DEFAULT_BAUD_RATE): Promise<SerialDeviceLink> {
    try {
      const binding = await autoDetect().open({ path, baudRate, dataBits: DATA_BITS, stopBits: STOP_BITS, parity: PARITY });
      return new SerialDeviceLink(path, binding);
    } catch (error) {
      const code = errorCode(error);
      throw new SerialOpenError(`cannot open ${path}: ${(error as Error).message}`, code);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.listeners.closed) return;
    const buffer = Buffer.from(bytes);
    // One write at a time, in order: the binding writes a buffer in several goes when the line is busy.
    this.writing = this.writing.then(async () => {
      if (this.listeners.closed) return;
      try {
        await this.binding.write(buffer);
      } catch (error) {
        await this.end(closeReasonOf(error));
      }
    });
  }

  pause(): void {
    if (this.resumed !== null) return;
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    this.resumed = { promise, resolve };
  }

  resume(): void {
    this.resumed?.resolve();
    this.resumed = null;
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.onData(listener);
  }

  onClose(listener: (reason: 'unplugged' | 'closed' | 'error') => void): void {
    this.listeners.onClose(listener);
  }

  /** Closes the port (reported as `closed` unless the line had already gone) and resolves once it is released. */
  async close(): Promise<void> {
    await this.end('closed');
    await this.reading;
  }

  /** Closes the link as `unplugged`: its port has gone from the list (serial-source.ts). */
  async unplug(): Promise<void> {
    await this.end('unplugged');
    await this.reading;
  }

  /** Reports the close once, then releases the port. */
  private async end(reason: LinkCloseReason): Promise<void> {
    this.listeners.close(reason);
    this.resume();
    if (this.binding.isOpen) await this.binding.close().catch(() => {});
  }

  private async readUntilClosed(): Promise<void> {
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    const binding = this.binding;
    try {
      while (binding.isOpen && !this.listeners.closed) {
        if (this.resumed !== null) await this.resumed.promise;
        if (this.listeners.closed) return;
        const bytesRead = isUnixBinding(binding) ? await readUnix(binding, chunk) : (await binding.read(chunk, 0, chunk.length)).bytesRead;
        if (this.listeners.closed) return;
        this.listeners.data(new Uint8Array(chunk.subarray(0, bytesRead)));
      }
    } catch (error) {
      if ((error as { canceled?: boolean }).canceled || this.listeners.closed) return;
      await this.end(closeReasonOf(error));
    }
  }
}

/** One read of at least one byte; throws when the line hangs up (a read of nothing on a descriptor that had data). */
async function readUnix(binding: UnixBinding, chunk: Buffer): Promise<number> {
  for (;;) {
    const fd = binding.fd;
    if (fd === null) throw Object.assign(new Error('the port is closed'), { canceled: true });
    try {
      const { bytesRead } = await readAsync(fd, chunk, 0, chunk.length, null);
      if (bytesRead > 0) return bytesRead;
      // The descriptor is non-blocking: with nothing to read it says EAGAIN, so nothing at all is end-of-file.
      throw Object.assign(new Error('the line hung up'), { code: 'EIO' });
    } catch (error) {
      if (!TRY_AGAIN_CODES.has(errorCode(error) ?? '')) throw error;
      await readable(binding);
    }
  }
}

/**
 * Waits until the descriptor has something to read. The poller fails when the line hangs up (libuv reports the
 * descriptor as bad once the far end is gone), unless it was stopped because the port is closing.
 */
function readable(binding: UnixBinding): Promise<void> {
  return new Promise((resolve, reject) =>
    binding.poller.once('readable', (error) => {
      if (error === null) resolve();
      else if ((error as { canceled?: boolean }).canceled) reject(error);
      else reject(Object.assign(new Error(`the line hung up (${error.message})`), { code: 'EIO' }));
    }),
  );
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** A hung-up line is a device unplugged; anything else is an error. */
function closeReasonOf(error: unknown): LinkCloseReason {
  const code = errorCode(error);
  if ((code !== undefined && HUNG_UP_CODES.has(code)) || (error as { disconnect?: boolean }).disconnect) return 'unplugged';
  return 'error';
}
