// MPU-6050 over a scripted bus: every transaction restated from RM-MPU-6000A §4.4, §4.5, §4.17..§4.19, §4.28,
// §4.32.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScriptedI2c } from '../support/scripted-i2c.ts';
import { loadIoHarness, Status, type IoHarness } from './io-harness.ts';

const ADDRESS = 0x68;
const WHO_AM_I = 0x75;
const PWR_MGMT_1 = 0x6b;
const GYRO_CONFIG = 0x1b;
const ACCEL_CONFIG = 0x1c;
const ACCEL_XOUT_H = 0x3b;
const G = 9.80665;
const RAD_PER_DEGREE = Math.PI / 180;

let harness: IoHarness;
let bus: ScriptedI2c;

beforeEach(async () => {
  ({ harness, bus } = await loadIoHarness());
});

describe('MPU-6050 probe and init', () => {
  it('accepts WHO_AM_I 0x68 and refuses anything else', () => {
    bus.expect({ address: ADDRESS, write: [WHO_AM_I], read: [0x68] });
    expect(harness.mpu6050Probe()).toBe(Status.Ok);
    bus.expect({ address: ADDRESS, write: [WHO_AM_I], read: [0x71] }); // an MPU-9250
    expect(harness.mpu6050Probe()).toBe(Status.WrongIdentity);
    bus.finish();
  });

  it('wakes with the PLL clock and sets ±250 °/s and ±2 g by default', () => {
    bus.expect(
      { address: ADDRESS, write: [WHO_AM_I], read: [0x68] },
      { address: ADDRESS, write: [PWR_MGMT_1, 0x01] }, // CLKSEL 1, SLEEP 0
      { address: ADDRESS, write: [GYRO_CONFIG, 0x00] },
      { address: ADDRESS, write: [ACCEL_CONFIG, 0x00] },
    );
    expect(harness.mpu6050Init()).toBe(Status.Ok);
    bus.finish();
  });

  it('writes FS_SEL and AFS_SEL into bits 4:3', () => {
    harness.mpu6050Select(1);
    bus.expect(
      { address: ADDRESS, write: [WHO_AM_I], read: [0x68] },
      { address: ADDRESS, write: [PWR_MGMT_1, 0x01] },
      { address: ADDRESS, write: [GYRO_CONFIG, 0x18] }, // ±2000 °/s
      { address: ADDRESS, write: [ACCEL_CONFIG, 0x18] }, // ±16 g
    );
    expect(harness.mpu6050Init()).toBe(Status.Ok);
    bus.finish();
  });
});

const AWAKE = { address: ADDRESS, write: [PWR_MGMT_1], read: [0x01] };

describe('MPU-6050 read', () => {
  it('burst-reads 14 bytes from ACCEL_XOUT_H and converts every field (±2 g, ±250 °/s)', () => {
    bus.expect(AWAKE, {
      address: ADDRESS,
      write: [ACCEL_XOUT_H],
      read: [
        0x40, 0x00, // accel x 16384: +1 g
        0xc0, 0x00, // accel y -16384: -1 g
        0x80, 0x00, // accel z -32768: -2 g
        0xfe, 0x5c, // temp -420: -420/340 + 36.53 °C
        0x00, 0x83, // gyro x 131: 1 °/s
        0xff, 0x7d, // gyro y -131
        0x7f, 0xff, // gyro z 32767
      ],
    });
    expect(harness.mpu6050Read()).toBe(Status.Ok);
    expect(harness.mpu6050Value(0)).toBe(G);
    expect(harness.mpu6050Value(1)).toBe(-G);
    expect(harness.mpu6050Value(2)).toBe(-2 * G);
    expect(harness.mpu6050Value(3)).toBeCloseTo(RAD_PER_DEGREE, 15);
    expect(harness.mpu6050Value(4)).toBeCloseTo(-RAD_PER_DEGREE, 15);
    expect(harness.mpu6050Value(5)).toBeCloseTo((32767 / 131) * RAD_PER_DEGREE, 12);
    expect(harness.mpu6050Value(6)).toBeCloseTo(-420 / 340 + 36.53, 12);
    bus.finish();
  });

  it('scales with the configured ranges (±16 g, ±2000 °/s)', () => {
    harness.mpu6050Select(1);
    bus.expect(AWAKE, {
      address: ADDRESS,
      write: [ACCEL_XOUT_H],
      read: [0x08, 0x00, 0, 0, 0, 0, 0, 0, 0x00, 0xa4, 0, 0, 0, 0], // accel x 2048: 1 g; gyro x 164: 10 °/s
    });
    expect(harness.mpu6050Read()).toBe(Status.Ok);
    expect(harness.mpu6050Value(0)).toBe(G);
    expect(harness.mpu6050Value(3)).toBeCloseTo(10 * RAD_PER_DEGREE, 12);
    bus.finish();
  });

  it('passes a bus error on', () => {
    bus.expect(AWAKE, { address: ADDRESS, write: [ACCEL_XOUT_H], read: new Array(14).fill(0), status: 3 });
    expect(harness.mpu6050Read()).toBe(Status.BusError);
    bus.finish();
  });

  it('reports a chip found asleep (power-on state, SLEEP set) as reset, without reading data', () => {
    bus.expect({ address: ADDRESS, write: [PWR_MGMT_1], read: [0x40] });
    expect(harness.mpu6050Read()).toBe(Status.ChipReset);
    bus.finish();
  });
});
