/**
 * The receiver's view of sequence numbers and sessions (docs/link-protocol.md §5.2): per session, which of the
 * last 1024 numbers it has seen, so that every accepted frame is new (perhaps after a gap), a duplicate, a
 * reorder, a late frame of an earlier session, or a jump too far back to place (a reset). Pure bookkeeping: it
 * never rejects a frame.
 */

/** How an accepted frame's `seq` relates to what its session has seen (§5.2). */
export type FrameOrder = 'new' | 'duplicate' | 'reorder' | 'late' | 'reset';

export interface FrameClass {
  order: FrameOrder;
  /** The frame's session; null for the unknown session before the link's first HELLO or HEARTBEAT. */
  session: number | null;
  /** For a new frame: the numbers it skipped over, lost or still on their way. 0 otherwise. */
  gap: number;
  /** The frame started tracking a session other than the current one (the first one included). */
  sessionChange: boolean;
}

/** §5: seq is a u16. */
const SEQ_MASK = 0xffff;
/** §5.2: a frame less than half the number space ahead of the expected one is new. */
const AHEAD_LIMIT = 0x8000;
/** §5.2: numbers tracked behind the highest seen. A power of two that divides 65536, so slots survive wrapping. */
export const SEQ_WINDOW = 1024;
/** §5.2: earlier sessions remembered, so their late frames are recognised. */
export const REMEMBERED_SESSIONS = 4;
const BITS_PER_WORD = 32;

/** Which of the last SEQ_WINDOW numbers up to the highest seen have been seen: one bit per number. */
class SeqWindow {
  private readonly seen = new Uint32Array(SEQ_WINDOW / BITS_PER_WORD);
  /** The highest number seen so far (mod 65536); -1 before the first. */
  private highest = -1;
  /** What the last `accept` skipped over, when it returned 'new'. */
  gap = 0;

  clear(): this {
    this.seen.fill(0);
    this.highest = -1;
    return this;
  }

  accept(seq: number): Exclude<FrameOrder, 'late'> {
    this.gap = 0;
    if (this.highest < 0) return this.restart(seq, 'new');
    const ahead = (seq - this.highest - 1) & SEQ_MASK;
    if (ahead < AHEAD_LIMIT) {
      this.advance(seq, ahead);
      this.gap = ahead;
      return 'new';
    }
    const behind = (this.highest - seq) & SEQ_MASK;
    if (behind >= SEQ_WINDOW) return this.restart(seq, 'reset');
    if (this.isSeen(seq)) return 'duplicate';
    this.mark(seq);
    return 'reorder';
  }

  /** A new baseline: `seq` is the only number seen. */
  private restart<Order extends FrameOrder>(seq: number, order: Order): Order {
    this.seen.fill(0);
    this.mark(seq);
    this.highest = seq;
    return order;
  }

  /** Moves the window up to `seq`; the `skipped` numbers between enter it unseen. */
  private advance(seq: number, skipped: number): void {
    if (skipped >= SEQ_WINDOW) {
      this.restart(seq, 'new');
      return;
    }
    for (let offset = 1; offset <= skipped; offset++) this.unmark((this.highest + offset) & SEQ_MASK);
    this.mark(seq);
    this.highest = seq;
  }

  private isSeen(seq: number): boolean {
    const slot = seq & (SEQ_WINDOW - 1);
    return (this.seen[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  private mark(seq: number): void {
    const slot = seq & (SEQ_WINDOW - 1);
    this.seen[slot >>> 5]! |= 1 << (slot & 31);
  }

  private unmark(seq: number): void {
    const slot = seq & (SEQ_WINDOW - 1);
    this.seen[slot >>> 5]! &= ~(1 << (slot & 31));
  }
}

interface TrackedSession {
  id: number | null;
  window: SeqWindow;
}

export class SessionTracker {
  private current: TrackedSession = { id: null, window: new SeqWindow() };
  /** Earlier sessions, the most recent first; at most REMEMBERED_SESSIONS. */
  private readonly earlier: TrackedSession[] = [];

  /** The session frames without one are counted in; null until the first HELLO or HEARTBEAT. */
  get currentSession(): number | null {
    return this.current.id;
  }

  /**
   * Classifies an accepted frame. `session` is the session the frame carries (HELLO and HEARTBEAT), undefined
   * for every other message, which belongs to the current session.
   */
  track(seq: number, session: number | undefined): FrameClass {
    if (session === undefined || session === this.current.id) {
      const order = this.current.window.accept(seq);
      return { order, session: this.current.id, gap: this.current.window.gap, sessionChange: false };
    }
    const earlier = this.earlier.find((tracked) => tracked.id === session);
    if (earlier !== undefined) {
      earlier.window.accept(seq);
      return { order: 'late', session, gap: 0, sessionChange: false };
    }
    this.startSession(session);
    this.current.window.accept(seq);
    return { order: 'new', session, gap: 0, sessionChange: true };
  }

  /** §5.2: a session change; its first frame sets the baseline. The unknown session is not remembered. */
  private startSession(session: number): void {
    if (this.current.id !== null) this.earlier.unshift(this.current);
    const forgotten = this.earlier.length > REMEMBERED_SESSIONS ? this.earlier.pop() : undefined;
    const window = this.current.id === null ? this.current.window : (forgotten?.window ?? new SeqWindow());
    this.current = { id: session, window: window.clear() };
  }
}
