import type { GpioReadResult, HalPort } from '../../host/abi/hal-port.ts';
import { HalStatus } from '../../host/abi/status.ts';

/** One expected I2C transaction: what the driver must send, and what the bus answers. */
export interface ScriptedTransfer {
  address: number;
  /** The bytes the driver must write (omit for a read-only transaction). */
  write?: number[];
  /** The bytes the chip returns; their count is the read length the driver must ask for (omit for write-only). */
  read?: number[];
  /** What the bus answers; OK by default. On failure `read` is still copied (the ABI leaves it unspecified). */
  status?: HalStatus;
}

/** One expected `delay_us` call. */
export interface ScriptedDelay {
  delayUs: number;
}

export type ScriptedStep = ScriptedTransfer | ScriptedDelay;

function hex(bytes: ArrayLike<number>): string {
  return `[${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}]`;
}

function describeStep(step: ScriptedStep): string {
  if ('delayUs' in step) return `delay_us(${step.delayUs})`;
  const parts = [`0x${step.address.toString(16)}`];
  if (step.write !== undefined) parts.push(`write ${hex(step.write)}`);
  if (step.read !== undefined) parts.push(`read ${step.read.length}`);
  return `i2c ${parts.join(' ')}`;
}

/**
 * A HalPort whose I2C bus follows a script (embedded-hal-mock style): every transaction and every delay must be
 * the next step of the script, byte for byte. An extra, missing or different step fails the test — the import
 * throws at the first difference, and `finish()` throws if steps remain. GPIO and PWM calls are recorded, and the
 * clock advances only through `delay_us`.
 */
export class ScriptedI2c implements HalPort {
  nowUsValue = 0;
  readonly logs: { level: number; text: string }[] = [];
  /** `gpio-mode pin mode`, `gpio-write pin level`, `pwm channel duty`, in call order. */
  readonly pinCalls: string[] = [];
  private steps: ScriptedStep[] = [];
  private position = 0;
  /** Set at the first mismatch, so a test can report it even if the app swallowed the exception. */
  failure: string | null = null;

  constructor(steps: ScriptedStep[] = []) {
    this.steps = [...steps];
  }

  /** Appends more expected steps. */
  expect(...steps: ScriptedStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  /** Throws if a step went wrong or some expected steps never happened; then clears the script. */
  finish(): void {
    if (this.failure !== null) throw new Error(this.failure);
    const missing = this.steps.slice(this.position);
    this.steps = [];
    this.position = 0;
    if (missing.length > 0) {
      throw new Error(`${missing.length} expected step(s) never happened, first: ${describeStep(missing[0]!)}`);
    }
  }

  private next(actual: string): ScriptedStep {
    const step = this.steps[this.position];
    if (step === undefined) this.fail(`unexpected ${actual}: the script has no more steps`);
    this.position++;
    return step;
  }

  private fail(message: string): never {
    const full = `step ${this.position + 1}: ${message}`;
    this.failure ??= full;
    throw new Error(full);
  }

  i2cTransfer(address: number, write: Uint8Array, read: Uint8Array): HalStatus {
    const actual = `i2c 0x${address.toString(16)}${write.length ? ` write ${hex(write)}` : ''}${read.length ? ` read ${read.length}` : ''}`;
    const step = this.next(actual);
    if ('delayUs' in step) this.fail(`expected ${describeStep(step)}, got ${actual}`);
    const expectedWrite = step.write ?? [];
    const expectedRead = step.read ?? [];
    const matches =
      step.address === address &&
      expectedWrite.length === write.length &&
      expectedWrite.every((byte, index) => byte === write[index]) &&
      expectedRead.length === read.length;
    if (!matches) this.fail(`expected ${describeStep(step)}, got ${actual}`);
    read.set(expectedRead);
    return step.status ?? HalStatus.Ok;
  }

  delayUs(us: number): HalStatus {
    const actual = `delay_us(${us})`;
    const step = this.next(actual);
    if (!('delayUs' in step) || step.delayUs !== us) this.fail(`expected ${describeStep(step)}, got ${actual}`);
    this.nowUsValue += us;
    return HalStatus.Ok;
  }

  nowUs(): number {
    return this.nowUsValue;
  }

  gpioMode(pin: number, mode: number): HalStatus {
    this.pinCalls.push(`gpio-mode ${pin} ${mode}`);
    return HalStatus.Ok;
  }

  gpioWrite(pin: number, level: number): HalStatus {
    this.pinCalls.push(`gpio-write ${pin} ${level}`);
    return HalStatus.Ok;
  }

  gpioRead(): GpioReadResult {
    return { status: HalStatus.Ok, level: 0 };
  }

  pwmSet(channel: number, dutyU16: number): HalStatus {
    this.pinCalls.push(`pwm ${channel} ${dutyU16}`);
    return HalStatus.Ok;
  }

  log(level: number, text: string): void {
    this.logs.push({ level, text });
  }
}
