/**
 * A batch of outbox records as the bytes of NATS client-protocol publishes, one buffer for the whole batch.
 *
 * NATS client protocol, "HPUB": `HPUB <subject> <reply-to> <#header bytes> <#total bytes>\r\n`, then the header
 * block and the payload (the total counts both), then `\r\n`. The header block is NATS ADR-4's: the line
 * `NATS/1.0`, a `Name: value` line per header, an empty line, each ended by CRLF. A JetStream publish is such a
 * message with a reply subject, answered there by a PubAck (JetStream wire API).
 *
 * nats.js's `publish` builds a header set, a command string and an encoded copy of each, and copies the lot again
 * when it flushes: about a sixth of the edge's event loop in the edge bench. The sink's two headers are constants
 * in canonical form, and a device's subjects repeat, so each record's command is written straight into the batch's
 * buffer from bytes kept per subject and the record's numbers.
 */
import type { OutboxRecord } from '../record.ts';
import { natsSubject } from './jetstream-stream.ts';

/** JetStream's deduplication header (NATS ADR-31 and the JetStream docs, "Message Deduplication"). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
/** When the edge received the record (Unix epoch ms), for consumers measuring their own latency. */
export const RECEIVED_AT_HEADER = 'Wasmote-Received-At-Ms';

const HPUB = Buffer.from('HPUB ');
const SPACE = 0x20;
const COLON = 0x3a;
const CRLF = Buffer.from('\r\n');
/** The block up to the message id's value, which is the record's key (record.ts `idempotencyKey`). */
const HEADER_START = Buffer.from(`NATS/1.0\r\n${MSG_ID_HEADER}: `);
const RECEIVED_AT_START = Buffer.from(`\r\n${RECEIVED_AT_HEADER}: `);
const HEADER_END = Buffer.from('\r\n\r\n');
/** The most characters a JavaScript number is written with (`-1.2345678901234567e-308`). */
const NUMBER_CHARS_MAX = 24;
/** Per record, what is written besides its subject's bytes, its payload and its reply prefix. */
const RECORD_BYTES_MAX = HPUB.length + 4 + CRLF.length * 2 + HEADER_START.length + 2 + RECEIVED_AT_START.length + HEADER_END.length + 6 * NUMBER_CHARS_MAX;

/** ADR-4: a header value ends at the line's CRLF, so it cannot hold either. */
const LINE_BREAK = /[\r\n]/;

/** Encoded subjects kept at most: a few per device of a large fleet. */
const SUBJECTS_REMEMBERED = 65_536;

interface SubjectBytes {
  /** The NATS subject under the stream's prefix. */
  nats: Buffer;
  /** The record's relative subject, which its key starts with. */
  key: Buffer;
}

/**
 * Copies `source` into `bytes` at `at` and returns where it ends. The pieces are a few dozen bytes, for which a
 * loop the JIT compiles costs less than a call into Buffer's native copy.
 */
function put(bytes: Buffer, at: number, source: Uint8Array): number {
  for (let i = 0; i < source.length; i++) bytes[at + i] = source[i]!;
  return at + source.length;
}

/** Writes `text`, digits and the characters of a number, one byte a character. */
function putAscii(bytes: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  return at + text.length;
}

export class HpubBatchEncoder {
  private readonly subjects = new Map<string, SubjectBytes>();

  /** `subjectPrefix`: the stream's subjects are `<prefix>.<the record's subject, '/' as '.'>` (jetstream-stream.ts). */
  constructor(private readonly subjectPrefix: string) {}

  /**
   * The HPUB commands of `records` in order, each with the record's idempotency key as `Nats-Msg-Id` and its
   * arrival time; record i's reply subject is `replyPrefix` followed by `firstReplyNumber + i`. Throws a RangeError
   * naming the record when its key would break the header block or the message (headers and payload) is larger
   * than `maxPayloadBytes`, the server's `max_payload`.
   */
  encode(records: readonly OutboxRecord[], replyPrefix: string, firstReplyNumber: number, maxPayloadBytes: number): Buffer {
    const reply = Buffer.from(replyPrefix);
    const subjects = records.map((record) => this.bytesOf(record.subject));
    let boundBytes = 0;
    records.forEach((record, index) => {
      const subject = subjects[index]!;
      boundBytes += RECORD_BYTES_MAX + subject.nats.length + subject.key.length + reply.length + record.payload.length;
    });
    const bytes = Buffer.allocUnsafe(boundBytes);
    let at = 0;
    records.forEach((record, index) => {
      const subject = subjects[index]!;
      const session = String(record.key.session);
      const seq = String(record.key.seq);
      const receivedAt = String(record.receivedAtMs);
      const headerBytes =
        HEADER_START.length + subject.key.length + 1 + session.length + 1 + seq.length + RECEIVED_AT_START.length + receivedAt.length + HEADER_END.length;
      const messageBytes = headerBytes + record.payload.length;
      if (messageBytes > maxPayloadBytes) {
        throw new RangeError(
          `${record.subject}:${session}:${seq} is ${messageBytes} bytes with its headers, over the server's max_payload of ${maxPayloadBytes}`,
        );
      }
      at = put(bytes, at, HPUB);
      at = put(bytes, at, subject.nats);
      bytes[at++] = SPACE;
      at = put(bytes, at, reply);
      at = putAscii(bytes, at, String(firstReplyNumber + index));
      bytes[at++] = SPACE;
      at = putAscii(bytes, at, String(headerBytes));
      bytes[at++] = SPACE;
      at = putAscii(bytes, at, String(messageBytes));
      at = put(bytes, at, CRLF);
      at = put(bytes, at, HEADER_START);
      at = put(bytes, at, subject.key);
      bytes[at++] = COLON;
      at = putAscii(bytes, at, session);
      bytes[at++] = COLON;
      at = putAscii(bytes, at, seq);
      at = put(bytes, at, RECEIVED_AT_START);
      at = putAscii(bytes, at, receivedAt);
      at = put(bytes, at, HEADER_END);
      bytes.set(record.payload, at);
      at += record.payload.length;
      at = put(bytes, at, CRLF);
    });
    return bytes.subarray(0, at);
  }

  private bytesOf(subject: string): SubjectBytes {
    let encoded = this.subjects.get(subject);
    if (encoded === undefined) {
      if (LINE_BREAK.test(subject)) throw new RangeError(`a NATS header value cannot hold a line break: ${JSON.stringify(subject)}`);
      if (this.subjects.size >= SUBJECTS_REMEMBERED) this.subjects.clear();
      encoded = { nats: Buffer.from(natsSubject(this.subjectPrefix, subject)), key: Buffer.from(subject) };
      this.subjects.set(subject, encoded);
    }
    return encoded;
  }
}
