import type { Clock } from '../clock.ts';
import type { BootloaderPort } from '../port.ts';
import type { FaultInjector } from './faults.ts';
import type { LineTransit } from './transit.ts';

/** The simulator's end of the line: a port that also tells when bytes last arrived. */
export interface DevicePort extends BootloaderPort {
  readonly lastArrivalMs: number;
}

/** The bootloader's side of the USART, as the command handlers use it. */
export interface DeviceLine {
  readByte(): Promise<number>;
  readBytes(count: number): Promise<Uint8Array>;
  send(bytes: Uint8Array | number[]): Promise<void>;
  /** The core is busy (programming, erasing) for this long before it can answer. */
  busy(ms: number): void;
}

/**
 * A DeviceLine over one end of a pseudo-terminal, paced like a real USART at the configured baud rate. All times
 * are on one absolute time line, the wire's, as the host sees it: a frame of n bytes from the host ends n byte
 * times after its first byte was sent (or one byte time after its last, if the host sent it slower than that),
 * and an answer reaches the host when its last stop bit would, after any busy time, and no sooner. Whenever
 * the simulator itself runs late (a timer fired late, the process was not scheduled), the answer reaches the
 * host late; the host's next frame is then placed on the time line by how long the host took to react to the
 * answer it actually got, so the simulator's slack is never charged to the host, nor carried into the next
 * exchange (answers already due then go out at once, until the line is back on time). A frame cannot start
 * before the answer it follows ended (AN3155 §3: the host waits for each ACK).
 * `byteTimeMs` 0 turns pacing off.
 *
 * A wire has no transit time of its own, but the pseudo-terminal and socat do: `transit` (measured when the
 * simulator starts) is taken off both ends so that the host sees the wire's timing.
 *
 * Faults are applied here: bytes lost on the way in, and garbage, losses or silence on the way out.
 */
export class PacedLine implements DeviceLine {
  /** When the host's last frame ended on the wire. */
  private receiveFreeMs = 0;
  /** When the chip can start its next answer: after the frame it answers and any busy time. */
  private readyMs = 0;
  /** When the last answer's stop bit left. */
  private answeredMs = 0;
  /** How much later than the time line the last answer reached the host. */
  private lagMs = 0;
  /** When the host sent the last byte it has sent. */
  private heardMs = 0;

  constructor(
    private readonly port: DevicePort,
    private readonly byteTimeMs: number,
    private readonly transit: LineTransit,
    private readonly clock: Clock,
    private readonly faults: FaultInjector,
  ) {}

  /** Now on the time line: real time less the simulator's lag. */
  private lineNowMs(): number {
    return this.clock.nowMs() - this.lagMs;
  }

  async readBytes(count: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(count);
    let received = 0;
    let startMs = 0;
    let lastSentMs = 0;
    while (received < count) {
      const chunk = await this.port.read(received === 0 ? 1 : count - received, Infinity);
      // When the host sent these bytes, on the time line: as they arrived, less the way in.
      lastSentMs = this.port.lastArrivalMs - this.lagMs - this.transit.inboundMs;
      // The host sends only after it has the previous answer, so a frame cannot start before that answer ended.
      if (received === 0) startMs = Math.max(lastSentMs, this.receiveFreeMs, this.answeredMs);
      for (const byte of chunk) if (!this.faults.dropReceived()) bytes[received++] = byte;
    }
    this.heardMs = lastSentMs;
    this.receiveFreeMs = Math.max(startMs + count * this.byteTimeMs, lastSentMs + this.byteTimeMs);
    this.readyMs = Math.max(this.readyMs, this.receiveFreeMs);
    return bytes;
  }

  async readByte(): Promise<number> {
    return (await this.readBytes(1))[0]!;
  }

  busy(ms: number): void {
    this.readyMs = Math.max(this.readyMs, this.lineNowMs()) + ms;
  }

  async send(bytes: Uint8Array | number[]): Promise<void> {
    const out = this.faults.filterSent(Uint8Array.from(bytes));
    const doneMs = Math.max(this.readyMs, this.lineNowMs()) + out.length * this.byteTimeMs;
    const transitMs = this.transit.outboundMs(doneMs - this.heardMs);
    await this.clock.sleepUntil(doneMs - transitMs);
    this.readyMs = doneMs;
    this.answeredMs = doneMs;
    if (out.length === 0) return;
    this.lagMs = this.clock.nowMs() + transitMs - doneMs;
    await this.port.write(out);
  }
}
