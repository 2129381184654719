import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cobsEncode, cobsMaxEncodedBytes } from '../../host/link/cobs.ts';
import { encodeMessage } from '../../host/link/codec.ts';
import { DEVICE_RECEIVER, LinkDecoder, type LinkDecoderOptions } from '../../host/link/decoder.ts';
import type { DropReason } from '../../host/link/drop-reasons.ts';
import { MessageType } from '../../host/link/message-types.ts';
import type { HeartbeatMessage, HelloMessage, LinkMessage } from '../../host/link/messages.ts';

/** docs/link-protocol.md §2: the longest encoded frame. */
const MAX_ENCODED_BYTES = 1039;
/** §2: what a device holds, the longest PROXY_RESPONSE (a 268-byte body) encoded. */
const DEVICE_MAX_ENCODED_BYTES = 270;
/** The session tag of frames in these tests that are not about sessions. */
const TAG = 0x5678;

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
  heartbeatPeriodMs: 5000,
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

/** A frame of tag TAG. */
const framed = (message: LinkMessage, seq: number) => encodeMessage(message, TAG, seq);

/** The first frame of a link, not a HELLO or HEARTBEAT: its tag's baseline, the session not known. */
function unplaced(seq: number, message: LinkMessage) {
  return { sessionTag: TAG, seq, message, session: null, order: 'new', late: false, gap: 0 };
}

function recordingDecoder() {
  const drops: Array<{ reason: DropReason; detail: string }> = [];
  const decoder = new LinkDecoder({ onDrop: (reason, detail) => drops.push({ reason, detail }) });
  return { decoder, drops };
}

describe('LinkDecoder streaming', () => {
  const frames = [framed(hello, 1), framed(log, 2), framed(data(1000), 3)];
  const wire = concat(...frames);
  const placed = { sessionTag: TAG, session: hello.session, order: 'new', late: false, gap: 0 } as const;
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
    const [first] = decoder.push(framed(command, 0));
    decoder.push(framed({ type: 'command', commandId: 2, payload: Uint8Array.of(0x03, 0x04) }, 1));
    expect(first?.message).toEqual(command);
  });
});

describe('LinkDecoder resynchronisation', () => {
  const frame = framed(data(5), 9);

  it('drops garbage up to the next delimiter and decodes the frame after it', () => {
    const { decoder, drops } = recordingDecoder();
    const garbage = Uint8Array.of(0x13, 0x37, 0xfe, 0x02, 0x99);
    expect(decoder.push(concat(garbage, Uint8Array.of(0), frame))).toEqual([unplaced(9, data(5))]);
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs']);
  });

  it('loses the frame that garbage runs into, and recovers at the following one', () => {
    const { decoder, drops } = recordingDecoder();
    const decoded = decoder.push(concat(Uint8Array.of(0x01, 0x02), frame, framed(data(6), 10)));
    expect(decoded).toEqual([unplaced(10, data(6))]);
    // Read behind 01 02, the frame's own code bytes point past its end.
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs']);
  });

  it('discards an over-long run with bounded memory, counting it once', () => {
    const { decoder, drops } = recordingDecoder();
    for (let chunk = 0; chunk < 100; chunk++) {
      decoder.push(new Uint8Array(100).fill(0x41));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(MAX_ENCODED_BYTES);
    }
    expect(decoder.push(concat(Uint8Array.of(0), frame))).toEqual([unplaced(9, data(5))]);
    expect(drops.map((drop) => drop.reason)).toEqual(['oversize']);
    expect(drops[0]!.detail).toContain('1039');
  });

  it('holds a run of exactly 1039 bytes but discards one of 1040', () => {
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
    // Every major version keeps the 6-byte header: version, type, session_tag, seq.
    const body = Buffer.from([version, type, 0x11, 0x00, 0x00, 0x00, ...payload, 0, 0, 0, 0]);
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
    expect(decoder.push(concat(newer, framed(data(1), 0)))).toHaveLength(1);
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
    decoder.push(frameOfVersion(3, 0x01, [...text('node-17'), 0, ...text('f'.repeat(33))]));
    expect(peers).toEqual([]);
    expect(decoder.stats.version).toBe(5);
  });

  it('reads a newer HELLO whatever its session tag and seq, and does not track it', () => {
    const peers: unknown[] = [];
    const decoder = new LinkDecoder({ onNewerPeer: (peer) => peers.push(peer) });
    decoder.push(frameOfVersion(3, 0x01, [...text('node-17'), 0, ...text('2.4.1')]));
    expect(peers).toHaveLength(1);
    // The next frame is still the link's first: a baseline, no session change.
    expect(decoder.push(framed(data(1), 5))).toEqual([unplaced(5, data(1))]);
    expect(decoder.stats).toMatchObject({ sessionChanges: 0, gaps: 0, framesOk: 1 });
  });
});

describe('A smaller receiver (§2)', () => {
  const proxyResponse = (data: Uint8Array): LinkMessage => ({ type: 'proxy-response', requestId: 3, status: 0, data });
  /** The longest PROXY_RESPONSE, 255 bytes of data, with a seq that leaves no zero in the body: 270 bytes encoded. */
  function longestProxyResponse(): Uint8Array {
    for (let seq = 0x0101; ; seq++) {
      const frame = encodeMessage(proxyResponse(new Uint8Array(255).fill(0x5a)), 0x0101, seq);
      if (frame.length === DEVICE_MAX_ENCODED_BYTES + 1) return frame;
    }
  }

  function device() {
    const drops: Array<{ reason: DropReason; detail: string }> = [];
    const decoder = new LinkDecoder({ ...DEVICE_RECEIVER, onDrop: (reason, detail) => drops.push({ reason, detail }) });
    return { decoder, drops };
  }

  it('DEVICE_RECEIVER holds 270 bytes and accepts COMMAND and PROXY_RESPONSE, as the firmware does', () => {
    expect(DEVICE_RECEIVER.maxEncodedBytes).toBe(DEVICE_MAX_ENCODED_BYTES);
    const accepted = [...DEVICE_RECEIVER.accepts].sort((a, b) => a - b);
    expect(accepted).toEqual([MessageType.Command, MessageType.ProxyResponse]);
    expect(Object.isFrozen(DEVICE_RECEIVER)).toBe(true);
    const { decoder } = device();
    expect(decoder.maxEncodedBytes).toBe(270);
  });

  it('takes the longest PROXY_RESPONSE, 270 bytes encoded, and the longest COMMAND', () => {
    const { decoder, drops } = device();
    const longest = longestProxyResponse();
    const command: LinkMessage = { type: 'command', commandId: 1, payload: new Uint8Array(64).fill(0x71) };
    const frames = decoder.push(concat(longest, encodeMessage(command, 0x0101, 0x0102)));
    expect(frames.map((frame) => frame.message)).toEqual([proxyResponse(new Uint8Array(255).fill(0x5a)), command]);
    expect(drops).toEqual([]);
  });

  it('drops a 271-byte segment as oversize, counted once, and holds no more than 270 bytes', () => {
    const { decoder, drops } = device();
    decoder.push(new Uint8Array(DEVICE_MAX_ENCODED_BYTES).fill(0x41));
    expect(decoder.bufferedBytes).toBe(DEVICE_MAX_ENCODED_BYTES);
    decoder.push(Uint8Array.of(0));
    for (let chunk = 0; chunk < 10; chunk++) {
      decoder.push(new Uint8Array(100).fill(0x41));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(DEVICE_MAX_ENCODED_BYTES);
    }
    decoder.push(concat(Uint8Array.of(0), new Uint8Array(DEVICE_MAX_ENCODED_BYTES + 1).fill(0x41), Uint8Array.of(0)));
    expect(drops.map((drop) => drop.reason)).toEqual(['cobs', 'oversize', 'oversize']);
    expect(drops[1]!.detail).toContain('270');
  });

  it('drops a 271-byte frame that a full receiver takes: a LOG, as oversize before its type is looked at', () => {
    const longLog = framed({ type: 'log', timeMs: 1, level: 2, text: 'x'.repeat(255) }, 1);
    expect(longLog.length - 1).toBeGreaterThan(DEVICE_MAX_ENCODED_BYTES);
    const { decoder, drops } = device();
    expect(decoder.push(longLog)).toEqual([]);
    expect(drops.map((drop) => drop.reason)).toEqual(['oversize']);
    expect(new LinkDecoder().push(longLog)).toHaveLength(1);
  });

  it('drops every other type as unknownType, naming the type', () => {
    const { decoder, drops } = device();
    const ack: LinkMessage = {
      type: 'command-result', commandId: 1, origin: 0, status: 0, cached: false, payload: Uint8Array.of(),
    };
    const shortLog: LinkMessage = { ...log, text: 'short' } as LinkMessage;
    const others = [framed(data(1), 1), framed(shortLog, 2), framed(hello, 3), framed(heartbeat, 4), framed(ack, 5)];
    expect(decoder.push(concat(...others))).toEqual([]);
    expect(drops.map((drop) => drop.reason)).toEqual(Array(5).fill('unknownType'));
    expect(drops[1]!.detail).toBe('type 0x03 (LOG) is not one this receiver accepts');
    expect(decoder.stats).toMatchObject({ unknownType: 5, framesOk: 0, sessionChanges: 0 });
  });

  it('any limits in between: a receiver of DATA only, holding 300 bytes', () => {
    const drops: DropReason[] = [];
    const decoder = new LinkDecoder({
      maxEncodedBytes: 300,
      accepts: new Set([MessageType.Data]),
      onDrop: (reason) => drops.push(reason),
    });
    expect(decoder.push(concat(framed(data(1), 1), framed(log, 2)))).toEqual([unplaced(1, data(1))]);
    expect(drops).toEqual(['unknownType']);
  });

  it('refuses a limit that holds no frame, or more than 1039 bytes', () => {
    for (const maxEncodedBytes of [0, 10, 1040, 270.5, Number.NaN]) {
      expect(() => new LinkDecoder({ maxEncodedBytes }), String(maxEncodedBytes)).toThrow(RangeError);
    }
    expect(new LinkDecoder({ maxEncodedBytes: 11 }).maxEncodedBytes).toBe(11);
  });
});

/** Sessions in these tests, each with its own tag: the low 16 bits, 0x0001 to 0x0006. */
const A = 0xaaaa_0001;
const B = 0xbbbb_0002;
const C = 0xcccc_0003;
const D = 0xdddd_0004;
const E = 0xeeee_0005;
const F = 0xffff_0006;

/** A frame as its sender framed it: the tag of `session`, a seq, a message. */
interface Sent {
  tag: number;
  seq: number;
  message: LinkMessage;
}
const tagOf = (session: number) => session & 0xffff;
/** DATA of `session`'s sender; only its tag is on the wire. */
const d = (session: number, seq: number): Sent => ({ tag: tagOf(session), seq, message: data(seq) });
const h = (session: number, seq: number): Sent => ({ tag: tagOf(session), seq, message: { ...hello, session } });
const hb = (session: number, seq: number): Sent => ({ tag: tagOf(session), seq, message: { ...heartbeat, session } });

/** `tag:session`, with `?` while the tag's session is not known. */
function where(tag: number, session: number | null): string {
  return `${tag.toString(16).padStart(4, '0')}:${session === null ? '?' : session.toString(16)}`;
}

/** Decodes the frames sent, one push each, and records every report. */
function track(sent: Sent[]) {
  const events: string[] = [];
  const options: LinkDecoderOptions = {
    onGap: (count, tag, session) => events.push(`gap ${count} ${where(tag, session)}`),
    onDuplicate: (seq, tag, session) => events.push(`duplicate ${seq} ${where(tag, session)}`),
    onReorder: (seq, tag, session) => events.push(`reorder ${seq} ${where(tag, session)}`),
    onLate: (seq, tag, session) => events.push(`late ${seq} ${where(tag, session)}`),
    onReset: (seq, tag, session) => events.push(`reset ${seq} ${where(tag, session)}`),
    onSessionChange: (previous, next) =>
      events.push(`session ${where(previous.tag, previous.session)} -> ${where(next.tag, next.session)}`),
  };
  const decoder = new LinkDecoder(options);
  const frames = sent.flatMap(({ tag, seq, message }) => decoder.push(encodeMessage(message, tag, seq)));
  return {
    events,
    frames,
    stats: decoder.stats,
    orders: frames.map((frame) => frame.order),
    sessions: frames.map((frame) => frame.session),
  };
}

/** DATA of session A with these seqs, after A's HELLO at seq 0. */
const afterHello = (...seqs: number[]): Sent[] => [h(A, 0), ...seqs.map((seq) => d(A, seq))];

describe('LinkDecoder session tags and sequence numbers (§5.2)', () => {
  it("sets the current tag at the link's first frame, whatever its type: a clean link has no session change", () => {
    const started = track([d(A, 10), d(A, 11), h(A, 12), d(A, 13), hb(A, 14)]);
    expect(started.events).toEqual([]);
    expect(started.stats).toMatchObject({ framesOk: 5, sessionChanges: 0, gaps: 0, late: 0 });
    expect(started.frames.map((frame) => frame.sessionTag)).toEqual([1, 1, 1, 1, 1]);
    // Every frame is attributed by its tag; the full session is known from the tag's first HELLO on.
    expect(started.sessions).toEqual([null, null, A, A, A]);
    expect(track([h(A, 0), d(A, 1)]).stats).toMatchObject({ sessionChanges: 0 });
  });

  it('takes the full session from a HEARTBEAT as well as a HELLO', () => {
    const { sessions, stats } = track([d(A, 500), hb(A, 501), d(A, 502)]);
    expect(sessions).toEqual([null, A, A]);
    expect(stats).toMatchObject({ gaps: 0, sessionChanges: 0 });
  });

  it("takes no session from a HELLO whose session is not its frame's tag", () => {
    const odd: Sent = { tag: tagOf(A), seq: 1, message: { ...hello, session: B } };
    const { sessions, stats } = track([d(A, 0), odd, d(A, 2), h(A, 3), d(A, 4)]);
    expect(sessions).toEqual([null, null, null, A, A]);
    expect(stats).toMatchObject({ sessionChanges: 0, late: 0, framesOk: 5 });
  });

  it('treats tag 0 like any other', () => {
    const zero = 0x1234_0000;
    const { frames, stats } = track([d(zero, 0), h(zero, 1), d(A, 0), d(zero, 2)]);
    expect(frames.map(({ sessionTag, session, late }) => ({ sessionTag, session, late }))).toEqual([
      { sessionTag: 0, session: null, late: false },
      { sessionTag: 0, session: zero, late: false },
      { sessionTag: 1, session: null, late: false },
      { sessionTag: 0, session: zero, late: true },
    ]);
    expect(stats).toMatchObject({ sessionChanges: 1, late: 1, gaps: 0 });
  });

  it('counts the numbers a new frame skips over as a gap', () => {
    const { events, frames, stats } = track(afterHello(1, 2, 5, 6, 10));
    expect(events).toEqual(['gap 2 0001:aaaa0001', 'gap 3 0001:aaaa0001']);
    expect(frames.map((frame) => frame.gap)).toEqual([0, 0, 0, 2, 0, 3]);
    expect(stats).toMatchObject({ gaps: 5, duplicates: 0, reorders: 0 });
  });

  it('tells a duplicate from a reorder, and delivers both', () => {
    const { orders, events, stats } = track(afterHello(1, 3, 2, 2, 3, 0));
    expect(orders).toEqual(['new', 'new', 'new', 'reorder', 'duplicate', 'duplicate', 'duplicate']);
    expect(events).toEqual([
      'gap 1 0001:aaaa0001',
      'reorder 2 0001:aaaa0001',
      'duplicate 2 0001:aaaa0001',
      'duplicate 3 0001:aaaa0001',
      'duplicate 0 0001:aaaa0001',
    ]);
    expect(stats).toMatchObject({ framesOk: 7, gaps: 1, reorders: 1, duplicates: 3 });
  });

  it('keeps the baseline across a HELLO of the same session (an app restart)', () => {
    const { stats, orders } = track([h(A, 0), d(A, 1), d(A, 2), h(A, 3), d(A, 4), hb(A, 5)]);
    expect(orders.every((order) => order === 'new')).toBe(true);
    expect(stats).toMatchObject({ gaps: 0, sessionChanges: 0 });
  });

  it('changes session at a new tag, even without a HELLO, with a new baseline whatever the seqs', () => {
    const { events, frames, sessions, stats } = track([...afterHello(1, 2, 3000), d(B, 7), d(B, 8), hb(B, 9)]);
    expect(events).toEqual(['gap 2997 0001:aaaa0001', 'session 0001:aaaa0001 -> 0002:?']);
    expect(frames.map((frame) => frame.order)).toEqual(Array(7).fill('new'));
    expect(frames.slice(4).map((frame) => frame.sessionTag)).toEqual([2, 2, 2]);
    expect(sessions).toEqual([A, A, A, A, null, null, B]);
    expect(stats).toMatchObject({ sessionChanges: 1, gaps: 2997, duplicates: 0 });
    // A HELLO starting the new session names it at once.
    expect(track([h(A, 0), h(B, 0)]).events).toEqual(['session 0001:aaaa0001 -> 0002:bbbb0002']);
  });

  it('places a late frame of the previous tag in its window: new, duplicate, gap or reorder there', () => {
    const { events, frames, stats } = track([
      ...afterHello(1, 2),
      h(B, 0),
      d(B, 1),
      hb(A, 3),
      d(A, 3),
      d(A, 5),
      d(A, 4),
      d(B, 2),
    ]);
    expect(events).toEqual([
      'session 0001:aaaa0001 -> 0002:bbbb0002',
      'late 3 0001:aaaa0001',
      'late 3 0001:aaaa0001',
      'duplicate 3 0001:aaaa0001',
      'late 5 0001:aaaa0001',
      'gap 1 0001:aaaa0001',
      'late 4 0001:aaaa0001',
      'reorder 4 0001:aaaa0001',
    ]);
    const placed = frames.map(({ message: _, ...place }) => place);
    expect(placed.slice(5)).toEqual([
      { sessionTag: 1, seq: 3, session: A, order: 'new', late: true, gap: 0 },
      { sessionTag: 1, seq: 3, session: A, order: 'duplicate', late: true, gap: 0 },
      { sessionTag: 1, seq: 5, session: A, order: 'new', late: true, gap: 1 },
      { sessionTag: 1, seq: 4, session: A, order: 'reorder', late: true, gap: 0 },
      { sessionTag: 2, seq: 2, session: B, order: 'new', late: false, gap: 0 },
    ]);
    expect(stats).toMatchObject({ late: 4, duplicates: 1, gaps: 1, reorders: 1, sessionChanges: 1 });
  });

  it('remembers the 3 tags before the current one, and forgets the one before them', () => {
    const boots = (...sessions: number[]) => sessions.flatMap((session) => [h(session, 0), d(session, 1)]);
    expect(track([...boots(A, B, C, D), d(A, 2)]).stats).toMatchObject({ late: 1, sessionChanges: 3 });
    const fifth = track([...boots(A, B, C, D, E), d(B, 2), d(A, 2), d(A, 1), d(E, 2)]);
    // A, forgotten when E came, returns as a session change with a new baseline: its 1 is no duplicate now.
    expect(fifth.events.slice(-4)).toEqual([
      'late 2 0002:bbbb0002',
      'session 0005:eeee0005 -> 0001:?',
      'reorder 1 0001:?',
      'late 2 0005:eeee0005',
    ]);
    expect(fifth.stats).toMatchObject({ late: 2, sessionChanges: 5, duplicates: 0, reorders: 1 });
    // When A returned, B was forgotten in turn: A is current, and E, D and C are remembered.
    const sixth = track([...boots(A, B, C, D, E), d(A, 2), d(C, 2), d(B, 2), d(F, 0)]);
    expect(sixth.events.slice(-4)).toEqual([
      'session 0005:eeee0005 -> 0001:?',
      'late 2 0003:cccc0003',
      'session 0001:? -> 0002:?',
      'session 0002:? -> 0006:?',
    ]);
  });

  it('places a frame 1023 behind the highest in the window, and one 1024 behind at a new baseline', () => {
    expect(track(afterHello(1, 1024, 1)).orders).toEqual(['new', 'new', 'new', 'duplicate']);
    expect(track(afterHello(1024, 1)).orders).toEqual(['new', 'new', 'reorder']);
    const reset = track(afterHello(1024, 0, 1, 1024));
    expect(reset.orders).toEqual(['new', 'new', 'reset', 'new', 'new']);
    expect(reset.events).toEqual(['gap 1023 0001:aaaa0001', 'reset 0 0001:aaaa0001', 'gap 1022 0001:aaaa0001']);
    expect(reset.stats).toMatchObject({ resets: 1, gaps: 2045, duplicates: 0, reorders: 0, sessionChanges: 0 });
  });

  it('forgets what it saw once a jump moves it out of the window, and reuses its slot', () => {
    expect(track(afterHello(5, 1028, 5)).orders).toEqual(['new', 'new', 'new', 'duplicate']);
    expect(track(afterHello(5, 1029, 5)).orders).toEqual(['new', 'new', 'new', 'reset']);
    // 1029 shares 5's slot: not seen, though 5 was.
    expect(track(afterHello(5, 2000, 1029)).orders).toEqual(['new', 'new', 'new', 'reorder']);
    expect(track(afterHello(5, 1500, 1029)).orders).toEqual(['new', 'new', 'new', 'reorder']);
  });

  it('keeps a window per tag: a late tag far behind is a reset there, not here', () => {
    const { events, stats } = track([...afterHello(1, 2), d(B, 40_000), d(A, 3000), d(A, 3), d(B, 40_001)]);
    expect(events.slice(1)).toEqual([
      'late 3000 0001:aaaa0001',
      'gap 2997 0001:aaaa0001',
      'late 3 0001:aaaa0001',
      'reset 3 0001:aaaa0001',
    ]);
    expect(stats).toMatchObject({ resets: 1, late: 2, gaps: 2997 });
  });

  it('wraps from 65535 to 0 without a gap, and counts gaps, duplicates and reorders across the wrap', () => {
    const { orders, stats } = track([h(A, 65534), ...[65535, 0, 1, 65535, 4, 3, 65533].map((seq) => d(A, seq))]);
    expect(orders).toEqual(['new', 'new', 'new', 'new', 'duplicate', 'new', 'reorder', 'reorder']);
    expect(stats).toMatchObject({ gaps: 2, duplicates: 1, reorders: 2, resets: 0 });
  });

  it('takes a frame up to 32767 ahead as new, and one 32768 ahead as too far behind', () => {
    expect(track(afterHello(32768)).stats).toMatchObject({ gaps: 32767, resets: 0 });
    expect(track(afterHello(32769)).stats).toMatchObject({ gaps: 0, resets: 1 });
  });

  it('counts a frame dropped on the wire as a gap once the next one arrives', () => {
    const decoder = new LinkDecoder();
    const lost = framed(data(1), 1);
    lost[3] = lost[3]! ^ 0x10;
    decoder.push(concat(framed(data(0), 0), lost, framed(data(2), 2)));
    expect(decoder.stats).toMatchObject({ framesOk: 2, crc: 1, gaps: 1 });
  });
});
