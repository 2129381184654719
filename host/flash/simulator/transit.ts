import type { Clock } from '../clock.ts';
import { PortError } from '../errors.ts';
import { startModuleWorker } from '../module-worker.ts';
import type { DevicePort } from './device-line.ts';
import type { ProbeHostData, ProbeHostReply } from './transit-host.ts';

/**
 * The pseudo-terminal pair's own delay, which a wire does not have: how long bytes take from the host to the
 * simulator, and an answer back to the host. The round trip takes longer the longer both ends have slept: a
 * program asleep in read() or epoll for 25 ms (a 256-byte block at 115200 baud) wakes more slowly than one that
 * waited 0.3 ms (an ACK to a command), and socat, between them, wakes the same way.
 */
export interface LineTransit {
  /** One way, host to simulator. */
  readonly inboundMs: number;
  /** Simulator to host, for an answer the host has waited `waitedMs` for since its last byte. */
  outboundMs(waitedMs: number): number;
}

/** The waits the transit is reported at: an ACK to a command, and a 256-byte block, at 115200 baud. */
export const REPORTED_WAITS_MS = { command: 0.3, block: 25 };

/** The transit in words, for people: the way in, and the way back after a command and after a block. */
export function describeTransit(transit: LineTransit): string {
  const ms = (value: number): string => `${value.toFixed(2)} ms`;
  return (
    `${ms(transit.inboundMs)} in, ${ms(transit.outboundMs(REPORTED_WAITS_MS.command))} back after a command, ` +
    `${ms(transit.outboundMs(REPORTED_WAITS_MS.block))} after a block`
  );
}

/** The same transit whatever the wait: none for an instant simulator, a fixed one in tests. */
export function fixedTransit(ms: number): LineTransit {
  return { inboundMs: ms, outboundMs: () => ms };
}

/**
 * How long the simulator holds each probe's echo: the waits of AN3155 exchanges at common baud rates, from an
 * ACK to a 2-byte command (0.3 ms at 115200) to a 256-byte block (25 ms at 115200; 30 ms is a 32-byte block at
 * 9600).
 */
const HOLDS_MS = [0, 0.3, 1, 3, 10, 30];
/** Round trips timed at each hold, after a first round not counted (both ends' code compiled and warm). */
const PROBES_PER_HOLD = 25;
/** Generous: the first probe waits for the host thread to start, which takes seconds on a busy machine. */
const PROBE_TIMEOUT_MS = 10_000;

interface Probe {
  holdMs: number;
  /** False for the first round, which only warms both ends up. */
  counted: boolean;
}

/** Every probe in order: one uncounted round of the holds, then PROBES_PER_HOLD of each. */
function schedule(): Probe[] {
  const warmUp = HOLDS_MS.map((holdMs) => ({ holdMs, counted: false }));
  const counted = HOLDS_MS.flatMap((holdMs) => Array.from({ length: PROBES_PER_HOLD }, () => ({ holdMs, counted: true })));
  return [...warmUp, ...counted];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times round trips through the pair: a thread of the simulator's process plays the host on `hostPath`, sending
 * a byte as soon as the last echo is in, and the simulator's end echoes each after a hold from HOLDS_MS, so both
 * ends sleep as they do in a flash. The way in is half the fastest round trip, never more than the real one. The
 * way back after each hold is the median round trip less that: the chip then answers when a wire would on the
 * typical exchange, and the pty's slower ones, its long tail, still count against the host.
 */
export async function measureTransit(hostPath: string, device: DevicePort, clock: Clock): Promise<LineTransit> {
  const probes = schedule();
  const host = startModuleWorker('transit-host', import.meta.url, {
    hostPath,
    probes: probes.length,
    timeoutMs: PROBE_TIMEOUT_MS,
  } satisfies ProbeHostData);
  const reply = new Promise<ProbeHostReply>((resolve, reject) => {
    host.once('message', resolve);
    host.once('error', reject);
  });
  const heldMs: number[] = [];
  try {
    for (const { holdMs } of probes) {
      const echo = await device.read(1, PROBE_TIMEOUT_MS);
      const heardMs = device.lastArrivalMs;
      await clock.sleepUntil(heardMs + holdMs);
      heldMs.push(clock.nowMs() - heardMs);
      await device.write(echo);
    }
    const answer = await reply;
    if ('error' in answer) throw new PortError(`timing the pseudo-terminal pair failed: ${answer.error}`);
    return transitFrom(
      probes,
      answer.roundTripsMs.map((roundTripMs, i) => roundTripMs - heldMs[i]!),
    );
  } finally {
    await host.terminate();
    await device.flush();
  }
}

/** `excessMs[i]`: probe i's round trip less its hold. */
function transitFrom(probes: Probe[], excessMs: number[]): LineTransit {
  const counted = probes.map((probe, i) => ({ ...probe, excessMs: excessMs[i]! })).filter((probe) => probe.counted);
  const inboundMs = Math.min(...counted.map((probe) => probe.excessMs)) / 2;
  const outboundMs = HOLDS_MS.map((holdMs) => {
    const atHold = counted.filter((probe) => probe.holdMs === holdMs).map((probe) => probe.excessMs);
    return Math.max(inboundMs, median(atHold) - inboundMs);
  });
  return { inboundMs, outboundMs: (waitedMs) => interpolate(HOLDS_MS, outboundMs, waitedMs) };
}

/** Piecewise linear through the points, flat beyond the first and the last. */
function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]!) return ys[i - 1]! + ((ys[i]! - ys[i - 1]!) * (x - xs[i - 1]!)) / (xs[i]! - xs[i - 1]!);
  }
  return ys[ys.length - 1]!;
}
