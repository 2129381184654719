/**
 * The hysteresis of one rule on one device (issue 12: "a borderline score does not toggle the LED every
 * second"): the alarm opens after `openAfterWindows` anomalous windows in a row, and clears only once the windows
 * have been normal for `clearAfterNormalMs` of their own time. A score that hovers about its threshold therefore
 * neither opens an alarm (it never stays above K windows in a row) nor clears an open one (it never stays below
 * for T), and the LED keeps one state.
 */
export type HysteresisChange = 'open' | 'clear';

export interface HysteresisOptions {
  openAfterWindows: number;
  clearAfterNormalMs: number;
  /** True when an alarm is already open (it was kept across a restart). */
  open?: boolean;
}

export class AlarmHysteresis {
  private openValue: boolean;
  private anomalousInRow = 0;
  /** While open: the time of the first normal window since the last anomalous one. */
  private normalSinceMs: number | undefined;

  constructor(private readonly options: HysteresisOptions) {
    this.openValue = options.open ?? false;
  }

  get open(): boolean {
    return this.openValue;
  }

  /** One window's verdict at `timeMs` (the window's newest sample); says when the alarm opens or clears. */
  observe(anomalous: boolean, timeMs: number): HysteresisChange | undefined {
    if (!this.openValue) {
      this.anomalousInRow = anomalous ? this.anomalousInRow + 1 : 0;
      if (this.anomalousInRow < this.options.openAfterWindows) return undefined;
      this.openValue = true;
      this.anomalousInRow = 0;
      this.normalSinceMs = undefined;
      return 'open';
    }
    if (anomalous) {
      this.normalSinceMs = undefined;
      return undefined;
    }
    this.normalSinceMs ??= timeMs;
    if (timeMs - this.normalSinceMs < this.options.clearAfterNormalMs) return undefined;
    this.openValue = false;
    this.normalSinceMs = undefined;
    return 'clear';
  }
}
