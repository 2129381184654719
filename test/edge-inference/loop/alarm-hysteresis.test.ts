/** The hysteresis of edge-inference/loop/alarm-hysteresis.ts on scripted verdict sequences, one window a second. */
import { describe, expect, it } from 'vitest';
import { AlarmHysteresis } from '../../../edge-inference/loop/alarm-hysteresis.ts';

const WINDOW_MS = 1000;

/** Feeds verdicts one a second from `startMs`; returns the index and kind of every change. */
function run(hysteresis: AlarmHysteresis, verdicts: boolean[], startMs = 0): [number, string][] {
  const changes: [number, string][] = [];
  verdicts.forEach((anomalous, index) => {
    const change = hysteresis.observe(anomalous, startMs + index * WINDOW_MS);
    if (change !== undefined) changes.push([index, change]);
  });
  return changes;
}

const repeat = (verdict: boolean, count: number): boolean[] => Array<boolean>(count).fill(verdict);

describe('alarm hysteresis', () => {
  it('opens at the K-th anomalous window in a row, not before', () => {
    const hysteresis = new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000 });
    expect(run(hysteresis, [true, true, false, true, true, true, true])).toEqual([[5, 'open']]);
    expect(hysteresis.open).toBe(true);
  });

  it('opens at once with K = 1', () => {
    expect(run(new AlarmHysteresis({ openAfterWindows: 1, clearAfterNormalMs: 0 }), [false, true])).toEqual([[1, 'open']]);
  });

  it('clears after T of normal windows, counted from the first normal one', () => {
    const hysteresis = new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000 });
    // Open at 2; normal from 3; the window 30 s after that (index 33) clears.
    expect(run(hysteresis, [...repeat(true, 3), ...repeat(false, 40)])).toEqual([
      [2, 'open'],
      [33, 'clear'],
    ]);
    expect(hysteresis.open).toBe(false);
  });

  it('starts the normal period again at every anomalous window', () => {
    const hysteresis = new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000 });
    const verdicts = [...repeat(true, 3), ...repeat(false, 29), true, ...repeat(false, 31)];
    // The anomalous window at 32 resets it: normal from 33, cleared at 63.
    expect(run(hysteresis, verdicts)).toEqual([
      [2, 'open'],
      [63, 'clear'],
    ]);
  });

  it('neither opens nor clears on a borderline verdict that flips every window', () => {
    const alternating = Array.from({ length: 600 }, (_, index) => index % 2 === 0);
    expect(run(new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000 }), alternating)).toEqual([]);
    const open = new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000, open: true });
    expect(run(open, alternating)).toEqual([]);
    expect(open.open).toBe(true);
  });

  it('opens once and stays open on a borderline verdict with runs of either kind shorter than K and T', () => {
    // Runs of 1..4 anomalous and 1..20 normal windows: a score hovering about its threshold.
    const verdicts: boolean[] = [];
    for (let run = 0; verdicts.length < 3600; run++) verdicts.push(...repeat(true, 1 + (run % 4)), ...repeat(false, 1 + ((run * 7) % 20)));
    const changes = run(new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 30_000 }), verdicts);
    // Opens at the first run of 3; never clears: no normal run lasts 30 s.
    expect(changes.map(([, change]) => change)).toEqual(['open']);
  });

  it('starts open when an alarm was kept across a restart, and clears after T', () => {
    const hysteresis = new AlarmHysteresis({ openAfterWindows: 3, clearAfterNormalMs: 10_000, open: true });
    expect(run(hysteresis, repeat(false, 12), 5_000)).toEqual([[10, 'clear']]);
  });
});
