/**
 * The differential test (docs/firmware.md, "Firmware in the loop"; docs/link-protocol.md §7): the same app, scenario,
 * seed and commands, once as firmware on QEMU's Cortex-M4 against the host's virtual chips and once in the pure
 * simulator, send the same messages in the same order — every HELLO, METRIC, DATA, LOG, EVENT, HEARTBEAT and
 * COMMAND_RESULT, value for value and millisecond for millisecond. Commands reach both at the same device time
 * (the firmware's clock gate holds its sleeps for them). Only the device's name for itself (device_id,
 * firmware_version, board, capabilities) and the sessions it draws differ, and the sessions change at the same
 * messages in both. Both engines are held to it: the app translated by wasm2c and the app run by the interpreter
 * (issue 14). The simulator has no time budget and V8 its own stack depth, so the runaway app and the stack probe
 * are held to the same trace on QEMU under both engines instead.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FirmwareBuild } from '../../host/firmware/build.ts';
import { ENGINES } from '../../host/firmware/engines.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { defaultScenario, loadScenario } from '../../host/sim/scenario.ts';
import { appPath } from '../support/apps.ts';
import { firmwareFixture, sharedFixture } from './support/fixtures.ts';
import { buildForTest, comparableTrace, runInSimulator, runOnQemu, type TimedCommand } from './support/firmware-run.ts';

const SEED = 7;

// docs/link-protocol.md §4.1, §4.5.1, §4.6, §4.7, restated.
const HELLO_BOOT = 0;
const HELLO_APP_RESTART = 1;
const HELLO_REQUESTED = 2;
const BOOT_REBOOT = 3;
const ORIGIN_APP = 0;
const ORIGIN_RUNNER = 1;
const RUNNER = { OK: 0, QUEUE_FULL: 1, APP_NOT_RUNNING: 2, APP_TRAPPED: 3, STATUS_OUT_OF_RANGE: 4 };
const EVENT_TRAP = 1;
const EVENT_REBOOT = 3;
const EVENT_RUNAWAY = 4;
const RUNAWAY_TIME_BUDGET = 1;
const PING = 0x70;
const HELLO = 0x71;
const REBOOT = 0x72;
// test/fixtures/apps/misbehaving-app.ts
const BURST = 0x80;
const BAD_UTF8 = 0x81;
const LONG_ABORT = 0x82;
const STATUS_300 = 0x83;
const STATUS_NEGATIVE = 0x84;
const REPORT_IN_COMMAND = 0x85;
const COUNT = 0x86;
const TRAP = 0x87;
// test/firmware/fixtures/runaway-app.ts and stack-probe.ts
const SPIN = 0x91;
const SLEEP_FOREVER = 0x92;
const RECURSE = 0x93;
const TRAP_CALL_STACK_EXHAUSTED = 4;

type Of<T extends LinkMessage['type']> = Extract<LinkMessage, { type: T }>;
const ofType = <T extends LinkMessage['type']>(messages: LinkMessage[], type: T) =>
  messages.filter((message): message is Of<T> => message.type === type);
const command = (atMs: number, commandId: number, ...payload: number[]): TimedCommand => ({
  atMs,
  commandId,
  payload: Uint8Array.from(payload),
});

/** Runs both, expects the same trace, and returns the simulator's (raw, for the test's own checks). */
async function expectSameTrace(
  wasmPath: string,
  build: FirmwareBuild,
  durationMs: number,
  { scenarioPath, commands }: { scenarioPath?: string; commands?: TimedCommand[] } = {},
): Promise<LinkMessage[]> {
  const scenario = scenarioPath === undefined ? defaultScenario() : await loadScenario(scenarioPath);
  const options = { scenario, seed: SEED, durationMs, commands };
  const [simulated, firmware] = await Promise.all([runInSimulator(wasmPath, options), runOnQemu(build, options)]);
  expect(comparableTrace(firmware)).toEqual(comparableTrace(simulated));
  return simulated;
}

describe.each(ENGINES)('firmware on QEMU (%s) and the simulator, same app, scenario, seed and commands', { timeout: 180_000 }, (engine) => {
  const sensorNode = appPath('sensor-node');
  const misbehaving = sharedFixture('misbehaving-app');
  const initTrap = sharedFixture('init-trap-app');
  let trapApp: string;
  const builds = new Map<string, FirmwareBuild>();

  beforeAll(async () => {
    trapApp = await firmwareFixture('scheduled-trap');
    const apps = [sensorNode, misbehaving, initTrap, trapApp];
    const built = await Promise.all(apps.map((app) => buildForTest('differential', app, 'netduinoplus2', SEED, engine)));
    apps.forEach((app, index) => builds.set(app, built[index]!));
  }, 180_000);

  it('send the same trace in a quiet office, heartbeats included: sensor-node, default scenario', async () => {
    const trace = await expectSameTrace(sensorNode, builds.get(sensorNode)!, 15_000);
    expect(trace[0]).toMatchObject({ type: 'hello', helloReason: HELLO_BOOT, appName: 'sensor-node.release' });
    expect(ofType(trace, 'log')[0]).toMatchObject({ text: 'sensor-node: found tmp102 sht31 bme280 mpu6050' });
    expect(ofType(trace, 'heartbeat').map((beat) => beat.uptimeMs)).toEqual([5000, 10_000, 15_000]);
    expect(ofType(trace, 'data').length).toBeGreaterThanOrEqual(15);
  });

  it('send the same trace through bus faults: CRC corruption, NACK, unplug, bus error, stuck bus', async () => {
    const trace = await expectSameTrace(sensorNode, builds.get(sensorNode)!, 9_000, {
      scenarioPath: 'test/firmware/scenarios/faults.json',
    });
    expect(ofType(trace, 'log').filter((log) => log.level === 1).length).toBeGreaterThanOrEqual(4);
  });

  it('re-send HELLO and the METRICs on request, and answer a PING', async () => {
    const trace = await expectSameTrace(sensorNode, builds.get(sensorNode)!, 4_000, {
      commands: [command(2_000, 1, HELLO), command(2_500, 2, PING)],
    });
    const hellos = ofType(trace, 'hello');
    expect(hellos.map((hello) => hello.helloReason)).toEqual([HELLO_BOOT, HELLO_REQUESTED]);
    expect(hellos[1]).toMatchObject({ uptimeMs: 2_000, session: hellos[0]!.session });
    const at = trace.indexOf(hellos[1]!);
    expect(trace[at - 1]).toMatchObject({ type: 'command-result', commandId: 1, origin: ORIGIN_RUNNER, status: RUNNER.OK });
    expect(trace.slice(at + 1, at + 1 + hellos[1]!.metricCount).every((message) => message.type === 'metric')).toBe(true);
  });

  it('send the same trace through traps and restarts', async () => {
    const trace = await expectSameTrace(trapApp, builds.get(trapApp)!, 12_000);
    expect(ofType(trace, 'event').map((event) => event.timeMs)).toEqual([2000, 5000, 8000, 11_000]);
  });

  it('answer a repeated command from the store, and a full queue with QUEUE_FULL', async () => {
    const pings = [1, 2, 3, 4, 5, 6].map((id) => command(1_500, 100 + id, PING));
    const trace = await expectSameTrace(misbehaving, builds.get(misbehaving)!, 3_000, {
      commands: [command(500, 40, COUNT), command(600, 40, COUNT), command(700, 41, COUNT), ...pings],
    });
    const results = ofType(trace, 'command-result').map(({ commandId, cached, origin, status }) => [commandId, cached, origin, status]);
    expect(results.slice(0, 3)).toEqual([
      [40, false, ORIGIN_APP, 0],
      [40, true, ORIGIN_APP, 0],
      [41, false, ORIGIN_APP, 0],
    ]);
    expect(results.slice(3, 5)).toEqual([
      [105, false, ORIGIN_RUNNER, RUNNER.QUEUE_FULL],
      [106, false, ORIGIN_RUNNER, RUNNER.QUEUE_FULL],
    ]);
  });

  it('treat each misbehaviour of an app alike: init logs, a burst, bad UTF-8, a long abort, statuses out of range, a report in a command, a trap in a command', async () => {
    const trace = await expectSameTrace(misbehaving, builds.get(misbehaving)!, 11_000, {
      commands: [
        command(500, 1, BURST),
        command(1_500, 2, BAD_UTF8),
        command(2_500, 3, STATUS_300),
        command(3_500, 4, STATUS_NEGATIVE),
        command(4_500, 5, REPORT_IN_COMMAND),
        command(5_500, 6, LONG_ABORT),
        command(8_500, 7, TRAP),
      ],
    });
    expect(ofType(trace, 'log').slice(0, 2).map((log) => log.text)).toEqual(['misbehaving-app: init', 'report in init: refused']);
    expect(ofType(trace, 'data').filter((data) => data.timeMs === 500).map((data) => data.values.length)).toEqual([
      24, 24, 24, 24, 24, 24, 24, 24, 9,
    ]);
    expect(ofType(trace, 'command-result').map(({ origin, status }) => [origin, status])).toEqual([
      [ORIGIN_APP, 0],
      [ORIGIN_APP, 0],
      [ORIGIN_RUNNER, RUNNER.STATUS_OUT_OF_RANGE],
      [ORIGIN_RUNNER, RUNNER.STATUS_OUT_OF_RANGE],
      [ORIGIN_APP, 5],
      [ORIGIN_RUNNER, RUNNER.APP_TRAPPED],
      [ORIGIN_RUNNER, RUNNER.APP_TRAPPED],
    ]);
    expect(ofType(trace, 'event').map(({ kind, timeMs }) => [kind, timeMs])).toEqual([
      [EVENT_TRAP, 5_500],
      [EVENT_TRAP, 8_500],
    ]);
    expect(ofType(trace, 'hello').map((hello) => hello.helloReason)).toEqual([HELLO_BOOT, HELLO_APP_RESTART, HELLO_APP_RESTART]);
  });

  it('answer APP_NOT_RUNNING while the app backs off, and back off alike: init-trap-app', async () => {
    const trace = await expectSameTrace(initTrap, builds.get(initTrap)!, 16_000, {
      commands: [command(1_500, 1, 0x01, 0x01), command(1_500, 2, PING)],
    });
    const [notRunning, ping] = ofType(trace, 'command-result');
    expect(notRunning).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.APP_NOT_RUNNING });
    expect(ping).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.OK });
    expect(ofType(trace, 'hello').map((hello) => hello.uptimeMs)).toEqual([0, 1_000, 3_000, 7_000, 15_000]);
  });

  it('reboot on a REBOOT command: OK, EVENT reboot, then a new boot with a new session and the clock from 0', async () => {
    const trace = await expectSameTrace(misbehaving, builds.get(misbehaving)!, 13_000, {
      commands: [command(7_000, 3, REBOOT)],
    });
    const hellos = ofType(trace, 'hello');
    expect(hellos.map(({ bootReason, helloReason, uptimeMs }) => [bootReason, helloReason, uptimeMs])).toEqual([
      [0, HELLO_BOOT, 0],
      [BOOT_REBOOT, HELLO_BOOT, 0],
    ]);
    expect(ofType(trace, 'event')).toMatchObject([{ kind: EVENT_REBOOT, code: 0, timeMs: 7_000 }]);
    expect(new Set(ofType(trace, 'heartbeat').map((beat) => beat.session)).size).toBe(2);
  });

  it('reboot a node with chips: the host\'s board resets with the device and its chips run on', async () => {
    const trace = await expectSameTrace(sensorNode, builds.get(sensorNode)!, 8_000, {
      commands: [command(2_000, 1, 0x01, 0x01), command(3_000, 2, REBOOT)],
    });
    const hellos = ofType(trace, 'hello');
    expect(hellos.map(({ bootReason, uptimeMs }) => [bootReason, uptimeMs])).toEqual([
      [0, 38],
      [BOOT_REBOOT, 38],
    ]);
    // The LED the first boot turned on is off again after the reset, as the heartbeat of the second boot says.
    expect(ofType(trace, 'heartbeat').map(({ uptimeMs, ledLevel }) => [uptimeMs, ledLevel])).toEqual([[5000, 0]]);
  });
});

describe('the interpreter on QEMU and wasm2c on QEMU, where the simulator has no counterpart', { timeout: 180_000 }, () => {
  const apps = ['runaway-app', 'stack-probe'];
  const builds = new Map<string, FirmwareBuild>();

  beforeAll(async () => {
    for (const name of apps) {
      const app = await firmwareFixture(name);
      for (const engine of ENGINES) builds.set(`${name} ${engine}`, await buildForTest('differential', app, 'netduinoplus2', SEED, engine));
    }
  }, 180_000);

  /**
   * Where the time budget ends a call depends on how many instructions the engine ran by then, so what follows a
   * runaway may come a millisecond apart (`timeTolerance`); the messages, their order and values may not differ.
   */
  async function expectSameOnBothEngines(name: string, commands: TimedCommand[], durationMs: number, timeToleranceMs = 0) {
    const options = { scenario: defaultScenario(), seed: SEED, durationMs, commands };
    const [translated, interpreted] = await Promise.all(ENGINES.map((engine) => runOnQemu(builds.get(`${name} ${engine}`)!, options)));
    const times = (trace: LinkMessage[]) => trace.map((message) => ('timeMs' in message ? message.timeMs : 'uptimeMs' in message ? message.uptimeMs : 0));
    const untimed = (trace: LinkMessage[]) => comparableTrace(trace).map((message) => ({ ...message, timeMs: 0, uptimeMs: 0 }));
    expect(untimed(interpreted!)).toEqual(untimed(translated!));
    const translatedTimes = times(translated!);
    times(interpreted!).forEach((timeMs, index) => expect(Math.abs(timeMs - translatedTimes[index]!)).toBeLessThanOrEqual(timeToleranceMs));
    return translated!;
  }

  it.each([
    [SPIN, 'a tick that spins'],
    [SLEEP_FOREVER, 'a tick that calls delay_us for ever'],
  ])('send the same trace when the time budget stops a runaway (command %s: %s)', async (opcode) => {
    const trace = await expectSameOnBothEngines('runaway-app', [command(1_500, 1, opcode)], 5_000, 1);
    expect(ofType(trace, 'event')).toMatchObject([{ kind: EVENT_RUNAWAY, code: RUNAWAY_TIME_BUDGET }]);
  });

  it('send the same trace when a recursion exhausts the stack budget', async () => {
    const trace = await expectSameOnBothEngines('stack-probe', [command(1_500, 1, RECURSE)], 4_000);
    expect(ofType(trace, 'event')).toMatchObject([{ kind: EVENT_TRAP, code: TRAP_CALL_STACK_EXHAUSTED, message: 'call stack exhausted' }]);
  });
});
