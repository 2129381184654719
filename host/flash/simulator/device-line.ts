import type { Clock } from '../clock.ts';
import type { BootloaderPort } from '../port.ts';
import type { FaultInjector } from './faults.ts';

/** The bootloader's side of the USART, as the command handlers use it. */
export interface DeviceLine {
  readByte(): Promise<number>;
  readBytes(count: number): Promise<Uint8Array>;
  send(bytes: Uint8Array | number[]): Promise<void>;
  /** The core is busy (programming, erasing) for this long before it can answer. */
  busy(ms: number): void;
}

/** Replies are held back only when they are at least this early; Node timers have millisecond resolution. */
const MIN_SLEEP_MS = 1;

/**
 * A DeviceLine over one end of a pseudo-terminal, paced like a real USART at the configured baud rate: a frame
 * of n bytes from the host is complete n byte times after its first byte was sent, and an answer reaches the
 * host only once its last stop bit would have left, after any busy time. Only answers wait, and only when at
 * least a millisecond early (Node timers have no finer grain); the model's time line never runs ahead of the
 * wire's, because a frame is taken to start no earlier than the answer before it ended. `byteTimeMs` 0 turns
 * pacing off.
 *
 * A wire has no transit time of its own, but the pseudo-terminal pair and socat do: `transitMs` (one way,
 * measured when the simulator starts) is taken off both ends so that the host sees the wire's timing.
 *
 * Faults are applied here: bytes lost on the way in, and garbage, losses or silence on the way out.
 */
export class PacedLine implements DeviceLine {
  private receiveFreeMs = 0;
  private readyMs = 0;
  /** When the last answer's stop bit left, on the model's time line. */
  private answeredMs = 0;

  constructor(
    private readonly port: BootloaderPort,
    private readonly byteTimeMs: number,
    private readonly transitMs: number,
    private readonly clock: Clock,
    private readonly faults: FaultInjector,
  ) {}

  private async nextByte(): Promise<number> {
    for (;;) {
      const [byte] = await this.port.read(1, Infinity);
      if (!this.faults.dropReceived()) return byte!;
    }
  }

  async readBytes(count: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(count);
    bytes[0] = await this.nextByte();
    // The host sends only after it has the previous answer (AN3155 §3: every step waits for ACK), so a frame
    // cannot start before that answer ended, however early it reached the host.
    const frameStartMs = Math.max(this.clock.nowMs() - this.transitMs, this.receiveFreeMs, this.answeredMs);
    for (let i = 1; i < count; i++) bytes[i] = await this.nextByte();
    this.receiveFreeMs = frameStartMs + count * this.byteTimeMs;
    this.readyMs = Math.max(this.readyMs, this.receiveFreeMs);
    return bytes;
  }

  async readByte(): Promise<number> {
    return (await this.readBytes(1))[0]!;
  }

  busy(ms: number): void {
    this.readyMs = Math.max(this.readyMs, this.clock.nowMs()) + ms;
  }

  async send(bytes: Uint8Array | number[]): Promise<void> {
    const out = this.faults.filterSent(Uint8Array.from(bytes));
    const doneMs = Math.max(this.readyMs, this.clock.nowMs()) + out.length * this.byteTimeMs;
    const waitMs = doneMs - this.transitMs - this.clock.nowMs();
    if (waitMs >= MIN_SLEEP_MS) await this.clock.sleep(Math.floor(waitMs));
    this.readyMs = doneMs;
    this.answeredMs = doneMs;
    if (out.length > 0) await this.port.write(out);
  }
}
