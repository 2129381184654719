import { partByName, partNames } from '../chips.ts';
import { systemClock, type Clock } from '../clock.ts';
import { FlasherError } from '../errors.ts';
import { byteTimeMs, type Parity } from '../port.ts';
import { SimulatedBootloader } from './bootloader.ts';
import { PacedLine } from './device-line.ts';
import { FaultInjector, NO_FAULTS, type FaultRates } from './faults.ts';
import { openPtyPair } from './pty-pair.ts';
import { PtyDevicePort } from './pty-port.ts';
import { fixedTransit, measureTransit, type LineTransit } from './transit.ts';

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
  /** The pty pair's delay, taken off the answers' timing (none when not paced). */
  transit: LineTransit;
  /** Resolves when the simulator stops (after close()). */
  done: Promise<void>;
  close(): Promise<void>;
}

/**
 * A simulated STM32 ROM bootloader on one end of a socat pseudo-terminal pair; a flasher opens the other end.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const found = partByName(options.part);
  if (!found) throw new FlasherError(`unknown chip '${options.part}': one of ${partNames().join(', ')}`);
  const clock = options.clock ?? systemClock;
  const pty = await openPtyPair(options.link);
  let port: PtyDevicePort | undefined;
  let transit: LineTransit;
  try {
    port = new PtyDevicePort(pty.devicePath, clock);
    transit = options.realTime ? await measureTransit(pty.hostPath, port, clock) : fixedTransit(0);
  } catch (error) {
    await port?.close();
    await pty.close();
    throw error;
  }
  const faults = new FaultInjector(options.faultRates ?? NO_FAULTS, options.seed);
  const line = new PacedLine(port, options.realTime ? byteTimeMs(options.baudRate, options.parity) : 0, transit, clock, faults);
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
    transit,
    done,
    async close() {
      await port.close();
      await done;
      await pty.close();
    },
  };
}
