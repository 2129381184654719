/**
 * The receiver's view of session tags and sequence numbers (docs/link-protocol.md §5.2): per tag, which of the
 * last 1024 numbers it has seen, for the current tag and the 3 before it. Every accepted frame is attributed by
 * the `session_tag` in its header: to the current tag, to one of the 3 earlier ones (late), or to a new tag that
 * becomes current (a session change). Within its tag's window it is new (perhaps after a gap), a duplicate, a
 * reorder, or a jump too far back to place (a reset). Pure bookkeeping: it never rejects a frame.
 */

/** How an accepted frame's `seq` relates to what its tag has seen (§5.2). */
export type FrameOrder = 'new' | 'duplicate' | 'reorder' | 'reset';

/** A session as the receiver knows it: its tag, and its full 32-bit session once a HELLO or HEARTBEAT gave it. */
export interface SessionRef {
  tag: number;
  session: number | null;
}

export interface FrameClass {
  /** Where the frame's `seq` falls in its tag's window. */
  order: FrameOrder;
  /** The frame's tag is one of the 3 before the current one: it belongs to an earlier session. */
  late: boolean;
  /** The full session of the frame's tag, once a HELLO or HEARTBEAT of that tag gave it; null until then. */
  session: number | null;
  /** For a new frame: the numbers it skipped over, lost or still on their way. 0 otherwise. */
  gap: number;
  /** For a session change, the tag that was current until this frame; null otherwise (the link's first included). */
  previous: SessionRef | null;
}

/** §5: seq is a u16. */
const SEQ_MASK = 0xffff;
/** §5.2: a frame less than half the number space ahead of the expected one is new. */
const AHEAD_LIMIT = 0x8000;
/** §5.2: numbers tracked behind the highest seen. A power of two that divides 65536, so slots survive wrapping. */
export const SEQ_WINDOW = 1024;
/** §5.2: tags remembered, the current one included, so frames of the 3 before it are recognised as late. */
export const REMEMBERED_TAGS = 4;
/** §3.1: `session_tag` is the low 16 bits of the session. */
const TAG_MASK = 0xffff;
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

  accept(seq: number): FrameOrder {
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

interface TrackedTag extends SessionRef {
  window: SeqWindow;
}

export class SessionTracker {
  /** The current tag; null before the link's first frame. */
  private current: TrackedTag | null = null;
  /** The tags current before it, the most recent first; at most REMEMBERED_TAGS - 1. */
  private readonly earlier: TrackedTag[] = [];

  /** The current tag and what is known of its session; null before the link's first frame. */
  get currentSession(): SessionRef | null {
    return this.current === null ? null : { tag: this.current.tag, session: this.current.session };
  }

  /**
   * Classifies an accepted frame by the `session_tag` and `seq` of its header. `carried` is the full session a
   * HELLO or HEARTBEAT carries, undefined for every other message; it becomes its tag's session when its low 16
   * bits are the tag (the latest such wins).
   */
  track(tag: number, seq: number, carried?: number): FrameClass {
    let tracked = this.current;
    let late = false;
    let previous: SessionRef | null = null;
    if (tracked === null) {
      // §5.2: the link's first frame sets the current tag and its baseline; no session change.
      tracked = this.current = { tag, session: null, window: new SeqWindow() };
    } else if (tag !== tracked.tag) {
      const earlier = this.earlier.find((candidate) => candidate.tag === tag);
      if (earlier !== undefined) {
        tracked = earlier;
        late = true;
      } else {
        previous = { tag: tracked.tag, session: tracked.session };
        tracked = this.change(tag);
      }
    }
    if (carried !== undefined && (carried & TAG_MASK) === tag) tracked.session = carried;
    const order = tracked.window.accept(seq);
    return { order, late, session: tracked.session, gap: tracked.window.gap, previous };
  }

  /** §5.2: a session change. The new tag becomes current, in the window of the oldest one, which is forgotten. */
  private change(tag: number): TrackedTag {
    this.earlier.unshift(this.current!);
    const forgotten = this.earlier.length > REMEMBERED_TAGS - 1 ? this.earlier.pop() : undefined;
    this.current = { tag, session: null, window: forgotten?.window.clear() ?? new SeqWindow() };
    return this.current;
  }
}
