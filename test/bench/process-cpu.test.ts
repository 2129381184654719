/** The bench's CPU meter against what the measured process says of itself (process.cpuUsage()). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CpuMeter } from '../../bench/process-cpu.ts';

/** A child that burns this much CPU (not wall time, so a busy machine cannot shorten it), then waits to be ended. */
const BURN_CPU_US = 400_000;
const BURNER = `
  let start;
  const used = () => { const now = process.cpuUsage(start); return now.user + now.system; };
  process.stdin.once('data', () => {
    start = process.cpuUsage();
    while (used() < ${BURN_CPU_US}) {}
    process.stdout.write(String(used()) + '\\n');
  });
  process.stdin.once('end', () => process.exit(0));
  process.stdout.write('ready\\n');
`;

describe('CpuMeter', () => {
  it('gives a child the CPU it reports having used, per message', async () => {
    const child = spawn(process.execPath, ['-e', BURNER], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data'); // ready: its start-up is not measured
      const meter = new CpuMeter('self', { burner: child.pid, gone: 2 ** 22 + 1 }).start();
      child.stdin.write('go\n');
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const reportedUs = Number(line.toString().trim());
      const figures = meter.perMessageUs(1000);
      // /proc gives user and system time apart, each in whole clock ticks (10 ms at 100 Hz), and the meter takes
      // the difference of two readings: up to two ticks off either way, and a third for what runs around the burn.
      const slackUs = 3 * 10_000;
      expect(figures.burner! * 1000).toBeGreaterThanOrEqual(reportedUs - slackUs);
      expect(figures.burner! * 1000).toBeLessThanOrEqual(reportedUs + slackUs);
      // A pid with no process is left out, not counted as zero.
      expect(figures).not.toHaveProperty('gone');
      expect(figures.total).toBeCloseTo(figures.burner! + figures.self!, 0);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  });
});
