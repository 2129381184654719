/**
 * A PUBLISH packet at QoS 0, as the edge writes its DATA (docs/edge.md, "Throughput"): MQTT 3.1.1 §3.3 and MQTT 5.0
 * §3.3. mqtt.js builds a packet object per publish and writes it in five pieces, each through the socket's stream;
 * at the edge's rates that was a tenth of its CPU. This writes the same bytes as one buffer.
 */

/** §2.2.3 (3.1.1) / §1.5.5 (5.0): the Remaining Length is a Variable Byte Integer of at most four bytes. */
const VARIABLE_BYTE_INTEGER_MAX = 268_435_455;
/** §2.2.1 / §2.1.2: packet type 3, PUBLISH, in the high nibble; DUP 0 and QoS 0 below it; RETAIN is bit 0. */
const PUBLISH_QOS0 = 0x30;
const RETAIN = 0x01;
/** §1.5.3 (5.0) / §1.5.3 (3.1.1): a UTF-8 string is prefixed by its length in two bytes. */
const STRING_LENGTH_MAX = 0xffff;

function variableByteIntegerBytes(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : 4;
}

export function encodePublishQos0(topic: string, payload: Uint8Array, retain: boolean, protocolVersion: 4 | 5): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  if (topicBytes > STRING_LENGTH_MAX) throw new RangeError(`an MQTT topic holds at most ${STRING_LENGTH_MAX} bytes, not ${topicBytes}`);
  // §3.3.2: the topic name; no packet identifier at QoS 0; MQTT 5 §3.3.2.3: the properties' length, here none.
  const remaining = 2 + topicBytes + (protocolVersion === 5 ? 1 : 0) + payload.length;
  if (remaining > VARIABLE_BYTE_INTEGER_MAX) throw new RangeError(`an MQTT packet holds at most ${VARIABLE_BYTE_INTEGER_MAX} bytes after its fixed header`);
  const packet = Buffer.allocUnsafe(1 + variableByteIntegerBytes(remaining) + remaining);
  let at = 0;
  packet[at++] = PUBLISH_QOS0 | (retain ? RETAIN : 0);
  // Seven bits a byte, least significant first; the top bit says another byte follows.
  for (let left = remaining; ; ) {
    const low = left % 0x80;
    left = Math.floor(left / 0x80);
    packet[at++] = left > 0 ? low | 0x80 : low;
    if (left === 0) break;
  }
  at = packet.writeUInt16BE(topicBytes, at);
  at += packet.write(topic, at, 'utf8');
  if (protocolVersion === 5) packet[at++] = 0;
  packet.set(payload, at);
  return packet;
}
