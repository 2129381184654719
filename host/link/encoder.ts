/**
 * The sending half of a link direction (docs/link-protocol.md §5): puts the low 16 bits of the sender's session in
 * every frame's `session_tag`, numbers the frames and encodes them.
 */
import { randomInt } from 'node:crypto';
import { checkInteger, LinkFieldError } from './bytes.ts';
import { encodeMessage } from './codec.ts';
import { SESSION_MAX, SESSION_MIN } from './hello.ts';
import type { LinkMessage } from './messages.ts';

/** §5: seq is a u16 that wraps. */
const SEQ_MASK = 0xffff;
/** §3.1: `session_tag` is the session's low 16 bits. */
const TAG_MASK = 0xffff;

export interface LinkEncoderOptions {
  /**
   * §5.1: the sender's 32-bit session, never 0: a device's drawn at boot, an edge's when it starts. Drawn at random
   * when absent; pass it whenever a HELLO or HEARTBEAT will carry it, or runs must repeat.
   */
  session?: number;
  /** The first frame's seq; 0 unless a test needs another (§5: a sender starts at 0). */
  firstSeq?: number;
}

export class LinkEncoder {
  /** §5.1: the sender's session; its low 16 bits are every frame's `session_tag`. */
  readonly session: number;
  private seq: number;

  /** Throws LinkFieldError for a session outside 1..2^32 − 1 or a firstSeq outside 0..65535. */
  constructor(options: LinkEncoderOptions = {}) {
    const session = options.session ?? randomInt(SESSION_MIN, SESSION_MAX + 1);
    checkInteger(session, SESSION_MAX, 'session');
    if (session < SESSION_MIN) throw new LinkFieldError('session', '0 is never a session (§5.1)');
    const firstSeq = options.firstSeq ?? 0;
    checkInteger(firstSeq, SEQ_MASK, 'seq');
    this.session = session;
    this.seq = firstSeq;
  }

  /** The `session_tag` of every frame this encoder writes. */
  get sessionTag(): number {
    return this.session & TAG_MASK;
  }

  /** The seq the next frame will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * The wire frame for `message`, delimiter included. A message the protocol cannot carry, or a HELLO or HEARTBEAT
   * whose `session` is not this sender's, throws LinkFieldError and uses no sequence number, so the receiver sees
   * no gap.
   */
  encode(message: LinkMessage): Uint8Array {
    if ((message.type === 'hello' || message.type === 'heartbeat') && message.session !== this.session) {
      throw new LinkFieldError('session', `${message.session} is not this sender's session ${this.session}`);
    }
    const frame = encodeMessage(message, this.sessionTag, this.seq);
    this.seq = (this.seq + 1) & SEQ_MASK;
    return frame;
  }
}
