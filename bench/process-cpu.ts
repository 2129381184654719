/**
 * CPU time of the processes a bench run spans, read from Linux's /proc/<pid>/stat (proc(5): fields 14 and 15,
 * `utime` and `stime`, in clock ticks), and this process's own from process.cpuUsage(). On the edge bench's two
 * cores every process of the pipeline competes for the same CPU, so the CPU each takes per message says where
 * the ceiling comes from. Where /proc cannot be read, the figures are absent rather than wrong.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const US_PER_S = 1e6;
/** proc(5): `utime` and `stime` are the 14th and 15th fields, counted from 1. */
const UTIME_FIELD = 14;
const STIME_FIELD = 15;
/** The fields before `comm` and `comm` itself, which ends at the last ')' since it may hold spaces. */
const FIELDS_THROUGH_COMM = 2;

let ticksPerS: number | undefined;

function clockTicksPerS(): number {
  ticksPerS ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerS;
}

/** Seconds of CPU a process has used so far, or undefined where its /proc entry cannot be read. */
function processCpuS(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (field: number): number => Number(fields[field - FIELDS_THROUGH_COMM - 1]);
    return (at(UTIME_FIELD) + at(STIME_FIELD)) / clockTicksPerS();
  } catch {
    return undefined;
  }
}

function ownCpuS(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / US_PER_S;
}

/** Watches named processes from start(); `perMessageUs(n)` gives each one's CPU since, in µs per message. */
export class CpuMeter {
  private readonly startS = new Map<string, number>();

  /** `pids`: other processes by name; this process is `self` under the name given. */
  constructor(
    private readonly self: string,
    private readonly pids: Readonly<Record<string, number | undefined>>,
  ) {}

  start(): this {
    this.startS.set(this.self, ownCpuS());
    for (const [name, pid] of Object.entries(this.pids)) {
      const cpuS = pid === undefined ? undefined : processCpuS(pid);
      if (cpuS !== undefined) this.startS.set(name, cpuS);
    }
    return this;
  }

  /** CPU µs per message by process, and `total`; a process that could not be read is left out. */
  perMessageUs(messages: number): Record<string, number> {
    const perMessage: Record<string, number> = {};
    let total = 0;
    for (const [name, startS] of this.startS) {
      const pid = this.pids[name];
      const nowS = name === this.self ? ownCpuS() : pid === undefined ? undefined : processCpuS(pid);
      if (nowS === undefined) continue;
      const us = ((nowS - startS) * US_PER_S) / messages;
      perMessage[name] = Math.round(us * 10) / 10;
      total += us;
    }
    perMessage.total = Math.round(total * 10) / 10;
    return perMessage;
  }
}
