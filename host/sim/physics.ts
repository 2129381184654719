/** A 3-axis quantity in the device's body frame. */
export interface Vector3 {
  x: number;
  y: number;
  z: number;
}

/**
 * The physics face shared by every virtual chip: what the world looks like at a given time.
 * Values are SI (°C, %RH, Pa, m/s², rad/s) and deterministic functions of time for a given scenario and seed,
 * so two reads at the same `timeUs` give the same value whichever chip or device asks.
 */
export interface PhysicalEnvironment {
  temperatureC(timeUs: number): number;
  relativeHumidityPct(timeUs: number): number;
  pressurePa(timeUs: number): number;
  /** Proper acceleration as an accelerometer senses it: at rest, +9.80665 m/s² on the axis pointing up. */
  accelerationMps2(timeUs: number): Vector3;
  angularRateRadps(timeUs: number): Vector3;
}

/** Standard gravity, m/s² (ISO 80000-3). */
export const STANDARD_GRAVITY_MPS2 = 9.80665;
