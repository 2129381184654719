import { describe, expect, it } from 'vitest';
import type { AppImage } from '../../host/sim/app-image.ts';
import { sensorNode, simulate } from '../support/sim-run.ts';

const FAULT_FROM_MS = 5000;
const FAULT_TO_MS = 10_000;
const RUN_MS = 15_000;

async function runWithFault(app: AppImage, fault: object) {
  const run = simulate(app, { faults: [{ fromS: FAULT_FROM_MS / 1000, toS: FAULT_TO_MS / 1000, ...fault }] });
  await run.simulation.runFor(RUN_MS);
  const rows = run.data();
  const inWindow = rows.filter((row) => row.timeMs >= FAULT_FROM_MS && row.timeMs < FAULT_TO_MS);
  const outside = rows.filter((row) => row.timeMs < FAULT_FROM_MS || row.timeMs >= FAULT_TO_MS);
  const warnings = run.of('log').filter((log) => log.level === 1).map((log) => log.text);
  return { run, rows, inWindow, outside, warnings };
}

describe('every fault kind reaches the app as the status a real bus would give', async () => {
  const app = await sensorNode();

  it('nack: the TMP102 vanishes for the window, the others keep reporting', async () => {
    const { inWindow, outside, warnings } = await runWithFault(app, { kind: 'nack', address: '0x48' });
    expect(inWindow).toHaveLength(5);
    for (const row of inWindow) {
      expect(row.values).not.toHaveProperty(['tmp102.temperature']);
      expect(row.values).toHaveProperty(['sht31.temperature']);
    }
    for (const row of outside) expect(row.values).toHaveProperty(['tmp102.temperature']);
    expect(warnings.some((text) => text.includes('tmp102') && text.includes('nack-address'))).toBe(true);
  });

  it.each([
    ['bus-stuck', 'timeout'],
    ['bus-error', 'bus-error'],
  ])('%s: no sensor reports during the window, all come back after it', async (kind, statusName) => {
    const { inWindow, outside, warnings } = await runWithFault(app, { kind });
    for (const row of inWindow) expect(row.values).toEqual({});
    expect(outside.length).toBeGreaterThan(8);
    for (const row of outside) expect(Object.keys(row.values)).toHaveLength(13);
    expect(warnings.filter((text) => text.includes(statusName)).length).toBeGreaterThanOrEqual(4);
  });

  it('crc-corruption: SHT31 readings are refused, never reported with a bad CRC', async () => {
    const { inWindow, outside, warnings } = await runWithFault(app, { kind: 'crc-corruption', address: '0x44' });
    for (const row of inWindow) {
      expect(row.values).not.toHaveProperty(['sht31.temperature']);
      expect(row.values).not.toHaveProperty(['sht31.humidity']);
      expect(row.values).toHaveProperty(['tmp102.temperature']);
    }
    for (const row of outside) expect(row.values).toHaveProperty(['sht31.humidity']);
    expect(warnings.some((text) => text.includes('sht31') && /crc/i.test(text))).toBe(true);
  });

  it('out-of-range: chips saturate at the ends of their ranges as their datasheets say', async () => {
    const hot = await runWithFault(app, { kind: 'out-of-range', quantity: 'temperatureC', value: 200 });
    // A sample taken well inside the window (conversions near its start may still hold the old value).
    const row = hot.inWindow.at(-1)!;
    expect(row.values['tmp102.temperature']).toBe(127.9375); // TMP102 12-bit format: 0x7FF
    expect(row.values['sht31.temperature']).toBe(130); // SHT3x: −45 + 175 · 65535/65535
    const dry = await runWithFault(app, { kind: 'out-of-range', quantity: 'relativeHumidityPct', value: -20 });
    expect(dry.inWindow.at(-1)!.values['sht31.humidity']).toBe(0);
    expect(dry.inWindow.at(-1)!.values['bme280.humidity']).toBe(0);
  });

  it('unplug: the BME280 disappears, then powers on afresh and is re-initialised', async () => {
    const { run, inWindow, rows, warnings } = await runWithFault(app, { kind: 'unplug', address: '0x76' });
    for (const row of inWindow) expect(row.values).not.toHaveProperty(['bme280.pressure']);
    const after = rows.filter((row) => row.timeMs >= FAULT_TO_MS + 1000);
    expect(after.length).toBeGreaterThan(2);
    for (const row of after) expect(row.values['bme280.pressure']).toBeCloseTo(101_325, -2);
    expect(warnings.some((text) => text.includes('bme280'))).toBe(true);
    expect(run.of('log').some((log) => log.text.includes('bme280') && log.text.includes('recovered'))).toBe(true);
  });

  it('stuck: the MPU-6050 repeats its readings for the window, the others keep moving', async () => {
    const { inWindow, outside } = await runWithFault(app, { kind: 'stuck', address: '0x68' });
    const stuckNames = ['mpu6050.accel_x', 'mpu6050.accel_z', 'mpu6050.gyro_y', 'mpu6050.temperature'];
    // The first sample in the window may come from a conversion made before it.
    for (const name of stuckNames) expect(new Set(inWindow.slice(1).map((row) => row.values[name])).size).toBe(1);
    expect(new Set(inWindow.map((row) => row.values['bme280.pressure'])).size).toBeGreaterThan(2);
    expect(new Set(outside.map((row) => row.values['mpu6050.accel_x'])).size).toBeGreaterThan(5);
  });

  it('calibration-drift: the TMP102 alone reads off by perS·(t − fromS), and is right again after the window', async () => {
    const { inWindow, rows } = await runWithFault(app, { kind: 'calibration-drift', address: '0x48', quantity: 'temperatureC', perS: 0.5 });
    const offset = (row: { values: Record<string, number> }) => row.values['tmp102.temperature']! - row.values['sht31.temperature']!;
    const last = inWindow.at(-1)!;
    expect(offset(last)).toBeCloseTo(0.5 * (last.timeMs - FAULT_FROM_MS) / 1000, 0);
    expect(Math.abs(offset(rows.at(-1)!))).toBeLessThan(0.3);
  });

  it('erratic: SHT31 humidity scatters by the given spread, the BME280 beside it does not', async () => {
    const { inWindow } = await runWithFault(app, { kind: 'erratic', address: '0x44', quantity: 'relativeHumidityPct', stddev: 10 });
    const gaps = inWindow.map((row) => Math.abs(row.values['sht31.humidity']! - row.values['bme280.humidity']!));
    expect(Math.max(...gaps)).toBeGreaterThan(5);
    expect(inWindow.every((row) => Math.abs(row.values['bme280.humidity']! - 45) < 5)).toBe(true);
  });

  it('shows the error pattern on the LED (200 ms blink) only while a sensor fails', async () => {
    const { run } = await runWithFault(app, { kind: 'unplug', address: '0x76' });
    const edges = run.simulation.devices[0]!.board.gpio.history.filter((change) => change.pin === 0);
    const edgeTimesMs = edges.map((change) => change.timeUs / 1000);
    expect(edgeTimesMs.length).toBeGreaterThan(30);
    expect(Math.min(...edgeTimesMs)).toBeGreaterThanOrEqual(FAULT_FROM_MS);
    expect(Math.max(...edgeTimesMs)).toBeLessThanOrEqual(FAULT_TO_MS + 1000);
    const gaps = edgeTimesMs.slice(1).map((time, i) => time - edgeTimesMs[i]!);
    expect(gaps.filter((gap) => gap !== 100).length).toBeLessThanOrEqual(2);
  });
});
