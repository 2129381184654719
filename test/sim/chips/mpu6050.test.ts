// The virtual MPU-6050 against InvenSense RM-MPU-6000A (register map) and PS-MPU-6000A (product spec), driven
// through its bus face as a driver would. Datasheet facts are restated here, never imported from the chip.
import { beforeEach, describe, expect, it } from 'vitest';
import { Mpu6050 } from '../../../host/sim/chips/mpu6050.ts';
import { FakeEnvironment, transact } from './fake-environment.ts';

/** docs/hal-abi.md §3. */
const OK = 0;
const NACK_DATA = 2;

/** RM §3. */
const SMPLRT_DIV = 0x19;
const GYRO_CONFIG = 0x1b;
const ACCEL_CONFIG = 0x1c;
const FIFO_EN = 0x23;
const INT_ENABLE = 0x38;
const INT_STATUS = 0x3a;
const ACCEL_XOUT_H = 0x3b;
const SIGNAL_PATH_RESET = 0x68;
const USER_CTRL = 0x6a;
const PWR_MGMT_1 = 0x6b;
const PWR_MGMT_2 = 0x6c;
const FIFO_COUNTH = 0x72;
const FIFO_R_W = 0x74;
const WHO_AM_I = 0x75;
const G_MPS2 = 9.80665;
const DEG_PER_RAD = 180 / Math.PI;
/** RM §4.2: 8 kHz gyroscope output with the DLPF off, so one sample every 125 µs by default. */
const FAST_SAMPLE_US = 125;

const int16 = (msb: number, lsb: number): number => (((msb << 8) | lsb) << 16) >> 16;

/** The 14-byte burst ACCEL_XOUT_H..GYRO_ZOUT_L as seven signed words. */
function sensorWords(bytes: number[]): { accel: number[]; temp: number; gyro: number[] } {
  const words = Array.from({ length: 7 }, (_, i) => int16(bytes[2 * i]!, bytes[2 * i + 1]!));
  return { accel: words.slice(0, 3), temp: words[3]!, gyro: words.slice(4) };
}

describe('MPU-6050 virtual chip', () => {
  let environment: FakeEnvironment;
  let chip: Mpu6050;

  const read = (nowUs: number, register: number, length: number): number[] => {
    const result = transact(chip, nowUs, [register], length);
    expect(result.status).toBe(OK);
    return result.bytes;
  };
  const write = (nowUs: number, register: number, ...values: number[]): void => {
    expect(transact(chip, nowUs, [register, ...values]).status).toBe(OK);
  };
  const sensors = (nowUs: number): ReturnType<typeof sensorWords> => sensorWords(read(nowUs, ACCEL_XOUT_H, 14));

  beforeEach(() => {
    environment = new FakeEnvironment();
    chip = new Mpu6050({ environment });
  });

  describe('identity and reset values (RM §3)', () => {
    it('answers at 0x68 by default and reads WHO_AM_I 0x68 at either address', () => {
      expect(chip.address).toBe(0x68);
      expect(read(0, WHO_AM_I, 1)).toEqual([0x68]);
      chip = new Mpu6050({ environment, address: 0x69 });
      expect(read(0, WHO_AM_I, 1)).toEqual([0x68]);
      expect(() => new Mpu6050({ environment, address: 0x6a })).toThrow(RangeError);
    });

    it('resets PWR_MGMT_1 to 0x40 (asleep) and every other register to 0', () => {
      expect(read(0, USER_CTRL, 3)).toEqual([0x00, 0x40, 0x00]);
      expect(read(0, SMPLRT_DIV, 4)).toEqual([0, 0, 0, 0]);
      expect(read(0, INT_ENABLE, 1)).toEqual([0]);
      expect(read(0, INT_STATUS, 1)).toEqual([0]);
      expect(read(0, SIGNAL_PATH_RESET, 1)).toEqual([0]);
    });

    it('stays asleep after reset: the sensor registers read 0 and nothing is sampled', () => {
      expect(read(5_000_000, ACCEL_XOUT_H, 14)).toEqual(new Array(14).fill(0));
      expect(environment.sampledAtUs.acceleration).toEqual([]);
    });

    it('DEVICE_RESET returns every register to its reset value', () => {
      write(0, PWR_MGMT_1, 0x00);
      write(0, ACCEL_CONFIG, 0x18);
      expect(sensors(1_000).accel[2]).not.toBe(0);
      write(1_000, PWR_MGMT_1, 0x80);
      expect(read(1_000, PWR_MGMT_1, 1)).toEqual([0x40]);
      expect(read(1_000, ACCEL_CONFIG, 1)).toEqual([0x00]);
      expect(read(2_000, ACCEL_XOUT_H, 14)).toEqual(new Array(14).fill(0));
    });

    it('powerOnReset returns every register to its reset value', () => {
      write(0, PWR_MGMT_1, 0x01);
      chip.powerOnReset(10);
      expect(read(10, PWR_MGMT_1, 1)).toEqual([0x40]);
    });
  });

  describe('bus face', () => {
    it('NACKs register addresses outside the map', () => {
      for (const register of [0x00, 0x0c, 0x11, 0x18, 0x1d, 0x20, 0x39, 0x61, 0x62, 0x69, 0x6d, 0x71, 0x76, 0xff]) {
        expect(transact(chip, 0, [register], 1).status).toBe(NACK_DATA);
      }
    });

    it('auto-increments on burst writes and reads; past WHO_AM_I a burst reads 0', () => {
      write(0, GYRO_CONFIG, 0x08, 0x10);
      expect(read(0, GYRO_CONFIG, 2)).toEqual([0x08, 0x10]);
      expect(read(0, WHO_AM_I, 3)).toEqual([0x68, 0x00, 0x00]);
    });

    it('NACKs a burst write that runs off the map', () => {
      expect(transact(chip, 0, [ACCEL_CONFIG, 0x00, 0x00]).status).toBe(NACK_DATA); // 0x1D is unmapped
    });

    it('ignores writes to read-only registers', () => {
      write(0, WHO_AM_I, 0x00);
      write(0, ACCEL_XOUT_H, 0x12, 0x34);
      expect(read(0, WHO_AM_I, 1)).toEqual([0x68]);
      expect(read(0, ACCEL_XOUT_H, 2)).toEqual([0x00, 0x00]);
    });
  });

  describe('scale factors (PS §6.1, §6.2) and the temperature formula (RM §4.18)', () => {
    it('accelerometer: 16384, 8192, 4096, 2048 LSB/g for AFS_SEL 0..3', () => {
      environment.acceleration = { x: G_MPS2, y: -0.5 * G_MPS2, z: 0 };
      write(0, PWR_MGMT_1, 0x00);
      [16384, 8192, 4096, 2048].forEach((lsbPerG, afsSel) => {
        const nowUs = 1_000 * (afsSel + 1);
        write(nowUs, ACCEL_CONFIG, afsSel << 3);
        const { accel } = sensors(nowUs + FAST_SAMPLE_US * 8);
        expect(accel).toEqual([lsbPerG, -lsbPerG / 2, 0]);
      });
    });

    it('gyroscope: 131, 65.5, 32.8, 16.4 LSB/(°/s) for FS_SEL 0..3', () => {
      environment.angularRate = { x: 100 / DEG_PER_RAD, y: -100 / DEG_PER_RAD, z: 10 / DEG_PER_RAD };
      write(0, PWR_MGMT_1, 0x00);
      [131, 65.5, 32.8, 16.4].forEach((lsbPerDps, fsSel) => {
        const nowUs = 1_000 * (fsSel + 1);
        write(nowUs, GYRO_CONFIG, fsSel << 3);
        const { gyro } = sensors(nowUs + FAST_SAMPLE_US);
        expect(gyro).toEqual([Math.round(100 * lsbPerDps), Math.round(-100 * lsbPerDps), Math.round(10 * lsbPerDps)]);
      });
    });

    it('saturates at +32767 and −32768', () => {
      environment.acceleration = { x: 3 * G_MPS2, y: -3 * G_MPS2, z: 0 };
      environment.angularRate = { x: 300 / DEG_PER_RAD, y: -300 / DEG_PER_RAD, z: 0 };
      write(0, PWR_MGMT_1, 0x00);
      const { accel, gyro } = sensors(FAST_SAMPLE_US);
      expect(accel.slice(0, 2)).toEqual([32767, -32768]);
      expect(gyro.slice(0, 2)).toEqual([32767, -32768]);
    });

    it('temperature: TEMP_OUT = (T − 36.53)·340', () => {
      environment.temperature = 36.53;
      write(0, PWR_MGMT_1, 0x00);
      expect(sensors(FAST_SAMPLE_US).temp).toBe(0);
      environment.temperature = 25;
      expect(read(2 * FAST_SAMPLE_US, 0x41, 2)).toEqual([0xf0, 0xb0]); // −3920.2 → −3920
    });
  });

  describe('sampling', () => {
    it('takes its first sample one sample period after waking', () => {
      write(1_000, PWR_MGMT_1, 0x00);
      expect(sensors(1_000 + FAST_SAMPLE_US - 1).accel[2]).toBe(0);
      expect(sensors(1_000 + FAST_SAMPLE_US).accel[2]).toBe(16384);
    });

    it('samples at 1 kHz/(1 + SMPLRT_DIV) with the DLPF on, holding values between samples', () => {
      environment.acceleration = (timeUs) => ({ x: 0, y: 0, z: (timeUs / 1e6) * G_MPS2 });
      write(0, SMPLRT_DIV, 99, 0x01); // SMPLRT_DIV = 99, DLPF_CFG = 1: 10 Hz
      write(0, PWR_MGMT_1, 0x00);
      expect(sensors(150_000).accel[2]).toBe(Math.round(0.1 * 16384));
      expect(sensors(199_999).accel[2]).toBe(Math.round(0.1 * 16384));
      expect(sensors(200_000).accel[2]).toBe(Math.round(0.2 * 16384));
      expect(environment.sampledAtUs.acceleration).toEqual([100_000, 200_000]);
    });

    it('holds the last values while asleep', () => {
      write(0, PWR_MGMT_1, 0x00);
      const before = read(1_000, ACCEL_XOUT_H, 14);
      write(1_000, PWR_MGMT_1, 0x40);
      environment.acceleration = { x: 1, y: 2, z: 3 };
      environment.temperature = 80;
      expect(read(5_000_000, ACCEL_XOUT_H, 14)).toEqual(before);
    });

    it('keeps an axis in standby (PWR_MGMT_2) at its last value', () => {
      write(0, PWR_MGMT_1, 0x00);
      environment.acceleration = { x: G_MPS2, y: G_MPS2, z: G_MPS2 };
      sensors(1_000);
      write(1_000, PWR_MGMT_2, 0x20); // STBY_XA
      environment.acceleration = { x: 0, y: 0, z: 0 };
      expect(sensors(2_000).accel).toEqual([16384, 0, 0]);
    });

    it('in cycle mode samples the accelerometer at LP_WAKE_CTRL and leaves the gyroscope alone', () => {
      environment.angularRate = { x: 1, y: 1, z: 1 };
      write(0, PWR_MGMT_2, 0x40); // LP_WAKE_CTRL = 1: 5 Hz
      write(0, PWR_MGMT_1, 0x20); // CYCLE, not SLEEP
      expect(sensors(199_999).accel[2]).toBe(0);
      const { accel, gyro } = sensors(200_000);
      expect(accel[2]).toBe(16384);
      expect(gyro).toEqual([0, 0, 0]);
    });

    it('USER_CTRL.SIG_COND_RESET clears the sensor registers; SIGNAL_PATH_RESET does not', () => {
      write(0, PWR_MGMT_1, 0x00);
      write(0, PWR_MGMT_1, 0x40); // sample once, then sleep to hold it
      write(FAST_SAMPLE_US, PWR_MGMT_1, 0x00);
      write(2 * FAST_SAMPLE_US, PWR_MGMT_1, 0x40);
      write(2 * FAST_SAMPLE_US, SIGNAL_PATH_RESET, 0x07);
      expect(read(2 * FAST_SAMPLE_US, SIGNAL_PATH_RESET, 1)).toEqual([0x00]);
      expect(sensors(2 * FAST_SAMPLE_US).accel[2]).toBe(16384);
      write(2 * FAST_SAMPLE_US, USER_CTRL, 0x01);
      expect(read(2 * FAST_SAMPLE_US, USER_CTRL, 1)).toEqual([0x00]);
      expect(read(2 * FAST_SAMPLE_US, ACCEL_XOUT_H, 14)).toEqual(new Array(14).fill(0));
    });
  });

  describe('interrupt status and FIFO', () => {
    it('sets DATA_RDY_INT on a new sample when enabled, and clears it when INT_STATUS is read', () => {
      write(0, INT_ENABLE, 0x01);
      write(0, PWR_MGMT_1, 0x00);
      expect(read(FAST_SAMPLE_US, INT_STATUS, 1)).toEqual([0x01]);
      expect(read(FAST_SAMPLE_US, INT_STATUS, 1)).toEqual([0x00]);
      expect(read(2 * FAST_SAMPLE_US, INT_STATUS, 1)).toEqual([0x01]);
    });

    it('queues accelerometer frames in the FIFO at the sample rate, readable through FIFO_R_W', () => {
      write(0, SMPLRT_DIV, 7); // 8 kHz / 8 = 1 kHz
      write(0, FIFO_EN, 0x08); // ACCEL_FIFO_EN
      write(0, USER_CTRL, 0x40); // FIFO_EN
      write(0, PWR_MGMT_1, 0x00);
      expect(read(5_000, FIFO_COUNTH, 2)).toEqual([0, 30]);
      const frame = read(5_000, FIFO_R_W, 6);
      expect(sensorWords([...frame, ...new Array(8).fill(0)]).accel).toEqual([0, 0, 16384]);
      expect(read(5_000, FIFO_COUNTH, 2)).toEqual([0, 24]);
      // RM §4.30: FIFO_COUNT_L alone is not refreshed; FIFO_COUNT_H loads both.
      expect(read(6_000, FIFO_COUNTH + 1, 1)).toEqual([24]);
      expect(read(6_000, FIFO_COUNTH, 2)).toEqual([0, 30]);
    });

    it('reads the last byte again from an empty FIFO (RM §4.31)', () => {
      write(0, FIFO_R_W, 0x5a);
      expect(read(0, FIFO_R_W, 3)).toEqual([0x5a, 0x5a, 0x5a]);
      expect(read(0, FIFO_COUNTH, 2)).toEqual([0, 0]);
    });

    it('keeps the newest 1024 bytes and raises FIFO_OFLOW_INT on overflow', () => {
      write(0, INT_ENABLE, 0x10);
      write(0, SMPLRT_DIV, 7);
      write(0, FIFO_EN, 0x08);
      write(0, USER_CTRL, 0x40);
      write(0, PWR_MGMT_1, 0x00);
      expect(read(1_000_000, FIFO_COUNTH, 2)).toEqual([0x04, 0x00]);
      expect(read(1_000_000, INT_STATUS, 1)).toEqual([0x10]);
      write(1_000_000, USER_CTRL, 0x44); // FIFO_RESET
      expect(read(1_000_000, FIFO_COUNTH, 2)).toEqual([0, 0]);
    });
  });

  describe('physics hooks and determinism', () => {
    it('adds biases', () => {
      chip.setAccelerometerBiasMps2({ x: G_MPS2, y: 0, z: 0 });
      chip.setGyroscopeBiasRadps({ x: 0, y: 0, z: 10 / DEG_PER_RAD });
      write(0, PWR_MGMT_1, 0x00);
      const { accel, gyro } = sensors(FAST_SAMPLE_US);
      expect(accel).toEqual([16384, 0, 16384]);
      expect(gyro).toEqual([0, 0, 1310]);
    });

    it('gives the same bytes for the same calls at the same times, with seeded noise', () => {
      const run = (): number[] => {
        const world = new FakeEnvironment();
        world.angularRate = (timeUs) => ({ x: Math.sin(timeUs / 1e5), y: 0, z: 0 });
        const twin = new Mpu6050({ environment: world, noise: { seed: 5, accelerationMps2: 0.05 } });
        transact(twin, 0, [PWR_MGMT_1, 0x00]);
        const bytes: number[] = [];
        for (let t = 0; t < 1_000_000; t += 33_333) bytes.push(...transact(twin, t, [ACCEL_XOUT_H], 14).bytes);
        return bytes;
      };
      expect(run()).toEqual(run());
    });
  });
});
