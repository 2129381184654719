import { FRAME_DELIMITER, MAX_ENCODED_BYTES } from '../../link/frame.ts';

/** §2: the longest segment a receiver holds, and its delimiter. */
const MAX_SEGMENT_BYTES = MAX_ENCODED_BYTES + 1;

/**
 * Cuts a byte stream into whole segments, each ending with its 0x00 delimiter (docs/link-protocol.md §2), so that
 * a link can be switched between connections, or shared by two senders, only between frames. A run longer than any
 * receiver holds (§2: 1039 bytes before the delimiter) is discarded up to the next delimiter and counted: a receiver
 * would drop it as `oversize` anyway.
 */
export class WholeSegments {
  /** Bytes thrown away: overlong runs and unfinished segments given up by reset(). */
  discardedBytes = 0;
  private readonly pending = new Uint8Array(MAX_SEGMENT_BYTES);
  private pendingLength = 0;
  private discarding = false;

  /** The segments `chunk` completes, in order, each a copy with its delimiter. */
  push(chunk: Uint8Array): Uint8Array[] {
    const segments: Uint8Array[] = [];
    let start = 0;
    for (;;) {
      const delimiterAt = chunk.indexOf(FRAME_DELIMITER, start);
      const end = delimiterAt < 0 ? chunk.length : delimiterAt + 1;
      this.take(chunk.subarray(start, end));
      if (delimiterAt < 0) return segments;
      if (this.discarding) {
        this.discarding = false;
      } else {
        segments.push(this.pending.slice(0, this.pendingLength));
      }
      this.pendingLength = 0;
      start = end;
    }
  }

  /** Gives up the unfinished segment, if any (its connection is gone). */
  reset(): void {
    this.discardedBytes += this.pendingLength;
    this.pendingLength = 0;
    this.discarding = false;
  }

  private take(bytes: Uint8Array): void {
    if (this.discarding) {
      this.discardedBytes += bytes.length;
      return;
    }
    if (this.pendingLength + bytes.length > MAX_SEGMENT_BYTES) {
      this.discardedBytes += this.pendingLength + bytes.length;
      this.pendingLength = 0;
      this.discarding = true;
      return;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength += bytes.length;
  }
}
