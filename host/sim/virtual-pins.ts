import { HalStatus } from '../abi/status.ts';

/** GPIO modes of docs/hal-abi.md §4.2. */
export const GpioMode = { Input: 0, Output: 1, InputPullUp: 2, InputPullDown: 3 } as const;

export interface PinChange {
  timeUs: number;
  pin: number;
  level: number;
}

export interface DutyChange {
  timeUs: number;
  channel: number;
  dutyU16: number;
}

/**
 * The simulated board's GPIO pins with a recorded history of every level change, so a test can say
 * "the LED blinked at 2 Hz". An input reads its pull (high with a pull-up, low otherwise).
 */
export class VirtualGpio {
  readonly history: PinChange[] = [];
  private readonly modes: number[];
  private readonly levels: number[];

  constructor(
    pinCount: number,
    private readonly clock: () => number,
    private readonly historyLimit = 10_000,
  ) {
    this.modes = new Array<number>(pinCount).fill(GpioMode.Input);
    this.levels = new Array<number>(pinCount).fill(0);
  }

  mode(pin: number, mode: number): HalStatus {
    if (pin >= this.modes.length) return HalStatus.Unsupported;
    this.modes[pin] = mode;
    if (mode === GpioMode.InputPullUp) this.levels[pin] = 1;
    if (mode === GpioMode.InputPullDown || mode === GpioMode.Input) this.levels[pin] = 0;
    return HalStatus.Ok;
  }

  write(pin: number, level: number): HalStatus {
    if (pin >= this.modes.length) return HalStatus.Unsupported;
    if (this.modes[pin] !== GpioMode.Output) return HalStatus.BadArgument;
    if (this.levels[pin] !== level) {
      this.levels[pin] = level;
      this.record({ timeUs: this.clock(), pin, level });
    }
    return HalStatus.Ok;
  }

  read(pin: number): { status: HalStatus; level: number } {
    if (pin >= this.modes.length) return { status: HalStatus.Unsupported, level: 0 };
    return { status: HalStatus.Ok, level: this.levels[pin]! };
  }

  level(pin: number): number {
    return this.levels[pin] ?? 0;
  }

  isOutput(pin: number): boolean {
    return this.modes[pin] === GpioMode.Output;
  }

  /** Every pin an input again, as after a reset; a pin that was high records its fall. */
  reset(): void {
    for (let pin = 0; pin < this.modes.length; pin++) {
      if (this.levels[pin] !== 0) this.record({ timeUs: this.clock(), pin, level: 0 });
      this.modes[pin] = GpioMode.Input;
      this.levels[pin] = 0;
    }
  }

  private record(change: PinChange): void {
    if (this.history.length >= this.historyLimit) this.history.shift();
    this.history.push(change);
  }
}

/** The simulated board's PWM channels, with their history of duty changes. */
export class VirtualPwm {
  readonly history: DutyChange[] = [];
  private readonly duties: number[];

  constructor(
    channelCount: number,
    private readonly clock: () => number,
    private readonly historyLimit = 10_000,
  ) {
    this.duties = new Array<number>(channelCount).fill(0);
  }

  set(channel: number, dutyU16: number): HalStatus {
    if (channel >= this.duties.length) return HalStatus.Unsupported;
    if (this.duties[channel] !== dutyU16) {
      this.duties[channel] = dutyU16;
      if (this.history.length >= this.historyLimit) this.history.shift();
      this.history.push({ timeUs: this.clock(), channel, dutyU16 });
    }
    return HalStatus.Ok;
  }

  duty(channel: number): number {
    return this.duties[channel] ?? 0;
  }

  /** Every channel off, as after a reset. */
  reset(): void {
    for (let channel = 0; channel < this.duties.length; channel++) this.set(channel, 0);
  }
}
