/**
 * The receiving half of a link direction: a streaming decoder over arbitrary chunks of wire bytes
 * (docs/link-protocol.md §2, §5, §6). It never throws (unless a callback does), holds at most one maximal encoded
 * frame, counts every segment it drops by reason, and places every frame it accepts by its session tag (§5.2).
 */
import { cobsDecode, cobsMaxEncodedBytes } from './cobs.ts';
import { decodeBody } from './codec.ts';
import { COMMAND_MAX_PAYLOAD_BYTES } from './command.ts';
import { DROP_REASONS, type DropReason } from './drop-reasons.ts';
import { CRC_BYTES, FRAME_DELIMITER, HEADER_BYTES, MAX_ENCODED_BYTES, MIN_BODY_BYTES } from './frame.ts';
import type { NewerPeer } from './hello.ts';
import { MessageType } from './message-types.ts';
import type { LinkMessage } from './messages.ts';
import { PROXY_RESPONSE_MAX_PAYLOAD_BYTES } from './proxy-response.ts';
import { type FrameOrder, SessionTracker, type SessionRef } from './session-tracker.ts';

export interface DecodedFrame {
  /** §3.1: the low 16 bits of the sender's session. */
  sessionTag: number;
  seq: number;
  message: LinkMessage;
  /** §5.2: the full session of the frame's tag when a HELLO or HEARTBEAT of that tag has given it, else null. */
  session: number | null;
  /** §5.2: where `seq` falls in its tag's window: new, duplicate, reorder, or reset (too far behind to place). */
  order: FrameOrder;
  /** §5.2: the frame's tag is one of the 3 before the current one; it is placed in that tag's window all the same. */
  late: boolean;
  /** For a new frame: how many numbers of its tag it skipped over. 0 otherwise. */
  gap: number;
}

/**
 * Frames delivered (`framesOk`), what §5.2 made of them, and segments dropped by reason (§6). `gaps` counts the
 * numbers skipped over, so a reorder that later fills one is counted in both `gaps` and `reorders`. `late` counts
 * frames of earlier tags, which are also counted by where they fall in their tag's window.
 */
export type LinkDecoderStats = Record<
  'framesOk' | 'gaps' | 'duplicates' | 'reorders' | 'late' | 'resets' | 'sessionChanges' | DropReason,
  number
>;

/**
 * What a receiver takes (§2): `maxEncodedBytes` bytes before a delimiter (at least the longest encoded frame of the
 * types it accepts, at most 1039) and the message types in `accepts` (every type when absent); a longer run is
 * `oversize` and any other type `unknownType`.
 */
export interface LinkReceiverLimits {
  maxEncodedBytes?: number;
  accepts?: ReadonlySet<MessageType>;
}

/** Each callback reports one event as it happens; the totals are in `stats` as well. */
export interface LinkDecoderOptions extends LinkReceiverLimits {
  /** A dropped segment (§6), with a detail naming the field where one applies. */
  onDrop?: (reason: DropReason, detail: string) => void;
  /** A new frame skipped `count` numbers of its tag. */
  onGap?: (count: number, tag: number, session: number | null) => void;
  onDuplicate?: (seq: number, tag: number, session: number | null) => void;
  /** A frame arrived after frames of its tag sent later: it fills part of an earlier gap. */
  onReorder?: (seq: number, tag: number, session: number | null) => void;
  /** A frame of one of the 3 tags before the current one: an earlier session's. */
  onLate?: (seq: number, tag: number, session: number | null) => void;
  /** A frame 1024 or more behind the highest of its tag: a new baseline for that tag. */
  onReset?: (seq: number, tag: number, session: number | null) => void;
  /** A frame whose tag is neither current nor among the 3 before it made that tag current. */
  onSessionChange?: (previous: SessionRef, next: SessionRef) => void;
  /** §4.1.1: the HELLO of a device speaking a newer major version, dropped as `version`. */
  onNewerPeer?: (peer: NewerPeer) => void;
}

/**
 * §2: a device's receiver, as the firmware builds it: it accepts COMMAND and PROXY_RESPONSE only, and holds the
 * longest of their encoded frames (a PROXY_RESPONSE with 255 bytes of data: a 268-byte body, 270 bytes encoded).
 * The simulator's device uses these limits so that it drops what the firmware drops.
 */
export const DEVICE_RECEIVER: Readonly<Required<LinkReceiverLimits>> = Object.freeze({
  maxEncodedBytes: Math.max(
    cobsMaxEncodedBytes(HEADER_BYTES + COMMAND_MAX_PAYLOAD_BYTES + CRC_BYTES),
    cobsMaxEncodedBytes(HEADER_BYTES + PROXY_RESPONSE_MAX_PAYLOAD_BYTES + CRC_BYTES),
  ),
  accepts: new Set<MessageType>([MessageType.Command, MessageType.ProxyResponse]),
});

/** The shortest limit that holds a frame at all: the smallest body (§3) encoded. */
const MIN_ENCODED_BYTES = cobsMaxEncodedBytes(MIN_BODY_BYTES);

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

  /** §2: the most bytes this receiver holds before a delimiter. */
  readonly maxEncodedBytes: number;
  /** The message types it accepts; undefined for every type. */
  readonly accepts: ReadonlySet<MessageType> | undefined;
  /** The encoded bytes of a segment that spans chunks. */
  private readonly segment: Uint8Array;
  private segmentLength = 0;
  /** §2: inside a run longer than maxEncodedBytes, skipping to the next delimiter. */
  private discarding = false;
  private readonly tracker = new SessionTracker();
  private readonly options: LinkDecoderOptions;

  /** Throws RangeError for a `maxEncodedBytes` that is not an integer in 11..1039. */
  constructor(options: LinkDecoderOptions = {}) {
    this.options = { ...options };
    const maxEncodedBytes = options.maxEncodedBytes ?? MAX_ENCODED_BYTES;
    const inRange = maxEncodedBytes >= MIN_ENCODED_BYTES && maxEncodedBytes <= MAX_ENCODED_BYTES;
    if (!Number.isInteger(maxEncodedBytes) || !inRange) {
      const limits = `${MIN_ENCODED_BYTES}..${MAX_ENCODED_BYTES}`;
      throw new RangeError(`maxEncodedBytes ${maxEncodedBytes} is not an integer in ${limits}`);
    }
    this.maxEncodedBytes = maxEncodedBytes;
    this.accepts = options.accepts === undefined ? undefined : new Set(options.accepts);
    this.segment = new Uint8Array(maxEncodedBytes);
  }

  /** Bytes held from an unfinished segment; never more than maxEncodedBytes (1039 unless limited). */
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
    if (this.segmentLength + end - start > this.maxEncodedBytes) {
      this.discarding = true;
      this.segmentLength = 0;
      this.dropOversize();
      return;
    }
    this.segment.set(chunk.subarray(start, end), this.segmentLength);
    this.segmentLength += end - start;
  }

  /** Decodes the segment `source[start, end)`, whose delimiter has just arrived. */
  private endSegment(source: Uint8Array, start: number, end: number, frames: DecodedFrame[]): void {
    if (start === end) return; // §2: empty segments are ignored silently
    if (end - start > this.maxEncodedBytes) {
      this.dropOversize();
      return;
    }
    const bodyLength = cobsDecode(source, start, end, bodyScratch);
    if (bodyLength < 0) {
      this.drop('cobs', 'a code byte points past the delimiter');
      return;
    }
    const result = decodeBody(bodyScratch.subarray(0, bodyLength), this.accepts);
    if (!result.ok) {
      this.drop(result.reason, result.detail);
      if (result.newerPeer !== undefined) this.options.onNewerPeer?.(result.newerPeer);
      return;
    }
    this.stats.framesOk++;
    frames.push(this.place(result.sessionTag, result.seq, result.message));
  }

  /** §5.2: counts and reports what the frame is: which tag's, and where in that tag's window. */
  private place(tag: number, seq: number, message: LinkMessage): DecodedFrame {
    const carried = message.type === 'hello' || message.type === 'heartbeat' ? message.session : undefined;
    const { order, late, session, gap, previous } = this.tracker.track(tag, seq, carried);
    const { stats, options } = this;
    if (previous !== null) {
      stats.sessionChanges++;
      options.onSessionChange?.(previous, { tag, session });
    }
    if (late) {
      stats.late++;
      options.onLate?.(seq, tag, session);
    }
    switch (order) {
      case 'new':
        if (gap > 0) {
          stats.gaps += gap;
          options.onGap?.(gap, tag, session);
        }
        break;
      case 'duplicate':
        stats.duplicates++;
        options.onDuplicate?.(seq, tag, session);
        break;
      case 'reorder':
        stats.reorders++;
        options.onReorder?.(seq, tag, session);
        break;
      case 'reset':
        stats.resets++;
        options.onReset?.(seq, tag, session);
        break;
    }
    return { sessionTag: tag, seq, message, session, order, late, gap };
  }

  private dropOversize(): void {
    this.drop('oversize', `more than ${this.maxEncodedBytes} bytes before a delimiter`);
  }

  private drop(reason: DropReason, detail: string): void {
    this.stats[reason]++;
    this.options.onDrop?.(reason, detail);
  }
}
