/**
 * The one dispatcher between messages and frames (docs/link-protocol.md §3, §4): picks the message module by
 * type and leaves framing to frame.ts.
 */
import { ByteReader, ByteWriter, LinkFieldError } from './bytes.ts';
import { decodeCommandResult, encodeCommandResult } from './command-result.ts';
import { decodeCommand, encodeCommand } from './command.ts';
import { decodeData, encodeData } from './data.ts';
import type { DropReason } from './drop-reasons.ts';
import { decodeEvent, encodeEvent } from './event.ts';
import { MAX_PAYLOAD_BYTES, openBody, wrapFrame } from './frame.ts';
import { decodeHeartbeat, encodeHeartbeat } from './heartbeat.ts';
import { decodeHello, encodeHello, type NewerPeer } from './hello.ts';
import { decodeLog, encodeLog } from './log.ts';
import { hex8, MessageType, unknownTypeDetail } from './message-types.ts';
import type { LinkMessage } from './messages.ts';
import { decodeMetric, encodeMetric } from './metric.ts';
import { decodeProxyRequest, encodeProxyRequest } from './proxy-request.ts';
import { decodeProxyResponse, encodeProxyResponse } from './proxy-response.ts';

export type BodyDecodeResult =
  | { ok: true; sessionTag: number; seq: number; message: LinkMessage }
  /** `newerPeer`: a `version` drop of a newer device's HELLO (§4.1.1). */
  | { ok: false; reason: DropReason; detail: string; newerPeer?: NewerPeer };

const payloadWriter = new ByteWriter(MAX_PAYLOAD_BYTES);
const payloadReader = new ByteReader();

/**
 * The complete wire frame for `message`, the 0x00 delimiter included, with the header's `session_tag` (the low
 * 16 bits of the sender's session, §5.1) and `seq`. Throws LinkFieldError, naming the field, for a message the
 * protocol cannot carry. Whether a HELLO's or HEARTBEAT's `session` matches `sessionTag` is the sender's
 * business (LinkEncoder checks it): a receiver never rejects a frame for its tag (§5.2), so neither does this.
 */
export function encodeMessage(message: LinkMessage, sessionTag: number, seq: number): Uint8Array {
  payloadWriter.reset();
  const type = encodePayload(message, payloadWriter);
  return wrapFrame(type, sessionTag, seq, payloadWriter.bytes, payloadWriter.length);
}

/**
 * Decodes one frame body (COBS already undone); never throws for any input. `accepts`, when given, is the set
 * of types this receiver takes (§2, a smaller receiver): any other is dropped as `unknownType`.
 */
export function decodeBody(body: Uint8Array, accepts?: ReadonlySet<number>): BodyDecodeResult {
  const opened = openBody(body);
  if (!opened.ok) return opened;
  const reader = payloadReader.reset(opened.payload);
  try {
    const message = decodePayload(opened.type, reader, accepts);
    if (message === undefined) {
      return { ok: false, reason: 'unknownType', detail: unknownTypeDetail(opened.type, accepts) };
    }
    reader.end();
    return { ok: true, sessionTag: opened.sessionTag, seq: opened.seq, message };
  } catch (error) {
    if (!(error instanceof LinkFieldError)) throw error;
    return { ok: false, reason: 'malformed', detail: `type ${hex8(opened.type)}: ${error.message}` };
  }
}

function encodePayload(message: LinkMessage, writer: ByteWriter): MessageType {
  switch (message.type) {
    case 'hello':
      encodeHello(message, writer);
      return MessageType.Hello;
    case 'metric':
      encodeMetric(message, writer);
      return MessageType.Metric;
    case 'heartbeat':
      encodeHeartbeat(message, writer);
      return MessageType.Heartbeat;
    case 'data':
      encodeData(message, writer);
      return MessageType.Data;
    case 'log':
      encodeLog(message, writer);
      return MessageType.Log;
    case 'event':
      encodeEvent(message, writer);
      return MessageType.Event;
    case 'command':
      encodeCommand(message, writer);
      return MessageType.Command;
    case 'command-result':
      encodeCommandResult(message, writer);
      return MessageType.CommandResult;
    case 'proxy-request':
      encodeProxyRequest(message, writer);
      return MessageType.ProxyRequest;
    case 'proxy-response':
      encodeProxyResponse(message, writer);
      return MessageType.ProxyResponse;
    default:
      throw new LinkFieldError('type', `${JSON.stringify((message as { type: unknown }).type)} is not a message type`);
  }
}

function decodePayload(
  type: number,
  reader: ByteReader,
  accepts: ReadonlySet<number> | undefined,
): LinkMessage | undefined {
  if (accepts !== undefined && !accepts.has(type)) return undefined;
  switch (type) {
    case MessageType.Hello:
      return decodeHello(reader);
    case MessageType.Metric:
      return decodeMetric(reader);
    case MessageType.Heartbeat:
      return decodeHeartbeat(reader);
    case MessageType.Data:
      return decodeData(reader);
    case MessageType.Log:
      return decodeLog(reader);
    case MessageType.Event:
      return decodeEvent(reader);
    case MessageType.Command:
      return decodeCommand(reader);
    case MessageType.CommandResult:
      return decodeCommandResult(reader);
    case MessageType.ProxyRequest:
      return decodeProxyRequest(reader);
    case MessageType.ProxyResponse:
      return decodeProxyResponse(reader);
    default:
      return undefined;
  }
}
