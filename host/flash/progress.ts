import type { Clock } from './clock.ts';

/** Progress of one phase (erase, write, verify) in bytes. */
export interface Progress {
  begin(phase: string, totalBytes: number): void;
  advance(bytes: number): void;
  end(): void;
}

export const silentProgress: Progress = { begin() {}, advance() {}, end() {} };

const BYTES_PER_KB = 1024;
const MS_PER_S = 1000;
const BAR_CELLS = 30;
const PERCENT = 100;
/** A terminal is redrawn at most this often. */
const REDRAW_INTERVAL_MS = 100;
/** Without a terminal, one line per this many percent. */
const LINE_STEP_PERCENT = 10;

/** Anything with write() and isTTY, such as process.stderr. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress bar with bytes, percent and KB/s: redrawn in place on a terminal, as plain lines every 10 %
 * otherwise (logs, CI).
 */
export class StreamProgress implements Progress {
  private phase = '';
  private totalBytes = 0;
  private doneBytes = 0;
  private startMs = 0;
  private lastDrawMs = 0;
  private lastLineStep = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: Clock,
  ) {}

  begin(phase: string, totalBytes: number): void {
    this.phase = phase;
    this.totalBytes = totalBytes;
    this.doneBytes = 0;
    this.startMs = this.clock.nowMs();
    this.lastDrawMs = -Infinity;
    this.lastLineStep = -1;
    this.draw(false);
  }

  advance(bytes: number): void {
    this.doneBytes += bytes;
    this.draw(false);
  }

  end(): void {
    this.draw(true);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(final: boolean): void {
    const fraction = this.totalBytes === 0 ? 1 : Math.min(1, this.doneBytes / this.totalBytes);
    const percent = Math.floor(fraction * PERCENT);
    const nowMs = this.clock.nowMs();
    const elapsedS = (nowMs - this.startMs) / MS_PER_S;
    const rate = elapsedS > 0 ? this.doneBytes / BYTES_PER_KB / elapsedS : 0;
    const figures =
      `${String(percent).padStart(3)}%  ${(this.doneBytes / BYTES_PER_KB).toFixed(1)}/${(this.totalBytes / BYTES_PER_KB).toFixed(1)} KB` +
      `  ${rate.toFixed(1)} KB/s`;
    if (this.stream.isTTY) {
      if (!final && nowMs - this.lastDrawMs < REDRAW_INTERVAL_MS) return;
      this.lastDrawMs = nowMs;
      const filled = Math.round(fraction * BAR_CELLS);
      this.stream.write(`\r${this.phase.padEnd(7)}[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}] ${figures}`);
      return;
    }
    const step = Math.floor(percent / LINE_STEP_PERCENT);
    if (step === this.lastLineStep) return;
    this.lastLineStep = step;
    this.stream.write(`${this.phase.padEnd(7)}${figures}\n`);
  }
}
