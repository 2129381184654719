/**
 * The receiving half of a link direction: a streaming decoder over arbitrary chunks of wire bytes
 * (docs/link-protocol.md §2, §5, §6). It never throws (unless a callback does), holds at most one maximal encoded
 * frame, counts every segment it drops by reason, and places every frame it accepts in its session (§5.2).
 */
import { cobsDecode } from './cobs.ts';
import { decodeBody } from './codec.ts';
import { DROP_REASONS, type DropReason } from './drop-reasons.ts';
import { FRAME_DELIMITER, MAX_ENCODED_BYTES } from './frame.ts';
import type { NewerPeer } from './hello.ts';
import type { LinkMessage } from './messages.ts';
import { type FrameOrder, SessionTracker } from './session-tracker.ts';

export interface DecodedFrame {
  seq: number;
  message: LinkMessage;
  /** §5.1: the session the frame belongs to; null before the link's first HELLO or HEARTBEAT. */
  session: number | null;
  /** §5.2: new, duplicate, reorder, late (an earlier session's) or reset (too far behind to place). */
  order: FrameOrder;
  /** For a new frame: how many numbers it skipped over. 0 otherwise. */
  gap: number;
}

/**
 * Frames delivered (`framesOk`), what §5.2 made of them, and segments dropped by reason (§6). `gaps` counts the
 * numbers skipped over, so a reorder that later fills one is counted in both `gaps` and `reorders`.
 */
export type LinkDecoderStats = Record<
  'framesOk' | 'gaps' | 'duplicates' | 'reorders' | 'late' | 'resets' | 'sessionChanges' | DropReason,
  number
>;

/** Each callback reports one event as it happens; the totals are in `stats` as well. */
export interface LinkDecoderOptions {
  /** A dropped segment (§6), with a detail naming the field where one applies. */
  onDrop?: (reason: DropReason, detail: string) => void;
  /** A new frame skipped `count` numbers of `session`. */
  onGap?: (count: number, session: number | null) => void;
  onDuplicate?: (seq: number, session: number | null) => void;
  /** A frame arrived after frames sent later: it fills part of an earlier gap. */
  onReorder?: (seq: number, session: number | null) => void;
  /** A HELLO or HEARTBEAT of one of the last 4 sessions before the current one. */
  onLate?: (seq: number, session: number) => void;
  /** A frame more than 1024 behind the highest of its session: a new baseline, a gap of unknown size. */
  onReset?: (seq: number, session: number | null) => void;
  /** A HELLO or HEARTBEAT started tracking `next`; `previous` is null for the link's first. */
  onSessionChange?: (previous: number | null, next: number) => void;
  /** §4.1.1: the HELLO of a device speaking a newer major version, dropped as `version`. */
  onNewerPeer?: (peer: NewerPeer) => void;
}

/** Shared by every decoder: each body is decoded before the next is read, and messages copy out its bytes. */
const bodyScratch = new Uint8Array(MAX_ENCODED_BYTES);

/** Segments dropped, whatever the reason. */
export function droppedSegments(stats: LinkDecoderStats): number {
  return DROP_REASONS.reduce((sum, reason) => sum + stats[reason], 0);
}

export class LinkDecoder {
  readonly stats: LinkDecoderStats = {
    framesOk: 0,
    gaps: 0,
    duplicates: 0,
    reorders: 0,
    late: 0,
    resets: 0,
    sessionChanges: 0,
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
  private readonly tracker = new SessionTracker();
  private readonly options: LinkDecoderOptions;

  constructor(options: LinkDecoderOptions = {}) {
    this.options = { ...options };
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
      if (result.newerPeer !== undefined) this.options.onNewerPeer?.(result.newerPeer);
      return;
    }
    this.stats.framesOk++;
    frames.push(this.place(result.seq, result.message));
  }

  /** §5.2: counts and reports what the frame is within its session. */
  private place(seq: number, message: LinkMessage): DecodedFrame {
    const previous = this.tracker.currentSession;
    const carried = message.type === 'hello' || message.type === 'heartbeat' ? message.session : undefined;
    const { order, session, gap, sessionChange } = this.tracker.track(seq, carried);
    const { stats, options } = this;
    if (sessionChange) {
      stats.sessionChanges++;
      options.onSessionChange?.(previous, session!);
    }
    switch (order) {
      case 'new':
        if (gap > 0) {
          stats.gaps += gap;
          options.onGap?.(gap, session);
        }
        break;
      case 'duplicate':
        stats.duplicates++;
        options.onDuplicate?.(seq, session);
        break;
      case 'reorder':
        stats.reorders++;
        options.onReorder?.(seq, session);
        break;
      case 'late':
        stats.late++;
        options.onLate?.(seq, session!);
        break;
      case 'reset':
        stats.resets++;
        options.onReset?.(seq, session);
        break;
    }
    return { seq, message, session, order, gap };
  }

  private drop(reason: DropReason, detail: string): void {
    this.stats[reason]++;
    this.options.onDrop?.(reason, detail);
  }
}
