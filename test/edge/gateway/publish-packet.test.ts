import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { QoS0Packets } from '../../../host/edge/gateway/publish-packet.ts';

/** mqtt-packet, the encoder and parser mqtt.js uses: the second implementation these bytes are checked against. */
function reference(topic: string, payload: Buffer, retain: boolean, protocolVersion: 4 | 5): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain, dup: false, messageId: 0 }, { protocolVersion });
}

function parseAll(bytes: Buffer, protocolVersion: 4 | 5): mqttPacket.IPublishPacket[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: mqttPacket.Packet[] = [];
  parser.on('packet', (packet) => packets.push(packet));
  parser.on('error', (error) => {
    throw error;
  });
  parser.parse(bytes);
  return packets as mqttPacket.IPublishPacket[];
}

function encodeOne(topic: string, payload: string | Buffer, retain: boolean, protocolVersion: 4 | 5): Buffer {
  const packets = new QoS0Packets(protocolVersion);
  packets.add(topic, payload, retain);
  return packets.take();
}

describe('a QoS 0 PUBLISH written in one buffer', () => {
  // Remaining lengths of one, two, three and four bytes (§2.2.3: 127, 16,383 and 2,097,151 are the bounds).
  const payloadSizes = [0, 100, 125, 126, 16_000, 16_383, 20_000, 2_097_100, 2_097_200];
  for (const protocolVersion of [4, 5] as const) {
    it(`has mqtt-packet's bytes for MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'}, and parses back to the same message`, () => {
      for (const size of payloadSizes) {
        for (const [topic, retain] of [
          ['wasmote/lab/sim-3fa2-0000/data', false],
          ['wasmote/lab/capteur-été/latest', true],
        ] as const) {
          const payload = Buffer.alloc(size, size % 251);
          const bytes = encodeOne(topic, payload, retain, protocolVersion);
          expect(bytes.equals(reference(topic, payload, retain, protocolVersion)), `${topic}, ${size} bytes`).toBe(true);
          const parsed = parseAll(bytes, protocolVersion);
          expect(parsed).toHaveLength(1);
          expect(parsed[0]).toMatchObject({ cmd: 'publish', topic, qos: 0, retain, dup: false });
          expect(Buffer.compare(parsed[0]!.payload as Buffer, payload)).toBe(0);
        }
      }
    });
  }

  it('writes a string payload as its UTF-8 bytes', () => {
    const payload = '{"text":"capteur été, 25 °C"}';
    expect(encodeOne('wasmote/lab/d/log', payload, false, 5).equals(reference('wasmote/lab/d/log', Buffer.from(payload), false, 5))).toBe(true);
  });

  it("hands out a turn's packets in order, and never overwrites packets handed out before", () => {
    const packets = new QoS0Packets(5);
    const expected: Buffer[] = [];
    const taken: Buffer[] = [];
    // 64 KB payloads: the packets outgrow the first buffer several times over, some while others wait to be taken.
    for (let turn = 0; turn < 12; turn++) {
      for (let k = 0; k < 3; k++) {
        const topic = `wasmote/lab/dev-${k}/data`;
        const payload = Buffer.alloc(65_536, turn * 3 + k);
        packets.add(topic, payload, k === 2);
        expected.push(reference(topic, payload, k === 2, 5));
      }
      taken.push(packets.take());
    }
    expect(packets.waitingBytes).toBe(0);
    expect(Buffer.concat(taken).equals(Buffer.concat(expected))).toBe(true);
    expect(parseAll(Buffer.concat(taken), 5).map((packet) => (packet.payload as Buffer)[0])).toEqual(Array.from({ length: 36 }, (_, n) => n));
  });

  it('refuses a topic longer than a two-byte length can say', () => {
    expect(() => new QoS0Packets(5).add('t'.repeat(65_536), Buffer.alloc(1), false)).toThrow(/at most 65535 bytes/);
  });
});
