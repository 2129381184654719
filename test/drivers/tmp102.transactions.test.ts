// TMP102 over a scripted bus: every transaction restated from SBOS397 §6.3.5 / §6.5.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScriptedI2c } from '../support/scripted-i2c.ts';
import { loadIoHarness, Status, type IoHarness } from './io-harness.ts';

const ADDRESS = 0x48;
const POINTER_TEMPERATURE = 0x00;
const POINTER_CONFIG = 0x01;

let harness: IoHarness;
let bus: ScriptedI2c;

beforeEach(async () => {
  ({ harness, bus } = await loadIoHarness());
});

describe('TMP102 probe', () => {
  it('accepts the power-up configuration 0x60A0 (R1:R0 = 11)', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_CONFIG], read: [0x60, 0xa0] });
    expect(harness.tmp102Probe()).toBe(Status.Ok);
    bus.finish();
  });

  it('refuses a chip whose read-only resolution bits are not 11', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_CONFIG], read: [0x00, 0xa0] });
    expect(harness.tmp102Probe()).toBe(Status.WrongIdentity);
    bus.finish();
  });

  it('refuses a chip whose unused low bits are not 0', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_CONFIG], read: [0x60, 0xa3] });
    expect(harness.tmp102Probe()).toBe(Status.WrongIdentity);
    bus.finish();
  });

  it('passes a NACK on', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_CONFIG], read: [0, 0], status: 1 });
    expect(harness.tmp102Probe()).toBe(Status.NackAddress);
    bus.finish();
  });
});

describe('TMP102 init', () => {
  it('probes, writes the power-up configuration and waits one conversion (35 ms max)', () => {
    bus.expect(
      { address: ADDRESS, write: [POINTER_CONFIG], read: [0x60, 0xa0] },
      { address: ADDRESS, write: [POINTER_CONFIG, 0x60, 0xa0] },
      { delayUs: 35_000 },
    );
    expect(harness.tmp102Init()).toBe(Status.Ok);
    bus.finish();
  });

  it('stops at the first failure', () => {
    bus.expect(
      { address: ADDRESS, write: [POINTER_CONFIG], read: [0x60, 0xa0] },
      { address: ADDRESS, write: [POINTER_CONFIG, 0x60, 0xa0], status: 3 },
    );
    expect(harness.tmp102Init()).toBe(Status.BusError);
    bus.finish();
  });
});

describe('TMP102 read', () => {
  it('reads the temperature register in normal mode: 0x1900 is 25 °C', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_TEMPERATURE], read: [0x19, 0x00] });
    expect(harness.tmp102Read()).toBe(Status.Ok);
    expect(harness.tmp102TemperatureC()).toBe(25);
    bus.finish();
  });

  it('reads negative temperatures: 0xE700 is −25 °C', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_TEMPERATURE], read: [0xe7, 0x00] });
    expect(harness.tmp102Read()).toBe(Status.Ok);
    expect(harness.tmp102TemperatureC()).toBe(-25);
    bus.finish();
  });

  it('follows the extended format when D0 is set: 0x4B01 is 150 °C', () => {
    bus.expect({ address: ADDRESS, write: [POINTER_TEMPERATURE], read: [0x4b, 0x01] });
    expect(harness.tmp102Read()).toBe(Status.Ok);
    expect(harness.tmp102TemperatureC()).toBe(150);
    bus.finish();
  });

  it('keeps the last value and returns the status when the read fails', () => {
    bus.expect(
      { address: ADDRESS, write: [POINTER_TEMPERATURE], read: [0x19, 0x00] },
      { address: ADDRESS, write: [POINTER_TEMPERATURE], read: [0xff, 0xff], status: 4 },
    );
    expect(harness.tmp102Read()).toBe(Status.Ok);
    expect(harness.tmp102Read()).toBe(Status.Timeout);
    expect(harness.tmp102TemperatureC()).toBe(25);
    bus.finish();
  });
});
