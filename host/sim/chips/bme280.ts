import { HalStatus } from '../../abi/status.ts';
import type { I2cTarget } from '../i2c-target.ts';
import type { PhysicalEnvironment } from '../physics.ts';
import { storeU16Le, toTwosComplement } from './bits.ts';
import {
  ADC_20_BIT_MAX,
  BME280_EXAMPLE_CALIBRATION,
  compensateTemperature,
  rawHumidityFor,
  rawPressureFor,
  rawTemperatureFor,
  type Bme280Calibration,
} from './bme280-compensation.ts';
import { SensorNoise } from './sensor-noise.ts';

// Datasheet facts, Bosch BST-BME280-DS002 (BME280 data sheet, revision 1.6).

/** §6.2: SDO to GND → 0x76, SDO to V_DDIO → 0x77. */
export const BME280_DEFAULT_ADDRESS = 0x76;
const BME280_ADDRESSES: readonly number[] = [0x76, 0x77];

/** §5.3 memory map (Table 18). */
const REG_CALIB00 = 0x88; // calib00..calib25 at 0x88..0xA1
const CALIB_TP_LENGTH = 26;
const REG_CHIP_ID = 0xd0;
const REG_RESET = 0xe0;
const REG_CALIB26 = 0xe1; // calib26..calib41 at 0xE1..0xF0
const CALIB_H_LENGTH = 16;
const REG_CTRL_HUM = 0xf2;
const REG_STATUS = 0xf3;
const REG_CTRL_MEAS = 0xf4;
const REG_CONFIG = 0xf5;
const REG_DATA = 0xf7; // press_msb..hum_lsb at 0xF7..0xFE
const DATA_LENGTH = 8;

/** §5.4.1: chip_id reads 0x60. */
const CHIP_ID = 0x60;
/** §5.4.2: writing 0xB6 to reset triggers a power-on reset; the register reads 0x00. */
const RESET_COMMAND = 0xb6;
/** §5.4.3: ctrl_hum osrs_h[2:0]; the other bits are unused. */
const CTRL_HUM_OSRS_H_MASK = 0b111;
/** §5.4.4: status bits. */
const STATUS_MEASURING = 1 << 3;
const STATUS_IM_UPDATE = 1 << 0;
/** §5.4.5: ctrl_meas = osrs_t[7:5] osrs_p[4:2] mode[1:0]. */
const CTRL_MEAS_OSRS_T_SHIFT = 5;
const CTRL_MEAS_OSRS_P_SHIFT = 2;
const OSRS_MASK = 0b111;
const CTRL_MEAS_MODE_MASK = 0b11;
const MODE_SLEEP = 0b00;
const MODE_NORMAL = 0b11; // 01 and 10 are both forced mode
/** §5.4.6: config = t_sb[7:5] filter[4:2] (bit 1 reserved) spi3w_en[0]. */
const CONFIG_T_SB_SHIFT = 5;
const CONFIG_FILTER_SHIFT = 2;
const CONFIG_FIELD_MASK = 0b111;
const CONFIG_WRITABLE_MASK = 0b1111_1101;

/** §5.4.3/§5.4.5: osrs setting → oversampling factor; 000 skips the measurement. */
const OVERSAMPLING: readonly number[] = [0, 1, 2, 4, 8, 16, 16, 16];
/** §5.4.6 Table 27: t_sb setting → standby time in normal mode. */
const STANDBY_TIME_US: readonly number[] = [500, 62_500, 125_000, 250_000, 500_000, 1_000_000, 10_000, 20_000];
/** §5.4.6 Table 28: filter setting → IIR filter coefficient (1: off). */
const FILTER_COEFFICIENT: readonly number[] = [1, 2, 4, 8, 16, 16, 16, 16];

/** §9.1: t_measure,max = 1.25 + 2.3·T_os + [2.3·P_os + 0.575] + [2.3·H_os + 0.575] ms, brackets only if enabled. */
const MEASURE_BASE_US = 1_250;
const MEASURE_PER_OVERSAMPLE_US = 2_300;
const MEASURE_PH_SETUP_US = 575;
/** Table 1: t_startup, time to first communication after power-on; im_update is set while the NVM is copied. */
export const BME280_STARTUP_TIME_US = 2_000;

/** Table 18 reset states of 0xF7..0xFE, the same as a skipped measurement (§5.4.7–§5.4.9). */
const SKIPPED_20_BIT = 0x80000;
const SKIPPED_16_BIT = 0x8000;
/** §3.4.2/§3.4.3: resolution is 20 bits with the IIR filter, else 16 + (osrs − 1) bits; humidity is 16 bits. */
const FULL_RESOLUTION_BITS = 20;
const BASE_RESOLUTION_BITS = 16;
/** A byte read from an address the memory map does not list (the chip cannot NACK a byte it sends). */
const UNMAPPED_READ_VALUE = 0x00;
/** Normal-mode catch-up: older samples weigh less than this in the IIR filter's memory and are skipped. */
const NEGLIGIBLE_FILTER_WEIGHT = 1e-12;

export interface Bme280Options {
  /** 0x76 (default) or 0x77. */
  address?: number;
  environment: PhysicalEnvironment;
  /** Trimming parameters over BME280_EXAMPLE_CALIBRATION (the BMP280 datasheet §3.12 example for T and P). */
  calibration?: Partial<Bme280Calibration>;
  /** Calibration errors added to every measurement. */
  temperatureOffsetC?: number;
  pressureOffsetPa?: number;
  humidityOffsetPct?: number;
  /** Seeded Gaussian noise: standard deviations in °C, Pa and %RH. */
  noise?: { seed: number; temperatureC?: number; pressurePa?: number; humidityPct?: number };
}

interface Measurement {
  endUs: number;
  osrsT: number;
  osrsP: number;
  osrsH: number;
}

/** The result of the last measurement: physical values after the IIR filter, null when skipped. */
interface Reading {
  temperatureC: number | null;
  pressurePa: number | null;
  humidityPct: number | null;
  /** The unfiltered temperature, for t_fine when the temperature measurement itself was skipped. */
  sensorTemperatureC: number;
  temperatureBits: number;
  pressureBits: number;
}

/**
 * A virtual Bosch BME280 humidity, pressure and temperature sensor.
 *
 * Bus face: an 8-bit register map (§5.3) read in bursts with auto-increment and written as (register, value)
 * pairs (§6.2.1); a register address outside the map is NACKed, writes to read-only registers are ignored.
 * Physics face: sleep, forced and normal modes (§3.3); a measurement lasts t_measure,max (§9.1), sets
 * status.measuring meanwhile, samples the environment when it completes and passes T and P through the IIR
 * filter (§3.4.4). The data registers hold the raw ADC values that Bosch's compensation (§4.2.3), with this
 * chip's trimming parameters, turns back into the sampled quantities.
 */
export class Bme280 implements I2cTarget {
  readonly address: number;
  /** The trimming parameters in the NVM (0x88..0xA1, 0xE1..0xE7). */
  readonly calibration: Readonly<Bme280Calibration>;
  private readonly environment: PhysicalEnvironment;
  private readonly calibrationNvm: Uint8Array;
  private readonly noise: SensorNoise;
  private readonly noiseStddev: { temperatureC?: number; pressurePa?: number; humidityPct?: number };
  private temperatureOffsetC: number;
  private pressureOffsetPa: number;
  private humidityOffsetPct: number;

  private pointer = 0;
  private ctrlHum = 0;
  /** §5.4.3: osrs_h as latched by the last ctrl_meas write. */
  private latchedOsrsH = 0;
  private ctrlMeas = 0;
  private config = 0;
  private startupEndUs = 0;
  /** The mode in effect; ctrl_meas written during a measurement takes effect when it ends (§3.3.1). */
  private mode: 'sleep' | 'forced' | 'normal' = 'sleep';
  private modeChangePending = false;
  private measurement: Measurement | null = null;
  private nextCycleStartUs = 0;
  /** IIR filter memory per quantity, in physical units; null after a reset of the filter (§3.4.4). */
  private filteredTemperatureC: number | null = null;
  private filteredPressurePa: number | null = null;
  private reading: Reading | null = null;
  /** 0xF7..0xFE, recomputed from `reading` when it changes. */
  private data: Uint8Array = resetData();
  private dataStale = false;

  constructor(options: Bme280Options) {
    const address = options.address ?? BME280_DEFAULT_ADDRESS;
    if (!BME280_ADDRESSES.includes(address)) {
      throw new RangeError(`BME280 address must be 0x76 or 0x77, got 0x${address.toString(16)}`);
    }
    this.address = address;
    this.environment = options.environment;
    this.calibration = Object.freeze({ ...BME280_EXAMPLE_CALIBRATION, ...options.calibration });
    this.calibrationNvm = encodeCalibration(this.calibration);
    this.temperatureOffsetC = options.temperatureOffsetC ?? 0;
    this.pressureOffsetPa = options.pressureOffsetPa ?? 0;
    this.humidityOffsetPct = options.humidityOffsetPct ?? 0;
    this.noise = new SensorNoise(options.noise?.seed, 'bme280');
    this.noiseStddev = {
      temperatureC: options.noise?.temperatureC,
      pressurePa: options.noise?.pressurePa,
      humidityPct: options.noise?.humidityPct,
    };
    this.powerOnReset(0);
  }

  // ---- physics and fault hooks ---------------------------------------------------------------------------

  setTemperatureOffsetC(offsetC: number): void {
    this.temperatureOffsetC = offsetC;
  }

  setPressureOffsetPa(offsetPa: number): void {
    this.pressureOffsetPa = offsetPa;
  }

  setHumidityOffsetPct(offsetPct: number): void {
    this.humidityOffsetPct = offsetPct;
  }

  // ---- bus face ------------------------------------------------------------------------------------------

  /** §5.4.2: every register back to its reset state; im_update is set while the NVM is copied (t_startup). */
  powerOnReset(nowUs: number): void {
    this.pointer = 0;
    this.ctrlHum = 0;
    this.latchedOsrsH = 0;
    this.ctrlMeas = 0;
    this.config = 0;
    this.startupEndUs = nowUs + BME280_STARTUP_TIME_US;
    this.mode = 'sleep';
    this.modeChangePending = false;
    this.measurement = null;
    this.filteredTemperatureC = null;
    this.filteredPressurePa = null;
    this.reading = null;
    this.data = resetData();
    this.dataStale = false;
  }

  transfer(write: Uint8Array, read: Uint8Array, nowUs: number): HalStatus {
    this.advance(nowUs);
    // §6.2.1: register address, value, register address, value, ...; a lone address sets the read pointer.
    for (let i = 0; i < write.length; i += 2) {
      const register = write[i]!;
      if (!isMapped(register)) return HalStatus.NackData;
      this.pointer = register;
      if (i + 1 < write.length && this.writeRegister(register, write[i + 1]!, nowUs) === 'reset') break;
    }
    // §6.2.2: burst reads auto-increment the register address.
    for (let i = 0; i < read.length; i++) {
      read[i] = this.readRegister(this.pointer, nowUs);
      this.pointer = (this.pointer + 1) & 0xff;
    }
    return HalStatus.Ok;
  }

  // ---- registers -----------------------------------------------------------------------------------------

  private readRegister(register: number, nowUs: number): number {
    if (register >= REG_CALIB00 && register < REG_CALIB00 + CALIB_TP_LENGTH) {
      return this.calibrationNvm[register - REG_CALIB00]!;
    }
    if (register >= REG_CALIB26 && register < REG_CALIB26 + CALIB_H_LENGTH) {
      return this.calibrationNvm[CALIB_TP_LENGTH + register - REG_CALIB26]!;
    }
    if (register >= REG_DATA && register < REG_DATA + DATA_LENGTH) return this.dataRegisters()[register - REG_DATA]!;
    switch (register) {
      case REG_CHIP_ID:
        return CHIP_ID;
      case REG_RESET:
        return 0x00;
      case REG_CTRL_HUM:
        return this.ctrlHum;
      case REG_STATUS:
        return (this.measurement !== null ? STATUS_MEASURING : 0) | (nowUs < this.startupEndUs ? STATUS_IM_UPDATE : 0);
      case REG_CTRL_MEAS:
        return this.ctrlMeas;
      case REG_CONFIG:
        return this.config;
      default:
        return UNMAPPED_READ_VALUE;
    }
  }

  /** Writes to read-only registers (id, status, data, trimming) are acknowledged and ignored. */
  private writeRegister(register: number, value: number, nowUs: number): 'reset' | void {
    switch (register) {
      case REG_RESET:
        if (value !== RESET_COMMAND) return;
        this.powerOnReset(nowUs);
        return 'reset';
      case REG_CTRL_HUM:
        this.ctrlHum = value & CTRL_HUM_OSRS_H_MASK;
        return;
      case REG_CTRL_MEAS:
        this.ctrlMeas = value;
        this.latchedOsrsH = this.ctrlHum; // §5.4.3: ctrl_hum takes effect after a write to ctrl_meas
        if (this.measurement !== null) this.modeChangePending = true;
        else this.applyMode(nowUs);
        return;
      case REG_CONFIG:
        // §5.4.6: "Writes to the config register in normal mode may be ignored" — we ignore them.
        if (this.mode === 'normal') return;
        this.config = value & CONFIG_WRITABLE_MASK;
        // §3.4.4: "When writing to the register filter, the filter is reset."
        this.filteredTemperatureC = null;
        this.filteredPressurePa = null;
        return;
    }
  }

  // ---- modes and measurements ----------------------------------------------------------------------------

  private applyMode(nowUs: number): void {
    const modeBits = this.ctrlMeas & CTRL_MEAS_MODE_MASK;
    if (modeBits === MODE_SLEEP) {
      this.mode = 'sleep';
      return;
    }
    this.mode = modeBits === MODE_NORMAL ? 'normal' : 'forced';
    this.startMeasurement(nowUs);
  }

  private startMeasurement(startUs: number): void {
    const osrsT = (this.ctrlMeas >>> CTRL_MEAS_OSRS_T_SHIFT) & OSRS_MASK;
    const osrsP = (this.ctrlMeas >>> CTRL_MEAS_OSRS_P_SHIFT) & OSRS_MASK;
    const osrsH = this.latchedOsrsH;
    this.measurement = { endUs: startUs + measurementTimeUs(osrsT, osrsP, osrsH), osrsT, osrsP, osrsH };
  }

  /** Completes the measurements due by `nowUs` and starts the normal-mode ones scheduled meanwhile. */
  private advance(nowUs: number): void {
    for (;;) {
      const measurement = this.measurement;
      if (measurement !== null) {
        if (measurement.endUs > nowUs) return;
        this.complete(measurement);
        this.measurement = null;
        if (this.modeChangePending) {
          this.modeChangePending = false;
          this.applyMode(measurement.endUs);
        } else if (this.mode === 'forced') {
          // §3.3.3: after a forced measurement the sensor returns to sleep mode.
          this.mode = 'sleep';
          this.ctrlMeas &= ~CTRL_MEAS_MODE_MASK;
        } else if (this.mode === 'normal') {
          this.nextCycleStartUs = measurement.endUs + STANDBY_TIME_US[this.configField(CONFIG_T_SB_SHIFT)]!;
        }
        continue;
      }
      if (this.mode !== 'normal' || this.nextCycleStartUs > nowUs) return;
      this.skipNegligibleCycles(nowUs);
      this.startMeasurement(this.nextCycleStartUs);
    }
  }

  /**
   * Normal mode after a long silence: only the last cycles can still show in the data registers (the last one
   * without the filter, the last few hundred with it), so the earlier ones are skipped and the filter restarts
   * at the first cycle kept. This keeps 10,000 devices reading at 1 Hz cheap.
   */
  private skipNegligibleCycles(nowUs: number): void {
    const osrsT = (this.ctrlMeas >>> CTRL_MEAS_OSRS_T_SHIFT) & OSRS_MASK;
    const osrsP = (this.ctrlMeas >>> CTRL_MEAS_OSRS_P_SHIFT) & OSRS_MASK;
    const measureUs = measurementTimeUs(osrsT, osrsP, this.latchedOsrsH);
    const cycleUs = measureUs + STANDBY_TIME_US[this.configField(CONFIG_T_SB_SHIFT)]!;
    const lastEndUs = nowUs - measureUs;
    if (lastEndUs < this.nextCycleStartUs) return;
    const cyclesDue = Math.floor((lastEndUs - this.nextCycleStartUs) / cycleUs) + 1;
    const coefficient = FILTER_COEFFICIENT[this.configField(CONFIG_FILTER_SHIFT)]!;
    const cyclesKept =
      coefficient === 1 ? 1 : Math.ceil(Math.log(NEGLIGIBLE_FILTER_WEIGHT) / Math.log(1 - 1 / coefficient));
    if (cyclesDue <= cyclesKept) return;
    this.nextCycleStartUs += (cyclesDue - cyclesKept) * cycleUs;
    if (coefficient === 1) return;
    this.filteredTemperatureC = null;
    this.filteredPressurePa = null;
  }

  private complete(measurement: Measurement): void {
    const timeUs = measurement.endUs;
    const sensorTemperatureC =
      this.environment.temperatureC(timeUs) +
      this.temperatureOffsetC +
      this.noise.at('temperatureC', timeUs, this.noiseStddev.temperatureC);
    const pressurePa =
      this.environment.pressurePa(timeUs) +
      this.pressureOffsetPa +
      this.noise.at('pressurePa', timeUs, this.noiseStddev.pressurePa);
    const humidityPct =
      this.environment.relativeHumidityPct(timeUs) +
      this.humidityOffsetPct +
      this.noise.at('humidityPct', timeUs, this.noiseStddev.humidityPct);

    // §3.4.4: x = (x_old·(c − 1) + x_ADC)/c; a skipped quantity keeps its filter memory unchanged.
    const coefficient = FILTER_COEFFICIENT[this.configField(CONFIG_FILTER_SHIFT)]!;
    const filter = (memory: number | null, sample: number): number =>
      memory === null ? sample : (memory * (coefficient - 1) + sample) / coefficient;
    if (measurement.osrsT !== 0) this.filteredTemperatureC = filter(this.filteredTemperatureC, sensorTemperatureC);
    if (measurement.osrsP !== 0) this.filteredPressurePa = filter(this.filteredPressurePa, pressurePa);

    const bits = (osrs: number): number =>
      coefficient > 1 ? FULL_RESOLUTION_BITS : Math.min(FULL_RESOLUTION_BITS, BASE_RESOLUTION_BITS + osrs - 1);
    this.reading = {
      temperatureC: measurement.osrsT !== 0 ? this.filteredTemperatureC : null,
      pressurePa: measurement.osrsP !== 0 ? this.filteredPressurePa : null,
      humidityPct: measurement.osrsH !== 0 ? humidityPct : null,
      sensorTemperatureC,
      temperatureBits: bits(measurement.osrsT),
      pressureBits: bits(measurement.osrsP),
    };
    this.dataStale = true;
  }

  /** 0xF7..0xFE for the last reading: press, temp (20 bits, MSB first, xlsb in [7:4]), hum (16 bits). */
  private dataRegisters(): Uint8Array {
    const reading = this.reading;
    if (!this.dataStale || reading === null) return this.data;
    const cal = this.calibration;
    // The driver computes t_fine from the temperature it reads; P and H are inverted at that same t_fine.
    let tFine: number;
    let adcT = SKIPPED_20_BIT;
    if (reading.temperatureC !== null) {
      adcT = quantize(rawTemperatureFor(reading.temperatureC, cal), reading.temperatureBits);
      tFine = compensateTemperature(adcT, cal).tFine;
    } else {
      tFine = compensateTemperature(rawTemperatureFor(reading.sensorTemperatureC, cal), cal).tFine;
    }
    const adcP =
      reading.pressurePa !== null
        ? quantize(rawPressureFor(reading.pressurePa, tFine, cal), reading.pressureBits)
        : SKIPPED_20_BIT;
    const adcH = reading.humidityPct !== null ? rawHumidityFor(reading.humidityPct, tFine, cal) : SKIPPED_16_BIT;
    const data = this.data;
    store20Bit(data, 0, adcP);
    store20Bit(data, 3, adcT);
    data[6] = adcH >>> 8;
    data[7] = adcH & 0xff;
    this.dataStale = false;
    return data;
  }

  private configField(shift: number): number {
    return (this.config >>> shift) & CONFIG_FIELD_MASK;
  }
}

function isMapped(register: number): boolean {
  return (
    (register >= REG_CALIB00 && register < REG_CALIB00 + CALIB_TP_LENGTH) ||
    register === REG_CHIP_ID ||
    register === REG_RESET ||
    (register >= REG_CALIB26 && register < REG_CALIB26 + CALIB_H_LENGTH) ||
    (register >= REG_CTRL_HUM && register <= REG_CONFIG) ||
    (register >= REG_DATA && register < REG_DATA + DATA_LENGTH)
  );
}

/** §9.1 t_measure,max in µs for the osrs settings (000 = skipped). */
export function measurementTimeUs(osrsT: number, osrsP: number, osrsH: number): number {
  const t = OVERSAMPLING[osrsT]!;
  const p = OVERSAMPLING[osrsP]!;
  const h = OVERSAMPLING[osrsH]!;
  return (
    MEASURE_BASE_US +
    MEASURE_PER_OVERSAMPLE_US * t +
    (p > 0 ? MEASURE_PER_OVERSAMPLE_US * p + MEASURE_PH_SETUP_US : 0) +
    (h > 0 ? MEASURE_PER_OVERSAMPLE_US * h + MEASURE_PH_SETUP_US : 0)
  );
}

/** A 20-bit ADC value at `bits` of resolution: the bits below it read 0 (§3.4.2, §3.4.3). */
function quantize(adc: number, bits: number): number {
  const step = 2 ** (FULL_RESOLUTION_BITS - bits);
  return Math.min(ADC_20_BIT_MAX - (step - 1), Math.round(adc / step) * step);
}

function store20Bit(target: Uint8Array, offset: number, value: number): void {
  target[offset] = (value >>> 12) & 0xff;
  target[offset + 1] = (value >>> 4) & 0xff;
  target[offset + 2] = (value & 0x0f) << 4;
}

function resetData(): Uint8Array {
  const data = new Uint8Array(DATA_LENGTH);
  store20Bit(data, 0, SKIPPED_20_BIT);
  store20Bit(data, 3, SKIPPED_20_BIT);
  data[6] = SKIPPED_16_BIT >>> 8;
  data[7] = SKIPPED_16_BIT & 0xff;
  return data;
}

/**
 * The trimming NVM (§4.2.2 Table 16): calib00..25 then calib26..41. Words are little-endian; dig_H4 is
 * 0xE4[7:0]·16 + 0xE5[3:0] and dig_H5 is 0xE6[7:0]·16 + 0xE5[7:4], both signed 12-bit.
 */
function encodeCalibration(cal: Bme280Calibration): Uint8Array {
  checkRange('digT1', cal.digT1, 0, 0xffff);
  checkRange('digP1', cal.digP1, 0, 0xffff);
  const signedShorts = ['digT2', 'digT3', 'digP2', 'digP3', 'digP4', 'digP5', 'digP6', 'digP7', 'digP8'] as const;
  for (const name of [...signedShorts, 'digP9', 'digH2'] as const) checkRange(name, cal[name], -0x8000, 0x7fff);
  checkRange('digH1', cal.digH1, 0, 0xff);
  checkRange('digH3', cal.digH3, 0, 0xff);
  checkRange('digH4', cal.digH4, -0x800, 0x7ff);
  checkRange('digH5', cal.digH5, -0x800, 0x7ff);
  checkRange('digH6', cal.digH6, -0x80, 0x7f);

  const nvm = new Uint8Array(CALIB_TP_LENGTH + CALIB_H_LENGTH);
  const words = [cal.digT1, cal.digT2, cal.digT3, cal.digP1, cal.digP2, cal.digP3, cal.digP4, cal.digP5, cal.digP6];
  words.push(cal.digP7, cal.digP8, cal.digP9);
  words.forEach((word, index) => storeU16Le(nvm, 2 * index, toTwosComplement(word, 16))); // 0x88..0x9F
  nvm[0xa1 - REG_CALIB00] = cal.digH1; // 0xA0 is reserved and reads 0
  const h = CALIB_TP_LENGTH - REG_CALIB26; // offset of register r in calib26..41 is h + r
  storeU16Le(nvm, h + 0xe1, toTwosComplement(cal.digH2, 16));
  nvm[h + 0xe3] = cal.digH3;
  const h4 = toTwosComplement(cal.digH4, 12);
  const h5 = toTwosComplement(cal.digH5, 12);
  nvm[h + 0xe4] = h4 >>> 4;
  nvm[h + 0xe5] = (h4 & 0x0f) | ((h5 & 0x0f) << 4);
  nvm[h + 0xe6] = h5 >>> 4;
  nvm[h + 0xe7] = toTwosComplement(cal.digH6, 8);
  return nvm;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`BME280 calibration ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}
