import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_APPS_DIR } from '../host/build/paths.ts';
import { appImageFromBytes, type AppImage } from '../host/sim/app-image.ts';
import { defaultScenario } from '../host/sim/scenario.ts';
import { Simulation } from '../host/sim/simulation.ts';

const SINGLE_DEVICE_VIRTUAL_S = 3600;
const FLEET_DEVICES = 10_000;
const FLEET_VIRTUAL_S = 20;

/** Runs `deviceCount` sensor nodes (1 Hz reports) for `virtualS`, decoding every frame on the edge side. */
async function timeRun(app: AppImage, deviceCount: number, virtualS: number) {
  let dataMessages = 0;
  const setupStartedMs = performance.now();
  const simulation = new Simulation({
    app,
    scenario: defaultScenario(),
    deviceCount,
    seed: 1,
    onMessage: ({ message }) => {
      if (message.type === 'data') dataMessages += 1;
    },
  });
  const startedMs = performance.now();
  await simulation.runFor(virtualS * 1000);
  const wallS = (performance.now() - startedMs) / 1000;
  return { wallS, setupS: (startedMs - setupStartedMs) / 1000, dataMessages };
}

/**
 * Simulator figures (issue: foundation, "Done means"): virtual seconds per wall second for one device, and how
 * many devices reporting at 1 Hz keep up with real time.
 */
export async function benchSimulator(): Promise<Record<string, number>> {
  const wasm = await readFile(path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm'));
  const app = await appImageFromBytes(wasm, 'sensor-node.release');

  const single = await timeRun(app, 1, SINGLE_DEVICE_VIRTUAL_S);
  const fleet = await timeRun(app, FLEET_DEVICES, FLEET_VIRTUAL_S);
  const heapMiB = process.memoryUsage().rss / 2 ** 20;
  return {
    singleDeviceVirtualS: SINGLE_DEVICE_VIRTUAL_S,
    singleDeviceWallS: round(single.wallS),
    singleDeviceSpeedup: Math.round(SINGLE_DEVICE_VIRTUAL_S / single.wallS),
    fleetDevices: FLEET_DEVICES,
    fleetVirtualS: FLEET_VIRTUAL_S,
    fleetSetupS: round(fleet.setupS),
    fleetWallS: round(fleet.wallS),
    fleetDataMessagesPerS: Math.round(fleet.dataMessages / fleet.wallS),
    fleetRealTimeFactor: round(FLEET_VIRTUAL_S / fleet.wallS),
    devicesAtRealTime1Hz: Math.floor((FLEET_DEVICES * FLEET_VIRTUAL_S) / fleet.wallS),
    rssMiB: Math.round(heapMiB),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
