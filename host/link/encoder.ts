/** The sending half of a link direction: numbers frames (docs/link-protocol.md §5) and encodes them. */
import { checkInteger } from './bytes.ts';
import { encodeMessage } from './codec.ts';
import type { LinkMessage } from './messages.ts';

/** §5: seq is a u16 that wraps. */
const SEQ_MASK = 0xffff;

export class LinkEncoder {
  private seq: number;

  constructor(firstSeq = 0) {
    checkInteger(firstSeq, SEQ_MASK, 'seq');
    this.seq = firstSeq;
  }

  /** The seq the next frame will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * The wire frame for `message`, delimiter included. A message the protocol cannot carry throws
   * LinkFieldError and uses no sequence number, so the receiver sees no gap.
   */
  encode(message: LinkMessage): Uint8Array {
    const frame = encodeMessage(message, this.seq);
    this.seq = (this.seq + 1) & SEQ_MASK;
    return frame;
  }
}
