/**
 * docs/mqtt.md §4.1: frames of a session the edge has no birth for are held, up to HOLD_MAX_MS or
 * HOLD_MAX_FRAMES, while the edge asks the device for its HELLO; then they are released in order, or expire.
 */
import type { Clock } from '../../flash/clock.ts';
import type { DecodedFrame } from '../../link/decoder.ts';

export const HOLD_MAX_MS = 5000;
export const HOLD_MAX_FRAMES = 1000;

export interface HeldFrame {
  frame: DecodedFrame;
  arrivalWallMs: number;
}

export class HeldFrames {
  private frames: HeldFrame[] = [];
  private cancelExpiry: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    /** Frames that waited too long, or were pushed out by newer ones. */
    private readonly onExpired: (frames: HeldFrame[]) => void,
  ) {}

  get size(): number {
    return this.frames.length;
  }

  hold(frame: DecodedFrame, arrivalWallMs: number): void {
    if (this.frames.length === 0) this.cancelExpiry = this.clock.schedule(HOLD_MAX_MS, () => this.onExpired(this.take()));
    this.frames.push({ frame, arrivalWallMs });
    if (this.frames.length > HOLD_MAX_FRAMES) this.onExpired(this.frames.splice(0, this.frames.length - HOLD_MAX_FRAMES));
  }

  /** Everything held, oldest first; the hold is empty afterwards. */
  take(): HeldFrame[] {
    this.cancelExpiry?.();
    this.cancelExpiry = undefined;
    const frames = this.frames;
    this.frames = [];
    return frames;
  }
}
