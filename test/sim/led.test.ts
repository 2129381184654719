import { describe, expect, it } from 'vitest';
import { sensorNode, simulate } from '../support/sim-run.ts';

// docs/hal-abi.md §6, restated: LED = 0x01, mode blink = 3 with period_ms u16 LE; BRIGHTNESS = 0x03.
const LED_BLINK_500_MS = Uint8Array.of(0x01, 3, 0xf4, 0x01);
const LED_ON = Uint8Array.of(0x01, 1);
const INTERVAL_250_MS = Uint8Array.of(0x02, 0xfa, 0x00, 0x00, 0x00);

describe('sensor-node obeys commands from the edge', async () => {
  const app = await sensorNode();

  it('blinks the LED at 2 Hz after LED blink 500 ms', async () => {
    const run = simulate(app);
    await run.simulation.runFor(1000);
    run.simulation.sendCommand(0, LED_BLINK_500_MS);
    await run.simulation.runFor(5000);
    const edgesUs = run.simulation.devices[0]!.board.gpio.history.filter((change) => change.pin === 0);
    const risingUs = edgesUs.filter((change) => change.level === 1).map((change) => change.timeUs);
    const periodsMs = risingUs.slice(1).map((time, i) => (time - risingUs[i]!) / 1000);
    expect(periodsMs.length).toBeGreaterThanOrEqual(9);
    expect(new Set(periodsMs)).toEqual(new Set([500]));
    const highMs = edgesUs.slice(1).map((change, i) => (change.timeUs - edgesUs[i]!.timeUs) / 1000);
    expect(new Set(highMs)).toEqual(new Set([250]));
    expect(run.of('command-result')).toEqual([expect.objectContaining({ status: 0 })]);
  });

  it('turns the LED on and changes the interval', async () => {
    const run = simulate(app);
    await run.simulation.runFor(1000);
    run.simulation.sendCommand(0, LED_ON);
    run.simulation.sendCommand(0, INTERVAL_250_MS);
    await run.simulation.runFor(2000);
    expect(run.simulation.devices[0]!.board.gpio.level(0)).toBe(1);
    const times = run.data().map((row) => row.timeMs);
    expect(times.filter((time) => time > 1000).slice(0, 4)).toEqual([1250, 1500, 1750, 2000]);
  });

  it('sets the PWM LED brightness', async () => {
    const run = simulate(app);
    await run.simulation.runFor(100);
    run.simulation.sendCommand(0, Uint8Array.of(0x03, 0x00, 0x80));
    await run.simulation.runFor(100);
    expect(run.simulation.devices[0]!.board.pwm.duty(0)).toBe(0x8000);
  });

  it('NACKs a malformed or unknown command with the status the ABI names', async () => {
    const run = simulate(app);
    await run.simulation.runFor(100);
    run.simulation.sendCommand(0, Uint8Array.of(0x02, 0x01)); // INTERVAL without its u32: BAD_ARGUMENT
    run.simulation.sendCommand(0, Uint8Array.of(0x6f)); // a standard opcode the app lacks: UNSUPPORTED
    run.simulation.sendCommand(0, Uint8Array.of(0x02, 0x01, 0x00, 0x00, 0x00)); // 1 ms: out of range
    await run.simulation.runFor(100);
    expect(run.of('command-result').map((result) => [result.origin, result.status])).toEqual([
      [0, 5],
      [0, 6],
      [0, 5],
    ]);
  });
});
