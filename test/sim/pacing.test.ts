import { describe, expect, it } from 'vitest';
import type { WallClock } from '../../host/sim/clock.ts';
import { testApp, simulate } from '../support/sim-run.ts';

/** A wall clock that only moves when the simulation sleeps, recording each sleep. */
function fakeWallClock(): WallClock & { sleepsMs: number[] } {
  let nowMs = 0;
  const sleepsMs: number[] = [];
  return {
    sleepsMs,
    nowMs: () => nowMs,
    sleep: async (ms) => {
      sleepsMs.push(ms);
      nowMs += ms;
    },
  };
}

describe('pacing', () => {
  it('realtime waits on the wall clock for each tick, then for the rest of the duration', async () => {
    const run = simulate(await testApp('trap-app'));
    const clock = fakeWallClock();
    await run.simulation.runFor(3500, 'realtime', clock);
    // Ticks at 0, 1000, 2000, 3000 ms of virtual time, then the run ends at 3500.
    expect(clock.sleepsMs).toEqual([1000, 1000, 1000, 500]);
    expect(run.data().map((row) => row.timeMs)).toEqual([0, 1000, 2000, 3000]);
  });

  it('max never touches the wall clock', async () => {
    const run = simulate(await testApp('trap-app'));
    const clock = fakeWallClock();
    await run.simulation.runFor(3500, 'max', clock);
    expect(clock.sleepsMs).toEqual([]);
  });
});
