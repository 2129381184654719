import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodePublishQos0 } from '../../../host/edge/gateway/publish-packet.ts';

/** mqtt-packet, the encoder and parser mqtt.js uses: the second implementation these bytes are checked against. */
function reference(topic: string, payload: Buffer, retain: boolean, protocolVersion: 4 | 5): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain, dup: false, messageId: 0 }, { protocolVersion });
}

function parse(bytes: Buffer, protocolVersion: 4 | 5): mqttPacket.IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: mqttPacket.Packet[] = [];
  parser.on('packet', (packet) => packets.push(packet));
  parser.on('error', (error) => {
    throw error;
  });
  parser.parse(bytes);
  expect(packets).toHaveLength(1);
  return packets[0] as mqttPacket.IPublishPacket;
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
          const bytes = encodePublishQos0(topic, payload, retain, protocolVersion);
          expect(bytes.equals(reference(topic, payload, retain, protocolVersion)), `${topic}, ${size} bytes`).toBe(true);
          const parsed = parse(bytes, protocolVersion);
          expect(parsed).toMatchObject({ cmd: 'publish', topic, qos: 0, retain, dup: false });
          expect(Buffer.compare(parsed.payload as Buffer, payload)).toBe(0);
        }
      }
    });
  }

  it('refuses a topic longer than a two-byte length can say', () => {
    expect(() => encodePublishQos0('t'.repeat(65_536), Buffer.alloc(1), false, 5)).toThrow(/at most 65535 bytes/);
  });
});
