// The drivers' pure functions, called inside the compiled harness app (test/fixtures/apps/driver-harness.ts).
// Expected values are restated from the datasheets here, never imported from the drivers.
import { beforeAll, describe, expect, it } from 'vitest';
import { testAppBytes } from '../support/apps.ts';

interface Harness {
  memory: WebAssembly.Memory;
  scratchPtr(): number;
  bitsSignExtend(value: number, bits: number): number;
  bitsU16BE(msb: number, lsb: number): number;
  bitsU16LE(lsb: number, msb: number): number;
  bitsU24BE(msb: number, mid: number, lsb: number): number;
  tmp102TemperatureCFromCode12(code: number): number;
  tmp102TemperatureCFromCode13(code: number): number;
  tmp102TemperatureCFromRegister(register: number): number;
  sht31Crc8Word(word: number): number;
  sht31TemperatureCFromRaw(raw: number): number;
  sht31HumidityPercentFromRaw(raw: number): number;
  bme280SetTemperatureCalibration(t1: number, t2: number, t3: number): void;
  bme280SetPressureCalibration(...p: number[]): void;
  bme280SetHumidityCalibration(h1: number, h2: number, h3: number, h4: number, h5: number, h6: number): void;
  bme280TFine(adcT: number): number;
  bme280TemperatureCentiC(tFine: number): number;
  bme280PressureQ24_8(adcP: number, tFine: number): number;
  bme280HumidityQ22_10(adcH: number, tFine: number): number;
  bme280TemperatureCFromCentiC(centiC: number): number;
  bme280PressurePaFromQ24_8(q: number): number;
  bme280HumidityPercentFromQ22_10(q: number): number;
  bme280DigH4(e4: number, e5: number): number;
  bme280DigH5(e5: number, e6: number): number;
  bme280ParseCalibrationFromScratch(): void;
  bme280CalibrationField(index: number): number;
  mpu6050AccelLsbPerG(range: number): number;
  mpu6050GyroLsbPerDps(range: number): number;
  mpu6050AccelMps2FromRaw(raw: number, range: number): number;
  mpu6050GyroRadPerSFromRaw(raw: number, range: number): number;
  mpu6050TemperatureCFromRaw(raw: number): number;
  commandParseScratch(length: number): number;
  commandOpcode(): number;
  commandLedMode(): number;
  commandBlinkPeriodMs(): number;
  commandIntervalMs(): bigint;
  commandDutyU16(): number;
  asciiInt(value: bigint): number;
  asciiFixed(value: number, decimals: number): number;
  asciiTextOverflowing(): number;
  ledBlink(periodMs: bigint, nowMs: bigint): number;
  ledOn(): number;
  ledToggle(): number;
  ledUpdate(nowMs: bigint): number;
  ledIsOn(): number;
  pwmBrightnessDuty(level: number): number;
}

// Status codes (docs/hal-abi.md §3).
const OK = 0;
const BAD_ARGUMENT = 5;
const UNSUPPORTED = 6;

let harness: Harness;

beforeAll(async () => {
  const module = await WebAssembly.compile((await testAppBytes('driver-harness')) as Uint8Array<ArrayBuffer>);
  const hal: Record<string, () => number> = {};
  for (const { module: moduleName, name } of WebAssembly.Module.imports(module)) {
    if (moduleName === 'hal') hal[name] = () => OK;
  }
  const env = {
    abort(): never {
      throw new Error('the harness aborted');
    },
  };
  const instance = await WebAssembly.instantiate(module, { hal, env });
  harness = instance.exports as unknown as Harness;
});

function writeScratch(bytes: number[]): void {
  new Uint8Array(harness.memory.buffer, harness.scratchPtr(), bytes.length).set(bytes);
}

function scratchText(length: number): string {
  return Buffer.from(new Uint8Array(harness.memory.buffer, harness.scratchPtr(), length)).toString('latin1');
}

describe('bits', () => {
  it('reads two’s complement of any width', () => {
    expect(harness.bitsSignExtend(0x7ff, 12)).toBe(2047);
    expect(harness.bitsSignExtend(0x800, 12)).toBe(-2048);
    expect(harness.bitsSignExtend(0xfff, 12)).toBe(-1);
    expect(harness.bitsSignExtend(0x1fff, 13)).toBe(-1);
    expect(harness.bitsSignExtend(0x8000, 16)).toBe(-32768);
    expect(harness.bitsSignExtend(0x7f, 8)).toBe(127);
  });

  it('assembles big- and little-endian words', () => {
    expect(harness.bitsU16BE(0x12, 0x34)).toBe(0x1234);
    expect(harness.bitsU16LE(0x34, 0x12)).toBe(0x1234);
    expect(harness.bitsU24BE(0x65, 0x5a, 0xc0)).toBe(0x655ac0);
  });
});

describe('TMP102 (SBOS397 §6.5.2)', () => {
  // Table "12-bit temperature data format": code → °C.
  const normalRows: [number, number][] = [
    [0x7ff, 127.9375],
    [0x640, 100],
    [0x500, 80],
    [0x4b0, 75],
    [0x320, 50],
    [0x190, 25],
    [0x004, 0.25],
    [0x000, 0],
    [0xffc, -0.25],
    [0xe70, -25],
    [0xc90, -55],
  ];
  // Table "13-bit temperature data format" (extended mode, EM = 1).
  const extendedRows: [number, number][] = [
    [0x0960, 150],
    [0x0800, 128],
    [0x07ff, 127.9375],
    [0x0640, 100],
    [0x0500, 80],
    [0x04b0, 75],
    [0x0320, 50],
    [0x0190, 25],
    [0x0004, 0.25],
    [0x0000, 0],
    [0x1ffc, -0.25],
    [0x1e70, -25],
    [0x1c90, -55],
  ];

  it.each(normalRows)('12-bit code 0x%s is exactly the table’s °C', (code, celsius) => {
    expect(harness.tmp102TemperatureCFromCode12(code)).toBe(celsius);
  });

  it.each(extendedRows)('13-bit code 0x%s is exactly the table’s °C', (code, celsius) => {
    expect(harness.tmp102TemperatureCFromCode13(code)).toBe(celsius);
  });

  it('takes the format of the whole register from D0 of byte 2', () => {
    expect(harness.tmp102TemperatureCFromRegister(0x1900)).toBe(25); // normal: bytes 19 00
    expect(harness.tmp102TemperatureCFromRegister(0xffc0)).toBe(-0.25);
    expect(harness.tmp102TemperatureCFromRegister(0x7ff0)).toBe(127.9375);
    expect(harness.tmp102TemperatureCFromRegister(0x4b01)).toBe(150); // extended: bytes 4B 01
    expect(harness.tmp102TemperatureCFromRegister(0x0c81)).toBe(25);
    expect(harness.tmp102TemperatureCFromRegister(0xe481)).toBe(-55);
  });
});

describe('SHT3x (SHT3x-DIS §4.12, §4.13)', () => {
  it('computes the datasheet’s CRC example, CRC(0xBEEF) = 0x92', () => {
    expect(harness.sht31Crc8Word(0xbeef)).toBe(0x92);
    expect(harness.sht31Crc8Word(0x0000)).toBe(0x81);
  });

  it('converts both ends of the range', () => {
    expect(harness.sht31TemperatureCFromRaw(0)).toBe(-45);
    expect(harness.sht31HumidityPercentFromRaw(0)).toBe(0);
    expect(harness.sht31TemperatureCFromRaw(0xffff)).toBe(130);
    expect(harness.sht31HumidityPercentFromRaw(0xffff)).toBe(100);
  });

  it('converts a middle value: 0x6666 is 0.4 of full scale, 25 °C and 40 %RH', () => {
    expect(harness.sht31TemperatureCFromRaw(0x6666)).toBe(25);
    expect(harness.sht31HumidityPercentFromRaw(0x6666)).toBe(40);
  });
});

describe('BME280 integer compensation (BST-BME280-DS002 §4.2.3; worked example BMP280 datasheet §3.12)', () => {
  const T_FINE = 128422;

  beforeAll(() => {
    harness.bme280SetTemperatureCalibration(27504, 26435, -1000);
    harness.bme280SetPressureCalibration(36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000);
  });

  it('gives t_fine 128422 and T = 2508 (25.08 °C) for adc_T 519888', () => {
    const tFine = harness.bme280TFine(519888);
    expect(tFine).toBe(T_FINE);
    expect(harness.bme280TemperatureCentiC(tFine)).toBe(2508);
    expect(harness.bme280TemperatureCFromCentiC(2508)).toBe(25.08);
  });

  it('gives 100653.27 Pa for adc_P 415148', () => {
    // The §3.12 table prints 25767236 for the 64-bit formula, but executing the published formula on these exact
    // inputs gives 25767233 (3/256 Pa less; other implementations find the same). We test the formula exactly
    // and the datasheet's Pa to its 0.01 Pa rounding.
    const q24_8 = harness.bme280PressureQ24_8(415148, T_FINE) >>> 0;
    expect(q24_8).toBe(25767233);
    expect(harness.bme280PressurePaFromQ24_8(q24_8)).toBeCloseTo(100653.27, 1);
    expect(Math.abs(harness.bme280PressurePaFromQ24_8(q24_8) - 100653.27)).toBeLessThan(0.02);
  });

  it('returns 0 instead of dividing by zero when dig_P1 is 0', () => {
    harness.bme280SetPressureCalibration(0, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000);
    expect(harness.bme280PressureQ24_8(415148, T_FINE)).toBe(0);
    harness.bme280SetPressureCalibration(36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000);
  });

  it('clamps humidity to 0 %RH and 100 %RH (Q22.10: 0 and 102400)', () => {
    harness.bme280SetHumidityCalibration(75, 362, 0, 313, 50, 30);
    expect(harness.bme280HumidityQ22_10(0, T_FINE)).toBe(0);
    expect(harness.bme280HumidityQ22_10(0xffff, T_FINE)).toBe(102400);
    expect(harness.bme280HumidityPercentFromQ22_10(102400)).toBe(100);
    expect(harness.bme280HumidityPercentFromQ22_10(47445)).toBeCloseTo(46.333, 3); // the datasheet's example
    const middle = harness.bme280HumidityQ22_10(0x6000, T_FINE);
    expect(middle).toBeGreaterThan(0);
    expect(middle).toBeLessThan(102400);
  });

  it('unpacks dig_H4 and dig_H5 as signed 12-bit values sharing 0xE5', () => {
    expect(harness.bme280DigH4(0x13, 0x92)).toBe(0x132);
    expect(harness.bme280DigH5(0x92, 0x03)).toBe(0x039);
    expect(harness.bme280DigH4(0xf0, 0x0f)).toBe(-241); // 0xF0F
    expect(harness.bme280DigH5(0xf0, 0x80)).toBe(-2033); // 0x80F
  });

  it('parses the trimming blocks with each dig_*’s signedness (Table 16)', () => {
    const tp = [
      0x70, 0x6b, 0x43, 0x67, 0x18, 0xfc, // T1 27504, T2 26435, T3 -1000
      0x7d, 0x8e, 0x43, 0xd6, 0xd0, 0x0b, 0x27, 0x0b, 0x8c, 0x00, // P1 36477, P2 -10685, P3 3024, P4 2855, P5 140
      0xf9, 0xff, 0x8c, 0x3c, 0xf8, 0xc6, 0x70, 0x17, // P6 -7, P7 15500, P8 -14600, P9 6000
      0x00, 0xfb, // 0xA0 unused, H1 251 (unsigned char)
    ];
    const h = [0x6a, 0xfe, 0xc8, 0xf0, 0x0f, 0x80, 0xe2]; // H2 -406, H3 200, H4 -241, H5 -2048, H6 -30
    writeScratch([...tp, ...new Array(32 - tp.length).fill(0), ...h]);
    harness.bme280ParseCalibrationFromScratch();
    const fields = Array.from({ length: 18 }, (_, index) => harness.bme280CalibrationField(index));
    expect(fields).toEqual([
      27504, 26435, -1000,
      36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
      251, -406, 200, -241, -2048, -30,
    ]);
  });
});

describe('MPU-6050 (PS-MPU-6000A §6.1, §6.2; RM-MPU-6000A §4.18)', () => {
  const G = 9.80665;

  it('uses 16384, 8192, 4096 and 2048 LSB/g for AFS_SEL 0..3', () => {
    expect([0, 1, 2, 3].map((range) => harness.mpu6050AccelLsbPerG(range))).toEqual([16384, 8192, 4096, 2048]);
  });

  it('reads 1 g at each range’s sensitivity, and the ends of each range', () => {
    for (const [range, lsbPerG, fullScaleG] of [
      [0, 16384, 2],
      [1, 8192, 4],
      [2, 4096, 8],
      [3, 2048, 16],
    ] as const) {
      expect(harness.mpu6050AccelMps2FromRaw(lsbPerG, range)).toBe(G);
      expect(harness.mpu6050AccelMps2FromRaw(-lsbPerG, range)).toBe(-G);
      expect(harness.mpu6050AccelMps2FromRaw(-32768, range)).toBe(-fullScaleG * G);
      expect(harness.mpu6050AccelMps2FromRaw(32767, range)).toBeCloseTo(fullScaleG * G * (32767 / 32768), 9);
    }
  });

  it('uses 131, 65.5, 32.8 and 16.4 LSB/(°/s) for FS_SEL 0..3', () => {
    expect([0, 1, 2, 3].map((range) => harness.mpu6050GyroLsbPerDps(range))).toEqual([131, 65.5, 32.8, 16.4]);
  });

  it('converts rates to rad/s at each range', () => {
    const radPerDegree = Math.PI / 180;
    for (const [range, lsbPerDps] of [
      [0, 131],
      [1, 65.5],
      [2, 32.8],
      [3, 16.4],
    ] as const) {
      expect(harness.mpu6050GyroRadPerSFromRaw(Math.round(lsbPerDps * 10), range)).toBeCloseTo(
        (Math.round(lsbPerDps * 10) / lsbPerDps) * radPerDegree,
        12,
      );
      expect(harness.mpu6050GyroRadPerSFromRaw(-32768, range)).toBeCloseTo((-32768 / lsbPerDps) * radPerDegree, 12);
    }
    expect(harness.mpu6050GyroRadPerSFromRaw(131, 0)).toBeCloseTo(radPerDegree, 15); // 1 °/s
    expect(harness.mpu6050GyroRadPerSFromRaw(32767, 0)).toBeCloseTo(4.3656, 4); // ≈ 250 °/s
  });

  it('converts TEMP_OUT with raw / 340 + 36.53', () => {
    expect(harness.mpu6050TemperatureCFromRaw(0)).toBe(36.53);
    expect(harness.mpu6050TemperatureCFromRaw(340)).toBeCloseTo(37.53, 12);
    expect(harness.mpu6050TemperatureCFromRaw(-3740)).toBeCloseTo(25.53, 12);
  });
});

describe('standard commands (docs/hal-abi.md §6)', () => {
  function parse(bytes: number[]): number {
    writeScratch(bytes);
    return harness.commandParseScratch(bytes.length);
  }

  it('parses LED modes, needing the period only for blink', () => {
    expect(parse([0x01, 0])).toBe(OK);
    expect(harness.commandLedMode()).toBe(0);
    expect(parse([0x01, 2])).toBe(OK);
    expect(harness.commandLedMode()).toBe(2);
    expect(parse([0x01, 3, 0xf4, 0x01])).toBe(OK); // 500 ms, little-endian
    expect(harness.commandLedMode()).toBe(3);
    expect(harness.commandBlinkPeriodMs()).toBe(500);
  });

  it('refuses a bad LED mode or period, and a short LED command', () => {
    expect(parse([0x01, 4])).toBe(BAD_ARGUMENT);
    expect(parse([0x01])).toBe(BAD_ARGUMENT);
    expect(parse([0x01, 3, 0x32])).toBe(BAD_ARGUMENT);
    expect(parse([0x01, 3, 49, 0])).toBe(BAD_ARGUMENT);
    expect(parse([0x01, 3, 50, 0])).toBe(OK);
    expect(parse([0x01, 3, 0x10, 0x27])).toBe(OK); // 10000
    expect(parse([0x01, 3, 0x11, 0x27])).toBe(BAD_ARGUMENT); // 10001
  });

  it('parses INTERVAL within 100..3_600_000 ms', () => {
    expect(parse([0x02, 100, 0, 0, 0])).toBe(OK);
    expect(harness.commandIntervalMs()).toBe(100n);
    expect(parse([0x02, 0x80, 0xee, 0x36, 0x00])).toBe(OK);
    expect(harness.commandIntervalMs()).toBe(3_600_000n);
    expect(parse([0x02, 99, 0, 0, 0])).toBe(BAD_ARGUMENT);
    expect(parse([0x02, 0x81, 0xee, 0x36, 0x00])).toBe(BAD_ARGUMENT);
    expect(parse([0x02, 0xff, 0xff, 0xff, 0xff])).toBe(BAD_ARGUMENT);
    expect(parse([0x02, 100, 0, 0])).toBe(BAD_ARGUMENT);
  });

  it('parses BRIGHTNESS over the whole u16', () => {
    expect(parse([0x03, 0xff, 0xff])).toBe(OK);
    expect(harness.commandDutyU16()).toBe(65535);
    expect(parse([0x03, 0, 0])).toBe(OK);
    expect(harness.commandDutyU16()).toBe(0);
    expect(parse([0x03, 0xff])).toBe(BAD_ARGUMENT);
  });

  it('refuses unknown standard opcodes and empty commands; passes app opcodes to the app', () => {
    expect(parse([0x04])).toBe(UNSUPPORTED);
    expect(parse([0x00])).toBe(UNSUPPORTED);
    expect(parse([0x7f, 1, 2])).toBe(UNSUPPORTED);
    expect(harness.commandParseScratch(0)).toBe(BAD_ARGUMENT);
    expect(parse([0x80, 1, 2])).toBe(OK);
    expect(harness.commandOpcode()).toBe(0x80);
  });
});

describe('the ASCII log writer', () => {
  it('writes integers, including the extremes', () => {
    for (const [value, text] of [
      [0n, '0'],
      [-1n, '-1'],
      [1234567890123n, '1234567890123'],
      [-9223372036854775808n, '-9223372036854775808'],
    ] as const) {
      expect(scratchText(harness.asciiInt(value))).toBe(text);
    }
  });

  it('writes fixed-point numbers rounded to the given decimals', () => {
    for (const [value, decimals, text] of [
      [-0.25, 2, '-0.25'],
      [25.08, 1, '25.1'],
      [100653.265625, 2, '100653.27'],
      [-0.004, 2, '0.00'],
      [7, 0, '7'],
      [0.05, 3, '0.050'],
      [Number.NaN, 1, 'nan'],
      [Number.NEGATIVE_INFINITY, 1, '-inf'],
      [1e300, 2, 'big'],
    ] as const) {
      expect(scratchText(harness.asciiFixed(value, decimals))).toBe(text);
    }
  });

  it('cuts text at the buffer’s capacity and says so', () => {
    expect(harness.asciiTextOverflowing()).toBe(-64);
  });
});

describe('LEDs', () => {
  const NO_EDGE = 0xffffffff;

  it('blinks half a period on, half off, and says when the next edge is', () => {
    expect(harness.ledBlink(200n, 1000n)).toBe(OK);
    expect(harness.ledIsOn()).toBe(1);
    expect(harness.ledUpdate(1050n) >>> 0).toBe(50);
    expect(harness.ledIsOn()).toBe(1);
    expect(harness.ledUpdate(1100n) >>> 0).toBe(100);
    expect(harness.ledIsOn()).toBe(0);
    expect(harness.ledUpdate(1200n) >>> 0).toBe(100);
    expect(harness.ledIsOn()).toBe(1);
    // Late by several periods: one edge, and the pattern restarts from now.
    expect(harness.ledUpdate(5000n) >>> 0).toBe(100);
    expect(harness.ledIsOn()).toBe(0);
  });

  it('has no edge coming when steady', () => {
    harness.ledOn();
    expect(harness.ledUpdate(0n) >>> 0).toBe(NO_EDGE);
    harness.ledToggle();
    expect(harness.ledIsOn()).toBe(0);
    expect(harness.ledUpdate(0n) >>> 0).toBe(NO_EDGE);
  });

  it('maps brightness 0..1 to duty with a gamma of 2', () => {
    expect(harness.pwmBrightnessDuty(0)).toBe(0);
    expect(harness.pwmBrightnessDuty(1)).toBe(65535);
    expect(harness.pwmBrightnessDuty(0.5)).toBe(16384); // round(0.25 · 65535)
    expect(harness.pwmBrightnessDuty(2)).toBe(65535);
    expect(harness.pwmBrightnessDuty(-1)).toBe(0);
    expect(harness.pwmBrightnessDuty(Number.NaN)).toBe(0);
  });
});
