import { describe, expect, it } from 'vitest';
import { appImageFromBytes } from '../../host/sim/app-image.ts';
import { parseScenario } from '../../host/sim/scenario.ts';
import { Simulation } from '../../host/sim/simulation.ts';
import { appBytes } from '../support/apps.ts';
import { readFile } from 'node:fs/promises';

async function traceBytes(seed: number): Promise<Buffer> {
  const app = await appImageFromBytes(await appBytes('sensor-node'), 'sensor-node');
  const scenario = parseScenario(JSON.parse(await readFile(new URL('../../host/sim/scenarios/demo.json', import.meta.url), 'utf8')));
  const frames: Buffer[] = [];
  const simulation = new Simulation({
    app,
    scenario,
    deviceCount: 3,
    seed,
    idPrefix: 'sim',
    onFrame: (index, frame) => frames.push(Buffer.from([index]), Buffer.from(frame)),
  });
  await simulation.runFor(90_000);
  return Buffer.concat(frames);
}

describe('the virtual clock is deterministic', () => {
  it('gives the same link bytes for the same app, scenario and seed', async () => {
    const [first, second] = [await traceBytes(7), await traceBytes(7)];
    expect(first.length).toBeGreaterThan(10_000);
    expect(first.equals(second)).toBe(true);
  });

  it('gives other noise for another seed', async () => {
    expect((await traceBytes(7)).equals(await traceBytes(8))).toBe(false);
  });
});
