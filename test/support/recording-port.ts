import type { GpioReadResult, HalPort } from '../../host/abi/hal-port.ts';

/**
 * A HalPort with no chips on its bus (every address NACKs, status 1), one output-capable pin 0..3, one PWM
 * channel, a clock that `delay_us` advances, and a record of every call.
 */
export class RecordingPort implements HalPort {
  nowUsValue = 0;
  readonly calls: string[] = [];
  readonly logs: { level: number; text: string }[] = [];
  private readonly outputs = new Set<number>();

  i2cTransfer(address: number, write: Uint8Array, read: Uint8Array): 0 | 1 {
    this.calls.push(`i2c ${address} w${write.length} r${read.length}`);
    return 1;
  }
  gpioMode(pin: number, mode: number): 0 | 6 {
    if (pin > 3) return 6;
    if (mode === 1) this.outputs.add(pin);
    this.calls.push(`gpio-mode ${pin} ${mode}`);
    return 0;
  }
  gpioWrite(pin: number, level: number): 0 | 5 {
    this.calls.push(`gpio-write ${pin} ${level}`);
    return this.outputs.has(pin) ? 0 : 5;
  }
  gpioRead(): GpioReadResult {
    return { status: 0, level: 1 };
  }
  pwmSet(channel: number, dutyU16: number): 0 {
    this.calls.push(`pwm ${channel} ${dutyU16}`);
    return 0;
  }
  nowUs(): number {
    return this.nowUsValue;
  }
  delayUs(us: number): 0 {
    this.nowUsValue += us;
    return 0;
  }
  log(level: number, text: string): void {
    this.logs.push({ level, text });
  }
}
