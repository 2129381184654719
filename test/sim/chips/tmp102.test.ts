// The virtual TMP102 against TI SBOS397, driven through its bus face as a driver would.
// Datasheet facts are restated here, never imported from the chip.
import { beforeEach, describe, expect, it } from 'vitest';
import { Tmp102 } from '../../../host/sim/chips/tmp102.ts';
import { FakeEnvironment, transact } from './fake-environment.ts';

/** docs/hal-abi.md §3. */
const OK = 0;
const NACK_DATA = 2;

const POINTER_TEMPERATURE = 0x00;
const POINTER_CONFIG = 0x01;
const POINTER_T_LOW = 0x02;
const POINTER_T_HIGH = 0x03;
const CONVERSION_TIME_US = 26_000; // "Electrical Characteristics", typical
const PERIOD_4_HZ_US = 250_000;
const PERIOD_8_HZ_US = 125_000;

describe('TMP102 virtual chip', () => {
  let environment: FakeEnvironment;
  let chip: Tmp102;

  const readRegister = (nowUs: number, pointer: number, length = 2): number[] => {
    const result = transact(chip, nowUs, [pointer], length);
    expect(result.status).toBe(OK);
    return result.bytes;
  };
  const writeRegister = (nowUs: number, pointer: number, msb: number, lsb: number): void => {
    expect(transact(chip, nowUs, [pointer, msb, lsb]).status).toBe(OK);
  };
  /** Reads the temperature register after the first conversion with the environment at `temperatureC`. */
  const temperatureBytesAt = (temperatureC: number, extendedMode = false): number[] => {
    environment.temperature = temperatureC;
    if (extendedMode) writeRegister(0, POINTER_CONFIG, 0x60, 0xb0);
    return readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE);
  };

  beforeEach(() => {
    environment = new FakeEnvironment();
    chip = new Tmp102({ environment });
  });

  describe('identity and reset values', () => {
    it('answers at 0x48 by default and 0x48..0x4B by option', () => {
      expect(chip.address).toBe(0x48);
      expect(new Tmp102({ environment, address: 0x4b }).address).toBe(0x4b);
      expect(() => new Tmp102({ environment, address: 0x4c })).toThrow(RangeError);
    });

    it('powers up with config 0x60A0, T(LOW) 75 °C = 0x4B00 and T(HIGH) 80 °C = 0x5000', () => {
      expect(readRegister(0, POINTER_CONFIG)).toEqual([0x60, 0xa0]);
      expect(readRegister(0, POINTER_T_LOW)).toEqual([0x4b, 0x00]);
      expect(readRegister(0, POINTER_T_HIGH)).toEqual([0x50, 0x00]);
    });

    it('reads 0 °C until the first conversion after power-up completes', () => {
      environment.temperature = 42;
      expect(readRegister(CONVERSION_TIME_US - 1, POINTER_TEMPERATURE)).toEqual([0x00, 0x00]);
      expect(readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x2a, 0x00]);
    });

    it('keeps the pointer between transactions: a read without a pointer write reads the last register', () => {
      readRegister(0, POINTER_T_HIGH);
      expect(transact(chip, 0, [], 2).bytes).toEqual([0x50, 0x00]);
    });

    it('powerOnReset restores every register and restarts from 0 °C', () => {
      environment.temperature = 30;
      writeRegister(0, POINTER_CONFIG, 0x61, 0x60);
      writeRegister(0, POINTER_T_HIGH, 0x20, 0x00);
      expect(readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x1e, 0x00]);
      chip.powerOnReset(1_000_000);
      expect(readRegister(1_000_000, POINTER_CONFIG)).toEqual([0x60, 0xa0]);
      expect(readRegister(1_000_000, POINTER_T_HIGH)).toEqual([0x50, 0x00]);
      expect(readRegister(1_000_000, POINTER_TEMPERATURE)).toEqual([0x00, 0x00]);
      expect(readRegister(1_000_000 + CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x1e, 0x00]);
    });
  });

  describe('bus face', () => {
    it('NACKs a pointer byte with any of P7..P2 set', () => {
      expect(transact(chip, 0, [0x04]).status).toBe(NACK_DATA);
      expect(transact(chip, 0, [0x81], 2).status).toBe(NACK_DATA);
      // and the pointer is unchanged
      expect(transact(chip, 0, [], 2).bytes).toEqual([0x00, 0x00]);
    });

    it('sends MSB then LSB, then releases SDA (0xFF) on a longer read', () => {
      expect(readRegister(0, POINTER_CONFIG, 4)).toEqual([0x60, 0xa0, 0xff, 0xff]);
      expect(readRegister(0, POINTER_T_LOW, 1)).toEqual([0x4b]);
    });

    it('updates registers byte by byte: a single data byte writes only the MSB', () => {
      expect(transact(chip, 0, [POINTER_T_HIGH, 0x55]).status).toBe(OK);
      expect(readRegister(0, POINTER_T_HIGH)).toEqual([0x55, 0x00]);
    });

    it('ignores writes to the read-only temperature register and to read-only config bits', () => {
      environment.temperature = 25;
      writeRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE, 0x12, 0x34);
      expect(readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x19, 0x00]);
      writeRegister(0, POINTER_CONFIG, 0x00, 0x2f); // R1/R0 = 00, AL = 1, low nibble 1111
      expect(readRegister(0, POINTER_CONFIG)).toEqual([0x60, 0x20]);
    });

    it('keeps the unused low bits of the limit registers at 0', () => {
      writeRegister(0, POINTER_T_LOW, 0x12, 0x3f);
      expect(readRegister(0, POINTER_T_LOW)).toEqual([0x12, 0x30]);
    });
  });

  describe('12-bit temperature format (Table "12-Bit Temperature Data Format")', () => {
    const rows: [number, number[]][] = [
      [127.9375, [0x7f, 0xf0]],
      [100, [0x64, 0x00]],
      [80, [0x50, 0x00]],
      [75, [0x4b, 0x00]],
      [50, [0x32, 0x00]],
      [25, [0x19, 0x00]],
      [0.25, [0x00, 0x40]],
      [0, [0x00, 0x00]],
      [-0.25, [0xff, 0xc0]],
      [-25, [0xe7, 0x00]],
      [-55, [0xc9, 0x00]],
    ];
    for (const [temperatureC, bytes] of rows) {
      it(`${temperatureC} °C reads ${bytes.map((b) => b.toString(16)).join(' ')}`, () => {
        expect(temperatureBytesAt(temperatureC)).toEqual(bytes);
      });
    }

    it('saturates at the format limits: 128 °C and above read 0x7FF, −128 °C and below 0x800', () => {
      expect(temperatureBytesAt(128)).toEqual([0x7f, 0xf0]);
      environment = new FakeEnvironment();
      chip = new Tmp102({ environment });
      expect(temperatureBytesAt(200)).toEqual([0x7f, 0xf0]);
      chip = new Tmp102({ environment });
      expect(temperatureBytesAt(-300)).toEqual([0x80, 0x00]);
    });

    it('rounds to the nearest 0.0625 °C step', () => {
      expect(temperatureBytesAt(25.03)).toEqual([0x19, 0x00]);
      chip = new Tmp102({ environment });
      expect(temperatureBytesAt(25.04)).toEqual([0x19, 0x10]);
    });
  });

  describe('13-bit extended mode (EM = 1, Table "13-Bit Temperature Data Format")', () => {
    const rows: [number, number][] = [
      [150, 0x0960],
      [128, 0x0800],
      [127.9375, 0x07ff],
      [25, 0x0190],
      [-0.25, 0x1ffc],
      [-55, 0x1c90],
    ];
    for (const [temperatureC, counts] of rows) {
      it(`${temperatureC} °C reads 0x${counts.toString(16)} left-justified with D0 = 1`, () => {
        const word = ((counts << 3) | 1) & 0xffff;
        expect(temperatureBytesAt(temperatureC, true)).toEqual([word >> 8, word & 0xff]);
      });
    }

    it('saturates at 255.9375 °C', () => {
      expect(temperatureBytesAt(400, true)).toEqual([0x7f, 0xf9]);
    });
  });

  describe('conversions', () => {
    it('samples the environment when a conversion completes, 26 ms after it starts, at 4 Hz by default', () => {
      readRegister(PERIOD_4_HZ_US * 2 + CONVERSION_TIME_US, POINTER_TEMPERATURE);
      expect(environment.sampledAtUs.temperature).toEqual([
        CONVERSION_TIME_US,
        PERIOD_4_HZ_US + CONVERSION_TIME_US,
        2 * PERIOD_4_HZ_US + CONVERSION_TIME_US,
      ]);
    });

    it('shows a change only once the conversion after it completes', () => {
      environment.temperature = (timeUs) => (timeUs < 200_000 ? 20 : 30);
      expect(readRegister(PERIOD_4_HZ_US + CONVERSION_TIME_US - 1, POINTER_TEMPERATURE)).toEqual([0x14, 0x00]);
      expect(readRegister(PERIOD_4_HZ_US + CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x1e, 0x00]);
    });

    it('converts at 8 Hz with CR = 11', () => {
      writeRegister(0, POINTER_CONFIG, 0x60, 0xe0);
      readRegister(2 * PERIOD_8_HZ_US + CONVERSION_TIME_US, POINTER_TEMPERATURE);
      expect(environment.sampledAtUs.temperature).toEqual([
        CONVERSION_TIME_US,
        PERIOD_8_HZ_US + CONVERSION_TIME_US,
        2 * PERIOD_8_HZ_US + CONVERSION_TIME_US,
      ]);
    });

    it('stops converting in shutdown and converts once per OS, which reads 0 during and 1 after', () => {
      environment.temperature = 20;
      writeRegister(CONVERSION_TIME_US, POINTER_CONFIG, 0x61, 0xa0); // SD = 1
      environment.temperature = 30;
      expect(readRegister(10 * PERIOD_4_HZ_US, POINTER_TEMPERATURE)).toEqual([0x14, 0x00]);
      expect(readRegister(10 * PERIOD_4_HZ_US, POINTER_CONFIG)).toEqual([0x61, 0xa0]);

      const oneShotUs = 3_000_000;
      writeRegister(oneShotUs, POINTER_CONFIG, 0xe1, 0xa0); // OS = 1, SD = 1
      expect(readRegister(oneShotUs + CONVERSION_TIME_US - 1, POINTER_CONFIG)).toEqual([0x61, 0xa0]);
      expect(readRegister(oneShotUs + CONVERSION_TIME_US - 1, POINTER_TEMPERATURE)).toEqual([0x14, 0x00]);
      expect(readRegister(oneShotUs + CONVERSION_TIME_US, POINTER_CONFIG)).toEqual([0xe1, 0xa0]);
      expect(readRegister(oneShotUs + CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x1e, 0x00]);
      expect(environment.sampledAtUs.temperature).toEqual([CONVERSION_TIME_US, oneShotUs + CONVERSION_TIME_US]);
    });

    it('resumes continuous conversion when SD is cleared', () => {
      writeRegister(0, POINTER_CONFIG, 0x61, 0xa0);
      environment.temperature = 33;
      writeRegister(1_000_000, POINTER_CONFIG, 0x60, 0xa0);
      expect(readRegister(1_000_000 + CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x21, 0x00]);
    });

    it('gives the same bytes for the same calls at the same times', () => {
      const run = (): number[] => {
        const world = new FakeEnvironment();
        world.temperature = (timeUs) => 20 + Math.sin(timeUs / 1e6);
        const twin = new Tmp102({ environment: world, noise: { seed: 7, temperatureC: 0.2 } });
        const bytes: number[] = [];
        for (let t = 0; t < 5_000_000; t += 333_333) bytes.push(...transact(twin, t, [0], 2).bytes);
        return bytes;
      };
      expect(run()).toEqual(run());
    });

    it('adds a temperature offset from the physics hook', () => {
      environment.temperature = 25;
      chip.setTemperatureOffsetC(1);
      expect(readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE)).toEqual([0x1a, 0x00]);
    });
  });

  describe('alert (comparator mode, fault queue)', () => {
    const AL = 0x20;

    it('clears AL (POL = 0) after F consecutive conversions at or above T(HIGH) and sets it again below T(LOW)', () => {
      writeRegister(0, POINTER_T_HIGH, 0x1e, 0x00); // 30 °C
      writeRegister(0, POINTER_T_LOW, 0x19, 0x00); // 25 °C
      writeRegister(0, POINTER_CONFIG, 0x68, 0xa0); // F1F0 = 01: two consecutive faults
      const conversionEnd = (n: number): number => n * PERIOD_4_HZ_US + CONVERSION_TIME_US;
      const alBit = (nowUs: number): number => readRegister(nowUs, POINTER_CONFIG)[1]! & AL;

      environment.temperature = (timeUs) => {
        if (timeUs <= conversionEnd(0)) return 20;
        if (timeUs <= conversionEnd(2)) return 30; // conversions 1, 2 at T(HIGH)
        if (timeUs <= conversionEnd(4)) return 27; // between the limits: no change
        return 24; // conversions 5, 6 below T(LOW)
      };
      expect(alBit(conversionEnd(1))).toBe(AL);
      expect(alBit(conversionEnd(2))).toBe(0);
      expect(alBit(conversionEnd(4))).toBe(0);
      expect(alBit(conversionEnd(5))).toBe(0);
      expect(alBit(conversionEnd(6))).toBe(AL);
    });

    it('inverts AL with POL = 1, and drives the ALERT pin low-active in comparator mode', () => {
      environment.temperature = 90; // above the 80 °C reset T(HIGH)
      expect(chip.alertPinLevel(CONVERSION_TIME_US)).toBe(0);
      expect(readRegister(CONVERSION_TIME_US, POINTER_CONFIG)).toEqual([0x60, 0x80]);
      writeRegister(CONVERSION_TIME_US, POINTER_CONFIG, 0x64, 0xa0); // POL = 1
      expect(readRegister(CONVERSION_TIME_US, POINTER_CONFIG)).toEqual([0x64, 0xa0]);
      expect(chip.alertPinLevel(CONVERSION_TIME_US)).toBe(1);
    });

    it('latches the ALERT pin in interrupt mode until a register is read', () => {
      writeRegister(0, POINTER_CONFIG, 0x62, 0xa0); // TM = 1
      environment.temperature = 90;
      expect(chip.alertPinLevel(CONVERSION_TIME_US)).toBe(0);
      readRegister(CONVERSION_TIME_US, POINTER_TEMPERATURE);
      expect(chip.alertPinLevel(CONVERSION_TIME_US)).toBe(1);
    });
  });
});
