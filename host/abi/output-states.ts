/**
 * The standard outputs' states as the app last set them (docs/hal-abi.md §4.7 `output_state`): what HELLO and
 * HEARTBEAT report (docs/link-protocol.md §4.1, §4.8). Each holds the value those messages send when the app has
 * said nothing: report interval 0, LED mode 255, LED period 0.
 */

/** docs/hal-abi.md §4.7 `output` numbers. */
export const Output = {
  ReportInterval: 0,
  LedMode: 1,
  LedPeriod: 2,
} as const;

/** docs/link-protocol.md §4.8 `led_mode` when the app has not set it. */
export const LED_MODE_NOT_SET = 255;

/** docs/hal-abi.md §4.7 value ranges. */
export const REPORT_INTERVAL_MIN_MS = 1;
export const REPORT_INTERVAL_MAX_MS = 3_600_000;
/** §4.7: `0` off, `1` on, `3` blinking; a toggle (2) is reported where it landed. */
const LED_MODES: readonly number[] = [0, 1, 3];
export const LED_PERIOD_MAX_MS = 0xffff;

export interface OutputStateValues {
  /** The delay between reports in ms, 1..3_600_000; 0 if the app has not said. */
  readonly reportIntervalMs: number;
  /** 0 off, 1 on, 3 blinking; 255 if the app has not said. */
  readonly ledMode: number;
  /** The blink period in ms while blinking, 0 otherwise or if the app has not said. */
  readonly ledPeriodMs: number;
}

export class OutputStates implements OutputStateValues {
  reportIntervalMs = 0;
  ledMode = LED_MODE_NOT_SET;
  ledPeriodMs = 0;

  /** Records one `output_state(output, value)`; false (BAD_ARGUMENT) for another output or a value out of range. */
  set(output: number, value: number): boolean {
    switch (output) {
      case Output.ReportInterval:
        if (value < REPORT_INTERVAL_MIN_MS || value > REPORT_INTERVAL_MAX_MS) return false;
        this.reportIntervalMs = value;
        return true;
      case Output.LedMode:
        if (!LED_MODES.includes(value)) return false;
        this.ledMode = value;
        return true;
      case Output.LedPeriod:
        if (value < 0 || value > LED_PERIOD_MAX_MS) return false;
        this.ledPeriodMs = value;
        return true;
      default:
        return false;
    }
  }

  /** A copy of the current states. */
  snapshot(): OutputStateValues {
    return { reportIntervalMs: this.reportIntervalMs, ledMode: this.ledMode, ledPeriodMs: this.ledPeriodMs };
  }
}
