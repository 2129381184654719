import type { PhysicalEnvironment, Vector3 } from '../../../host/sim/physics.ts';

type Scalar = number | ((timeUs: number) => number);
type Vector = Vector3 | ((timeUs: number) => Vector3);

const valueAt = (signal: Scalar, timeUs: number): number => (typeof signal === 'number' ? signal : signal(timeUs));

/**
 * A settable world for chip tests: each quantity a constant or a function of time, and a log of the times each
 * quantity was sampled (to check that chips sample when their conversions complete).
 */
export class FakeEnvironment implements PhysicalEnvironment {
  temperature: Scalar = 25;
  humidity: Scalar = 50;
  pressure: Scalar = 101_325;
  acceleration: Vector = { x: 0, y: 0, z: 9.80665 };
  angularRate: Vector = { x: 0, y: 0, z: 0 };
  readonly sampledAtUs: Record<'temperature' | 'humidity' | 'pressure' | 'acceleration' | 'angularRate', number[]> = {
    temperature: [],
    humidity: [],
    pressure: [],
    acceleration: [],
    angularRate: [],
  };

  temperatureC(timeUs: number): number {
    this.sampledAtUs.temperature.push(timeUs);
    return valueAt(this.temperature, timeUs);
  }

  relativeHumidityPct(timeUs: number): number {
    this.sampledAtUs.humidity.push(timeUs);
    return valueAt(this.humidity, timeUs);
  }

  pressurePa(timeUs: number): number {
    this.sampledAtUs.pressure.push(timeUs);
    return valueAt(this.pressure, timeUs);
  }

  accelerationMps2(timeUs: number): Vector3 {
    this.sampledAtUs.acceleration.push(timeUs);
    return typeof this.acceleration === 'function' ? this.acceleration(timeUs) : this.acceleration;
  }

  angularRateRadps(timeUs: number): Vector3 {
    this.sampledAtUs.angularRate.push(timeUs);
    return typeof this.angularRate === 'function' ? this.angularRate(timeUs) : this.angularRate;
  }
}

/** One transaction against a chip: the status and the bytes read. */
export function transact(
  chip: { transfer(write: Uint8Array, read: Uint8Array, nowUs: number): number },
  nowUs: number,
  write: readonly number[],
  readLength = 0,
): { status: number; bytes: number[] } {
  const read = new Uint8Array(readLength);
  const status = chip.transfer(Uint8Array.from(write), read, nowUs);
  return { status, bytes: Array.from(read) };
}
