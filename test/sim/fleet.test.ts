import { describe, expect, it } from 'vitest';
import { sensorNode, simulate } from '../support/sim-run.ts';

describe('a fleet', () => {
  it('runs many devices, each with its own id, instance, seed and link', async () => {
    const run = simulate(await sensorNode(), {}, 200);
    await run.simulation.runFor(3000);
    const hellos = run.messages.filter((entry) => entry.message.type === 'hello');
    expect(new Set(hellos.map((entry) => entry.deviceId)).size).toBe(200);
    for (let index = 0; index < 200; index += 37) {
      // The first reading follows init's chip start-up waits (TMP102's first conversion, 35 ms max), then every 1000 ms.
      const times = run.data(index).map((row) => row.timeMs);
      expect(times[0]).toBeLessThan(50);
      expect(times.slice(1).map((time, i) => time - times[i]!)).toEqual([1000, 1000]);
      expect(run.simulation.linkStats(index).framesOk).toBeGreaterThanOrEqual(5);
    }
    const first = run.data(0).at(-1)!.values['sht31.humidity'];
    const second = run.data(1).at(-1)!.values['sht31.humidity'];
    expect(first).not.toBe(second);
  });

  it('applies a fault only to the devices it names', async () => {
    const run = simulate(await sensorNode(), { faults: [{ kind: 'nack', address: '0x48', fromS: 0, toS: 60, devices: [1] }] }, 3);
    await run.simulation.runFor(2000);
    expect(run.data(0).at(-1)!.values).toHaveProperty(['tmp102.temperature']);
    expect(run.data(1).at(-1)!.values).not.toHaveProperty(['tmp102.temperature']);
    expect(run.data(2).at(-1)!.values).toHaveProperty(['tmp102.temperature']);
  });
});
