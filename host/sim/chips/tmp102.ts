import { HalStatus } from '../../abi/status.ts';
import type { I2cTarget } from '../i2c-target.ts';
import type { PhysicalEnvironment } from '../physics.ts';
import { IDLE_BUS_BYTE, roundAndClamp, toTwosComplement } from './bits.ts';
import { SensorNoise } from './sensor-noise.ts';

// Datasheet facts, TI SBOS397 (TMP102). Sections are named by title: their numbers moved between revisions.

/** "Serial Bus Address": ADD0 to GND, V+, SDA or SCL selects 0x48, 0x49, 0x4A or 0x4B. */
export const TMP102_DEFAULT_ADDRESS = 0x48;
const TMP102_ADDRESSES: readonly number[] = [0x48, 0x49, 0x4a, 0x4b];

/** "Pointer Register": P1/P0 select the register; P7..P2 must be 0 (we NACK a pointer byte that is not). */
const POINTER_TEMPERATURE = 0b00;
const POINTER_CONFIGURATION = 0b01;
const POINTER_T_LOW = 0b10;
const POINTER_T_HIGH = 0b11;
const POINTER_VALID_MASK = 0b11;

/** "Configuration Register": byte 1 = OS R1 R0 F1 F0 POL TM SD, byte 2 = CR1 CR0 AL EM 0 0 0 0. */
const CONFIG_OS = 1 << 15;
/** R1/R0: read-only, always 11 (12-bit resolution, "Converter Resolution (R1/R0)"). */
const CONFIG_RESOLUTION_12_BIT = 0b11 << 13;
const CONFIG_FAULT_QUEUE_SHIFT = 11;
const CONFIG_FAULT_QUEUE_MASK = 0b11 << CONFIG_FAULT_QUEUE_SHIFT;
const CONFIG_POL = 1 << 10;
const CONFIG_TM = 1 << 9;
const CONFIG_SD = 1 << 8;
const CONFIG_CONVERSION_RATE_SHIFT = 6;
const CONFIG_CONVERSION_RATE_MASK = 0b11 << CONFIG_CONVERSION_RATE_SHIFT;
const CONFIG_AL = 1 << 5;
const CONFIG_EM = 1 << 4;
/** The bits a write can set in byte 1 and byte 2 (OS is a trigger, R1/R0 and AL are read-only). */
const CONFIG_WRITABLE_MSB = CONFIG_FAULT_QUEUE_MASK | CONFIG_POL | CONFIG_TM | CONFIG_SD;
const CONFIG_WRITABLE_LSB = CONFIG_CONVERSION_RATE_MASK | CONFIG_EM;
/** Power-up/reset value 0x60A0: R1R0 = 11, CR = 10 (4 Hz), AL = 1. */
const CONFIG_RESET = 0x60a0;

/** "High- and Low-Limit Registers": power-up T(LOW) = 75 °C, T(HIGH) = 80 °C. */
const T_LOW_RESET = 0x4b00;
const T_HIGH_RESET = 0x5000;

/** "Temperature Register": one LSB is 0.0625 °C, two's complement, left-justified. */
const TEMPERATURE_LSB_C = 0.0625;
/**
 * Normal mode: 12 bits in D15..D4, so 127.9375 °C → 0x7FF0 and 128 °C saturates to 0x7FF0
 * (Table "12-Bit Temperature Data Format").
 */
const NORMAL_FORMAT = { bits: 12, shift: 4 } as const;
/** Extended mode (EM = 1, "Extended Mode (EM)"): 13 bits in D15..D3, 150 °C → 0x4B00; D0 of byte 2 reads 1. */
const EXTENDED_FORMAT = { bits: 13, shift: 3 } as const;
const EXTENDED_MODE_FLAG = 0x0001;

/** "Electrical Characteristics": conversion time 26 ms typical (35 ms max). */
export const TMP102_CONVERSION_TIME_US = 26_000;
/** "Conversion Rate": CR1/CR0 = 00, 01, 10, 11 → 0.25 Hz, 1 Hz, 4 Hz, 8 Hz. */
const CONVERSION_PERIOD_US: readonly number[] = [4_000_000, 1_000_000, 250_000, 125_000];
/** "Fault Queue (F1/F0)": consecutive faults needed to change the alert state. */
const CONSECUTIVE_FAULTS: readonly number[] = [1, 2, 4, 6];

type Format = typeof NORMAL_FORMAT | typeof EXTENDED_FORMAT;

export interface Tmp102Options {
  /** 0x48 (default) .. 0x4B. */
  address?: number;
  environment: PhysicalEnvironment;
  /** A calibration error added to every conversion, °C. */
  temperatureOffsetC?: number;
  /** Seeded Gaussian noise on each conversion: `temperatureC` is the standard deviation in °C. */
  noise?: { seed: number; temperatureC?: number };
}

interface Conversion {
  endUs: number;
  /** Started by OS in shutdown: OS reads 1 once it completes ("One-Shot/Conversion Ready (OS)"). */
  oneShot: boolean;
}

/**
 * A virtual TI TMP102 temperature sensor.
 *
 * Bus face: the pointer register and four 16-bit registers sent MSB first, updated byte by byte as written
 * ("Serial Interface": "All registers are updated byte by byte"). Physics face: conversions sample the environment
 * when they complete, 26 ms after they start, at the CR rate in continuous mode or once per OS in shutdown; the
 * temperature register reads 0 °C until the first conversion after power-on completes.
 */
export class Tmp102 implements I2cTarget {
  readonly address: number;
  private readonly environment: PhysicalEnvironment;
  private readonly noise: SensorNoise;
  private readonly noiseStddevC: number | undefined;
  private temperatureOffsetC: number;

  private pointer = POINTER_TEMPERATURE;
  /** The configuration bits a write can set (reset in powerOnReset); OS, R1/R0 and AL are computed when read. */
  private config = 0;
  private tLow = T_LOW_RESET;
  private tHigh = T_HIGH_RESET;
  /** The last conversion in the format it was made in, without the EM flag in D0. */
  private temperatureWord = 0;
  private conversion: Conversion | null = null;
  /** The start of the next continuous conversion; null in shutdown. */
  private nextConversionStartUs: number | null = null;
  private lastConversionStartUs = 0;
  private oneShotReady = false;
  /** Comparator state behind the AL bit ("Configuration Register ALERT (AL Bit)", "Fault Queue"). */
  private alertActive = false;
  private consecutiveFaults = 0;
  /** Interrupt mode (TM = 1): the ALERT pin latched until any register read or shutdown. */
  private interruptLatched = false;

  constructor(options: Tmp102Options) {
    const address = options.address ?? TMP102_DEFAULT_ADDRESS;
    if (!TMP102_ADDRESSES.includes(address)) {
      throw new RangeError(`TMP102 address must be 0x48..0x4B, got 0x${address.toString(16)}`);
    }
    this.address = address;
    this.environment = options.environment;
    this.temperatureOffsetC = options.temperatureOffsetC ?? 0;
    this.noise = new SensorNoise(options.noise?.seed, 'tmp102');
    this.noiseStddevC = options.noise?.temperatureC;
    this.powerOnReset(0);
  }

  // ---- physics and fault hooks ---------------------------------------------------------------------------

  /** A calibration error from now on: conversions evaluated after this call read `offsetC` high. */
  setTemperatureOffsetC(offsetC: number): void {
    this.temperatureOffsetC = offsetC;
  }

  /**
   * The ALERT pin's electrical level at `nowUs` ("High- and Low-Limit Registers", "Polarity (POL)"): active low
   * unless POL = 1; in comparator mode it follows the alert state, in interrupt mode it latches until a read.
   */
  alertPinLevel(nowUs: number): 0 | 1 {
    this.advance(nowUs);
    const active = this.config & CONFIG_TM ? this.interruptLatched : this.alertActive;
    const activeHigh = (this.config & CONFIG_POL) !== 0;
    return active === activeHigh ? 1 : 0;
  }

  // ---- bus face ------------------------------------------------------------------------------------------

  powerOnReset(nowUs: number): void {
    this.pointer = POINTER_TEMPERATURE;
    this.config = CONFIG_RESET & (CONFIG_WRITABLE_MSB | CONFIG_WRITABLE_LSB);
    this.tLow = T_LOW_RESET;
    this.tHigh = T_HIGH_RESET;
    this.temperatureWord = 0;
    this.oneShotReady = false;
    this.alertActive = false;
    this.consecutiveFaults = 0;
    this.interruptLatched = false;
    // Continuous mode from power-up: the first conversion starts at once.
    this.startConversion(nowUs, false);
    this.nextConversionStartUs = nowUs + this.conversionPeriodUs();
  }

  transfer(write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus {
    this.advance(nowUs);
    if (write.length > 0) {
      const pointer = write[0]!;
      if ((pointer & ~POINTER_VALID_MASK) !== 0) return HalStatus.NackData;
      this.pointer = pointer;
      // Byte 1 then byte 2; further bytes are acknowledged and ignored.
      if (write.length > 1) this.writeByte(0, write[1]!, nowUs);
      if (write.length > 2) this.writeByte(1, write[2]!, nowUs);
    }
    if (read.length > 0) {
      const word = this.registerWord(this.pointer);
      read[0] = word >>> 8;
      if (read.length > 1) read[1] = word & 0xff;
      // After byte 2 the TMP102 stops driving SDA (TI E2E thread 122072): the master clocks in 0xFF.
      read.fill(IDLE_BUS_BYTE, 2);
      // "Interrupt mode": the ALERT pin "remains active until a read operation of any register occurs".
      this.interruptLatched = false;
    }
    return HalStatus.Ok;
  }

  // ---- registers -----------------------------------------------------------------------------------------

  private registerWord(pointer: number): number {
    switch (pointer) {
      case POINTER_TEMPERATURE:
        // "Bit D0 of byte 2 indicates normal mode (EM = 0) or extended mode (EM = 1)."
        return this.temperatureWord | (this.config & CONFIG_EM ? EXTENDED_MODE_FLAG : 0);
      case POINTER_CONFIGURATION:
        return this.configWord();
      case POINTER_T_LOW:
        return this.tLow;
      default:
        return this.tHigh;
    }
  }

  private configWord(): number {
    const os = this.oneShotReady ? CONFIG_OS : 0;
    // "For POL = 0, the AL bit reads as 1 until the temperature equals or exceeds T(HIGH) ... causing the AL bit
    // to read as 0"; POL inverts it. TM does not affect AL.
    const alertBitSet = this.alertActive === ((this.config & CONFIG_POL) !== 0);
    return os | CONFIG_RESOLUTION_12_BIT | this.config | (alertBitSet ? CONFIG_AL : 0);
  }

  /** One data byte of a write to the pointed register: `index` 0 is the MSB, 1 the LSB. */
  private writeByte(index: 0 | 1, value: number, nowUs: number): void {
    const shift = index === 0 ? 8 : 0;
    switch (this.pointer) {
      case POINTER_TEMPERATURE:
        return; // read-only: acknowledged, ignored
      case POINTER_CONFIGURATION:
        if (index === 0) this.writeConfigMsb(value << 8, nowUs);
        else this.writeConfigLsb(value, nowUs);
        return;
      case POINTER_T_LOW:
        this.tLow = this.withLimitByte(this.tLow, value, shift);
        return;
      default:
        this.tHigh = this.withLimitByte(this.tHigh, value, shift);
    }
  }

  /** Limits share the temperature format: the bits below it read 0 ("High- and Low-Limit Registers"). */
  private withLimitByte(word: number, value: number, shift: number): number {
    const updated = (word & ~(0xff << shift)) | (value << shift);
    const format = this.currentFormat();
    return updated & ((0xffff << format.shift) & 0xffff);
  }

  private writeConfigLsb(value: number, nowUs: number): void {
    const periodBeforeUs = this.conversionPeriodUs();
    this.config = (this.config & ~CONFIG_WRITABLE_LSB) | (value & CONFIG_WRITABLE_LSB);
    // A new conversion rate applies from the conversion that started last.
    if (this.nextConversionStartUs !== null && this.conversionPeriodUs() !== periodBeforeUs) {
      this.nextConversionStartUs = Math.max(nowUs, this.lastConversionStartUs + this.conversionPeriodUs());
    }
  }

  private writeConfigMsb(bits: number, nowUs: number): void {
    const wasShutdown = (this.config & CONFIG_SD) !== 0;
    this.config = (this.config & ~CONFIG_WRITABLE_MSB) | (bits & CONFIG_WRITABLE_MSB);
    const shutdown = (this.config & CONFIG_SD) !== 0;
    if (!wasShutdown && shutdown) {
      // "Shutdown Mode (SD)": the device shuts down once the current conversion completes; entering shutdown
      // also clears the ALERT pin in interrupt mode.
      this.nextConversionStartUs = null;
      this.interruptLatched = false;
    } else if (wasShutdown && !shutdown) {
      this.oneShotReady = false;
      if (this.conversion === null) this.startConversion(nowUs, false);
      this.nextConversionStartUs = nowUs + this.conversionPeriodUs();
    }
    // "One-Shot/Conversion Ready (OS)": in shutdown, writing OS = 1 starts a single conversion; OS reads 0
    // during it and 1 after it.
    if (shutdown && (bits & CONFIG_OS) !== 0) {
      this.oneShotReady = false;
      if (this.conversion === null) this.startConversion(nowUs, true);
      else this.conversion.oneShot = true;
    }
  }

  // ---- conversions ---------------------------------------------------------------------------------------

  /** Completes every conversion due by `nowUs`, in order, and starts the continuous ones scheduled meanwhile. */
  private advance(nowUs: number): void {
    for (;;) {
      const conversion = this.conversion;
      if (conversion !== null) {
        if (conversion.endUs > nowUs) return;
        this.complete(conversion);
        this.conversion = null;
        continue;
      }
      const startUs = this.nextConversionStartUs;
      if (startUs === null || startUs > nowUs) return;
      this.startConversion(startUs, false);
      this.nextConversionStartUs = startUs + this.conversionPeriodUs();
    }
  }

  private startConversion(startUs: number, oneShot: boolean): void {
    this.conversion = { endUs: startUs + TMP102_CONVERSION_TIME_US, oneShot };
    this.lastConversionStartUs = startUs;
  }

  private complete(conversion: Conversion): void {
    const timeUs = conversion.endUs;
    const noiseC = this.noise.at('temperatureC', timeUs, this.noiseStddevC);
    const temperatureC = this.environment.temperatureC(timeUs) + this.temperatureOffsetC + noiseC;
    const format = this.currentFormat();
    const counts = temperatureCounts(temperatureC, format);
    this.temperatureWord = toTwosComplement(counts << format.shift, 16);
    this.updateAlert(counts, format);
    if (conversion.oneShot) this.oneShotReady = true;
  }

  /** "Fault Queue (F1/F0)" and comparator hysteresis between T(HIGH) and T(LOW), on every conversion. */
  private updateAlert(counts: number, format: Format): void {
    const faultsNeeded = CONSECUTIVE_FAULTS[(this.config & CONFIG_FAULT_QUEUE_MASK) >>> CONFIG_FAULT_QUEUE_SHIFT]!;
    const fault = this.alertActive
      ? counts < limitCounts(this.tLow, format)
      : counts >= limitCounts(this.tHigh, format);
    this.consecutiveFaults = fault ? this.consecutiveFaults + 1 : 0;
    if (this.consecutiveFaults < faultsNeeded) return;
    this.consecutiveFaults = 0;
    this.alertActive = !this.alertActive;
    // "Interrupt mode": active at T(HIGH), cleared by a read, active again when below T(LOW), and so on.
    if (this.config & CONFIG_TM) this.interruptLatched = true;
  }

  private currentFormat(): Format {
    return this.config & CONFIG_EM ? EXTENDED_FORMAT : NORMAL_FORMAT;
  }

  private conversionPeriodUs(): number {
    return CONVERSION_PERIOD_US[(this.config & CONFIG_CONVERSION_RATE_MASK) >>> CONFIG_CONVERSION_RATE_SHIFT]!;
  }
}

/** A temperature as the converter's signed count, saturating at the format's ends (128 °C → 0x7FF). */
function temperatureCounts(temperatureC: number, format: Format): number {
  const max = 2 ** (format.bits - 1) - 1;
  return roundAndClamp(temperatureC / TEMPERATURE_LSB_C, -max - 1, max);
}

/** A limit register's signed count in `format`. */
function limitCounts(word: number, format: Format): number {
  return ((word << 16) >> 16) >> format.shift;
}
