import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../host/flash/byte-queue.ts';
import { ManualClock } from '../../host/flash/clock.ts';
import { PacedLine, type DevicePort } from '../../host/flash/simulator/device-line.ts';
import { FaultInjector } from '../../host/flash/simulator/faults.ts';
import { fixedTransit } from '../../host/flash/simulator/transit.ts';

const ACK = 0x79;
/** Round figures: one byte a millisecond on the wire. */
const BYTE_MS = 1;

/** A clock whose sleeps overrun by `lateMs`, as a busy machine's do; deadlines already past return at once. */
class LateClock extends ManualClock {
  constructor(private readonly lateMs: number) {
    super();
  }

  override async sleepUntil(atMs: number): Promise<void> {
    if (atMs > this.nowMs()) await super.sleepUntil(atMs + this.lateMs);
  }
}

/** The simulator's end of the line: bytes the host sent (pushed by the test), and what was written, and when. */
function deviceEnd(clock: ManualClock) {
  const fromHost = new ByteQueue(clock, 'test line');
  const written: { atMs: number; bytes: number[] }[] = [];
  const port: DevicePort = {
    get lastArrivalMs() {
      return fromHost.lastPushMs;
    },
    write: async (bytes) => void written.push({ atMs: clock.nowMs(), bytes: [...bytes] }),
    read: (length, timeoutMs) => fromHost.take(length, timeoutMs),
    setSignals: async () => {},
    flush: async () => fromHost.clear(),
    close: async () => fromHost.end(),
  };
  return { port, written, hostSends: (bytes: number[]) => fromHost.push(Uint8Array.from(bytes)) };
}

function pacedLine(clock: ManualClock, transitMs = 0, faults = new FaultInjector()) {
  const end = deviceEnd(clock);
  return { ...end, line: new PacedLine(end.port, BYTE_MS, fixedTransit(transitMs), clock, faults) };
}

/** Lets pending reads take what has arrived before the test moves the clock on. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('the simulated USART time line', () => {
  it('answers when the frame and the answer would have crossed the wire', async () => {
    const clock = new ManualClock();
    const { line, written, hostSends } = pacedLine(clock);
    hostSends([0x31, 0xce, 0x08]);
    expect([...(await line.readBytes(3))]).toEqual([0x31, 0xce, 0x08]);
    await line.send([ACK]);
    expect(written).toEqual([{ atMs: 4, bytes: [ACK] }]);
  });

  it('adds busy time before the answer, and takes the transit off both ends', async () => {
    const clock = new ManualClock(10);
    const { line, written, hostSends } = pacedLine(clock, 0.5);
    // The host sent at 9.5; its 3 bytes end at 12.5, programming takes 5 ms, the ACK's stop bit reaches the
    // host at 18.5, so it is written half a millisecond before.
    hostSends([1, 2, 3]);
    await line.readBytes(3);
    line.busy(5);
    await line.send([ACK]);
    expect(written).toEqual([{ atMs: 18, bytes: [ACK] }]);
  });

  it('takes off the way back that goes with how long the host has waited', async () => {
    const clock = new ManualClock(10);
    const end = deviceEnd(clock);
    // The pty's way back: 0.5 ms for an answer the host waited little for, 2 ms after a long wait.
    const transit = { inboundMs: 0.5, outboundMs: (waitedMs: number) => (waitedMs > 5 ? 2 : 0.5) };
    const line = new PacedLine(end.port, BYTE_MS, transit, clock, new FaultInjector());
    // Sent at 9.5, 2 bytes end at 11.5, the ACK's stop bit at 12.5: waited 3 ms, written at 12.
    end.hostSends([1, 2]);
    await line.readBytes(2);
    await line.send([ACK]);
    // Sent at 12.5 (at once, its arrival less the way in), 2 bytes end at 14.5, 10 ms of programming, the ACK
    // at 25.5: waited 13 ms, written 2 ms before.
    clock.advance(1);
    end.hostSends([3, 4]);
    await line.readBytes(2);
    line.busy(10);
    await line.send([ACK]);
    expect(end.written).toEqual([
      { atMs: 12, bytes: [ACK] },
      { atMs: 23.5, bytes: [ACK] },
    ]);
  });

  it('ends a frame one byte time after its last byte when the host sends it slower than the wire', async () => {
    const clock = new ManualClock();
    const { line, written, hostSends } = pacedLine(clock);
    hostSends([1]);
    const frame = line.readBytes(3);
    await settle();
    clock.advance(10);
    hostSends([2, 3]);
    await frame;
    await line.send([ACK]);
    expect(written).toEqual([{ atMs: 12, bytes: [ACK] }]);
  });

  it('does not start a frame before the answer it follows has ended', async () => {
    const clock = new ManualClock(10);
    const { line, written, hostSends } = pacedLine(clock, 0.5);
    hostSends([1, 2]);
    await line.readBytes(2);
    // The next frame is already there when the ACK goes out (written half a millisecond before its stop bit
    // reaches the host), so it seems to have been sent at 11.5, before that stop bit at 12.5.
    hostSends([3, 4]);
    await line.send([ACK]);
    await line.readBytes(2);
    await line.send([ACK]);
    expect(written).toEqual([
      { atMs: 12, bytes: [ACK] },
      { atMs: 15, bytes: [ACK] },
    ]);
  });

  it("keeps to the time line when the simulator runs late: the host is charged only for its own reaction", async () => {
    const clock = new LateClock(5);
    const { line, written, hostSends } = pacedLine(clock);
    hostSends([1, 2]);
    await line.readBytes(2);
    // Due at 3, the ACK goes out 5 ms late.
    await line.send([ACK]);
    // The host reacts 1 ms after it got the ACK: its frame started at 4 on the time line, ends at 6, and that
    // ACK is due at 7. The line is behind, so it goes out at once instead of 3 ms after the frame arrived.
    clock.advance(1);
    hostSends([3, 4]);
    await line.readBytes(2);
    await line.send([ACK]);
    expect(written).toEqual([
      { atMs: 8, bytes: [ACK] },
      { atMs: 9, bytes: [ACK] },
    ]);
  });
});

describe('faults on the way in', () => {
  it('leaves a lost byte out of the frame', async () => {
    const faults = new FaultInjector();
    faults.inject({ kind: 'drop-received', count: 1, skip: 1 });
    const { line, hostSends } = pacedLine(new ManualClock(), 0, faults);
    hostSends([1, 2, 3]);
    expect([...(await line.readBytes(2))]).toEqual([1, 3]);
  });
});

describe('ManualClock.sleepUntil', () => {
  it('advances to the deadline, and not at all for one already past', async () => {
    const clock = new ManualClock(5);
    await clock.sleepUntil(12.5);
    expect(clock.nowMs()).toBe(12.5);
    await clock.sleepUntil(3);
    expect(clock.nowMs()).toBe(12.5);
  });
});
