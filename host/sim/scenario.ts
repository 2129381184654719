import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { STANDARD_GRAVITY_MPS2 } from './physics.ts';

/**
 * A scenario: the physical environment over time, which chips each device carries, and the faults to inject
 * (docs/scenarios.md). Times are seconds of device time since boot.
 */

const finite = z.number().finite();
const seconds = finite.nonnegative();
const positiveSeconds = finite.positive();
/** A 7-bit address as a number or a hex string (`"0x44"`). */
const i2cAddress = z
  .union([z.number(), z.string().regex(/^0x[0-9a-fA-F]{1,2}$/, 'must be a number or a hex string like "0x44"')])
  .transform((value) => (typeof value === 'string' ? Number.parseInt(value, 16) : value))
  .pipe(z.number().int().min(0x08).max(0x77));

const signalComponent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sine'), amplitude: finite, periodS: positiveSeconds, phaseS: seconds.default(0) }).strict(),
  z.object({ kind: z.literal('step'), atS: seconds, delta: finite }).strict(),
  z.object({ kind: z.literal('ramp'), fromS: seconds, toS: seconds, delta: finite }).strict()
    .refine((ramp) => ramp.toS > ramp.fromS, 'toS must be after fromS'),
  z.object({ kind: z.literal('drift'), perS: finite }).strict(),
  /** An injected anomaly: `delta` added for `durationS` from `atS`. */
  z.object({ kind: z.literal('spike'), atS: seconds, durationS: positiveSeconds, delta: finite }).strict(),
  /** Gaussian noise, a new sample every `sampleS`. */
  z.object({ kind: z.literal('noise'), stddev: finite.nonnegative(), sampleS: positiveSeconds.default(0.01) }).strict(),
  /** An injected anomaly: a sinusoidal shake of `amplitude` at `frequencyHz` from `fromS` until `toS`. */
  z.object({ kind: z.literal('vibration'), fromS: seconds, toS: seconds, amplitude: finite, frequencyHz: finite.positive() }).strict()
    .refine((vibration) => vibration.toS > vibration.fromS, 'toS must be after fromS'),
]);

const signal = z.object({ base: finite, components: z.array(signalComponent).default([]) }).strict();
const vectorSignal = z.object({ x: signal, y: signal, z: signal }).strict();

export const QUANTITIES = ['temperatureC', 'relativeHumidityPct', 'pressurePa'] as const;
export type ScalarQuantity = (typeof QUANTITIES)[number];

export const CHIP_NAMES = ['tmp102', 'sht31', 'bme280', 'mpu6050'] as const;
export type ChipName = (typeof CHIP_NAMES)[number];

const window = { fromS: seconds, toS: seconds };
const appliesTo = { devices: z.array(z.number().int().nonnegative()).optional() };
const fault = z.discriminatedUnion('kind', [
  /** The chip at `address` does not acknowledge its address. */
  z.object({ kind: z.literal('nack'), address: i2cAddress, ...window, ...appliesTo }).strict(),
  /** SDA held low: no START can be generated, every transaction times out. */
  z.object({ kind: z.literal('bus-stuck'), ...window, ...appliesTo }).strict(),
  /** Arbitration lost / misplaced START-STOP on every transaction. */
  z.object({ kind: z.literal('bus-error'), ...window, ...appliesTo }).strict(),
  /** The chip at `address` (a CRC-protected one: SHT31) sends corrupted CRC bytes. */
  z.object({ kind: z.literal('crc-corruption'), address: i2cAddress, ...window, ...appliesTo }).strict(),
  /** The physical quantity is forced to `value`, typically beyond the chips' range so they saturate. */
  z.object({ kind: z.literal('out-of-range'), quantity: z.enum(QUANTITIES), value: finite, ...window, ...appliesTo }).strict(),
  /** The chip at `address` is unplugged for the window and powers on afresh when plugged back. */
  z.object({ kind: z.literal('unplug'), address: i2cAddress, ...window, ...appliesTo }).strict(),
  /** The chip at `address` keeps converting the world as it was at `fromS`: every reading repeats. */
  z.object({ kind: z.literal('stuck'), address: i2cAddress, ...window, ...appliesTo }).strict(),
  /** The chip at `address` reads `quantity` off by `perS·(t − fromS)`; at `toS` it is recalibrated. */
  z.object({ kind: z.literal('calibration-drift'), address: i2cAddress, quantity: z.enum(QUANTITIES), perS: finite, ...window, ...appliesTo }).strict(),
  /** The chip at `address` reads `quantity` with extra Gaussian noise of `stddev`, fresh at every conversion. */
  z.object({ kind: z.literal('erratic'), address: i2cAddress, quantity: z.enum(QUANTITIES), stddev: finite.nonnegative(), ...window, ...appliesTo }).strict(),
]);

export const scenarioSchema = z
  .object({
    name: z.string().min(1).default('scenario'),
    chips: z.array(z.enum(CHIP_NAMES)).default([...CHIP_NAMES]),
    environment: z
      .object({
        temperatureC: signal.optional(),
        relativeHumidityPct: signal.optional(),
        pressurePa: signal.optional(),
        accelerationMps2: vectorSignal.optional(),
        angularRateRadps: vectorSignal.optional(),
      })
      .strict()
      .default({}),
    faults: z
      .array(fault)
      .default([])
      .superRefine((faults, context) => {
        faults.forEach((entry, index) => {
          if (entry.toS <= entry.fromS) {
            context.addIssue({ code: 'custom', path: [index, 'toS'], message: 'toS must be after fromS' });
          }
        });
      }),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type Signal = z.output<typeof signal>;
export type SignalComponent = z.output<typeof signalComponent>;
export type VectorSignal = z.output<typeof vectorSignal>;
export type Fault = z.output<typeof fault>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** The quiet office every device sees when no scenario is given (or a scenario leaves a quantity out). */
export const DEFAULT_ENVIRONMENT = {
  temperatureC: {
    base: 22,
    components: [
      { kind: 'sine', amplitude: 1.5, periodS: 600, phaseS: 0 },
      { kind: 'noise', stddev: 0.05, sampleS: 0.01 },
    ],
  },
  relativeHumidityPct: {
    base: 45,
    components: [
      { kind: 'sine', amplitude: 3, periodS: 900, phaseS: 0 },
      { kind: 'noise', stddev: 0.2, sampleS: 0.01 },
    ],
  },
  pressurePa: { base: 101_325, components: [{ kind: 'noise', stddev: 2, sampleS: 0.01 }] },
  accelerationMps2: {
    x: { base: 0, components: [{ kind: 'noise', stddev: 0.02, sampleS: 0.001 }] },
    y: { base: 0, components: [{ kind: 'noise', stddev: 0.02, sampleS: 0.001 }] },
    z: { base: STANDARD_GRAVITY_MPS2, components: [{ kind: 'noise', stddev: 0.02, sampleS: 0.001 }] },
  },
  angularRateRadps: {
    x: { base: 0, components: [{ kind: 'noise', stddev: 0.002, sampleS: 0.001 }] },
    y: { base: 0, components: [{ kind: 'noise', stddev: 0.002, sampleS: 0.001 }] },
    z: { base: 0, components: [{ kind: 'noise', stddev: 0.002, sampleS: 0.001 }] },
  },
} satisfies Required<Scenario['environment']>;

/** Validates a parsed JSON value; the error names every problem by its path. */
export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ScenarioError(`${source} is not a valid scenario:\n${problems.join('\n')}`);
  }
  return result.data;
}

export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}

export function defaultScenario(): Scenario {
  return parseScenario({ name: 'default' });
}
