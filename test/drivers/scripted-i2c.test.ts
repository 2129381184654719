// The scripted bus must fail on any missing, extra or different step, or the transaction tests prove nothing.
import { describe, expect, it } from 'vitest';
import { loadIoHarness } from './io-harness.ts';

describe('the scripted I2C bus', () => {
  it('fails on a different write byte', async () => {
    const { harness, bus } = await loadIoHarness();
    bus.expect({ address: 0x48, write: [0x01], read: [0x60, 0xa0] });
    expect(() => harness.tmp102Read()).toThrow(/expected i2c 0x48 write \[01\] read 2, got i2c 0x48 write \[00\] read 2/);
    expect(() => bus.finish()).toThrow();
  });

  it('fails on a different address or read length', async () => {
    const { harness, bus } = await loadIoHarness();
    bus.expect({ address: 0x49, write: [0x00], read: [0x19, 0x00] });
    expect(() => harness.tmp102Read()).toThrow(/expected i2c 0x49/);
    const second = await loadIoHarness();
    second.bus.expect({ address: 0x48, write: [0x00], read: [0x19] });
    expect(() => second.harness.tmp102Read()).toThrow(/read 1, got .* read 2/);
  });

  it('fails on an extra transaction', async () => {
    const { harness, bus } = await loadIoHarness();
    expect(() => harness.tmp102Read()).toThrow(/no more steps/);
    expect(() => bus.finish()).toThrow(/no more steps/);
  });

  it('fails on a missing transaction or delay', async () => {
    const { harness, bus } = await loadIoHarness();
    bus.expect({ address: 0x48, write: [0x00], read: [0x19, 0x00] }, { delayUs: 10 });
    harness.tmp102Read();
    expect(() => bus.finish()).toThrow(/1 expected step\(s\) never happened, first: delay_us\(10\)/);
  });

  it('fails on a different delay', async () => {
    const { harness, bus } = await loadIoHarness();
    bus.expect({ address: 0x44, write: [0x24, 0x00] }, { delayUs: 1000 });
    expect(() => harness.sht31Read()).toThrow(/expected delay_us\(1000\), got delay_us\(15000\)/);
  });
});
