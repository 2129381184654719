/**
 * Trap and runaway recovery on QEMU (docs/hal-abi.md §7; docs/firmware.md, "Runaway apps"): the firmware
 * reports what happened over the link, starts the app again from fresh memory after the simulator's back-off,
 * and keeps running. Commands reach the device at whatever device time it has then, so the checks are relative.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FirmwareBuild } from '../../host/firmware/build.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { ENGINES } from '../../host/firmware/engines.ts';
import { defaultScenario } from '../../host/sim/scenario.ts';
import { firmwareFixture, sharedFixture } from './support/fixtures.ts';
import { buildForTest, runOnQemu, startOnQemu } from './support/firmware-run.ts';

// docs/link-protocol.md §4.1, §4.6, §4.7 and hal-abi.md §3, restated.
const HELLO_BOOT = 0;
const HELLO_APP_RESTART = 1;
const ORIGIN_APP = 0;
const EVENT_TRAP = 1;
const EVENT_RUNAWAY = 4;
const TRAP_ABORT = 1;
const TRAP_UNREACHABLE = 2;
const TRAP_CALL_STACK_EXHAUSTED = 4;
const OK = 0;
/** docs/link-protocol.md §4.7: RUNAWAY code 1, the time budget ended the call. */
const RUNAWAY_TIME_BUDGET = 1;

type Of<T extends LinkMessage['type']> = Extract<LinkMessage, { type: T }>;
const ofType = <T extends LinkMessage['type']>(messages: LinkMessage[], type: T) =>
  messages.filter((message): message is Of<T> => message.type === type);

/** Runs the firmware until `afterMs` of device time, sends `opcode`, and runs `thenMs` more. */
async function commandAndWatch(build: FirmwareBuild, opcode: number, afterMs = 2000, thenMs = 3500) {
  const { session, messages } = await startOnQemu(build, defaultScenario());
  try {
    await session.until(() => session.deviceTimeMs >= afterMs, 30_000);
    const commandId = session.sendCommand(Uint8Array.of(opcode));
    const sentAtMs = session.deviceTimeMs;
    await session.until(() => session.deviceTimeMs >= sentAtMs + thenMs, 30_000);
    return { messages, commandId };
  } finally {
    await session.stop();
  }
}

describe.each(ENGINES)('recovery on QEMU (%s)', { timeout: 120_000 }, (engine) => {
  let trapApp: FirmwareBuild;
  let initTrapApp: FirmwareBuild;
  let runawayApp: FirmwareBuild;
  let stackProbe: FirmwareBuild;

  beforeAll(async () => {
    [trapApp, initTrapApp, runawayApp, stackProbe] = await Promise.all([
      buildForTest('recovery', sharedFixture('trap-app'), 'netduinoplus2', undefined, engine),
      buildForTest('recovery', sharedFixture('init-trap-app'), 'netduinoplus2', undefined, engine),
      buildForTest('recovery', await firmwareFixture('runaway-app'), 'netduinoplus2', undefined, engine),
      buildForTest('recovery', await firmwareFixture('stack-probe'), 'netduinoplus2', undefined, engine),
    ]);
  }, 120_000);

  it('reports a trap, restarts the app 1 s later from fresh memory, and keeps running', async () => {
    const { messages, commandId } = await commandAndWatch(trapApp, 0x82);
    expect(ofType(messages, 'command-result')).toEqual([
      { type: 'command-result', commandId, origin: ORIGIN_APP, status: OK, cached: false, payload: new Uint8Array() },
    ]);
    const [trap, ...more] = ofType(messages, 'event');
    expect(more).toEqual([]);
    expect(trap).toMatchObject({ kind: EVENT_TRAP, code: TRAP_UNREACHABLE, message: 'unreachable' });
    expect(ofType(messages, 'hello').map((hello) => hello.helloReason)).toEqual([HELLO_BOOT, HELLO_APP_RESTART]);
    const data = ofType(messages, 'data');
    const restartAt = data.findIndex((row) => row.timeMs > trap!.timeMs);
    // The trapping tick reported before it trapped, stamped with its start; the new instance counts from 1.
    expect(data[restartAt - 1]!.timeMs).toBe(trap!.timeMs);
    expect(data[restartAt]).toMatchObject({ timeMs: trap!.timeMs + 1000, values: [{ id: 1, value: 1 }] });
    const counts = data.slice(restartAt).map((row) => row.values[0]!.value);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual(counts.map((_, index) => index + 1));
  });

  it("reports abort's message and location", async () => {
    const { messages } = await commandAndWatch(trapApp, 0x81, 500, 500);
    expect(ofType(messages, 'event')[0]).toMatchObject({
      kind: EVENT_TRAP,
      code: TRAP_ABORT,
      message: 'sensor table corrupt',
      file: 'trap-app.ts',
      line: 42,
      column: 7,
    });
  });

  it('stops a recursion at the app\'s stack budget, a trap like any other, and keeps running', async () => {
    const { messages } = await commandAndWatch(stackProbe, 0x93, 500, 2500);
    const [trap] = ofType(messages, 'event');
    expect(trap).toMatchObject({ kind: EVENT_TRAP, code: TRAP_CALL_STACK_EXHAUSTED, message: 'call stack exhausted' });
    const counts = ofType(messages, 'data')
      .filter((row) => row.timeMs > trap!.timeMs)
      .map((row) => row.values[0]!.value);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual(counts.map((_, index) => index + 1));
  });

  it('backs off the restarts of an app that traps in init: 1, 2, 4, 8, 16 s', async () => {
    const messages = await runOnQemu(initTrapApp, { scenario: defaultScenario(), seed: 1, durationMs: 40_000 });
    expect(ofType(messages, 'event').map((event) => event.timeMs)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000]);
    // docs/link-protocol.md §7.1: a HELLO at every start, backing off with no metrics when init trapped.
    const hellos = ofType(messages, 'hello');
    expect(hellos.map((hello) => [hello.helloReason, hello.uptimeMs, hello.appState, hello.metricCount])).toEqual([
      [HELLO_BOOT, 0, 1, 0],
      ...[1000, 3000, 7000, 15_000, 31_000].map((uptimeMs) => [HELLO_APP_RESTART, uptimeMs, 1, 0]),
    ]);
  });

  it.each([
    ['91', 'a tick that spins'],
    ['92', 'a tick that calls delay_us for ever'],
  ])('stops a runaway app (command 0x%s: %s) with its time budget and restarts it', async (opcode) => {
    const { messages } = await commandAndWatch(runawayApp, Number.parseInt(opcode, 16), 2000, 4000);
    const [runaway, ...more] = ofType(messages, 'event');
    expect(more).toEqual([]);
    expect(runaway).toMatchObject({
      kind: EVENT_RUNAWAY,
      code: RUNAWAY_TIME_BUDGET,
      message: "the app's tick ran past its 1000 ms time budget",
    });
    expect(ofType(messages, 'hello').map((hello) => hello.helloReason)).toEqual([HELLO_BOOT, HELLO_APP_RESTART]);
    const after = ofType(messages, 'data').filter((row) => row.timeMs > runaway!.timeMs);
    expect(after[0]).toMatchObject({ timeMs: runaway!.timeMs + 1000, values: [{ id: 1, value: 1 }] });
    expect(after.length).toBeGreaterThanOrEqual(2);
  });
});
