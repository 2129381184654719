import { describe, expect, it } from 'vitest';
import { LinkEncoder } from '../../../host/link/encoder.ts';
import type { WallClock } from '../../../host/sim/clock.ts';
import { simulate, testApp } from '../../support/sim-run.ts';

/** A wall clock that moves only when the test says, with every sleep held until the test ends it. */
function manualWallClock() {
  let nowMs = 0;
  const sleeps: { untilMs: number; end: () => void }[] = [];
  const clock: WallClock = {
    nowMs: () => nowMs,
    sleep: (ms) => new Promise<void>((resolve) => sleeps.push({ untilMs: nowMs + ms, end: resolve })),
  };
  return {
    clock,
    sleeps,
    set(ms: number) {
      nowMs = ms;
    },
    /** Moves the clock to the latest sleep's end and ends it. */
    endLatestSleep() {
      const sleep = sleeps.at(-1)!;
      nowMs = sleep.untilMs;
      sleep.end();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
/** docs/link-protocol.md §4.5.1: PING, answered by the runner. */
const PING = Uint8Array.of(0x70);

describe('bytes from an outside edge during a real-time run', () => {
  it('reach the device at the wall-clock time and are answered at once, not at its next wake', async () => {
    const run = simulate(await testApp('trap-app'));
    const wall = manualWallClock();
    const running = run.simulation.runFor(3000, 'realtime', wall.clock);
    await settle();
    // The first tick ran at 0; the run sleeps until the next, 1000 ms on.
    expect(wall.sleeps.map(({ untilMs }) => untilMs)).toEqual([1000]);

    wall.set(400);
    const edge = new LinkEncoder({ session: 0xed9e_0001 });
    run.simulation.receiveFromEdge(0, edge.encode({ type: 'command', commandId: 42, payload: PING }));
    await settle();
    const result = run.messages.find(({ message }) => message.type === 'command-result');
    expect(result?.message).toMatchObject({ type: 'command-result', commandId: 42, origin: 1, status: 0, cached: false });
    // Then back to waiting for the tick at 1000 ms.
    expect(wall.sleeps.map(({ untilMs }) => untilMs)).toEqual([1000, 1000]);

    while (wall.sleeps.at(-1)!.untilMs < 3000) {
      wall.endLatestSleep();
      await settle();
    }
    wall.endLatestSleep();
    await running;
    expect(run.data().map((row) => row.timeMs)).toEqual([0, 1000, 2000, 3000]);
  });

  it('outside a run, wait for the next one at the virtual time reached', async () => {
    const run = simulate(await testApp('trap-app'));
    await run.simulation.runFor(1500);
    run.simulation.receiveFromEdge(0, new LinkEncoder({ session: 7 }).encode({ type: 'command', commandId: 5, payload: PING }));
    expect(run.messages.some(({ message }) => message.type === 'command-result')).toBe(false);
    await run.simulation.runFor(1);
    expect(run.of('command-result')).toMatchObject([{ commandId: 5, status: 0 }]);
  });
});
