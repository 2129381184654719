/**
 * The receiving half of a link direction: a streaming decoder over arbitrary chunks of wire bytes
 * (docs/link-protocol.md §2, §5, §6). It never throws (unless `onDrop` does), holds at most one maximal encoded
 * frame, and counts every segment it drops by reason.
 */
import { cobsDecode } from './cobs.ts';
import { decodeBody } from './codec.ts';
import type { DropReason } from './drop-reasons.ts';
import { FRAME_DELIMITER, MAX_ENCODED_BYTES } from './frame.ts';
import type { LinkMessage } from './messages.ts';

export interface DecodedFrame {
  seq: number;
  message: LinkMessage;
}

/** Frames delivered, segments dropped by reason, and frames lost according to seq (§5). */
export type LinkDecoderStats = Record<'framesOk' | 'seqGaps' | DropReason, number>;

export interface LinkDecoderOptions {
  /** Called once per dropped segment, so callers can report what was lost and why. */
  onDrop?: (reason: DropReason, detail: string) => void;
}

/** §5: seq is a u16 that wraps. */
const SEQ_MASK = 0xffff;

/** Shared by every decoder: each body is decoded before the next is read, and messages copy out its bytes. */
const bodyScratch = new Uint8Array(MAX_ENCODED_BYTES);

export class LinkDecoder {
  readonly stats: LinkDecoderStats = {
    framesOk: 0,
    seqGaps: 0,
    oversize: 0,
    cobs: 0,
    short: 0,
    crc: 0,
    version: 0,
    unknownType: 0,
    malformed: 0,
  };

  /** The encoded bytes of a segment that spans chunks. */
  private readonly segment = new Uint8Array(MAX_ENCODED_BYTES);
  private segmentLength = 0;
  /** §2: inside a run longer than MAX_ENCODED_BYTES, skipping to the next delimiter. */
  private discarding = false;
  /** §5: the seq the next frame should carry; undefined until the first frame sets the baseline. */
  private expectedSeq: number | undefined;
  private readonly onDrop: LinkDecoderOptions['onDrop'];

  constructor(options: LinkDecoderOptions = {}) {
    this.onDrop = options.onDrop;
  }

  /** Bytes held from an unfinished segment; never more than the longest encoded frame (1037). */
  get bufferedBytes(): number {
    return this.segmentLength;
  }

  /** Consumes `chunk` and returns the frames it completed, in order. */
  push(chunk: Uint8Array): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    let start = 0;
    for (;;) {
      const delimiterAt = chunk.indexOf(FRAME_DELIMITER, start);
      if (delimiterAt < 0) {
        this.accumulate(chunk, start, chunk.length);
        return frames;
      }
      if (this.segmentLength === 0 && !this.discarding) {
        this.endSegment(chunk, start, delimiterAt, frames);
      } else {
        this.accumulate(chunk, start, delimiterAt);
        if (!this.discarding) this.endSegment(this.segment, 0, this.segmentLength, frames);
      }
      this.segmentLength = 0;
      this.discarding = false;
      start = delimiterAt + 1;
    }
  }

  private accumulate(chunk: Uint8Array, start: number, end: number): void {
    if (this.discarding || start === end) return;
    if (this.segmentLength + end - start > MAX_ENCODED_BYTES) {
      this.discarding = true;
      this.segmentLength = 0;
      this.drop('oversize', `more than ${MAX_ENCODED_BYTES} bytes before a delimiter`);
      return;
    }
    this.segment.set(chunk.subarray(start, end), this.segmentLength);
    this.segmentLength += end - start;
  }

  /** Decodes the segment `source[start, end)`, whose delimiter has just arrived. */
  private endSegment(source: Uint8Array, start: number, end: number, frames: DecodedFrame[]): void {
    if (start === end) return; // §2: empty segments are ignored silently
    if (end - start > MAX_ENCODED_BYTES) {
      this.drop('oversize', `more than ${MAX_ENCODED_BYTES} bytes before a delimiter`);
      return;
    }
    const bodyLength = cobsDecode(source, start, end, bodyScratch);
    if (bodyLength < 0) {
      this.drop('cobs', 'a code byte points past the delimiter');
      return;
    }
    const result = decodeBody(bodyScratch.subarray(0, bodyLength));
    if (!result.ok) {
      this.drop(result.reason, result.detail);
      return;
    }
    this.countGap(result.seq, result.message);
    this.stats.framesOk++;
    frames.push({ seq: result.seq, message: result.message });
  }

  /** §5: the first frame and every HELLO set the baseline; otherwise skipped seqs are lost frames. */
  private countGap(seq: number, message: LinkMessage): void {
    if (this.expectedSeq !== undefined && message.type !== 'hello') {
      this.stats.seqGaps += (seq - this.expectedSeq) & SEQ_MASK;
    }
    this.expectedSeq = (seq + 1) & SEQ_MASK;
  }

  private drop(reason: DropReason, detail: string): void {
    this.stats[reason]++;
    this.onDrop?.(reason, detail);
  }
}
