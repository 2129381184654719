/**
 * The host's end of the firmware-in-the-loop board's clock gate (firmware/hal/proxy/gate.h): the device says when a
 * boot begins and asks how far each sleep may go; the host answers a boot at once and a sleep when it chooses,
 * with the device time to wake at and the number of link frames it wrote first.
 * Times are µs of the device's clock, which starts at 0 at each boot.
 */

const BOOT = 0x42; // 'B'
const BOOT_ANSWER = 0x62; // 'b'
const SLEEP = 0x53; // 'S'
const WAKE = 0x57; // 'W'
const TIME_BYTES = 8;
const REQUEST_BYTES: Record<number, number> = { [BOOT]: 1, [SLEEP]: 1 + 2 * TIME_BYTES };

export interface ClockGateHandlers {
  /** A boot has begun; the device waits for bootAnswer() before it sends a link frame. */
  boot(): void;
  /** The device would sleep from `nowUs` until `deadlineUs`; it waits for wakeAnswer(). */
  sleep(nowUs: number, deadlineUs: number): void;
  /** Bytes the gate does not know: the line is out of step. */
  garbled(byte: number): void;
}

/** Splits the device's side of the gate into requests. */
export class ClockGateReader {
  private pending = new Uint8Array(0);

  constructor(private readonly handlers: ClockGateHandlers) {}

  push(chunk: Uint8Array): void {
    const bytes = new Uint8Array(this.pending.length + chunk.length);
    bytes.set(this.pending);
    bytes.set(chunk, this.pending.length);
    let at = 0;
    while (at < bytes.length) {
      const kind = bytes[at]!;
      const length = REQUEST_BYTES[kind];
      if (length === undefined) {
        this.handlers.garbled(kind);
        at += 1;
        continue;
      }
      if (bytes.length - at < length) break;
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, length);
      if (kind === BOOT) this.handlers.boot();
      else this.handlers.sleep(readTime(view, 1), readTime(view, 1 + TIME_BYTES));
      at += length;
    }
    this.pending = bytes.slice(at);
  }
}

export function bootAnswer(): Uint8Array {
  return Uint8Array.of(BOOT_ANSWER);
}

/** Wake at `wakeUs` of the device's clock once `frames` link frames (written before this answer) are in. */
export function wakeAnswer(wakeUs: number, frames: number): Uint8Array {
  const answer = new Uint8Array(1 + TIME_BYTES + 1);
  const view = new DataView(answer.buffer);
  answer[0] = WAKE;
  view.setBigUint64(1, BigInt(wakeUs), true);
  answer[1 + TIME_BYTES] = frames;
  return answer;
}

function readTime(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}
