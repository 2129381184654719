import { partByName, partNames } from '../chips.ts';
import { systemClock, type Clock } from '../clock.ts';
import { FlasherError } from '../errors.ts';
import { byteTimeMs, type Parity } from '../port.ts';
import { SimulatedBootloader } from './bootloader.ts';
import { PacedLine } from './device-line.ts';
import { FaultInjector, NO_FAULTS, type FaultRates } from './faults.ts';
import { openPtyPair } from './pty-pair.ts';
import { PtyDevicePort } from './pty-port.ts';

export interface SimulatorOptions {
  /** A part name from the chip table, e.g. stm32f405. */
  part: string;
  baudRate: number;
  /** The framing paced on the line: the bootloader's 8E1 (11 bits a byte) unless told otherwise. */
  parity: Parity;
  /** Baud-rate pacing and datasheet flash timings; false makes everything instant (fast tests). */
  realTime: boolean;
  /** A symlink to create to the flasher's end. */
  link?: string;
  faultRates?: FaultRates;
  seed?: number;
  clock?: Clock;
  onEvent?: (event: string) => void;
}

export interface RunningSimulator {
  /** The pseudo-terminal a flasher should open, and the symlink to it. */
  portPath: string;
  linkPath: string;
  bootloader: SimulatedBootloader;
  faults: FaultInjector;
  /** Resolves when the simulator stops (after close()). */
  done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Round trips timed to find the pty pair's own transit time. Half the fastest of 20 ranged from 0.04 to 0.16 ms
 * between starts, and a high figure over-corrects: the chip then answers sooner than a wire would let it. Half
 * the fastest of 200 ranged from 0.04 to 0.08 ms, and they take a few tens of milliseconds.
 */
const TRANSIT_PROBES = 200;
const PROBE_TIMEOUT_MS = 1000;

/**
 * One-way transit time of the pty pair and socat: half the fastest of many round trips through both ends, so
 * never more than the real transit, and the pacing never makes the simulated chip faster than a wire.
 */
async function measureTransit(hostPath: string, device: PtyDevicePort, clock: Clock): Promise<number> {
  const host = new PtyDevicePort(hostPath, clock);
  let fastestMs = Infinity;
  try {
    for (let probe = 0; probe < TRANSIT_PROBES; probe++) {
      const startMs = clock.nowMs();
      await host.write(Uint8Array.of(probe));
      await device.write(await device.read(1, PROBE_TIMEOUT_MS));
      await host.read(1, PROBE_TIMEOUT_MS);
      fastestMs = Math.min(fastestMs, clock.nowMs() - startMs);
    }
  } finally {
    await host.close();
    await device.flush();
  }
  return fastestMs / 2;
}

/**
 * A simulated STM32 ROM bootloader on one end of a socat pseudo-terminal pair; a flasher opens the other end.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const found = partByName(options.part);
  if (!found) throw new FlasherError(`unknown chip '${options.part}': one of ${partNames().join(', ')}`);
  const clock = options.clock ?? systemClock;
  const pty = await openPtyPair(options.link);
  let port: PtyDevicePort;
  try {
    port = new PtyDevicePort(pty.devicePath, clock);
  } catch (error) {
    await pty.close();
    throw error;
  }
  const faults = new FaultInjector(options.faultRates ?? NO_FAULTS, options.seed);
  const transitMs = options.realTime ? await measureTransit(pty.hostPath, port, clock) : 0;
  const line = new PacedLine(port, options.realTime ? byteTimeMs(options.baudRate, options.parity) : 0, transitMs, clock, faults);
  const bootloader = new SimulatedBootloader({
    chip: found.chip,
    flashBytes: found.flashBytes,
    line,
    faults,
    timeScale: options.realTime ? 1 : 0,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const done = bootloader.run();
  return {
    portPath: pty.hostPath,
    linkPath: pty.hostLink,
    bootloader,
    faults,
    done,
    async close() {
      await port.close();
      await done;
      await pty.close();
    },
  };
}
