// The virtual SHT31 against the Sensirion SHT3x-DIS datasheet, driven through its bus face as a driver would.
// Datasheet facts (commands, timings, CRC, status bits) are restated here, never imported from the chip.
import { beforeEach, describe, expect, it } from 'vitest';
import { sensirionCrc8 } from '../../../host/sim/chips/sensirion-crc.ts';
import { Sht31 } from '../../../host/sim/chips/sht31.ts';
import { FakeEnvironment, transact } from './fake-environment.ts';

/** docs/hal-abi.md §3. */
const OK = 0;
const NACK_ADDRESS = 1;
const NACK_DATA = 2;

/** Table 9, 10, 11, 13, 14, 16, 17, 19. */
const MEASURE_HIGH_STRETCH = [0x2c, 0x06];
const MEASURE_HIGH = [0x24, 0x00];
const MEASURE_MEDIUM = [0x24, 0x0b];
const MEASURE_LOW = [0x24, 0x16];
const PERIODIC_1_MPS_HIGH = [0x21, 0x30];
const FETCH_DATA = [0xe0, 0x00];
const BREAK = [0x30, 0x93];
const SOFT_RESET = [0x30, 0xa2];
const HEATER_ON = [0x30, 0x6d];
const HEATER_OFF = [0x30, 0x66];
const READ_STATUS = [0xf3, 0x2d];
const CLEAR_STATUS = [0x30, 0x41];
/** Table 4: maximum measurement durations, power-up and soft-reset times. */
const HIGH_US = 15_000;
const MEDIUM_US = 6_000;
const LOW_US = 4_000;
const POWER_UP_US = 1_000;
const SOFT_RESET_US = 1_500;
/** Table 18. */
const STATUS_AFTER_RESET = 0x8010;
const STATUS_HEATER_ON = 0x2000;
const STATUS_COMMAND_FAILED = 0x0002;

/** §4.12 / Table 20, written out independently: CRC-8, polynomial 0x31, init 0xFF. */
function crc8(msb: number, lsb: number): number {
  let crc = 0xff;
  for (const byte of [msb, lsb]) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc & 0x80 ? (crc << 1) ^ 0x31 : crc << 1) & 0xff;
  }
  return crc;
}

const withCrc = (word: number): number[] => [word >> 8, word & 0xff, crc8(word >> 8, word & 0xff)];

describe('Sensirion CRC-8', () => {
  it('gives the datasheet example CRC(0xBEEF) = 0x92', () => {
    expect(crc8(0xbe, 0xef)).toBe(0x92);
    expect(sensirionCrc8([0xbe, 0xef])).toBe(0x92);
  });
});

describe('SHT31 virtual chip', () => {
  let environment: FakeEnvironment;
  let chip: Sht31;

  const command = (nowUs: number, bytes: number[]): number => transact(chip, nowUs, bytes).status;
  const readOut = (nowUs: number, length = 6): { status: number; bytes: number[] } =>
    transact(chip, nowUs, [], length);
  const readStatus = (nowUs: number): number[] => {
    expect(command(nowUs, READ_STATUS)).toBe(OK);
    const result = readOut(nowUs, 3);
    expect(result.status).toBe(OK);
    return result.bytes;
  };

  beforeEach(() => {
    environment = new FakeEnvironment();
    environment.temperature = 25;
    environment.humidity = 60;
    chip = new Sht31({ environment });
  });

  it('answers at 0x44 by default, 0x45 by option', () => {
    expect(chip.address).toBe(0x44);
    expect(new Sht31({ environment, address: 0x45 }).address).toBe(0x45);
    expect(() => new Sht31({ environment, address: 0x46 })).toThrow(RangeError);
  });

  describe('single-shot measurement', () => {
    it('sends T, CRC, RH, CRC: 25 °C → 0x6666 and 60 %RH → 0x9999 (§4.13 inverted)', () => {
      expect(command(0, MEASURE_HIGH)).toBe(OK);
      const { status, bytes } = readOut(HIGH_US);
      expect(status).toBe(OK);
      expect(bytes).toEqual([...withCrc(0x6666), ...withCrc(0x9999)]);
    });

    it('NACKs its read header until the maximum measurement time has passed', () => {
      for (const [commandBytes, durationUs] of [
        [MEASURE_HIGH, HIGH_US],
        [MEASURE_MEDIUM, MEDIUM_US],
        [MEASURE_LOW, LOW_US],
      ] as const) {
        const startUs = 1_000_000;
        chip = new Sht31({ environment });
        expect(command(startUs, commandBytes)).toBe(OK);
        expect(readOut(startUs + durationUs - 1).status).toBe(NACK_ADDRESS);
        expect(readOut(startUs + durationUs).status).toBe(OK);
      }
    });

    it('samples the environment when the measurement completes', () => {
      environment.temperature = (timeUs) => (timeUs < 10_000 ? 0 : 25);
      command(0, MEASURE_HIGH);
      expect(readOut(20_000).bytes.slice(0, 2)).toEqual([0x66, 0x66]);
      expect(environment.sampledAtUs.temperature).toEqual([HIGH_US]);
    });

    it('acknowledges nothing while measuring, not even a new command', () => {
      command(0, MEASURE_HIGH);
      expect(command(1_000, READ_STATUS)).toBe(NACK_ADDRESS);
      expect(command(1_000, SOFT_RESET)).toBe(NACK_ADDRESS);
    });

    it('with clock stretching, holds the read until the result is ready and completes it', () => {
      environment.temperature = (timeUs) => (timeUs < HIGH_US ? 0 : 25);
      expect(command(0, MEASURE_HIGH_STRETCH)).toBe(OK);
      const { status, bytes } = readOut(10);
      expect(status).toBe(OK);
      expect(bytes.slice(0, 3)).toEqual(withCrc(0x6666));
      expect(environment.sampledAtUs.temperature).toEqual([HIGH_US]);
    });

    it('completes a command and stretched read in one write-read transaction', () => {
      const { status, bytes } = transact(chip, 0, MEASURE_HIGH_STRETCH, 6);
      expect(status).toBe(OK);
      expect(bytes).toEqual([...withCrc(0x6666), ...withCrc(0x9999)]);
      expect(transact(chip, 0, MEASURE_HIGH, 6).status).toBe(NACK_ADDRESS);
    });

    it('NACKs a read with no result pending, and a second read of the same result', () => {
      expect(readOut(0).status).toBe(NACK_ADDRESS);
      command(0, MEASURE_LOW);
      expect(readOut(LOW_US, 3).status).toBe(OK); // the master may stop after any byte (§4.4)
      expect(readOut(LOW_US).status).toBe(NACK_ADDRESS);
    });

    it('reads as an idle bus (0xFF) past the sixth byte', () => {
      command(0, MEASURE_LOW);
      expect(readOut(LOW_US, 8).bytes.slice(6)).toEqual([0xff, 0xff]);
    });

    it('saturates at the ends of the 16-bit range', () => {
      environment.temperature = 200;
      environment.humidity = 120;
      command(0, MEASURE_LOW);
      expect(readOut(LOW_US).bytes).toEqual([...withCrc(0xffff), ...withCrc(0xffff)]);
      environment.temperature = -60;
      environment.humidity = -5;
      command(LOW_US, MEASURE_LOW);
      expect(readOut(2 * LOW_US).bytes).toEqual([...withCrc(0x0000), ...withCrc(0x0000)]);
    });

    it('rounds to the nearest raw value', () => {
      environment.temperature = -45 + 175 / 65535; // exactly 1 LSB
      environment.humidity = (100 / 65535) * 1.4; // 1.4 LSB
      command(0, MEASURE_LOW);
      expect(readOut(LOW_US).bytes).toEqual([...withCrc(0x0001), ...withCrc(0x0001)]);
    });
  });

  describe('commands', () => {
    it('NACKs an unknown command and flags it in status bit 1 until a command succeeds', () => {
      expect(command(0, [0x12, 0x34])).toBe(NACK_DATA);
      expect(command(0, [0x24, 0x01])).toBe(NACK_DATA);
      expect(readStatus(0)).toEqual(withCrc(STATUS_AFTER_RESET | STATUS_COMMAND_FAILED));
      expect(readStatus(0)).toEqual(withCrc(STATUS_AFTER_RESET));
    });

    it('NACKs a third byte after a command that takes no data', () => {
      expect(command(0, [...MEASURE_HIGH, 0x00])).toBe(NACK_DATA);
    });

    it('reads status 0x8010 after reset, clears it with 0x3041, shows the heater in bit 13', () => {
      expect(readStatus(0)).toEqual(withCrc(STATUS_AFTER_RESET));
      expect(command(0, CLEAR_STATUS)).toBe(OK);
      expect(readStatus(0)).toEqual(withCrc(0x0000));
      expect(command(0, HEATER_ON)).toBe(OK);
      expect(readStatus(0)).toEqual(withCrc(STATUS_HEATER_ON));
      expect(command(0, HEATER_OFF)).toBe(OK);
      expect(readStatus(0)).toEqual(withCrc(0x0000));
    });

    it('the heater warms the sensor and lowers its RH', () => {
      command(0, HEATER_ON);
      command(0, MEASURE_HIGH);
      const bytes = readOut(HIGH_US).bytes;
      const temperatureC = -45 + (175 * ((bytes[0]! << 8) | bytes[1]!)) / 65535;
      const humidityPct = (100 * ((bytes[3]! << 8) | bytes[4]!)) / 65535;
      expect(temperatureC).toBeGreaterThan(25.5);
      expect(humidityPct).toBeLessThan(60);
    });

    it('soft reset: NACKs for t_SR, then status 0x8010 with the heater off', () => {
      command(0, CLEAR_STATUS);
      command(0, HEATER_ON);
      expect(command(100, SOFT_RESET)).toBe(OK);
      expect(command(100 + SOFT_RESET_US - 1, READ_STATUS)).toBe(NACK_ADDRESS);
      expect(readStatus(100 + SOFT_RESET_US)).toEqual(withCrc(STATUS_AFTER_RESET));
    });

    it('powerOnReset: NACKs for t_PU, then status 0x8010', () => {
      command(0, CLEAR_STATUS);
      chip.powerOnReset(5_000);
      expect(command(5_000 + POWER_UP_US - 1, READ_STATUS)).toBe(NACK_ADDRESS);
      expect(readStatus(5_000 + POWER_UP_US)).toEqual(withCrc(STATUS_AFTER_RESET));
    });
  });

  describe('periodic mode', () => {
    it('fetch returns the latest measurement once; NACK before the first and after each fetch', () => {
      environment.temperature = (timeUs) => (timeUs < 1_000_000 ? 25 : 45);
      expect(command(0, PERIODIC_1_MPS_HIGH)).toBe(OK);
      expect(transact(chip, HIGH_US - 1, FETCH_DATA, 6).status).toBe(NACK_ADDRESS);
      expect(transact(chip, HIGH_US, FETCH_DATA, 6).bytes.slice(0, 2)).toEqual([0x66, 0x66]);
      expect(transact(chip, HIGH_US + 10, FETCH_DATA, 6).status).toBe(NACK_ADDRESS);
      const second = transact(chip, 1_000_000 + HIGH_US, FETCH_DATA, 6);
      expect(second.status).toBe(OK);
      expect(second.bytes.slice(0, 2)).toEqual([0x83, 0xa8]); // 45 °C: (45 + 45)·65535/175 = 33703.7 → 0x83A8
    });

    it('refuses other commands until break, then measures single shots again', () => {
      command(0, PERIODIC_1_MPS_HIGH);
      expect(command(100, MEASURE_HIGH)).toBe(NACK_DATA);
      expect(command(100, READ_STATUS)).toBe(NACK_DATA);
      expect(command(100, BREAK)).toBe(OK);
      expect(command(100 + 999, MEASURE_HIGH)).toBe(NACK_ADDRESS); // break takes 1 ms (§4.8)
      expect(command(100 + 1_000, MEASURE_HIGH)).toBe(OK);
    });
  });

  describe('faults and physics hooks', () => {
    it('setCrcCorruption flips the CRC bytes and leaves the data bytes alone', () => {
      chip.setCrcCorruption(true);
      command(0, MEASURE_HIGH);
      const corrupted = readOut(HIGH_US).bytes;
      expect([corrupted[0], corrupted[1], corrupted[3], corrupted[4]]).toEqual([0x66, 0x66, 0x99, 0x99]);
      expect(corrupted[2]).not.toBe(crc8(0x66, 0x66));
      expect(corrupted[5]).not.toBe(crc8(0x99, 0x99));
      chip.setCrcCorruption(false);
      command(HIGH_US, MEASURE_HIGH);
      expect(readOut(2 * HIGH_US).bytes).toEqual([...withCrc(0x6666), ...withCrc(0x9999)]);
    });

    it('applies offsets and gives the same bytes for the same calls with seeded noise', () => {
      const run = (): number[] => {
        const twin = new Sht31({ environment, temperatureOffsetC: 0.5, noise: { seed: 3, temperatureC: 0.1 } });
        const bytes: number[] = [];
        for (let t = 0; t < 200_000; t += 20_000) {
          transact(twin, t, MEASURE_HIGH);
          bytes.push(...transact(twin, t + HIGH_US, [], 6).bytes);
        }
        return bytes;
      };
      expect(run()).toEqual(run());
      chip.setTemperatureOffsetC(175 / 65535);
      command(0, MEASURE_HIGH);
      expect(readOut(HIGH_US).bytes.slice(0, 2)).toEqual([0x66, 0x67]);
    });
  });
});
