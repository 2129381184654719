/**
 * QoS 0 PUBLISH packets, as the edge writes its DATA (docs/edge.md, "Throughput"): MQTT 3.1.1 §3.3 and MQTT 5.0
 * §3.3. mqtt.js builds a packet object per publish and writes it in five pieces, each through the socket's stream;
 * at the edge's rates that was a tenth of its CPU. A QoS0Packets writes a turn's packets one after another into
 * one buffer, each payload straight from its string, and hands them out together for one write.
 */

/** §2.2.3 (3.1.1) / §1.5.5 (5.0): the Remaining Length is a Variable Byte Integer of at most four bytes. */
const VARIABLE_BYTE_INTEGER_MAX = 268_435_455;
/** §2.2.1 / §2.1.2: packet type 3, PUBLISH, in the high nibble; DUP 0 and QoS 0 below it; RETAIN is bit 0. */
const PUBLISH_QOS0 = 0x30;
const RETAIN = 0x01;
/** §1.5.3 (5.0) / §1.5.3 (3.1.1): a UTF-8 string is prefixed by its length in two bytes. */
const STRING_LENGTH_MAX = 0xffff;
/** Bytes allocated at once for packets; a larger packet gets a buffer of its own size. */
const SLAB_BYTES = 256 * 1024;

function variableByteIntegerBytes(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : 4;
}

export class QoS0Packets {
  private buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  /** The packets not yet taken are `buffer[start, end)`; what lies before was handed out and is never written again. */
  private start = 0;
  private end = 0;

  constructor(private readonly protocolVersion: 4 | 5) {}

  /** Bytes added and not yet taken. */
  get waitingBytes(): number {
    return this.end - this.start;
  }

  add(topic: string, payload: string | Uint8Array, retain: boolean): void {
    const topicBytes = Buffer.byteLength(topic);
    if (topicBytes > STRING_LENGTH_MAX) throw new RangeError(`an MQTT topic holds at most ${STRING_LENGTH_MAX} bytes, not ${topicBytes}`);
    const payloadBytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    // §3.3.2: the topic name; no packet identifier at QoS 0; MQTT 5 §3.3.2.3: the properties' length, here none.
    const remaining = 2 + topicBytes + (this.protocolVersion === 5 ? 1 : 0) + payloadBytes;
    if (remaining > VARIABLE_BYTE_INTEGER_MAX) throw new RangeError(`an MQTT packet holds at most ${VARIABLE_BYTE_INTEGER_MAX} bytes after its fixed header`);
    this.makeRoom(1 + variableByteIntegerBytes(remaining) + remaining);
    const packet = this.buffer;
    let at = this.end;
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
    if (this.protocolVersion === 5) packet[at++] = 0;
    if (typeof payload === 'string') at += packet.write(payload, at, 'utf8');
    else {
      packet.set(payload, at);
      at += payloadBytes;
    }
    this.end = at;
  }

  /** The packets added since the last take, in order; the caller may keep them, since they are never overwritten. */
  take(): Buffer {
    const packets = this.buffer.subarray(this.start, this.end);
    this.start = this.end;
    return packets;
  }

  private makeRoom(bytes: number): void {
    if (this.end + bytes <= this.buffer.length) return;
    // What waits moves to the new buffer, which has room for as much again: a caller that takes rarely copies rarely.
    const waiting = this.buffer.subarray(this.start, this.end);
    this.buffer = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, 2 * (waiting.length + bytes)));
    this.buffer.set(waiting, 0);
    this.start = 0;
    this.end = waiting.length;
  }
}
