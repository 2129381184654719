import type { Clock } from './clock.ts';
import { ReadTimeoutError } from './errors.ts';
import type { BootloaderPort, ModemSignals, ReplyOnArrival } from './port.ts';

/**
 * One step of a scripted conversation:
 * - `expect`: the bytes the host must write next (in one or several writes);
 * - `reply`: bytes the device sends once everything before it was written;
 * - `signals`: a setSignals call the host must make next.
 */
export type ScriptStep = { expect: number[] } | { reply: number[] } | { signals: ModemSignals };

/**
 * The mock side of BootloaderPort (like node-serialport's binding-mock): it plays a script and fails on any
 * missing, extra or different transfer. A read the script cannot satisfy times out at once, advancing the clock
 * by the timeout asked for; `readTimeoutsMs` records every timeout the host asked for, in order.
 */
export class ScriptedPort implements BootloaderPort {
  private readonly steps: ScriptStep[];
  private pendingExpect: number[] = [];
  private received: number[] = [];
  readonly readTimeoutsMs: number[] = [];
  closed = false;

  constructor(
    script: ScriptStep[],
    private readonly clock: Clock,
  ) {
    this.steps = [...script];
    this.advance();
  }

  /** Moves replies into the receive buffer up to the next step that waits on the host. */
  private advance(): void {
    while (this.pendingExpect.length === 0 && this.steps.length > 0) {
      const step = this.steps[0]!;
      if ('reply' in step) {
        this.received.push(...step.reply);
        this.steps.shift();
      } else if ('expect' in step) {
        this.pendingExpect = [...step.expect];
        this.steps.shift();
      } else {
        return;
      }
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (const byte of bytes) {
      const wanted = this.pendingExpect.shift();
      if (wanted === undefined) {
        throw new Error(`script: unexpected write of 0x${hex(byte)} (${this.describeNext()})`);
      }
      if (wanted !== byte) {
        throw new Error(`script: wrote 0x${hex(byte)} where 0x${hex(wanted)} was expected`);
      }
      this.advance();
    }
  }

  async read(length: number, timeoutMs: number, reply?: ReplyOnArrival): Promise<Uint8Array> {
    this.readTimeoutsMs.push(timeoutMs);
    if (this.received.length < length) {
      await this.clock.sleep(timeoutMs);
      throw new ReadTimeoutError(length, timeoutMs);
    }
    const bytes = Uint8Array.from(this.received.splice(0, length));
    if (reply && bytes[0] === reply.onByte) await this.write(reply.bytes);
    return bytes;
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    const step = this.steps[0];
    if (this.pendingExpect.length > 0 || !step || !('signals' in step)) {
      throw new Error(`script: unexpected setSignals(${JSON.stringify(signals)}) (${this.describeNext()})`);
    }
    if (step.signals.dtr !== signals.dtr || step.signals.rts !== signals.rts) {
      throw new Error(`script: setSignals(${JSON.stringify(signals)}) where ${JSON.stringify(step.signals)} was expected`);
    }
    this.steps.shift();
    this.advance();
  }

  async flush(): Promise<void> {
    this.received = [];
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Throws unless every step was played and every reply read. */
  assertDone(): void {
    if (this.pendingExpect.length > 0 || this.steps.length > 0) {
      throw new Error(`script: not finished (${this.describeNext()})`);
    }
    if (this.received.length > 0) {
      throw new Error(`script: ${this.received.length} reply bytes were never read`);
    }
  }

  private describeNext(): string {
    if (this.pendingExpect.length > 0) return `expecting ${this.pendingExpect.map(hex).join(' ')}`;
    const step = this.steps[0];
    return step ? `next step ${JSON.stringify(step)}` : 'script finished';
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
