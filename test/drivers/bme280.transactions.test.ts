// BME280 over a scripted bus: every transaction restated from BST-BME280-DS002 §4.2.2, §5.4, §9.1. The trimming
// bytes are the worked example of the BMP280 datasheet §3.12 (T, P) plus a typical humidity set; the expected
// humidity was computed separately with the datasheet's bme280_compensate_H_int32.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScriptedI2c, ScriptedStep } from '../support/scripted-i2c.ts';
import { loadIoHarness, Status, type IoHarness } from './io-harness.ts';

const ADDRESS = 0x76;
const CHIP_ID = 0xd0;
const RESET = 0xe0;
const CTRL_HUM = 0xf2;
const STATUS = 0xf3;
const CTRL_MEAS = 0xf4;
const DATA = 0xf7;
const STARTUP_US = 2_000;
const POLL_US = 1_000;
const MEASUREMENT_X1_US = 9_300; // 1.25 + 2.3 + 2.875 + 2.875 ms

// 0x88..0xA1: T1 27504, T2 26435, T3 -1000, P1 36477, P2 -10685, P3 3024, P4 2855, P5 140, P6 -7, P7 15500,
// P8 -14600, P9 6000, (0xA0 unused), H1 75.
const TRIMMING_TP = [
  0x70, 0x6b, 0x43, 0x67, 0x18, 0xfc, 0x7d, 0x8e, 0x43, 0xd6, 0xd0, 0x0b, 0x27, 0x0b, 0x8c, 0x00, 0xf9, 0xff,
  0x8c, 0x3c, 0xf8, 0xc6, 0x70, 0x17, 0x00, 0x4b,
];
// 0xE1..0xE7: H2 362, H3 0, H4 313 (0x13, 0xE5[3:0] = 9), H5 50 (0xE5[7:4] = 2, 0x03), H6 30.
const TRIMMING_H = [0x6a, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1e];

// adc_P 415148 (0x655AC), adc_T 519888 (0x7EED0), adc_H 0x7000.
const DATA_EXAMPLE = [0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00, 0x70, 0x00];

function initSteps(): ScriptedStep[] {
  return [
    { address: ADDRESS, write: [CHIP_ID], read: [0x60] },
    { address: ADDRESS, write: [RESET, 0xb6] },
    { delayUs: STARTUP_US },
    { address: ADDRESS, write: [STATUS], read: [0x01] }, // im_update: still copying the NVM
    { delayUs: POLL_US },
    { address: ADDRESS, write: [STATUS], read: [0x00] },
    { address: ADDRESS, write: [0x88], read: TRIMMING_TP },
    { address: ADDRESS, write: [0xe1], read: TRIMMING_H },
  ];
}

function measureSteps(data: number[]): ScriptedStep[] {
  return [
    { address: ADDRESS, write: [CTRL_HUM, 0x01] }, // osrs_h ×1, before ctrl_meas (§5.4.3)
    { address: ADDRESS, write: [CTRL_MEAS, 0x25] }, // osrs_t ×1, osrs_p ×1, forced
    { delayUs: MEASUREMENT_X1_US },
    { address: ADDRESS, write: [DATA], read: data },
  ];
}

let harness: IoHarness;
let bus: ScriptedI2c;

beforeEach(async () => {
  ({ harness, bus } = await loadIoHarness());
});

describe('BME280 probe and init', () => {
  it('accepts chip_id 0x60 and refuses a BMP280 (0x58)', () => {
    bus.expect({ address: ADDRESS, write: [CHIP_ID], read: [0x60] });
    expect(harness.bme280Probe()).toBe(Status.Ok);
    bus.expect({ address: ADDRESS, write: [CHIP_ID], read: [0x58] });
    expect(harness.bme280Probe()).toBe(Status.WrongIdentity);
    bus.finish();
  });

  it('resets, waits for im_update to clear and reads both trimming blocks', () => {
    bus.expect(...initSteps());
    expect(harness.bme280Init()).toBe(Status.Ok);
    bus.finish();
  });

  it('times out when im_update never clears', () => {
    bus.expect(
      { address: ADDRESS, write: [CHIP_ID], read: [0x60] },
      { address: ADDRESS, write: [RESET, 0xb6] },
      { delayUs: STARTUP_US },
    );
    for (let poll = 0; poll < 10; poll++) {
      bus.expect({ address: ADDRESS, write: [STATUS], read: [0x01] }, { delayUs: POLL_US });
    }
    expect(harness.bme280Init()).toBe(Status.Timeout);
    bus.finish();
  });
});

describe('BME280 forced measurement', () => {
  beforeEach(() => {
    bus.expect(...initSteps());
    expect(harness.bme280Init()).toBe(Status.Ok);
    bus.finish();
  });

  it('gives 25.08 °C, 25767233/256 Pa and 48746/1024 %RH for the worked example', () => {
    bus.expect(...measureSteps(DATA_EXAMPLE));
    expect(harness.bme280Read()).toBe(Status.Ok);
    expect(harness.bme280TemperatureC()).toBe(25.08);
    expect(harness.bme280PressurePa()).toBe(25767233 / 256);
    expect(harness.bme280HumidityPercent()).toBe(48746 / 1024);
    bus.finish();
  });

  it('reports a skipped humidity channel (0x8000) as no data', () => {
    bus.expect(...measureSteps([0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00, 0x80, 0x00]));
    expect(harness.bme280Read()).toBe(Status.NoData);
    bus.finish();
  });

  it('reports a skipped temperature channel (0x80000) as no data', () => {
    bus.expect(...measureSteps([0x65, 0x5a, 0xc0, 0x80, 0x00, 0x00, 0x70, 0x00]));
    expect(harness.bme280Read()).toBe(Status.NoData);
    bus.finish();
  });

  it('stops at a refused ctrl_meas write', () => {
    bus.expect({ address: ADDRESS, write: [CTRL_HUM, 0x01] }, { address: ADDRESS, write: [CTRL_MEAS, 0x25], status: 2 });
    expect(harness.bme280Read()).toBe(Status.NackData);
    bus.finish();
  });
});
