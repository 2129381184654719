/**
 * The differential test (docs/firmware.md, "Firmware in the loop"): the same app, scenario and seed, once as
 * firmware on QEMU's Cortex-M4 against the host's virtual chips and once in the pure simulator, send the same
 * messages — every HELLO, DATA, LOG and EVENT, value for value and millisecond for millisecond. Only the
 * firmware's name for itself differs (device_id, firmware_version).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultScenario, loadScenario } from '../../host/sim/scenario.ts';
import type { FirmwareBuild } from '../../host/firmware/build.ts';
import { appPath } from '../support/apps.ts';
import { firmwareFixture } from './support/fixtures.ts';
import { buildForTest, comparable, runInSimulator, runOnQemu } from './support/firmware-run.ts';

const SEED = 7;

async function expectSameTrace(wasmPath: string, build: FirmwareBuild, scenarioPath: string | undefined, durationMs: number) {
  const scenario = scenarioPath === undefined ? defaultScenario() : await loadScenario(scenarioPath);
  const options = { scenario, seed: SEED, durationMs };
  const [simulated, firmware] = await Promise.all([runInSimulator(wasmPath, options), runOnQemu(build, options)]);
  expect(firmware.map(comparable)).toEqual(simulated.map(comparable));
  return simulated;
}

describe('firmware on QEMU and the simulator, same app, scenario and seed', { timeout: 180_000 }, () => {
  const sensorNode = appPath('sensor-node');
  let sensorNodeBuild: FirmwareBuild;
  let trapAppPath: string;
  let trapAppBuild: FirmwareBuild;

  beforeAll(async () => {
    trapAppPath = await firmwareFixture('scheduled-trap');
    [sensorNodeBuild, trapAppBuild] = await Promise.all([
      buildForTest('differential', sensorNode, 'netduinoplus2', SEED),
      buildForTest('differential', trapAppPath, 'netduinoplus2', SEED),
    ]);
  }, 120_000);

  it('send the same trace in a quiet office: sensor-node, default scenario', async () => {
    const trace = await expectSameTrace(sensorNode, sensorNodeBuild, undefined, 10_000);
    expect(trace.filter((message) => message.type === 'data')).toHaveLength(10);
    expect(trace[0]).toMatchObject({ type: 'log', text: 'sensor-node: found tmp102 sht31 bme280 mpu6050' });
  });

  it('send the same trace through bus faults: CRC corruption, NACK, unplug, bus error, stuck bus', async () => {
    const trace = await expectSameTrace(sensorNode, sensorNodeBuild, 'test/firmware/scenarios/faults.json', 9_000);
    const warnings = trace.filter((message) => message.type === 'log' && message.level === 1);
    expect(warnings.length).toBeGreaterThanOrEqual(4);
  });

  it('send the same trace through traps and restarts', async () => {
    const trace = await expectSameTrace(trapAppPath, trapAppBuild, undefined, 12_000);
    expect(trace.filter((message) => message.type === 'event').map((event) => event.type === 'event' && event.timeMs)).toEqual([
      2000, 5000, 8000, 11_000,
    ]);
  });
});
