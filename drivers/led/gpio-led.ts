// An on/off LED on a GPIO pin (docs/hal-abi.md §4.2; pin 0 is the board's user LED, active high as the app
// sees it). Blinking is advanced by the app's tick: update(nowMs) switches the level when an edge is due and
// returns the ms until the next one, which the app folds into tick's return value. On the user LED every change
// of mode or period is told to the runner (§4.7 output_state, through commands.ts), for HELLO and HEARTBEAT.
import { announceLed, LedMode } from "../hal/commands";
import { gpio_mode, gpio_write } from "../hal/hal";
import { Status } from "../hal/status";

/** §4.2 gpio_mode: push-pull output. */
const MODE_OUTPUT: i32 = 1;
const LEVEL_LOW: i32 = 0;
const LEVEL_HIGH: i32 = 1;

/** update()'s answer when the LED has no edge coming (steady on or off). */
export const NO_EDGE: u32 = u32.MAX_VALUE;

/** §4.2: the board's user LED, whose state the runner reports. */
export const USER_LED_PIN: i32 = 0;

export class GpioLed {
  private lit: bool = false;
  private blinking: bool = false;
  private periodMs: i64 = 0;
  private halfPeriodMs: i64 = 0;
  private nextEdgeMs: i64 = 0;

  constructor(readonly pin: i32) {}

  /** Makes the pin an output and switches the LED off. */
  configure(): i32 {
    const status = gpio_mode(this.pin, MODE_OUTPUT);
    if (status != Status.Ok) return status;
    return this.off();
  }

  get isOn(): bool {
    return this.lit;
  }

  get isBlinking(): bool {
    return this.blinking;
  }

  /** The blink period (one full on+off cycle) as blink() was given it, or 0 when steady. */
  get blinkPeriodMs(): i64 {
    return this.blinking ? this.periodMs : 0;
  }

  on(): i32 {
    this.blinking = false;
    return this.steady(true);
  }

  off(): i32 {
    this.blinking = false;
    return this.steady(false);
  }

  /** Inverts the current level and holds it (stops any blinking). */
  toggle(): i32 {
    this.blinking = false;
    return this.steady(!this.lit);
  }

  /** Blinks with `periodMs` per full on+off cycle (at least 2 ms), starting lit at `nowMs`. */
  blink(periodMs: i64, nowMs: i64): i32 {
    this.blinking = true;
    this.periodMs = periodMs;
    this.halfPeriodMs = periodMs >= 2 ? periodMs / 2 : 1;
    this.nextEdgeMs = nowMs + this.halfPeriodMs;
    const status = this.setLevel(true);
    this.announce();
    return status;
  }

  /**
   * Switches the level if a blink edge is due at `nowMs`; returns the ms until the next edge, or NO_EDGE when
   * steady. After a late call the pattern restarts from `nowMs` rather than flickering to catch up.
   */
  update(nowMs: i64): u32 {
    if (!this.blinking) return NO_EDGE;
    if (nowMs >= this.nextEdgeMs) {
      this.setLevel(!this.lit);
      this.nextEdgeMs += this.halfPeriodMs;
      if (this.nextEdgeMs <= nowMs) this.nextEdgeMs = nowMs + this.halfPeriodMs;
    }
    return <u32>(this.nextEdgeMs - nowMs);
  }

  private steady(lit: bool): i32 {
    const status = this.setLevel(lit);
    this.announce();
    return status;
  }

  /** On the user LED: tells the runner the mode and period now set (only what changed reaches the HAL). */
  private announce(): void {
    if (this.pin != USER_LED_PIN) return;
    const mode = this.blinking ? LedMode.Blink : this.lit ? LedMode.On : LedMode.Off;
    announceLed(mode, this.periodMs);
  }

  private setLevel(lit: bool): i32 {
    this.lit = lit;
    return gpio_write(this.pin, lit ? LEVEL_HIGH : LEVEL_LOW);
  }
}
