import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cobsEncode, cobsMaxEncodedBytes } from '../../host/link/cobs.ts';
import { encodeMessage } from '../../host/link/codec.ts';
import { LinkDecoder, type LinkDecoderOptions } from '../../host/link/decoder.ts';
import type { DropReason } from '../../host/link/drop-reasons.ts';
import type { HeartbeatMessage, HelloMessage, LinkMessage } from '../../host/link/messages.ts';

/** docs/link-protocol.md §2: the longest encoded frame. */
const MAX_ENCODED_BYTES = 1037;

const data = (timeMs: number): LinkMessage => ({ type: 'data', timeMs, values: [{ id: 0, value: 21.5 }] });
const hello: HelloMessage = {
  type: 'hello',
  deviceId: 'node-7',
  linkMinor: 0,
  firmwareVersion: 'fw 0.2.0',
  capabilities: 0,
  board: 'sim',
  appName: 'sensor-node',
  appVersion: 'app 0.2.0',
  appHash: new Uint8Array(32).fill(0x5a),
  abiVersion: 0x0001_0001,
  bootReason: 0,
  helloReason: 0,
  session: 0x1234_5678,
  bootCount: 1,
  uptimeMs: 3,
  heartbeatPeriodMs: 5000,
  reportIntervalMs: 1000,
  appState: 0,
  metricCount: 1,
  opcodes: [1, 2, 3],
};
const heartbeat: HeartbeatMessage = {
  type: 'heartbeat',
  uptimeMs: 5000,
  session: 0x1234_5678,
  bootCount: 1,
  appState: 0,
  restartAtMs: 0,
  consecutiveFailures: 0,
  lastFailureKind: 0,
  lastFailureCode: 0,
  rxFrames: 0,
  rxDrops: { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, unknownType: 0, malformed: 0 },
  commandsDropped: 0,
  ledMode: 255,
  ledPeriodMs: 0,
  ledLevel: 255,
  brightnessU16: 0,
  reportIntervalMs: 1000,
};
const log: LinkMessage = { type: 'log', timeMs: 7, level: 2, text: 'x'.repeat(255) };

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** The first frame of a link, before any HELLO or HEARTBEAT: the unknown session, a new baseline. */
function unplaced(seq: number, message: LinkMessage) {
  return { seq, message, session: null, order: 'new', gap: 0 };
}

function recordingDecoder() {
  const drops: Array<{ reason: DropReason; detail: string }> = [];
  const decoder = new LinkDecoder({ onDrop: (reason, detail) => drops.push({ reason, detail }) });
  return { decoder, drops };
}

describe('LinkDecoder streaming', () => {
  const frames = [encodeMessage(hello, 1), encodeMessage(log, 2), encodeMessage(data(1000), 3)];
  const wire = concat(...frames);
  const placed = { session: hello.session, order: 'new', gap: 0 } as const;
  const expected = [
    { seq: 1, message: hello, ...placed },
    { seq: 2, message: log, ...placed },
    { seq: 3, message: data(1000), ...placed },
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
    expect(decoder.push(concat(garbage, Uint8Array.of(0), frame))).toEqual([unplaced(9, data(5))]);
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs']);
  });

  it('loses the frame that garbage runs into, and recovers at the following one', () => {
    const { decoder, drops } = recordingDecoder();
    const decoded = decoder.push(concat(Uint8Array.of(0x01, 0x02), frame, encodeMessage(data(6), 10)));
    expect(decoded).toEqual([unplaced(10, data(6))]);
    expect(drops.map((drop) => drop.reason)).toEqual(['crc']);
  });

  it('discards an over-long run with bounded memory, counting it once', () => {
    const { decoder, drops } = recordingDecoder();
    for (let chunk = 0; chunk < 100; chunk++) {
      decoder.push(new Uint8Array(100).fill(0x41));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    }
    expect(decoder.push(concat(Uint8Array.of(0), frame))).toEqual([unplaced(9, data(5))]);
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
      framesOk: 1,
      gaps: 0,
      duplicates: 0,
      reorders: 0,
      late: 0,
      resets: 0,
      sessionChanges: 0,
      oversize: 0,
      cobs: 0,
      short: 1,
      crc: 1,
      version: 0,
      unknownType: 0,
      malformed: 0,
    });
  });
});

describe('LinkDecoder reading a newer device (§4.1.1)', () => {
  /** A frame of major version `version`, sealed with zlib's CRC. */
  function frameOfVersion(version: number, type: number, payload: number[]): Uint8Array {
    const body = Buffer.from([version, type, 0, 0, ...payload, 0, 0, 0, 0]);
    body.writeUInt32LE(zlibCrc32(body.subarray(0, -4)), body.length - 4);
    const wire = new Uint8Array(cobsMaxEncodedBytes(body.length) + 1);
    return wire.subarray(0, cobsEncode(body, 0, body.length, wire, 0) + 1);
  }
  const text = (value: string) => [value.length, ...Buffer.from(value)];

  it('reports the first fields of a newer HELLO with its version drop, and goes on', () => {
    const peers: unknown[] = [];
    const drops: string[] = [];
    const decoder = new LinkDecoder({
      onNewerPeer: (peer) => peers.push(peer),
      onDrop: (_, detail) => drops.push(detail),
    });
    const newer = frameOfVersion(3, 0x01, [...text('node-17'), 1, ...text('2.4.1'), 0xff, 0xee]);
    expect(decoder.push(concat(newer, encodeMessage(data(1), 0)))).toHaveLength(1);
    expect(peers).toEqual([{ linkVersion: 3, deviceId: 'node-17', linkMinor: 1, firmwareVersion: '2.4.1' }]);
    expect(drops).toEqual(['version 3, expected 2: HELLO from node-17, link 3.1, firmware "2.4.1"']);
    expect(decoder.stats.version).toBe(1);
  });

  it('reads nothing from an older version, another type or a prefix that breaks its rules', () => {
    const peers: unknown[] = [];
    const decoder = new LinkDecoder({ onNewerPeer: (peer) => peers.push(peer) });
    decoder.push(frameOfVersion(1, 0x01, [...text('node-17'), 0, ...text('2.4.1')]));
    decoder.push(frameOfVersion(3, 0x02, [...text('node-17'), 0, ...text('2.4.1')]));
    decoder.push(frameOfVersion(3, 0x01, [...text('node 17'), 0, ...text('2.4.1')]));
    decoder.push(frameOfVersion(3, 0x01, [...text('node-17'), 0]));
    expect(peers).toEqual([]);
    expect(decoder.stats.version).toBe(4);
  });
});

type Sent = number | { hello: number; seq: number } | { heartbeat: number; seq: number };

/** Sessions in these tests. */
const A = 0xaaaa_0001;
const B = 0xbbbb_0002;
const C = 0xcccc_0003;
const D = 0xdddd_0004;
const E = 0xeeee_0005;
const F = 0xffff_0006;

/** Decodes frames sent with the given seqs (DATA), or HELLO / HEARTBEAT of a session; records every report. */
function track(sent: Sent[]) {
  const events: string[] = [];
  const name = (session: number | null) => (session === null ? 'unknown' : session.toString(16));
  const options: LinkDecoderOptions = {
    onGap: (count, session) => events.push(`gap ${count} ${name(session)}`),
    onDuplicate: (seq, session) => events.push(`duplicate ${seq} ${name(session)}`),
    onReorder: (seq, session) => events.push(`reorder ${seq} ${name(session)}`),
    onLate: (seq, session) => events.push(`late ${seq} ${name(session)}`),
    onReset: (seq, session) => events.push(`reset ${seq} ${name(session)}`),
    onSessionChange: (previous, next) => events.push(`session ${name(previous)} -> ${name(next)}`),
  };
  const decoder = new LinkDecoder(options);
  const frames = sent.flatMap((item) => {
    if (typeof item === 'number') return decoder.push(encodeMessage(data(item), item));
    if ('hello' in item) return decoder.push(encodeMessage({ ...hello, session: item.hello }, item.seq));
    return decoder.push(encodeMessage({ ...heartbeat, session: item.heartbeat }, item.seq));
  });
  return { events, frames, stats: decoder.stats, orders: frames.map((frame) => frame.order) };
}

describe('LinkDecoder sessions and sequence numbers (§5.2)', () => {
  it('tracks frames before the first HELLO in an unknown session, and changes session at the HELLO', () => {
    const { events, frames, stats } = track([10, 11, 13, { hello: A, seq: 0 }, 1, 2]);
    expect(frames.map((frame) => frame.session)).toEqual([null, null, null, A, A, A]);
    expect(events).toEqual(['gap 1 unknown', `session unknown -> ${A.toString(16)}`]);
    expect(stats).toMatchObject({ gaps: 1, sessionChanges: 1, framesOk: 6 });
  });

  it('takes a HEARTBEAT as well as a HELLO to learn the session', () => {
    const { frames, stats } = track([500, { heartbeat: A, seq: 501 }, 502]);
    expect(frames.map((frame) => frame.session)).toEqual([null, A, A]);
    expect(stats).toMatchObject({ gaps: 0, sessionChanges: 1 });
  });

  it('counts the numbers a new frame skips over as a gap', () => {
    const { events, frames, stats } = track([{ hello: A, seq: 0 }, 1, 2, 5, 6, 10]);
    expect(events.slice(1)).toEqual(['gap 2 aaaa0001', 'gap 3 aaaa0001']);
    expect(frames.map((frame) => frame.gap)).toEqual([0, 0, 0, 2, 0, 3]);
    expect(stats).toMatchObject({ gaps: 5, duplicates: 0, reorders: 0 });
  });

  it('tells a duplicate from a reorder, and delivers both', () => {
    const { orders, events, stats } = track([{ hello: A, seq: 0 }, 1, 3, 2, 2, 3, 0]);
    expect(orders).toEqual(['new', 'new', 'new', 'reorder', 'duplicate', 'duplicate', 'duplicate']);
    expect(events.slice(1)).toEqual([
      'gap 1 aaaa0001',
      'reorder 2 aaaa0001',
      'duplicate 2 aaaa0001',
      'duplicate 3 aaaa0001',
      'duplicate 0 aaaa0001',
    ]);
    expect(stats).toMatchObject({ framesOk: 7, gaps: 1, reorders: 1, duplicates: 3 });
  });

  it('keeps the baseline across a HELLO of the same session (an app restart)', () => {
    const { stats, orders } = track([{ hello: A, seq: 0 }, 1, 2, { hello: A, seq: 3 }, 4, { heartbeat: A, seq: 5 }]);
    expect(orders.every((order) => order === 'new')).toBe(true);
    expect(stats).toMatchObject({ gaps: 0, sessionChanges: 1 });
  });

  it('starts a new baseline at a session change, whatever the seqs', () => {
    const { events, frames, stats } = track([{ hello: A, seq: 0 }, 1, 2, 3000, { hello: B, seq: 0 }, 1, 2]);
    expect(events).toEqual([
      `session unknown -> ${A.toString(16)}`,
      'gap 2997 aaaa0001',
      `session ${A.toString(16)} -> ${B.toString(16)}`,
    ]);
    expect(frames.map((frame) => frame.order)).toEqual(['new', 'new', 'new', 'new', 'new', 'new', 'new']);
    expect(frames.slice(4).map((frame) => frame.session)).toEqual([B, B, B]);
    expect(stats).toMatchObject({ sessionChanges: 2, gaps: 2997, duplicates: 0 });
  });

  it('recognises a late HEARTBEAT of the previous session, delivers it, and stays in the current one', () => {
    const { events, frames, stats } = track([
      { hello: A, seq: 0 }, 1, 2,
      { hello: B, seq: 0 }, 1,
      { heartbeat: A, seq: 3 },
      2,
    ]);
    expect(events.slice(2)).toEqual(['late 3 aaaa0001']);
    expect(frames[5]).toMatchObject({ session: A, order: 'late', gap: 0 });
    expect(frames[6]).toMatchObject({ session: B, order: 'new', gap: 0 });
    expect(stats).toMatchObject({ late: 1, sessionChanges: 2, gaps: 0 });
  });

  it('remembers the last 4 sessions before the current one, and forgets the fifth', () => {
    const sessions = [A, B, C, D, E];
    const boots: Sent[] = sessions.flatMap((session) => [{ hello: session, seq: 0 }, 1]);
    expect(track([...boots, { heartbeat: A, seq: 2 }]).stats).toMatchObject({ late: 1, sessionChanges: 5 });
    const sixth = track([...boots, { hello: F, seq: 0 }, { heartbeat: B, seq: 2 }, { heartbeat: A, seq: 2 }]);
    expect(sixth.stats).toMatchObject({ late: 1, sessionChanges: 7 });
    expect(sixth.events.slice(-2)).toEqual(['late 2 bbbb0002', `session ${F.toString(16)} -> ${A.toString(16)}`]);
  });

  it('places a frame 1023 behind the highest in the window, and one 1024 behind at a new baseline', () => {
    expect(track([{ hello: A, seq: 0 }, 1, 1024, 1]).orders).toEqual(['new', 'new', 'new', 'duplicate']);
    expect(track([{ hello: A, seq: 0 }, 1024, 1]).orders).toEqual(['new', 'new', 'reorder']);
    const reset = track([{ hello: A, seq: 0 }, 1024, 0, 1, 1024]);
    expect(reset.orders).toEqual(['new', 'new', 'reset', 'new', 'new']);
    expect(reset.events.slice(1)).toEqual(['gap 1023 aaaa0001', 'reset 0 aaaa0001', 'gap 1022 aaaa0001']);
    expect(reset.stats).toMatchObject({ resets: 1, gaps: 2045, duplicates: 0, reorders: 0 });
  });

  it('forgets what it saw once a jump moves it out of the window, and reuses its slot', () => {
    expect(track([{ hello: A, seq: 0 }, 5, 1028, 5]).orders).toEqual(['new', 'new', 'new', 'duplicate']);
    expect(track([{ hello: A, seq: 0 }, 5, 1029, 5]).orders).toEqual(['new', 'new', 'new', 'reset']);
    // 1029 shares 5's slot: not seen, though 5 was.
    expect(track([{ hello: A, seq: 0 }, 5, 2000, 1029]).orders).toEqual(['new', 'new', 'new', 'reorder']);
    expect(track([{ hello: A, seq: 0 }, 5, 1500, 1029]).orders).toEqual(['new', 'new', 'new', 'reorder']);
  });

  it('wraps from 65535 to 0 without a gap, and counts gaps, duplicates and reorders across the wrap', () => {
    const { orders, stats } = track([{ hello: A, seq: 65534 }, 65535, 0, 1, 65535, 4, 3, 65533]);
    expect(orders).toEqual(['new', 'new', 'new', 'new', 'duplicate', 'new', 'reorder', 'reorder']);
    expect(stats).toMatchObject({ gaps: 2, duplicates: 1, reorders: 2, resets: 0 });
  });

  it('takes a frame up to 32767 ahead as new, and one 32768 ahead as too far behind', () => {
    expect(track([{ hello: A, seq: 0 }, 32768]).stats).toMatchObject({ gaps: 32767, resets: 0 });
    expect(track([{ hello: A, seq: 0 }, 32769]).stats).toMatchObject({ gaps: 0, resets: 1 });
  });

  it('counts a frame dropped on the wire as a gap once the next one arrives', () => {
    const decoder = new LinkDecoder();
    const lost = encodeMessage(data(1), 1);
    lost[3] = lost[3]! ^ 0x10;
    decoder.push(concat(encodeMessage(data(0), 0), lost, encodeMessage(data(2), 2)));
    expect(decoder.stats).toMatchObject({ framesOk: 2, crc: 1, gaps: 1 });
  });
});
