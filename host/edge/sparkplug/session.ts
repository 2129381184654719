/** Sparkplug 3.0: `bdSeq` and `seq` both run 0..255 and wrap to 0 (the requirements cited below). */
const SEQUENCE_MODULUS = 256;

/**
 * `bdSeq`: 0 at the first CONNECT, one more at every CONNECT after it, reconnections included
 * (tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq).
 */
export class BirthDeathSequence {
  private next = 0;

  /** The value for the CONNECT about to be sent. */
  forNextConnect(): number {
    const value = this.next;
    this.next = (this.next + 1) % SEQUENCE_MODULUS;
    return value;
  }
}

/**
 * `seq`: 0 in NBIRTH (tck-id-payloads-nbirth-seq), then one more in every NBIRTH, DBIRTH, NDATA, DDATA and DDEATH
 * in publish order (tck-id-payloads-sequence-num-incrementing); NDEATH carries none.
 */
export class MessageSequence {
  private next = 0;

  /** For an NBIRTH: starts over at 0. */
  restart(): number {
    this.next = 1;
    return 0;
  }

  take(): number {
    const value = this.next;
    this.next = (this.next + 1) % SEQUENCE_MODULUS;
    return value;
  }
}
