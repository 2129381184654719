/**
 * docs/link-protocol.md §5.2 against a path that loses, replays and reorders frames: a recorded stream of
 * several boots of one device goes through a store-and-forward path that drops some frames, delivers parts of
 * the stream twice, shuffles it within a small window and holds some HEARTBEATs back until after a later boot.
 * The decoder's counts must equal counts worked out here from what the path did, on unwrapped frame indices.
 */
import { describe, expect, it } from 'vitest';
import { type DecodedFrame, LinkDecoder } from '../../host/link/decoder.ts';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type { HeartbeatMessage, HelloMessage, LinkMessage } from '../../host/link/messages.ts';
import { Prng } from '../../host/sim/prng.ts';

/** One frame as the device sent it; `index` counts frames from its boot, without wrapping. */
interface Recorded {
  session: number;
  index: number;
  frame: Uint8Array;
  heartbeat: boolean;
}

/** What the path did to one boot's frames. */
interface Delivery {
  session: number;
  /** Its frames in arrival order, copies included, before frames of earlier boots are mixed in. */
  arrivals: Recorded[];
  /** Indices never delivered in this boot: dropped, or held back until a later boot. */
  missing: Set<number>;
  copies: number;
  /** HEARTBEATs held back, with the boot (0-based) they arrive in. */
  heldBack: Array<{ frame: Recorded; arrivesIn: number }>;
}

const HEARTBEAT_EVERY = 25;
const DROP_CHANCE = 0.03;
const HOLD_BACK_CHANCE = 0.3;
const SHUFFLE_BLOCK = 6;
const REPLAYS_PER_1000 = 15;
/** docs/link-protocol.md §5.2: a receiver remembers at least the last 4 sessions. */
const REMEMBERED_SESSIONS = 4;

function helloOf(session: number): HelloMessage {
  return {
    type: 'hello', deviceId: 'node-17', linkMinor: 0, firmwareVersion: 'fw', capabilities: 0, board: 'sim',
    appName: 'sensor-node', appVersion: '1', appHash: new Uint8Array(32), abiVersion: 0x0001_0001, bootReason: 0,
    helloReason: 0, session, bootCount: 1, uptimeMs: 0, heartbeatPeriodMs: 5000, reportIntervalMs: 1000,
    appState: 0, metricCount: 0, opcodes: [],
  };
}

function heartbeatOf(session: number, uptimeMs: number): HeartbeatMessage {
  return {
    type: 'heartbeat', uptimeMs, session, bootCount: 1, appState: 0, restartAtMs: 0, consecutiveFailures: 0,
    lastFailureKind: 0, lastFailureCode: 0, rxFrames: 0,
    rxDrops: { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, unknownType: 0, malformed: 0 },
    commandsDropped: 0, ledMode: 0, ledPeriodMs: 0, ledLevel: 0, brightnessU16: 0, reportIntervalMs: 1000,
  };
}

/** One boot: HELLO, then DATA with a HEARTBEAT every 25th frame, numbered from `firstSeq`. */
function record(session: number, frames: number, firstSeq: number): Recorded[] {
  const encoder = new LinkEncoder(firstSeq);
  return Array.from({ length: frames }, (_, index) => {
    const heartbeat = index > 0 && index % HEARTBEAT_EVERY === 0;
    const message: LinkMessage =
      index === 0
        ? helloOf(session)
        : heartbeat
          ? heartbeatOf(session, index)
          : { type: 'data', timeMs: index, values: [{ id: 0, value: index }] };
    return { session, index, frame: encoder.encode(message), heartbeat };
  });
}

function shuffle<T>(prng: Prng, items: T[], start: number, end: number): void {
  for (let i = end - 1; i > start; i--) {
    const j = prng.int(start, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** The path: drops, holds back HEARTBEATs, replays short runs a little later, shuffles blocks of 6. */
function deliver(prng: Prng, recorded: Recorded[], boot: number, boots: number): Delivery {
  const missing = new Set<number>();
  const heldBack: Delivery['heldBack'] = [];
  const arrivals: Recorded[] = [recorded[0]!];
  for (const frame of recorded.slice(1)) {
    if (frame.heartbeat && boot + 1 < boots && prng.chance(HOLD_BACK_CHANCE)) {
      heldBack.push({ frame, arrivesIn: prng.int(boot + 1, Math.min(boots - 1, boot + REMEMBERED_SESSIONS)) });
      missing.add(frame.index);
    } else if (prng.chance(DROP_CHANCE)) {
      missing.add(frame.index);
    } else {
      arrivals.push(frame);
    }
  }
  let copies = 0;
  const replays = Math.ceil((arrivals.length * REPLAYS_PER_1000) / 1000);
  for (let replay = 0; replay < replays; replay++) {
    const from = prng.int(1, arrivals.length - 1);
    const run = arrivals.slice(from, from + prng.int(1, 5));
    const at = Math.min(arrivals.length, from + run.length + prng.int(0, 40));
    arrivals.splice(at, 0, ...run);
    copies += run.length;
  }
  for (let start = 1; start < arrivals.length; start += SHUFFLE_BLOCK) {
    shuffle(prng, arrivals, start, Math.min(arrivals.length, start + SHUFFLE_BLOCK));
  }
  return { session: recorded[0]!.session, arrivals, missing, copies, heldBack };
}

/** What §5.2 makes of one boot's own arrivals, from indices that do not wrap. */
function expectedCounts(delivery: Delivery) {
  const seen = new Set<number>();
  let highest = -1;
  let reorders = 0;
  for (const { index } of delivery.arrivals) {
    if (!seen.has(index) && index < highest) reorders++;
    seen.add(index);
    highest = Math.max(highest, index);
  }
  // Every missing number below the highest delivered one was skipped over; a reorder was too, when it was.
  const lost = [...delivery.missing].filter((index) => index < highest).length;
  return { duplicates: delivery.copies, reorders, gaps: lost + reorders };
}

describe('LinkDecoder on a stream that was lost, replayed and reordered', () => {
  it.each([0x5e55_0001, 0x5e55_0002, 0x5e55_0003])('counts what the path did (seed %s)', (seed) => {
    const prng = new Prng(seed);
    const boots = 7;
    const sessions = new Set<number>();
    while (sessions.size < boots) sessions.add(prng.int(0, 0xffff_ffff));
    // The fourth boot is numbered from 64,500 so its numbers wrap.
    const deliveries = [...sessions].map((session, boot) =>
      deliver(prng, record(session, prng.int(800, 2500), boot === 3 ? 64_500 : 0), boot, boots),
    );

    const stream: Recorded[] = [];
    deliveries.forEach((delivery, boot) => {
      const arrivals = delivery.arrivals.slice();
      for (const held of deliveries.flatMap((earlier) => earlier.heldBack)) {
        if (held.arrivesIn === boot) arrivals.splice(prng.int(1, arrivals.length), 0, held.frame);
      }
      stream.push(...arrivals);
    });
    const expected = { duplicates: 0, reorders: 0, gaps: 0 };
    for (const delivery of deliveries) {
      const counts = expectedCounts(delivery);
      expected.duplicates += counts.duplicates;
      expected.reorders += counts.reorders;
      expected.gaps += counts.gaps;
    }
    const late = deliveries.reduce((sum, delivery) => sum + delivery.heldBack.length, 0);

    const reported = { gaps: 0, duplicates: 0, reorders: 0, late: 0, resets: 0, sessionChanges: 0 };
    const decoder = new LinkDecoder({
      onGap: (count) => (reported.gaps += count),
      onDuplicate: () => reported.duplicates++,
      onReorder: () => reported.reorders++,
      onLate: () => reported.late++,
      onReset: () => reported.resets++,
      onSessionChange: () => reported.sessionChanges++,
    });
    const wire = Buffer.concat(stream.map((recorded) => recorded.frame));
    const frames: DecodedFrame[] = [];
    for (let at = 0; at < wire.length; ) {
      const chunk = prng.int(1, 600);
      frames.push(...decoder.push(wire.subarray(at, at + chunk)));
      at += chunk;
    }

    expect(expected.duplicates).toBeGreaterThan(50);
    expect(expected.reorders).toBeGreaterThan(50);
    expect(late).toBeGreaterThan(10);
    const totals = { ...expected, late, resets: 0, sessionChanges: boots };
    expect(decoder.stats).toMatchObject({ framesOk: stream.length, ...totals });
    expect(reported).toEqual(totals);
    // Each frame is placed in the boot that sent it; the late ones are exactly the HEARTBEATs held back.
    expect(frames.map((frame) => frame.session)).toEqual(stream.map((recorded) => recorded.session));
    const lateFrames = frames.flatMap((frame, at) => (frame.order === 'late' ? [stream[at]!] : []));
    const heldBack = deliveries.flatMap((delivery) => delivery.heldBack.map((held) => held.frame));
    expect(new Set(lateFrames)).toEqual(new Set(heldBack));
  });
});
