// SHT3x over a scripted bus: every transaction restated from SHT3x-DIS §4.3, §4.4, §4.9, §4.11, and the CRCs
// from §4.12 (CRC(0x6666) = 0x93, CRC(0x8010) = 0xE1, CRC(0xBEEF) = 0x92).
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScriptedI2c } from '../support/scripted-i2c.ts';
import { loadIoHarness, Status, type IoHarness } from './io-harness.ts';

const ADDRESS = 0x44;
const READ_STATUS = [0xf3, 0x2d];
const SOFT_RESET = [0x30, 0xa2];
const MEASURE_HIGH_NO_STRETCH = [0x24, 0x00];
const SOFT_RESET_TIME_US = 1_500;
const MEASUREMENT_TIME_US = 15_000;

let harness: IoHarness;
let bus: ScriptedI2c;

beforeEach(async () => {
  ({ harness, bus } = await loadIoHarness());
});

describe('SHT31 probe and init', () => {
  it('probes by reading the status register with a valid CRC', () => {
    bus.expect({ address: ADDRESS, write: READ_STATUS }, { address: ADDRESS, read: [0x80, 0x10, 0xe1] });
    expect(harness.sht31Probe()).toBe(Status.Ok);
    expect(harness.sht31StatusRegister()).toBe(0x8010);
    bus.finish();
  });

  it('reports a status register with a bad CRC as a CRC error', () => {
    bus.expect({ address: ADDRESS, write: READ_STATUS }, { address: ADDRESS, read: [0x80, 0x10, 0xe0] });
    expect(harness.sht31Probe()).toBe(Status.Crc);
    bus.finish();
  });

  it('soft-resets, waits t_SR, then probes', () => {
    bus.expect(
      { address: ADDRESS, write: SOFT_RESET },
      { delayUs: SOFT_RESET_TIME_US },
      { address: ADDRESS, write: READ_STATUS },
      { address: ADDRESS, read: [0x00, 0x00, 0x81] },
    );
    expect(harness.sht31Init()).toBe(Status.Ok);
    bus.finish();
  });

  it('passes an absent sensor’s NACK on without going further', () => {
    bus.expect({ address: ADDRESS, write: SOFT_RESET, status: 1 });
    expect(harness.sht31Init()).toBe(Status.NackAddress);
    bus.finish();
  });
});

describe('SHT31 read', () => {
  it('measures single-shot without clock stretching, waits 15 ms, reads 6 bytes: 0x6666 is 25 °C and 40 %RH', () => {
    bus.expect(
      { address: ADDRESS, write: MEASURE_HIGH_NO_STRETCH },
      { delayUs: MEASUREMENT_TIME_US },
      { address: ADDRESS, read: [0x66, 0x66, 0x93, 0x66, 0x66, 0x93] },
    );
    expect(harness.sht31Read()).toBe(Status.Ok);
    expect(harness.sht31TemperatureC()).toBe(25);
    expect(harness.sht31HumidityPercent()).toBe(40);
    bus.finish();
  });

  it('converts both ends: 0x0000 is −45 °C, 0xFFFF is 100 %RH', () => {
    bus.expect(
      { address: ADDRESS, write: MEASURE_HIGH_NO_STRETCH },
      { delayUs: MEASUREMENT_TIME_US },
      { address: ADDRESS, read: [0x00, 0x00, 0x81, 0xff, 0xff, 0xac] },
    );
    expect(harness.sht31Read()).toBe(Status.Ok);
    expect(harness.sht31TemperatureC()).toBe(-45);
    expect(harness.sht31HumidityPercent()).toBe(100);
    bus.finish();
  });

  it.each([
    ['temperature', [0x66, 0x66, 0x92, 0x66, 0x66, 0x93]],
    ['humidity', [0x66, 0x66, 0x93, 0x66, 0x67, 0x93]],
  ])('refuses the whole measurement when the %s CRC is wrong, keeping the last values', (_, bytes) => {
    bus.expect(
      { address: ADDRESS, write: MEASURE_HIGH_NO_STRETCH },
      { delayUs: MEASUREMENT_TIME_US },
      { address: ADDRESS, read: [0x66, 0x66, 0x93, 0x66, 0x66, 0x93] },
      { address: ADDRESS, write: MEASURE_HIGH_NO_STRETCH },
      { delayUs: MEASUREMENT_TIME_US },
      { address: ADDRESS, read: bytes },
    );
    expect(harness.sht31Read()).toBe(Status.Ok);
    expect(harness.sht31Read()).toBe(Status.Crc);
    expect(harness.sht31TemperatureC()).toBe(25);
    expect(harness.sht31HumidityPercent()).toBe(40);
    bus.finish();
  });

  it('passes on a NACK of the read (sensor still measuring or gone)', () => {
    bus.expect(
      { address: ADDRESS, write: MEASURE_HIGH_NO_STRETCH },
      { delayUs: MEASUREMENT_TIME_US },
      { address: ADDRESS, read: [0, 0, 0, 0, 0, 0], status: 1 },
    );
    expect(harness.sht31Read()).toBe(Status.NackAddress);
    bus.finish();
  });
});
