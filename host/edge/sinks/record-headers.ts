/**
 * The NATS headers of one outbox record: its idempotency key as `Nats-Msg-Id` (JetStream's deduplication) and
 * when the edge received it. nats.js sends a header set as the block its `encode()` returns (NATS ADR-4: the line
 * `NATS/1.0`, a `Name: value` line per header, an empty line, each ended by CRLF). A general header set checks and
 * canonicalises every name as it is appended and builds the block from a map at each publish: about 2 KB of the
 * 16 KB the edge bench allocates per DATA message, and 0.5–1.4 µs of the sink's 7–10 µs a record. These two names
 * are constants in canonical form, so the block is written once, here. The set reads as any other and cannot be
 * changed.
 */
import { MsgHdrsImpl } from '@nats-io/transport-node';

/** JetStream's deduplication header (NATS ADR-31 and the JetStream docs, "Message Deduplication"). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
/** When the edge received the record (Unix epoch ms), for consumers measuring their own latency. */
export const RECEIVED_AT_HEADER = 'Wasmote-Received-At-Ms';

/** ADR-4: a header value ends at the line's CRLF, so it cannot hold either. */
const LINE_BREAK = /[\r\n]/;

export class RecordHeaders extends MsgHdrsImpl {
  private readonly block: Uint8Array;

  constructor(msgId: string, receivedAtMs: number) {
    super();
    if (LINE_BREAK.test(msgId)) throw new RangeError(`a NATS header value cannot hold a line break: ${JSON.stringify(msgId)}`);
    const receivedAt = String(receivedAtMs);
    this.headers.set(MSG_ID_HEADER, [msgId]);
    this.headers.set(RECEIVED_AT_HEADER, [receivedAt]);
    this.block = Buffer.from(`NATS/1.0\r\n${MSG_ID_HEADER}: ${msgId}\r\n${RECEIVED_AT_HEADER}: ${receivedAt}\r\n\r\n`);
  }

  override encode(): Uint8Array {
    return this.block;
  }

  override set(): never {
    throw readOnly();
  }

  override append(): never {
    throw readOnly();
  }

  override delete(): never {
    throw readOnly();
  }
}

function readOnly(): TypeError {
  return new TypeError("a record's NATS headers cannot be changed");
}
