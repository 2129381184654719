import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../host/flash/clock.ts';
import { StreamProgress } from '../../host/flash/progress.ts';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

describe('progress', () => {
  it('prints a line per 10 % with bytes, percent and KB/s when not on a terminal', () => {
    const clock = new ManualClock();
    const out = stream(false);
    const progress = new StreamProgress(out, clock);
    progress.begin('write', 10 * 1024);
    for (let i = 0; i < 40; i++) {
      clock.advance(100);
      progress.advance(256);
    }
    progress.end();
    expect(out.written).toHaveLength(11);
    expect(out.written[0]).toBe('write    0%  0.0/10.0 KB  0.0 KB/s\n');
    expect(out.written.at(-1)).toBe('write  100%  10.0/10.0 KB  2.5 KB/s\n');
  });

  it('redraws a bar in place on a terminal, at most every 100 ms, and ends the line', () => {
    const clock = new ManualClock();
    const out = stream(true);
    const progress = new StreamProgress(out, clock);
    progress.begin('verify', 1024);
    progress.advance(256);
    clock.advance(100);
    progress.advance(256);
    progress.end();
    expect(out.written).toEqual([
      '\rverify [..............................]   0%  0.0/1.0 KB  0.0 KB/s',
      '\rverify [###############...............]  50%  0.5/1.0 KB  5.0 KB/s',
      '\rverify [###############...............]  50%  0.5/1.0 KB  5.0 KB/s',
      '\n',
    ]);
  });
});
