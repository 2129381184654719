// The virtual BME280 against Bosch BST-BME280-DS002, driven through its bus face as a driver would.
// Datasheet facts are restated here; the compensation used to check the raw values is written out below,
// independently of host/sim/chips/bme280-compensation.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { Bme280 } from '../../../host/sim/chips/bme280.ts';
import {
  BME280_EXAMPLE_CALIBRATION,
  compensateHumidity,
  compensatePressure,
  compensateTemperature,
  type Bme280Calibration,
} from '../../../host/sim/chips/bme280-compensation.ts';
import { FakeEnvironment, transact } from './fake-environment.ts';

/** docs/hal-abi.md §3. */
const OK = 0;
const NACK_DATA = 2;

/** §5.3 memory map. */
const REG_CALIB00 = 0x88;
const REG_CHIP_ID = 0xd0;
const REG_RESET = 0xe0;
const REG_CALIB26 = 0xe1;
const REG_CTRL_HUM = 0xf2;
const REG_STATUS = 0xf3;
const REG_CTRL_MEAS = 0xf4;
const REG_CONFIG = 0xf5;
const REG_DATA = 0xf7;
const STATUS_MEASURING = 0x08;
const STATUS_IM_UPDATE = 0x01;
const STARTUP_US = 2_000;
/** ctrl_meas values: osrs_t[7:5] osrs_p[4:2] mode[1:0]. */
const FORCED_X1 = (1 << 5) | (1 << 2) | 0b01;
const FORCED_X16 = (5 << 5) | (5 << 2) | 0b01;
const NORMAL_X1 = (1 << 5) | (1 << 2) | 0b11;
const SLEEP_X1 = (1 << 5) | (1 << 2);
/** §9.1 with every quantity at ×1: 1.25 + 2.3 + (2.3 + 0.575) + (2.3 + 0.575) ms. */
const MEASURE_X1_US = 9_300;
/** §9.1 with every quantity at ×16: 1.25 + 36.8 + 37.375 + 37.375 ms. */
const MEASURE_X16_US = 112_800;

/** The worked example of the BMP280 datasheet §3.12 (T and P), restated. */
const EXAMPLE = {
  T1: 27504, T2: 26435, T3: -1000,
  P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000,
  H1: 75, H2: 362, H3: 0, H4: 324, H5: 50, H6: 30,
};

// ---- the §4.2.3 compensation, transcribed literally with BigInt (int32 and int64 wrap like the C code) -------
const i32 = (value: bigint): bigint => BigInt.asIntN(32, value);
const i64 = (value: bigint): bigint => BigInt.asIntN(64, value);
type Trim = typeof EXAMPLE;

function tFineOf(adcT: number, c: Trim): bigint {
  const a = BigInt(adcT);
  const var1 = i32(i32(i32((a >> 3n) - (BigInt(c.T1) << 1n)) * BigInt(c.T2)) >> 11n);
  const d = i32((a >> 4n) - BigInt(c.T1));
  const var2 = i32(i32(i32(i32(d * d) >> 12n) * BigInt(c.T3)) >> 14n);
  return i32(var1 + var2);
}

function temperatureCOf(adcT: number, c: Trim): number {
  return Number(i32(i32(tFineOf(adcT, c) * 5n + 128n) >> 8n)) / 100;
}

function pressurePaOf(adcP: number, tFine: bigint, c: Trim): number {
  let var1 = i64(tFine - 128000n);
  let var2 = i64(var1 * var1 * BigInt(c.P6));
  var2 = i64(var2 + i64(i64(var1 * BigInt(c.P5)) << 17n));
  var2 = i64(var2 + i64(BigInt(c.P4) << 35n));
  var1 = i64(i64(i64(var1 * var1 * BigInt(c.P3)) >> 8n) + i64(i64(var1 * BigInt(c.P2)) << 12n));
  var1 = i64(i64(i64((1n << 47n) + var1) * BigInt(c.P1)) >> 33n);
  if (var1 === 0n) return 0;
  let p = BigInt(1048576 - adcP);
  p = i64(i64(i64(i64(p << 31n) - var2) * 3125n) / var1);
  var1 = i64(i64(BigInt(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n);
  var2 = i64(i64(BigInt(c.P8) * p) >> 19n);
  p = i64(i64(i64(p + var1 + var2) >> 8n) + i64(BigInt(c.P7) << 4n));
  return Number(BigInt.asUintN(32, p)) / 256;
}

function humidityPctOf(adcH: number, tFine: bigint, c: Trim): number {
  let v = i32(tFine - 76800n);
  const first = i32(
    i32(i32(i32(BigInt(adcH) << 14n) - i32(BigInt(c.H4) << 20n) - i32(BigInt(c.H5) * v)) + 16384n) >> 15n,
  );
  const inner = i32(i32(i32(v * BigInt(c.H6)) >> 10n) * i32(i32(i32(v * BigInt(c.H3)) >> 11n) + 32768n));
  const second = i32(i32(i32(i32(i32(inner >> 10n) + 2097152n) * BigInt(c.H2)) + 8192n) >> 14n);
  v = i32(first * second);
  v = i32(v - i32(i32(i32(i32((v >> 15n) * (v >> 15n)) >> 7n) * BigInt(c.H1)) >> 4n));
  v = v < 0n ? 0n : v > 419430400n ? 419430400n : v;
  return Number(v >> 12n) / 1024;
}
// ------------------------------------------------------------------------------------------------------------

/** The three raw ADC values of a data burst 0xF7..0xFE (§5.4.7–§5.4.9). */
function rawValues(bytes: number[]): { adcP: number; adcT: number; adcH: number } {
  const b = (i: number): number => bytes[i]!;
  return {
    adcP: (b(0) << 12) | (b(1) << 4) | (b(2) >> 4),
    adcT: (b(3) << 12) | (b(4) << 4) | (b(5) >> 4),
    adcH: (b(6) << 8) | b(7),
  };
}

describe('BME280 compensation (§4.2.3) on the datasheet example', () => {
  it('adc_T 519888 → t_fine 128422, 25.08 °C; adc_P 415148 → 100653.27 Pa', () => {
    const cal = BME280_EXAMPLE_CALIBRATION;
    const { tFine, centiC } = compensateTemperature(519888, cal);
    expect(tFine).toBe(128422);
    expect(centiC).toBe(2508);
    // The datasheet figure comes from the double-precision formulas; the int64 one lands within 0.02 Pa.
    expect(compensatePressure(415148, tFine, cal) / 256).toBeCloseTo(100653.27, 1);
    expect(Number(tFineOf(519888, EXAMPLE))).toBe(128422);
    expect(pressurePaOf(415148, 128422n, EXAMPLE)).toBe(compensatePressure(415148, tFine, cal) / 256);
  });
});

describe('the compensation module agrees bit for bit with the literal transcription', () => {
  const asModuleCalibration = (c: Trim): Bme280Calibration => ({
    digT1: c.T1, digT2: c.T2, digT3: c.T3,
    digP1: c.P1, digP2: c.P2, digP3: c.P3, digP4: c.P4, digP5: c.P5, digP6: c.P6, digP7: c.P7, digP8: c.P8, digP9: c.P9,
    digH1: c.H1, digH2: c.H2, digH3: c.H3, digH4: c.H4, digH5: c.H5, digH6: c.H6,
  });
  // Extreme trimming pushes the 64-bit pressure arithmetic past 2^53, off the module's double-precision path.
  const extreme: Trim = { ...EXAMPLE, P4: 32767, P6: -32768, P9: 32767, H4: -2048, H5: 2047, H6: 127 };

  for (const [name, trim] of [['example', EXAMPLE], ['extreme', extreme]] as const) {
    it(`on pseudo-random raw values with the ${name} trimming`, () => {
      const cal = asModuleCalibration(trim);
      let seed = 12345;
      const next = (modulus: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % modulus;
      };
      for (let i = 0; i < 2000; i++) {
        const adcT = next(0x100000);
        const adcP = next(0x100000);
        const adcH = next(0x10000);
        const tFine = tFineOf(adcT, trim);
        const { tFine: moduleTFine, centiC } = compensateTemperature(adcT, cal);
        expect(moduleTFine).toBe(Number(tFine));
        expect(centiC / 100).toBe(temperatureCOf(adcT, trim));
        expect(compensatePressure(adcP, moduleTFine, cal) / 256).toBe(pressurePaOf(adcP, tFine, trim));
        expect(compensateHumidity(adcH, moduleTFine, cal) / 1024).toBe(humidityPctOf(adcH, tFine, trim));
      }
    });
  }
});

describe('BME280 virtual chip', () => {
  let environment: FakeEnvironment;
  let chip: Bme280;

  const read = (nowUs: number, register: number, length: number): number[] => {
    const result = transact(chip, nowUs, [register], length);
    expect(result.status).toBe(OK);
    return result.bytes;
  };
  const write = (nowUs: number, pairs: number[]): void => {
    expect(transact(chip, nowUs, pairs).status).toBe(OK);
  };
  /** ctrl_hum then ctrl_meas in one transaction, wait, then burst-read the data registers. */
  const forced = (nowUs: number, ctrlHum: number, ctrlMeas: number, measureUs: number): number[] => {
    write(nowUs, [REG_CTRL_HUM, ctrlHum, REG_CTRL_MEAS, ctrlMeas]);
    return read(nowUs + measureUs, REG_DATA, 8);
  };

  beforeEach(() => {
    environment = new FakeEnvironment();
    chip = new Bme280({ environment });
  });

  describe('identity, reset values and register map', () => {
    it('answers at 0x76 by default, 0x77 by option', () => {
      expect(chip.address).toBe(0x76);
      expect(new Bme280({ environment, address: 0x77 }).address).toBe(0x77);
      expect(() => new Bme280({ environment, address: 0x78 })).toThrow(RangeError);
    });

    it('reads chip_id 0x60 and the reset values of 0xF2..0xF5 and 0xF7..0xFE', () => {
      expect(read(STARTUP_US, REG_CHIP_ID, 1)).toEqual([0x60]);
      expect(read(STARTUP_US, REG_RESET, 1)).toEqual([0x00]);
      expect(read(STARTUP_US, REG_CTRL_HUM, 4)).toEqual([0x00, 0x00, 0x00, 0x00]);
      expect(read(STARTUP_US, REG_DATA, 8)).toEqual([0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00]);
    });

    it('holds the example trimming parameters as little-endian words, dig_H4/H5 packed in 12 bits', () => {
      const tp = read(0, REG_CALIB00, 26);
      const u16 = (i: number): number => tp[i]! | (tp[i + 1]! << 8);
      const s16 = (i: number): number => (u16(i) << 16) >> 16;
      expect([u16(0), s16(2), s16(4)]).toEqual([EXAMPLE.T1, EXAMPLE.T2, EXAMPLE.T3]);
      expect([u16(6), s16(8), s16(10), s16(12), s16(14), s16(16), s16(18), s16(20), s16(22)]).toEqual([
        EXAMPLE.P1, EXAMPLE.P2, EXAMPLE.P3, EXAMPLE.P4, EXAMPLE.P5, EXAMPLE.P6, EXAMPLE.P7, EXAMPLE.P8, EXAMPLE.P9,
      ]);
      expect(tp[25]).toBe(EXAMPLE.H1);
      const h = read(0, REG_CALIB26, 7);
      const s8 = (byte: number): number => (byte << 24) >> 24;
      expect((h[0]! | (h[1]! << 8)) << 16 >> 16).toBe(EXAMPLE.H2);
      expect(h[2]).toBe(EXAMPLE.H3);
      expect((s8(h[3]!) << 4) | (h[4]! & 0x0f)).toBe(EXAMPLE.H4);
      expect((s8(h[5]!) << 4) | (h[4]! >> 4)).toBe(EXAMPLE.H5);
      expect(s8(h[6]!)).toBe(EXAMPLE.H6);
    });

    it('packs negative dig_H4/dig_H5 from a calibration option', () => {
      chip = new Bme280({ environment, calibration: { digH4: -100, digH5: -7, digH6: -3 } });
      const h = read(0, REG_CALIB26, 7);
      const s8 = (byte: number): number => (byte << 24) >> 24;
      expect((s8(h[3]!) << 4) | (h[4]! & 0x0f)).toBe(-100);
      expect((s8(h[5]!) << 4) | (h[4]! >> 4)).toBe(-7);
      expect(s8(h[6]!)).toBe(-3);
      expect(() => new Bme280({ environment, calibration: { digH4: 4096 } })).toThrow(RangeError);
    });

    it('NACKs register addresses outside the map', () => {
      for (const register of [0x00, 0x87, 0xa2, 0xcf, 0xd1, 0xdf, 0xf1, 0xf6, 0xff]) {
        expect(transact(chip, 0, [register], 1).status).toBe(NACK_DATA);
      }
      expect(transact(chip, 0, [REG_CONFIG, 0x00, 0xf6, 0x00]).status).toBe(NACK_DATA);
    });

    it('ignores writes to read-only registers', () => {
      write(STARTUP_US, [REG_CHIP_ID, 0x12, REG_DATA, 0x00, REG_CALIB00, 0x00, REG_STATUS, 0xff]);
      expect(read(STARTUP_US, REG_CHIP_ID, 1)).toEqual([0x60]);
      expect(read(STARTUP_US, REG_DATA, 1)).toEqual([0x80]);
      expect(read(STARTUP_US, REG_CALIB00, 1)).toEqual([EXAMPLE.T1 & 0xff]);
      expect(read(STARTUP_US, REG_STATUS, 1)).toEqual([0x00]);
    });

    it('auto-increments through a burst; a byte outside the map reads 0', () => {
      write(STARTUP_US, [REG_CONFIG, 0xa0]);
      expect(read(STARTUP_US, REG_CONFIG, 3)).toEqual([0xa0, 0x00, 0x80]);
    });

    it('soft reset (0xB6 to 0xE0) restores the reset values and sets im_update for t_startup', () => {
      write(0, [REG_CTRL_HUM, 0x05, REG_CTRL_MEAS, SLEEP_X1, REG_CONFIG, 0x20]);
      write(10_000, [REG_RESET, 0x00]); // any other value: no reset
      expect(read(10_000, REG_CTRL_HUM, 4)).toEqual([0x05, 0x00, SLEEP_X1, 0x20]);
      write(10_000, [REG_RESET, 0xb6]);
      expect(read(10_000, REG_CTRL_HUM, 4)).toEqual([0x00, STATUS_IM_UPDATE, 0x00, 0x00]);
      expect(read(10_000 + STARTUP_US, REG_STATUS, 1)).toEqual([0x00]);
    });

    it('powerOnReset clears the data registers', () => {
      forced(STARTUP_US, 0x01, FORCED_X1, MEASURE_X1_US);
      chip.powerOnReset(100_000);
      expect(read(100_000, REG_DATA, 8)).toEqual([0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00]);
    });
  });

  describe('forced mode and timing (§3.3.3, §9.1)', () => {
    it('sets measuring for t_measure,max, updates the data at its end, then returns to sleep', () => {
      const startUs = 10_000;
      write(startUs, [REG_CTRL_HUM, 0x01, REG_CTRL_MEAS, FORCED_X1]);
      expect(read(startUs + MEASURE_X1_US - 1, REG_STATUS, 1)).toEqual([STATUS_MEASURING]);
      expect(read(startUs + MEASURE_X1_US - 1, REG_DATA, 8)).toEqual([0x80, 0, 0, 0x80, 0, 0, 0x80, 0]);
      expect(read(startUs + MEASURE_X1_US - 1, REG_CTRL_MEAS, 1)).toEqual([FORCED_X1]);
      expect(read(startUs + MEASURE_X1_US, REG_STATUS, 1)).toEqual([0x00]);
      expect(read(startUs + MEASURE_X1_US, REG_DATA, 8)).not.toEqual([0x80, 0, 0, 0x80, 0, 0, 0x80, 0]);
      expect(read(startUs + MEASURE_X1_US, REG_CTRL_MEAS, 1)).toEqual([SLEEP_X1]);
      expect(environment.sampledAtUs.pressure).toEqual([startUs + MEASURE_X1_US]);
    });

    it('takes 1.25 + 2.3·T + (2.3·P + 0.575) ms with humidity skipped', () => {
      const ctrlMeas = (2 << 5) | (5 << 2) | 0b01; // T ×2, P ×16
      write(0, [REG_CTRL_MEAS, ctrlMeas]);
      const measureUs = 1_250 + 2_300 * 2 + (2_300 * 16 + 575);
      expect(read(measureUs - 1, REG_STATUS, 1)).toEqual([STATUS_MEASURING]);
      expect(read(measureUs, REG_STATUS, 1)).toEqual([0x00]);
    });

    it('reads 0x80000 / 0x8000 for skipped quantities', () => {
      const temperatureOnly = (1 << 5) | 0b01;
      const data = forced(STARTUP_US, 0x00, temperatureOnly, 1_250 + 2_300);
      expect(data.slice(0, 3)).toEqual([0x80, 0x00, 0x00]);
      expect(data.slice(3, 6)).not.toEqual([0x80, 0x00, 0x00]);
      expect(data.slice(6)).toEqual([0x80, 0x00]);
    });

    it('ctrl_hum takes effect only after a write to ctrl_meas (§5.4.3)', () => {
      write(0, [REG_CONFIG, 0x00, REG_CTRL_MEAS, NORMAL_X1]); // normal mode, humidity skipped, t_sb 0.5 ms
      const cycleUs = 1_250 + 2_300 + 2_875 + 500;
      expect(read(cycleUs * 3, REG_DATA, 8).slice(6)).toEqual([0x80, 0x00]);
      write(cycleUs * 3, [REG_CTRL_HUM, 0x01]);
      expect(read(cycleUs * 6, REG_DATA, 8).slice(6)).toEqual([0x80, 0x00]);
      // A cycle starts at cycleUs·6: the new ctrl_meas waits for its end (§3.3.1), then humidity is measured.
      write(cycleUs * 6, [REG_CTRL_MEAS, NORMAL_X1]);
      const switchedUs = cycleUs * 6 + (cycleUs - 500);
      expect(read(switchedUs + MEASURE_X1_US - 1, REG_DATA, 8).slice(6)).toEqual([0x80, 0x00]);
      expect(read(switchedUs + MEASURE_X1_US, REG_DATA, 8).slice(6)).not.toEqual([0x80, 0x00]);
    });
  });

  describe('raw values compensate back to the physical input (BMP280 §3.12 trimming)', () => {
    it('at 20-bit resolution (×16) across −40..85 °C, 30000..110000 Pa, 0..100 %RH', () => {
      let nowUs = STARTUP_US;
      for (let temperatureC = -40; temperatureC <= 85; temperatureC += 12.5) {
        for (let pressurePa = 30_000; pressurePa <= 110_000; pressurePa += 20_000) {
          for (let humidityPct = 0; humidityPct <= 100; humidityPct += 25) {
            environment.temperature = temperatureC + 0.0123;
            environment.pressure = pressurePa + 0.37;
            environment.humidity = humidityPct;
            const { adcP, adcT, adcH } = rawValues(forced(nowUs, 0x05, FORCED_X16, MEASURE_X16_US));
            nowUs += MEASURE_X16_US;
            const tFine = tFineOf(adcT, EXAMPLE);
            expect(Math.abs(temperatureCOf(adcT, EXAMPLE) - (temperatureC + 0.0123))).toBeLessThanOrEqual(0.006);
            expect(Math.abs(pressurePaOf(adcP, tFine, EXAMPLE) - (pressurePa + 0.37))).toBeLessThanOrEqual(0.2);
            expect(Math.abs(humidityPctOf(adcH, tFine, EXAMPLE) - humidityPct)).toBeLessThanOrEqual(0.01);
          }
        }
      }
    });

    it('at 16-bit resolution (×1, no filter) the low four bits of the 20-bit values read 0', () => {
      environment.temperature = 21.7;
      environment.pressure = 98_765.4;
      const data = forced(STARTUP_US, 0x01, FORCED_X1, MEASURE_X1_US);
      expect(data[2]).toBe(0x00);
      expect(data[5]).toBe(0x00);
      const { adcP, adcT } = rawValues(data);
      const tFine = tFineOf(adcT, EXAMPLE);
      expect(Math.abs(temperatureCOf(adcT, EXAMPLE) - 21.7)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(pressurePaOf(adcP, tFine, EXAMPLE) - 98_765.4)).toBeLessThanOrEqual(1.5); // 2.62 Pa steps
    });

    it('saturates at the ends of the ADC range', () => {
      environment.temperature = 500;
      const hot = rawValues(forced(STARTUP_US, 0x05, FORCED_X16, MEASURE_X16_US));
      expect(hot.adcT).toBe(0xfffff);
      environment.temperature = -500;
      const cold = rawValues(forced(STARTUP_US + MEASURE_X16_US, 0x05, FORCED_X16, MEASURE_X16_US));
      expect(cold.adcT).toBe(0);
    });
  });

  describe('normal mode and the IIR filter', () => {
    it('measures every t_measure + t_standby and samples at the end of each measurement', () => {
      write(0, [REG_CONFIG, 0x20, REG_CTRL_HUM, 0x01, REG_CTRL_MEAS, NORMAL_X1]); // t_sb 62.5 ms
      const cycleUs = MEASURE_X1_US + 62_500;
      expect(read(cycleUs + 1, REG_STATUS, 1)).toEqual([STATUS_MEASURING]);
      expect(read(cycleUs + MEASURE_X1_US, REG_STATUS, 1)).toEqual([0x00]);
      expect(environment.sampledAtUs.pressure).toEqual([MEASURE_X1_US, cycleUs + MEASURE_X1_US]);
    });

    it('ignores config writes in normal mode (§5.4.6) and accepts them in sleep mode', () => {
      write(0, [REG_CTRL_HUM, 0x01, REG_CTRL_MEAS, NORMAL_X1]);
      write(1_000, [REG_CONFIG, 0x04]);
      expect(read(1_000, REG_CONFIG, 1)).toEqual([0x00]);
      // Sleep is entered at the end of the running measurement (§3.3.1); config is writable from then on.
      write(1_000, [REG_CTRL_MEAS, SLEEP_X1, REG_CONFIG, 0x04]);
      expect(read(1_000, REG_CONFIG, 1)).toEqual([0x00]);
      write(MEASURE_X1_US, [REG_CONFIG, 0x04]);
      expect(read(MEASURE_X1_US, REG_CONFIG, 1)).toEqual([0x04]);
    });

    it('filters pressure with coefficient 2: x = (x_old + x_new)/2, starting from the first sample', () => {
      write(0, [REG_CONFIG, 0x04]); // filter coefficient 2, in sleep mode
      const pressureAt = (data: number[]): number => {
        const { adcP, adcT } = rawValues(data);
        return pressurePaOf(adcP, tFineOf(adcT, EXAMPLE), EXAMPLE);
      };
      environment.pressure = 100_000;
      expect(pressureAt(forced(STARTUP_US, 0x01, FORCED_X1, MEASURE_X1_US))).toBeCloseTo(100_000, 0);
      environment.pressure = 101_000;
      expect(pressureAt(forced(100_000, 0x01, FORCED_X1, MEASURE_X1_US))).toBeCloseTo(100_500, 0);
      expect(pressureAt(forced(200_000, 0x01, FORCED_X1, MEASURE_X1_US))).toBeCloseTo(100_750, 0);
    });

    it('catches up after a long silence in normal mode without changing the result', () => {
      environment.pressure = (timeUs) => 100_000 + 500 * Math.sin(timeUs / 3e6);
      const config = [REG_CONFIG, 0x0c, REG_CTRL_HUM, 0x01, REG_CTRL_MEAS, NORMAL_X1]; // filter 8, t_sb 0.5 ms
      const oneRead = new Bme280({ environment });
      transact(oneRead, 0, config);
      const polled = new Bme280({ environment });
      transact(polled, 0, config);
      for (let t = 1_000_000; t < 60_000_000; t += 1_000_000) transact(polled, t, [REG_STATUS], 1);
      const endUs = 60_000_000;
      expect(transact(oneRead, endUs, [REG_DATA], 8).bytes).toEqual(transact(polled, endUs, [REG_DATA], 8).bytes);
    });
  });

  describe('physics hooks and determinism', () => {
    it('adds offsets', () => {
      chip.setPressureOffsetPa(100);
      environment.pressure = 100_000;
      const { adcP, adcT } = rawValues(forced(STARTUP_US, 0x01, FORCED_X16, MEASURE_X16_US));
      expect(pressurePaOf(adcP, tFineOf(adcT, EXAMPLE), EXAMPLE)).toBeCloseTo(100_100, 0);
    });

    it('gives the same bytes for the same calls at the same times, with seeded noise', () => {
      const run = (): number[] => {
        const world = new FakeEnvironment();
        world.temperature = (timeUs) => 20 + Math.sin(timeUs / 1e6);
        const twin = new Bme280({ environment: world, noise: { seed: 11, pressurePa: 2, temperatureC: 0.05 } });
        const bytes: number[] = [];
        for (let t = STARTUP_US; t < 2_000_000; t += 100_000) {
          transact(twin, t, [REG_CTRL_HUM, 0x01, REG_CTRL_MEAS, FORCED_X1]);
          bytes.push(...transact(twin, t + MEASURE_X1_US, [REG_DATA], 8).bytes);
        }
        return bytes;
      };
      expect(run()).toEqual(run());
    });
  });
});
