import { autoDetect, type BindingPortInterface, type PortInfo } from '@serialport/bindings-cpp';
import { systemClock, type Clock } from './clock.ts';
import { PortError, ReadTimeoutError } from './errors.ts';
import type { BootloaderPort, ModemSignals, PortOptions } from './port.ts';

/** Bytes asked of the OS per read call: larger than any AN3155 frame (256 data bytes + framing). */
const READ_CHUNK_BYTES = 4096;
const DATA_BITS = 8;
const STOP_BITS = 1;

/** The serial ports the OS knows, as @serialport/bindings-cpp lists them. */
export async function listSerialPorts(): Promise<PortInfo[]> {
  return autoDetect().list();
}

/**
 * A BootloaderPort over a real serial line (or a pseudo-terminal) through @serialport/bindings-cpp.
 * A pump reads continuously into a buffer so that bytes arriving between two reads are never lost.
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

  private async pump(): Promise<void> {
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    while (this.binding.isOpen) {
      try {
        const { bytesRead } = await this.binding.read(chunk, 0, chunk.length);
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
      await this.binding.write(Buffer.from(bytes));
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
