import { HalStatus } from '../../abi/status.ts';
import type { I2cTarget } from '../i2c-target.ts';
import type { PhysicalEnvironment } from '../physics.ts';
import { IDLE_BUS_BYTE, roundAndClamp } from './bits.ts';
import { sensirionCrc8Word } from './sensirion-crc.ts';
import { SensorNoise } from './sensor-noise.ts';

// Datasheet facts, Sensirion "Datasheet SHT3x-DIS" (version 5 and later).

/** §3 (ADDR pin and I2C device address): ADDR low → 0x44, high → 0x45. */
export const SHT31_DEFAULT_ADDRESS = 0x44;
const SHT31_ADDRESSES: readonly number[] = [0x44, 0x45];

type Repeatability = 'high' | 'medium' | 'low';

/** Table 4: measurement duration, maximum (typ. 12.5 / 4.5 / 2.5 ms). */
const MEASUREMENT_TIME_MAX_US: Readonly<Record<Repeatability, number>> = { high: 15_000, medium: 6_000, low: 4_000 };
/** Table 4: power-up time t_PU and soft reset time t_SR, maximum. */
export const SHT31_POWER_UP_TIME_US = 1_000;
export const SHT31_SOFT_RESET_TIME_US = 1_500;
/** §4.8: "Upon reception of the break command the sensor will abort the ongoing measurement ... This takes 1ms." */
const BREAK_TIME_US = 1_000;

/** Table 9: single-shot measurement commands. */
const SINGLE_SHOT_COMMANDS: ReadonlyMap<number, { repeatability: Repeatability; clockStretching: boolean }> = new Map([
  [0x2c06, { repeatability: 'high', clockStretching: true }],
  [0x2c0d, { repeatability: 'medium', clockStretching: true }],
  [0x2c10, { repeatability: 'low', clockStretching: true }],
  [0x2400, { repeatability: 'high', clockStretching: false }],
  [0x240b, { repeatability: 'medium', clockStretching: false }],
  [0x2416, { repeatability: 'low', clockStretching: false }],
] as const);

/** Table 10: periodic data acquisition commands (measurements per second), and Table 12: ART at 4 Hz. */
const PERIODIC_COMMANDS: ReadonlyMap<number, { repeatability: Repeatability; periodUs: number }> = new Map([
  [0x2032, { repeatability: 'high', periodUs: 2_000_000 }],
  [0x2024, { repeatability: 'medium', periodUs: 2_000_000 }],
  [0x202f, { repeatability: 'low', periodUs: 2_000_000 }],
  [0x2130, { repeatability: 'high', periodUs: 1_000_000 }],
  [0x2126, { repeatability: 'medium', periodUs: 1_000_000 }],
  [0x212d, { repeatability: 'low', periodUs: 1_000_000 }],
  [0x2236, { repeatability: 'high', periodUs: 500_000 }],
  [0x2220, { repeatability: 'medium', periodUs: 500_000 }],
  [0x222b, { repeatability: 'low', periodUs: 500_000 }],
  [0x2334, { repeatability: 'high', periodUs: 250_000 }],
  [0x2322, { repeatability: 'medium', periodUs: 250_000 }],
  [0x2329, { repeatability: 'low', periodUs: 250_000 }],
  [0x2737, { repeatability: 'high', periodUs: 100_000 }],
  [0x2721, { repeatability: 'medium', periodUs: 100_000 }],
  [0x272a, { repeatability: 'low', periodUs: 100_000 }],
  [0x2b32, { repeatability: 'high', periodUs: 250_000 }],
] as const);

const COMMAND_FETCH_DATA = 0xe000; // Table 11
const COMMAND_BREAK = 0x3093; // Table 13
const COMMAND_SOFT_RESET = 0x30a2; // Table 14
const COMMAND_HEATER_ENABLE = 0x306d; // Table 16
const COMMAND_HEATER_DISABLE = 0x3066; // Table 16
const COMMAND_READ_STATUS = 0xf32d; // Table 17
const COMMAND_CLEAR_STATUS = 0x3041; // Table 19
const OTHER_COMMANDS: ReadonlySet<number> = new Set([
  COMMAND_FETCH_DATA,
  COMMAND_BREAK,
  COMMAND_SOFT_RESET,
  COMMAND_HEATER_ENABLE,
  COMMAND_HEATER_DISABLE,
  COMMAND_READ_STATUS,
  COMMAND_CLEAR_STATUS,
]);
/** §4.5/§4.8: in periodic mode, stop with break before any command but fetch data (we refuse the others). */
const COMMANDS_ACCEPTED_IN_PERIODIC_MODE: readonly number[] = [COMMAND_FETCH_DATA, COMMAND_BREAK, COMMAND_SOFT_RESET];

/** Table 18: the status register. */
const STATUS_ALERT_PENDING = 1 << 15;
const STATUS_HEATER_ON = 1 << 13;
const STATUS_RESET_DETECTED = 1 << 4;
const STATUS_COMMAND_FAILED = 1 << 1;
/** Table 18 defaults: alert pending and reset detected set, i.e. 0x8010. */
const STATUS_RESET = STATUS_ALERT_PENDING | STATUS_RESET_DETECTED;
/** Table 19: clear status clears bits 15, 11, 10 and 4. */
const STATUS_CLEARED_BY_COMMAND = STATUS_ALERT_PENDING | (1 << 11) | (1 << 10) | STATUS_RESET_DETECTED;

/** §4.13: T = −45 + 175·S_T/(2¹⁶ − 1) °C, RH = 100·S_RH/(2¹⁶ − 1) %. */
const RAW_FULL_SCALE = 0xffff;
const TEMPERATURE_OFFSET_C = -45;
const TEMPERATURE_SPAN_C = 175;
const HUMIDITY_SPAN_PCT = 100;

/** §4.10: the heater warms the sensor by "a few degrees centigrade"; our default. */
const DEFAULT_HEATER_RISE_C = 3;
/** Magnus coefficients over water (Sensirion, "Introduction to Humidity"), to move RH with the heater's warming. */
const MAGNUS_BETA = 17.62;
const MAGNUS_LAMBDA_C = 243.12;

/** What the CRC-corruption fault XORs into every CRC byte sent: all bits flipped. */
const CRC_CORRUPTION_MASK = 0xff;

export interface Sht31Options {
  /** 0x44 (default) or 0x45. */
  address?: number;
  environment: PhysicalEnvironment;
  /** Calibration errors added to every measurement. */
  temperatureOffsetC?: number;
  humidityOffsetPct?: number;
  /** How much the heater warms the sensor (°C, default 3); RH falls to keep the same absolute humidity. */
  heaterTemperatureRiseC?: number;
  /** Seeded Gaussian noise: standard deviations in °C and %RH. */
  noise?: { seed: number; temperatureC?: number; humidityPct?: number };
}

interface SingleShot {
  endUs: number;
  clockStretching: boolean;
}

interface PeriodicAcquisition {
  startUs: number;
  periodUs: number;
  durationUs: number;
  /** The index of the last measurement fetched (the data memory is cleared on fetch, §4.6). */
  lastFetchedIndex: number;
}

/**
 * A virtual Sensirion SHT31 (SHT3x-DIS) humidity and temperature sensor.
 *
 * Bus face: 16-bit commands MSB first; results as 16-bit words each followed by a CRC-8. While a single-shot
 * measurement runs the sensor acknowledges nothing, except a read header after a clock-stretching command,
 * which it holds until the result is ready (here: completed at once). A read with no result waiting is NACKed
 * at its header (§4.4, §4.6). Physics face: a measurement samples the environment when it completes.
 */
export class Sht31 implements I2cTarget {
  readonly address: number;
  private readonly environment: PhysicalEnvironment;
  private readonly heaterRiseC: number;
  private readonly noise: SensorNoise;
  private readonly noiseStddev: { temperatureC?: number; humidityPct?: number };
  private temperatureOffsetC: number;
  private humidityOffsetPct: number;
  private crcCorruption = false;

  /** The sensor NACKs its address until then (power-up, soft reset, break). */
  private readyAtUs = 0;
  private singleShot: SingleShot | null = null;
  private periodic: PeriodicAcquisition | null = null;
  /** The words a read returns next (measurement or status), each sent with its CRC. */
  private pendingWords: number[] | null = null;
  private heaterOn = false;
  private statusFlags = STATUS_RESET;

  constructor(options: Sht31Options) {
    const address = options.address ?? SHT31_DEFAULT_ADDRESS;
    if (!SHT31_ADDRESSES.includes(address)) {
      throw new RangeError(`SHT31 address must be 0x44 or 0x45, got 0x${address.toString(16)}`);
    }
    this.address = address;
    this.environment = options.environment;
    this.heaterRiseC = options.heaterTemperatureRiseC ?? DEFAULT_HEATER_RISE_C;
    this.temperatureOffsetC = options.temperatureOffsetC ?? 0;
    this.humidityOffsetPct = options.humidityOffsetPct ?? 0;
    this.noise = new SensorNoise(options.noise?.seed, 'sht31');
    this.noiseStddev = { temperatureC: options.noise?.temperatureC, humidityPct: options.noise?.humidityPct };
    // Powered with the board: t_PU has elapsed before the MCU runs its first instruction (device time 0).
    this.reset(0);
  }

  // ---- physics and fault hooks ---------------------------------------------------------------------------

  /** While enabled, every CRC byte the sensor sends has all its bits flipped. */
  setCrcCorruption(enabled: boolean): void {
    this.crcCorruption = enabled;
  }

  setTemperatureOffsetC(offsetC: number): void {
    this.temperatureOffsetC = offsetC;
  }

  setHumidityOffsetPct(offsetPct: number): void {
    this.humidityOffsetPct = offsetPct;
  }

  // ---- bus face ------------------------------------------------------------------------------------------

  /** A hard reset or power cycle (§4.9): NACKs for t_PU, then idle with the status register at 0x8010. */
  powerOnReset(nowUs: number): void {
    this.reset(nowUs + SHT31_POWER_UP_TIME_US);
  }

  transfer(write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus {
    if (nowUs < this.readyAtUs) return HalStatus.NackAddress;
    this.completeSingleShotIfDue(nowUs);
    if (this.singleShot !== null) {
      // Still measuring: only the read header after a clock-stretching command is acknowledged (§4.3).
      if (write.length > 0 || !this.singleShot.clockStretching) return HalStatus.NackAddress;
    } else if (write.length > 0) {
      const status = this.command(write, nowUs);
      if (status !== HalStatus.Ok) return status;
    }
    if (read.length === 0) return HalStatus.Ok;
    // A read header right after soft reset or break finds the sensor busy.
    if (nowUs < this.readyAtUs) return HalStatus.NackAddress;
    if (this.singleShot !== null) {
      if (!this.singleShot.clockStretching) return HalStatus.NackAddress;
      // Clock stretching: SCL is held until the measurement ends; the transaction then completes with it.
      this.completeSingleShotIfDue(this.singleShot.endUs);
    }
    if (this.pendingWords === null) return HalStatus.NackAddress;
    this.sendWords(this.pendingWords, read);
    this.pendingWords = null;
    return HalStatus.Ok;
  }

  // ---- commands ------------------------------------------------------------------------------------------

  private command(write: Uint8Array, nowUs: number): HalStatus {
    // A lone MSB is acknowledged and, being no command, does nothing.
    if (write.length < 2) return HalStatus.Ok;
    const code = (write[0]! << 8) | write[1]!;
    const known = SINGLE_SHOT_COMMANDS.has(code) || PERIODIC_COMMANDS.has(code) || OTHER_COMMANDS.has(code);
    const refusedInPeriodicMode = this.periodic !== null && !COMMANDS_ACCEPTED_IN_PERIODIC_MODE.includes(code);
    // None of our commands takes data: a third byte is refused, and so is an unknown or out-of-mode command.
    if (!known || refusedInPeriodicMode || write.length > 2) {
      this.statusFlags |= STATUS_COMMAND_FAILED; // Table 18 bit 1: "last command not processed"
      return HalStatus.NackData;
    }
    // The status read-out still shows the previous command's outcome; then this one counts as successful.
    this.execute(code, nowUs);
    this.statusFlags &= ~STATUS_COMMAND_FAILED;
    return HalStatus.Ok;
  }

  private execute(code: number, nowUs: number): void {
    const singleShot = SINGLE_SHOT_COMMANDS.get(code);
    if (singleShot !== undefined) {
      this.pendingWords = null;
      this.singleShot = {
        endUs: nowUs + MEASUREMENT_TIME_MAX_US[singleShot.repeatability],
        clockStretching: singleShot.clockStretching,
      };
      return;
    }
    const periodic = PERIODIC_COMMANDS.get(code);
    if (periodic !== undefined) {
      this.pendingWords = null;
      this.periodic = {
        startUs: nowUs,
        periodUs: periodic.periodUs,
        durationUs: MEASUREMENT_TIME_MAX_US[periodic.repeatability],
        lastFetchedIndex: -1,
      };
      return;
    }
    switch (code) {
      case COMMAND_FETCH_DATA:
        this.pendingWords = this.fetchPeriodic(nowUs);
        return;
      case COMMAND_BREAK:
        this.periodic = null;
        this.pendingWords = null;
        this.readyAtUs = nowUs + BREAK_TIME_US;
        return;
      case COMMAND_SOFT_RESET:
        this.reset(nowUs + SHT31_SOFT_RESET_TIME_US);
        return;
      case COMMAND_HEATER_ENABLE:
      case COMMAND_HEATER_DISABLE:
        this.heaterOn = code === COMMAND_HEATER_ENABLE;
        return;
      case COMMAND_READ_STATUS:
        this.pendingWords = [this.statusWord()];
        return;
      case COMMAND_CLEAR_STATUS:
        this.statusFlags &= ~STATUS_CLEARED_BY_COMMAND;
        return;
    }
  }

  /** §4.9: hard reset, soft reset and supply failure all return to idle single-shot mode with default status. */
  private reset(readyAtUs: number): void {
    this.readyAtUs = readyAtUs;
    this.singleShot = null;
    this.periodic = null;
    this.pendingWords = null;
    this.heaterOn = false;
    this.statusFlags = STATUS_RESET;
  }

  private statusWord(): number {
    return this.statusFlags | (this.heaterOn ? STATUS_HEATER_ON : 0);
  }

  // ---- measurements --------------------------------------------------------------------------------------

  private completeSingleShotIfDue(nowUs: number): void {
    const singleShot = this.singleShot;
    if (singleShot === null || singleShot.endUs > nowUs) return;
    this.pendingWords = this.measure(singleShot.endUs);
    this.singleShot = null;
  }

  /** §4.6: the latest completed periodic measurement if not yet fetched, else nothing (the read is NACKed). */
  private fetchPeriodic(nowUs: number): number[] | null {
    const periodic = this.periodic;
    if (periodic === null) return null;
    const sinceFirstEndUs = nowUs - periodic.startUs - periodic.durationUs;
    if (sinceFirstEndUs < 0) return null;
    const latestIndex = Math.floor(sinceFirstEndUs / periodic.periodUs);
    if (latestIndex <= periodic.lastFetchedIndex) return null;
    periodic.lastFetchedIndex = latestIndex;
    return this.measure(periodic.startUs + latestIndex * periodic.periodUs + periodic.durationUs);
  }

  /** The raw temperature and humidity words (§4.13 inverted) for a measurement completing at `timeUs`. */
  private measure(timeUs: number): number[] {
    const ambientC = this.environment.temperatureC(timeUs);
    const heaterRiseC = this.heaterOn ? this.heaterRiseC : 0;
    const sensorC = ambientC + heaterRiseC;
    // The heater warms the air at the sensor: same vapour pressure, higher saturation pressure, lower RH.
    const humidityPct =
      this.environment.relativeHumidityPct(timeUs) * saturationVapourPressureRatio(ambientC, sensorC) +
      this.humidityOffsetPct +
      this.noise.at('humidityPct', timeUs, this.noiseStddev.humidityPct);
    const temperatureC =
      sensorC + this.temperatureOffsetC + this.noise.at('temperatureC', timeUs, this.noiseStddev.temperatureC);
    const rawTemperature = roundAndClamp(
      ((temperatureC - TEMPERATURE_OFFSET_C) * RAW_FULL_SCALE) / TEMPERATURE_SPAN_C,
      0,
      RAW_FULL_SCALE,
    );
    const rawHumidity = roundAndClamp((humidityPct * RAW_FULL_SCALE) / HUMIDITY_SPAN_PCT, 0, RAW_FULL_SCALE);
    return [rawTemperature, rawHumidity];
  }

  /** Words MSB first, each followed by its CRC (§4.12); bytes past the last CRC read as an idle bus. */
  private sendWords(words: readonly number[], read: Uint8Array): void {
    const corruption = this.crcCorruption ? CRC_CORRUPTION_MASK : 0;
    const bytes: number[] = [];
    for (const word of words) bytes.push(word >>> 8, word & 0xff, sensirionCrc8Word(word) ^ corruption);
    for (let i = 0; i < read.length; i++) read[i] = bytes[i] ?? IDLE_BUS_BYTE;
  }
}

function magnusExponent(temperatureC: number): number {
  return (MAGNUS_BETA * temperatureC) / (MAGNUS_LAMBDA_C + temperatureC);
}

/** p_sat(from) / p_sat(to) by the Magnus formula: how RH scales when air warms from `fromC` to `toC`. */
function saturationVapourPressureRatio(fromC: number, toC: number): number {
  if (fromC === toC) return 1;
  return Math.exp(magnusExponent(fromC) - magnusExponent(toC));
}
