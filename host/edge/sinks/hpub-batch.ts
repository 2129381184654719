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
 * in canonical form, so each record's command is written once, straight into the batch's buffer.
 */
import { idempotencyKey, type OutboxRecord } from '../record.ts';

/** JetStream's deduplication header (NATS ADR-31 and the JetStream docs, "Message Deduplication"). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
/** When the edge received the record (Unix epoch ms), for consumers measuring their own latency. */
export const RECEIVED_AT_HEADER = 'Wasmote-Received-At-Ms';

/** ADR-4: a header value ends at the line's CRLF, so it cannot hold either. */
const LINE_BREAK = /[\r\n]/;
const CRLF = Buffer.from('\r\n');

export interface HpubBatchOptions {
  /** The NATS subject of a record's relative subject. */
  subjectOf(subject: string): string;
  /** Record i's reply subject is this followed by `firstReplyNumber + i`. */
  replyPrefix: string;
  firstReplyNumber: number;
  /** The server's `max_payload` (its INFO): the most header and payload bytes one message may carry. */
  maxPayloadBytes: number;
}

/**
 * The HPUB commands of `records` in order, each with the record's idempotency key as `Nats-Msg-Id` and its arrival
 * time. Throws a RangeError naming the record when its key would break the header block or the message is larger
 * than the server takes; nothing is encoded then.
 */
export function encodeHpubBatch(records: readonly OutboxRecord[], options: HpubBatchOptions): Buffer {
  const { subjectOf, replyPrefix, firstReplyNumber, maxPayloadBytes } = options;
  const heads = new Array<string>(records.length);
  const headBytes = new Array<number>(records.length);
  let totalBytes = 0;
  records.forEach((record, index) => {
    const msgId = idempotencyKey(record);
    if (LINE_BREAK.test(msgId)) throw new RangeError(`a NATS header value cannot hold a line break: ${JSON.stringify(msgId)}`);
    const headerBlock = `NATS/1.0\r\n${MSG_ID_HEADER}: ${msgId}\r\n${RECEIVED_AT_HEADER}: ${record.receivedAtMs}\r\n\r\n`;
    const headerBytes = Buffer.byteLength(headerBlock);
    const messageBytes = headerBytes + record.payload.length;
    if (messageBytes > maxPayloadBytes) {
      throw new RangeError(`${msgId} is ${messageBytes} bytes with its headers, over the server's max_payload of ${maxPayloadBytes}`);
    }
    const head = `HPUB ${subjectOf(record.subject)} ${replyPrefix}${firstReplyNumber + index} ${headerBytes} ${messageBytes}\r\n${headerBlock}`;
    heads[index] = head;
    headBytes[index] = Buffer.byteLength(head);
    totalBytes += headBytes[index] + record.payload.length + CRLF.length;
  });
  const bytes = Buffer.allocUnsafe(totalBytes);
  let offset = 0;
  records.forEach((record, index) => {
    offset += bytes.write(heads[index]!, offset);
    bytes.set(record.payload, offset);
    offset += record.payload.length;
    offset += CRLF.copy(bytes, offset);
  });
  return bytes;
}
