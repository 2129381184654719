/**
 * docs/link-protocol.md §5.2 against a path that loses, replays and reorders frames: a recorded stream of
 * several boots of one device goes through a store-and-forward path that drops some frames, delivers parts of
 * the stream twice, holds some frames back until after a later boot, and shuffles the whole stream in small
 * blocks, across the boundaries between boots too. What the decoder makes of every frame must equal what §5.2
 * makes of it, worked out here on unwrapped frame indices, per boot, with plain sets: no u16 arithmetic, no
 * bit windows. A few totals are also checked against what the path did.
 */
import { describe, expect, it } from 'vitest';
import { type DecodedFrame, LinkDecoder } from '../../host/link/decoder.ts';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type { HeartbeatMessage, HelloMessage, LinkMessage } from '../../host/link/messages.ts';
import { Prng } from '../../host/sim/prng.ts';

/** One frame as the device sent it; `index` counts frames from its boot, without wrapping. */
interface Recorded {
  boot: number;
  session: number;
  index: number;
  /** HELLO and HEARTBEAT carry the full session (§5.2). */
  carriesSession: boolean;
  frame: Uint8Array;
}

/** What §5.2 makes of one arrival. */
type Placement = Pick<DecodedFrame, 'sessionTag' | 'session' | 'order' | 'late' | 'gap'>;

const HEARTBEAT_EVERY = 25;
const DROP_CHANCE = 0.03;
const HOLD_BACK_CHANCE = 0.05;
/** Held back frames arrive at most this many boots later, so their tag is still remembered (§5.2: 3 before). */
const HOLD_BACK_BOOTS = 2;
/**
 * Only a boot's last frames are held back, so they are less than 1024 behind its highest when they arrive: a
 * frame further back would be a reset in its tag's window (decoder.test.ts has one).
 */
const HOLD_BACK_LAST = 600;
const SHUFFLE_BLOCK = 6;
const REPLAYS_PER_1000 = 15;
/** docs/link-protocol.md §5.2. */
const EARLIER_TAGS = 3;
const WINDOW = 1024;

function helloOf(session: number): HelloMessage {
  return {
    type: 'hello', deviceId: 'node-17', linkMinor: 0, firmwareVersion: 'fw', capabilities: 0, board: 'sim',
    appName: 'sensor-node', appVersion: '1', appHash: new Uint8Array(32), abiVersion: 0x0001_0001, bootReason: 0,
    helloReason: 0, session, bootCount: 1, uptimeMs: 0, heartbeatPeriodMs: 1000, reportIntervalMs: 1000,
    appState: 0, metricCount: 0, opcodes: [],
  };
}

function heartbeatOf(session: number, uptimeMs: number): HeartbeatMessage {
  return {
    type: 'heartbeat', uptimeMs, session, heartbeatPeriodMs: 1000, bootCount: 1, appState: 0, restartAtMs: 0,
    consecutiveFailures: 0, lastFailureKind: 0, lastFailureCode: 0, rxFrames: 0,
    rxDrops: { oversize: 0, cobs: 0, short: 0, crc: 0, version: 0, unknownType: 0, malformed: 0 },
    commandsDropped: 0, ledMode: 0, ledPeriodMs: 0, ledLevel: 0, brightnessU16: 0, reportIntervalMs: 1000,
  };
}

/** One boot: HELLO, then DATA with a HEARTBEAT every 25th frame, numbered from `firstSeq`. */
function record(boot: number, session: number, frames: number, firstSeq: number): Recorded[] {
  const encoder = new LinkEncoder({ session, firstSeq });
  return Array.from({ length: frames }, (_, index) => {
    const heartbeat = index > 0 && index % HEARTBEAT_EVERY === 0;
    const message: LinkMessage =
      index === 0
        ? helloOf(session)
        : heartbeat
          ? heartbeatOf(session, index * 1000)
          : { type: 'data', timeMs: index, values: [{ id: 0, value: index }] };
    return { boot, session, index, carriesSession: index === 0 || heartbeat, frame: encoder.encode(message) };
  });
}

function shuffle<T>(prng: Prng, items: T[], start: number, end: number): void {
  for (let i = end - 1; i > start; i--) {
    const j = prng.int(start, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/**
 * The path. Per boot it drops frames, holds some back for a later boot and replays short runs a little later;
 * then the boots go out in order, each with the frames held back for it, and the whole stream is shuffled in
 * blocks, so the tail of one boot and the head of the next mix.
 */
function deliver(prng: Prng, boots: Recorded[][]): { stream: Recorded[]; copies: number } {
  const heldFor = boots.map((): Recorded[] => []);
  let copies = 0;
  const stream: Recorded[] = [];
  boots.forEach((recorded, boot) => {
    const arrivals: Recorded[] = [];
    for (const frame of recorded) {
      const last = frame.index >= recorded.length - HOLD_BACK_LAST;
      if (last && boot + 1 < boots.length && prng.chance(HOLD_BACK_CHANCE)) {
        heldFor[prng.int(boot + 1, Math.min(boots.length - 1, boot + HOLD_BACK_BOOTS))]!.push(frame);
      } else if (!prng.chance(DROP_CHANCE)) {
        arrivals.push(frame);
      }
    }
    const replays = Math.ceil((arrivals.length * REPLAYS_PER_1000) / 1000);
    for (let replay = 0; replay < replays; replay++) {
      const from = prng.int(0, arrivals.length - 1);
      const run = arrivals.slice(from, from + prng.int(1, 5));
      arrivals.splice(Math.min(arrivals.length, from + run.length + prng.int(0, 40)), 0, ...run);
      copies += run.length;
    }
    for (const held of heldFor[boot]!) arrivals.splice(prng.int(0, arrivals.length), 0, held);
    stream.push(...arrivals);
  });
  for (let start = 0; start < stream.length; start += SHUFFLE_BLOCK) {
    shuffle(prng, stream, start, Math.min(stream.length, start + SHUFFLE_BLOCK));
  }
  return { stream, copies };
}

/** What one boot's numbers look like to the receiver while its tag is remembered. */
interface BootState {
  highest: number;
  seen: Set<number>;
  sessionKnown: boolean;
}

/** §5.2 on unwrapped indices: per tag (one per boot here), the current one and the 3 before it. */
function placeAll(stream: Recorded[]): Placement[] {
  let current: number | null = null;
  let earlier: number[] = [];
  const states = new Map<number, BootState>();
  const fresh = (index: number): BootState => ({ highest: index, seen: new Set([index]), sessionKnown: false });
  return stream.map(({ boot, session, index, carriesSession }) => {
    let late = false;
    let order: Placement['order'] = 'new';
    let gap = 0;
    if (current === null || (boot !== current && !earlier.includes(boot))) {
      // The link's first frame, or a session change: a new baseline.
      if (current !== null) earlier = [current, ...earlier].slice(0, EARLIER_TAGS);
      current = boot;
      states.set(boot, fresh(index));
    } else {
      late = boot !== current;
      const state = states.get(boot)!;
      if (index > state.highest) {
        gap = index - state.highest - 1;
        state.highest = index;
        state.seen.add(index);
      } else if (state.highest - index >= WINDOW) {
        order = 'reset';
        states.set(boot, { ...fresh(index), sessionKnown: state.sessionKnown });
      } else if (state.seen.has(index)) {
        order = 'duplicate';
      } else {
        order = 'reorder';
        state.seen.add(index);
      }
    }
    const state = states.get(boot)!;
    if (carriesSession) state.sessionKnown = true;
    return { sessionTag: session & 0xffff, session: state.sessionKnown ? session : null, order, late, gap };
  });
}

function totals(placements: Placement[]) {
  const count = (predicate: (placement: Placement) => boolean) => placements.filter(predicate).length;
  return {
    gaps: placements.reduce((sum, placement) => sum + placement.gap, 0),
    duplicates: count((placement) => placement.order === 'duplicate'),
    reorders: count((placement) => placement.order === 'reorder'),
    late: count((placement) => placement.late),
    resets: count((placement) => placement.order === 'reset'),
  };
}

describe('LinkDecoder on a stream that was lost, replayed and reordered across boots', () => {
  it.each([0x5e55_0001, 0x5e55_0002, 0x5e55_0003])('places every frame as §5.2 does (seed %s)', (seed) => {
    const prng = new Prng(seed);
    const bootCount = 7;
    // Sessions with distinct tags, never 0 (§5.1).
    const sessions = new Map<number, number>();
    while (sessions.size < bootCount) {
      const session = prng.int(1, 0xffff_ffff);
      sessions.set(session & 0xffff, session);
    }
    // The fourth boot is numbered from 64,500 so its numbers wrap.
    const boots = [...sessions.values()].map((session, boot) =>
      record(boot, session, prng.int(800, 2500), boot === 3 ? 64_500 : 0),
    );
    const { stream, copies } = deliver(prng, boots);
    const expected = placeAll(stream);

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

    // Frame by frame, exactly.
    expect(frames.map(({ seq: _seq, message: _message, ...placement }) => placement)).toEqual(expected);
    const want = { ...totals(expected), sessionChanges: bootCount - 1 };
    expect(decoder.stats).toMatchObject({ framesOk: stream.length, ...want });
    expect(reported).toEqual(want);

    // What the path did: every replayed copy is a duplicate, and nothing else is; a frame is late exactly when a
    // later boot's frames have begun to arrive; each boot's first arrival is a session change but the link's first.
    expect(want.duplicates).toBe(copies);
    let newest = -1;
    const late = stream.filter(({ boot }) => {
      newest = Math.max(newest, boot);
      return boot < newest;
    });
    expect(want.late).toBe(late.length);
    expect(want.resets).toBe(0);

    // The scenario reaches what it is for.
    expect(want.duplicates).toBeGreaterThan(50);
    expect(want.reorders).toBeGreaterThan(50);
    expect(want.late).toBeGreaterThan(20);
    expect(late.some((recorded) => !recorded.carriesSession)).toBe(true);
    expect(expected.some((placement) => placement.late && placement.order === 'duplicate')).toBe(true);
    expect(expected.some((placement) => placement.late && placement.gap > 0)).toBe(true);
    expect(expected.some((placement) => !placement.late && placement.session === null)).toBe(true);
  });
});
