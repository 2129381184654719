import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder } from '../../host/link/decoder.ts';
import type { DropReason } from '../../host/link/drop-reasons.ts';
import type { LinkMessage } from '../../host/link/messages.ts';

/** docs/link-protocol.md §2: the longest encoded frame. */
const MAX_ENCODED_BYTES = 1037;

const data = (timeMs: number): LinkMessage => ({ type: 'data', timeMs, values: [{ id: 0, value: 21.5 }] });
const hello: LinkMessage = {
  type: 'hello',
  deviceId: 'node-7',
  firmwareVersion: 'fw 0.1.0',
  appVersion: 'app 0.1.0',
  appHash: new Uint8Array(32).fill(0x5a),
  abiVersion: 0x0001_0000,
  bootReason: 0,
  metrics: [{ id: 0, name: 'temperature', unit: 'Cel' }],
};
const log: LinkMessage = { type: 'log', timeMs: 7, level: 2, text: 'x'.repeat(255) };

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

function recordingDecoder() {
  const drops: Array<{ reason: DropReason; detail: string }> = [];
  const decoder = new LinkDecoder({ onDrop: (reason, detail) => drops.push({ reason, detail }) });
  return { decoder, drops };
}

describe('LinkDecoder streaming', () => {
  const frames = [encodeMessage(hello, 1), encodeMessage(log, 2), encodeMessage(data(1000), 3)];
  const wire = concat(...frames);
  const expected = [
    { seq: 1, message: hello },
    { seq: 2, message: log },
    { seq: 3, message: data(1000) },
  ];

  it('decodes back-to-back frames in one chunk', () => {
    const { decoder, drops } = recordingDecoder();
    expect(decoder.push(wire)).toEqual(expected);
    expect(drops).toEqual([]);
    expect(decoder.stats.framesOk).toBe(3);
  });

  it('gives the same frames whatever byte boundary splits the stream', () => {
    for (let split = 0; split <= wire.length; split++) {
      const decoder = new LinkDecoder();
      const decoded = [...decoder.push(wire.subarray(0, split)), ...decoder.push(wire.subarray(split))];
      expect(decoded, `split at ${split}`).toEqual(expected);
    }
  });

  it('gives the same frames pushed one byte at a time', () => {
    const decoder = new LinkDecoder();
    const decoded = [...wire].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(decoded).toEqual(expected);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('ignores empty segments: a leading 0x00 flush and repeated delimiters', () => {
    const { decoder, drops } = recordingDecoder();
    expect(decoder.push(concat(Uint8Array.of(0, 0, 0), frames[0]!, Uint8Array.of(0, 0)))).toEqual([expected[0]]);
    expect(drops).toEqual([]);
  });

  it('copies message bytes out of its buffers', () => {
    const decoder = new LinkDecoder();
    const command: LinkMessage = { type: 'command', commandId: 1, payload: Uint8Array.of(0x01, 0x02) };
    const [first] = decoder.push(encodeMessage(command, 0));
    decoder.push(encodeMessage({ type: 'command', commandId: 2, payload: Uint8Array.of(0x03, 0x04) }, 1));
    expect(first?.message).toEqual(command);
  });
});

describe('LinkDecoder resynchronisation', () => {
  const frame = encodeMessage(data(5), 9);

  it('drops garbage up to the next delimiter and decodes the frame after it', () => {
    const { decoder, drops } = recordingDecoder();
    const garbage = Uint8Array.of(0x13, 0x37, 0xfe, 0x02, 0x99);
    expect(decoder.push(concat(garbage, Uint8Array.of(0), frame))).toEqual([{ seq: 9, message: data(5) }]);
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs']);
  });

  it('loses the frame that garbage runs into, and recovers at the following one', () => {
    const { decoder, drops } = recordingDecoder();
    const decoded = decoder.push(concat(Uint8Array.of(0x01, 0x02), frame, encodeMessage(data(6), 10)));
    expect(decoded).toEqual([{ seq: 10, message: data(6) }]);
    expect(drops.map((drop) => drop.reason)).toEqual(['crc']);
  });

  it('discards an over-long run with bounded memory, counting it once', () => {
    const { decoder, drops } = recordingDecoder();
    for (let chunk = 0; chunk < 100; chunk++) {
      decoder.push(new Uint8Array(100).fill(0x41));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    }
    expect(decoder.push(concat(Uint8Array.of(0), frame))).toEqual([{ seq: 9, message: data(5) }]);
    expect(drops.map((drop) => drop.reason)).toEqual(['oversize']);
    expect(drops[0]!.detail).toContain('1037');
  });

  it('holds a run of exactly 1037 bytes but discards one of 1038', () => {
    const { decoder, drops } = recordingDecoder();
    decoder.push(new Uint8Array(MAX_ENCODED_BYTES).fill(0x41));
    expect(decoder.bufferedBytes).toBe(MAX_ENCODED_BYTES);
    decoder.push(Uint8Array.of(0));
    decoder.push(concat(new Uint8Array(MAX_ENCODED_BYTES + 1).fill(0x41), Uint8Array.of(0)));
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs', 'oversize']);
  });

  it('reports each drop once through onDrop and in stats', () => {
    const { decoder, drops } = recordingDecoder();
    const badCrc = frame.slice();
    badCrc[badCrc.length - 2] = badCrc[badCrc.length - 2]! ^ 0x01;
    decoder.push(concat(badCrc, Uint8Array.of(0x01, 0x00), frame));
    expect(drops.map((drop) => drop.reason)).toEqual(['crc', 'short']);
    expect(decoder.stats).toEqual({
      framesOk: 1, seqGaps: 0, oversize: 0, cobs: 0, short: 1, crc: 1, version: 0, unknownType: 0, malformed: 0,
    });
  });
});

describe('LinkDecoder sequence gaps', () => {
  function gapsAfter(seqs: Array<number | 'hello'>): number {
    const decoder = new LinkDecoder();
    let helloSeq = 0;
    for (const seq of seqs) {
      decoder.push(seq === 'hello' ? encodeMessage(hello, helloSeq++) : encodeMessage(data(0), seq));
    }
    return decoder.stats.seqGaps;
  }

  it('takes the first frame as the baseline', () => {
    expect(gapsAfter([1000, 1001, 1002])).toBe(0);
  });

  it('counts the frames skipped between two received ones', () => {
    expect(gapsAfter([0, 1, 2, 5, 6, 10])).toBe(5);
  });

  it('wraps at 65536', () => {
    expect(gapsAfter([65534, 65535, 0, 1])).toBe(0);
    expect(gapsAfter([65535, 2])).toBe(2);
  });

  it('resets the baseline on HELLO', () => {
    expect(gapsAfter([10, 11, 'hello', 1, 2])).toBe(0);
  });

  it('counts a frame dropped on the wire as lost once the next one arrives', () => {
    const decoder = new LinkDecoder();
    const lost = encodeMessage(data(1), 1);
    lost[3] = lost[3]! ^ 0x10;
    decoder.push(concat(encodeMessage(data(0), 0), lost, encodeMessage(data(2), 2)));
    expect(decoder.stats).toMatchObject({ framesOk: 2, crc: 1, seqGaps: 1 });
  });
});
