import { describe, expect, it } from 'vitest';
import { simulate, testApp } from '../support/sim-run.ts';

// docs/link-protocol.md, restated.
const TRAP_EVENT = 1;
const TRAP_UNREACHABLE = 2;
const TRAP_ABORT = 1;
const HELLO_BOOT = 0;
const HELLO_APP_RESTART = 1;
const APP_BACKING_OFF = 1;

describe('a trap inside the app', () => {
  it('is reported as an event, and the app is re-instantiated with fresh memory after 1 s', async () => {
    const run = simulate(await testApp('trap-app'));
    await run.simulation.runFor(2500);
    const commandId = run.simulation.sendCommand(0, Uint8Array.of(0x82));
    await run.simulation.runFor(3000);

    expect(run.of('command-result')).toEqual([
      { type: 'command-result', commandId, origin: 0, status: 0, cached: false, payload: new Uint8Array() },
    ]);
    const [trap] = run.of('event');
    expect(trap).toMatchObject({ kind: TRAP_EVENT, code: TRAP_UNREACHABLE, timeMs: 2500 });
    expect(run.of('hello').map((hello) => [hello.bootReason, hello.helloReason])).toEqual([
      [0, HELLO_BOOT],
      [0, HELLO_APP_RESTART],
    ]);
    // Ticks at 0, 1000, 2000, the command's tick at 2500 (which trapped), then from the restart at 3500 the count
    // starts again at 1: the memory is fresh.
    expect(run.data().map((row) => [row.timeMs, row.values.ticks])).toEqual([
      [0, 1],
      [1000, 2],
      [2000, 3],
      [2500, 4],
      [3500, 1],
      [4500, 2],
      [5500, 3],
    ]);
  });

  it("reports abort's message and location", async () => {
    const run = simulate(await testApp('trap-app'));
    await run.simulation.runFor(100);
    run.simulation.sendCommand(0, Uint8Array.of(0x81));
    await run.simulation.runFor(100);
    expect(run.of('event')[0]).toMatchObject({
      kind: TRAP_EVENT,
      code: TRAP_ABORT,
      message: 'sensor table corrupt',
      file: 'trap-app.ts',
      line: 42,
      column: 7,
    });
  });

  it('backs off restarts of an app that keeps trapping: 1, 2, 4, ... s up to 60 s', async () => {
    const run = simulate(await testApp('init-trap-app'));
    await run.simulation.runFor(300_000);
    const times = run.of('event').map((event) => event.timeMs);
    expect(times.slice(0, 9)).toEqual([0, 1000, 3000, 7000, 15_000, 31_000, 63_000, 123_000, 183_000]);
    // docs/link-protocol.md §7.1: every attempt still sends HELLO first, saying the app backs off.
    const hellos = run.of('hello');
    expect(hellos.slice(0, 9).map((hello) => [hello.uptimeMs, hello.appState, hello.metricCount])).toEqual(
      times.slice(0, 9).map((timeMs) => [timeMs, APP_BACKING_OFF, 0]),
    );
  });

  it('keeps the other devices of a fleet running', async () => {
    const run = simulate(await testApp('trap-app'), {}, 3);
    await run.simulation.runFor(500);
    run.simulation.sendCommand(1, Uint8Array.of(0x84));
    await run.simulation.runFor(2000);
    expect(run.of('event', 1)).toHaveLength(1);
    expect(run.of('event', 0)).toHaveLength(0);
    expect(run.data(0).map((row) => row.values.ticks)).toEqual([1, 2, 3]);
    expect(run.data(2).map((row) => row.values.ticks)).toEqual([1, 2, 3]);
  });
});
