import { gaussian, streamId } from './deterministic-noise.ts';
import type { PhysicalEnvironment, Vector3 } from './physics.ts';
import type { Fault, ScalarQuantity } from './scenario.ts';

const US_PER_S = 1_000_000;

type StuckFault = Extract<Fault, { kind: 'stuck' }>;
type CalibrationDriftFault = Extract<Fault, { kind: 'calibration-drift' }>;
type ErraticFault = Extract<Fault, { kind: 'erratic' }>;
/** The faults that change what one chip measures rather than how the bus behaves (docs/scenarios.md). */
export type ChipFault = StuckFault | CalibrationDriftFault | ErraticFault;

export function isChipFault(fault: Fault): fault is ChipFault {
  return fault.kind === 'stuck' || fault.kind === 'calibration-drift' || fault.kind === 'erratic';
}

function active(fault: ChipFault, timeUs: number): boolean {
  return timeUs >= fault.fromS * US_PER_S && timeUs < fault.toS * US_PER_S;
}

/**
 * The world as one faulty chip senses it: a stuck chip sees the world frozen at its fault's start, a drifting
 * one reads a quantity off by a growing offset, an erratic one with extra noise. The chip's own conversion,
 * quantisation and saturation still apply, so the readings look like those of a real chip failing that way.
 */
export class FaultyChipEnvironment implements PhysicalEnvironment {
  private readonly noiseStream: number;

  /** `faults` are those of this chip on this device. */
  constructor(
    private readonly world: PhysicalEnvironment,
    private readonly faults: readonly ChipFault[],
    private readonly seed: number,
    address: number,
  ) {
    this.noiseStream = streamId(`erratic@${address}`);
  }

  temperatureC(timeUs: number): number {
    return this.scalar('temperatureC', timeUs, (at) => this.world.temperatureC(at));
  }

  relativeHumidityPct(timeUs: number): number {
    return this.scalar('relativeHumidityPct', timeUs, (at) => this.world.relativeHumidityPct(at));
  }

  pressurePa(timeUs: number): number {
    return this.scalar('pressurePa', timeUs, (at) => this.world.pressurePa(at));
  }

  accelerationMps2(timeUs: number): Vector3 {
    return this.world.accelerationMps2(this.sensedTimeUs(timeUs));
  }

  angularRateRadps(timeUs: number): Vector3 {
    return this.world.angularRateRadps(this.sensedTimeUs(timeUs));
  }

  /** A stuck chip senses the world at its fault's start for as long as the fault lasts. */
  private sensedTimeUs(timeUs: number): number {
    for (const fault of this.faults) {
      if (fault.kind === 'stuck' && active(fault, timeUs)) return fault.fromS * US_PER_S;
    }
    return timeUs;
  }

  private scalar(quantity: ScalarQuantity, timeUs: number, read: (timeUs: number) => number): number {
    let value = read(this.sensedTimeUs(timeUs));
    for (const fault of this.faults) {
      if (fault.kind === 'stuck' || fault.quantity !== quantity || !active(fault, timeUs)) continue;
      if (fault.kind === 'calibration-drift') value += fault.perS * (timeUs / US_PER_S - fault.fromS);
      else value += fault.stddev * gaussian(this.seed, this.noiseStream ^ streamId(quantity), Math.round(timeUs));
    }
    return value;
  }
}
