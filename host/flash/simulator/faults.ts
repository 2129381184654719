/**
 * Faults the simulated bootloader can be asked to commit, to test the flasher's recovery:
 * - `nack`: answer NACK to a command instead of ACK;
 * - `drop-received` / `drop-sent`: lose `count` bytes on the line, after letting `skip` bytes through;
 * - `garbage`: send these bytes before the next answer;
 * - `silence`: stop answering altogether (until `clear()`).
 * A fault is armed at once, or when the `occurrence`-th (1-based) command `command` arrives; `skip` then counts
 * from there. Random faults at given rates (NACK per command, garbage per answer, drop per byte) come from a seeded
 * generator so that a run can be replayed.
 */
import { Prng } from '../../sim/prng.ts';

export type Fault =
  | { kind: 'nack' }
  | { kind: 'drop-received'; count: number; skip?: number }
  | { kind: 'drop-sent'; count: number; skip?: number }
  | { kind: 'garbage'; bytes: number[] }
  | { kind: 'silence' };

export interface FaultTrigger {
  command: number;
  occurrence: number;
}

export interface FaultRates {
  nack: number;
  drop: number;
  garbage: number;
}

export const NO_FAULTS: FaultRates = { nack: 0, drop: 0, garbage: 0 };

interface Drop {
  skip: number;
  count: number;
}

const BYTE_VALUES = 256;

export class FaultInjector {
  private readonly scheduled: { fault: Fault; trigger: FaultTrigger }[] = [];
  private readonly commandCounts = new Map<number, number>();
  private pendingNacks = 0;
  private receivedDrops: Drop[] = [];
  private sentDrops: Drop[] = [];
  private garbage: number[] = [];
  private silent = false;
  private readonly random: Prng;
  /** Every fault actually committed, for tests. */
  committed = 0;

  constructor(
    private readonly rates: FaultRates = NO_FAULTS,
    seed = 1,
  ) {
    this.random = new Prng(seed);
  }

  inject(fault: Fault, trigger?: FaultTrigger): void {
    if (trigger) this.scheduled.push({ fault, trigger });
    else this.arm(fault);
  }

  clear(): void {
    this.scheduled.length = 0;
    this.pendingNacks = 0;
    this.receivedDrops = [];
    this.sentDrops = [];
    this.garbage = [];
    this.silent = false;
  }

  private arm(fault: Fault): void {
    switch (fault.kind) {
      case 'nack':
        this.pendingNacks++;
        break;
      case 'drop-received':
        this.receivedDrops.push({ skip: fault.skip ?? 0, count: fault.count });
        break;
      case 'drop-sent':
        this.sentDrops.push({ skip: fault.skip ?? 0, count: fault.count });
        break;
      case 'garbage':
        this.garbage.push(...fault.bytes);
        break;
      case 'silence':
        this.silent = true;
        break;
    }
  }

  /** Called for each valid command; true when it must be NACKed. */
  onCommand(code: number): boolean {
    const count = (this.commandCounts.get(code) ?? 0) + 1;
    this.commandCounts.set(code, count);
    for (let i = this.scheduled.length - 1; i >= 0; i--) {
      const { fault, trigger } = this.scheduled[i]!;
      if (trigger.command === code && trigger.occurrence === count) {
        this.scheduled.splice(i, 1);
        this.arm(fault);
      }
    }
    const nack = this.pendingNacks > 0 || this.random.next() < this.rates.nack;
    if (this.pendingNacks > 0) this.pendingNacks--;
    if (nack) this.committed++;
    return nack;
  }

  /** Whether a byte the host sent is lost on the way in. */
  dropReceived(): boolean {
    return this.takeDrop(this.receivedDrops);
  }

  /** What actually goes out when the bootloader sends `bytes`. */
  filterSent(bytes: Uint8Array): Uint8Array {
    if (this.silent) return new Uint8Array(0);
    const out: number[] = [...this.garbage];
    if (this.garbage.length > 0) this.committed++;
    this.garbage = [];
    if (this.random.next() < this.rates.garbage) {
      out.push(Math.floor(this.random.next() * BYTE_VALUES));
      this.committed++;
    }
    for (const byte of bytes) if (!this.takeDrop(this.sentDrops)) out.push(byte);
    return Uint8Array.from(out);
  }

  private takeDrop(drops: Drop[]): boolean {
    const drop = drops[0];
    if (drop) {
      if (drop.skip > 0) {
        drop.skip--;
        return false;
      }
      drop.count--;
      if (drop.count === 0) drops.shift();
      this.committed++;
      return true;
    }
    if (this.random.next() < this.rates.drop) {
      this.committed++;
      return true;
    }
    return false;
  }
}
