/** PROXY_RESPONSE, type 0x11, host → device (docs/link-protocol.md §4.10): the outcome of a PROXY_REQUEST. */
import type { ByteReader, ByteWriter } from './bytes.ts';
import type { ProxyResponseMessage } from './messages.ts';

/** §4.10: a HAL status (hal-abi.md §3), OK 0 .. UNSUPPORTED 6. */
const STATUS_MAX = 6;
/** §4.10: at most one I2C read's worth (hal-abi.md §4.1: 1..255 bytes). */
const DATA_MAX_BYTES = 255;
/** request_id, status and the most data: the longest frame a device receives (§2). */
export const PROXY_RESPONSE_MAX_PAYLOAD_BYTES = 2 + 1 + DATA_MAX_BYTES;

export function encodeProxyResponse(message: ProxyResponseMessage, writer: ByteWriter): void {
  writer.u16(message.requestId, 'request_id');
  writer.u8Within(message.status, 'status', 0, STATUS_MAX);
  writer.rest(message.data, 'data', 0, DATA_MAX_BYTES);
}

export function decodeProxyResponse(reader: ByteReader): ProxyResponseMessage {
  const requestId = reader.u16('request_id');
  const status = reader.u8Within('status', 0, STATUS_MAX);
  const data = reader.rest('data', 0, DATA_MAX_BYTES);
  return { type: 'proxy-response', requestId, status, data };
}
