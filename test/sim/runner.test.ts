/**
 * The simulator's runner against docs/link-protocol.md §7: start-up order, heartbeats, the command queue and
 * result store, the runner's own commands, and one rule for each way an app misbehaves (§7.3). The same app runs on
 * QEMU in test/firmware/differential.test.ts, which holds the firmware to the same traces.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../host/link/crc32.ts';
import { LinkEncoder } from '../../host/link/encoder.ts';
import type { LinkMessage } from '../../host/link/messages.ts';
import { simulate, testApp } from '../support/sim-run.ts';

// docs/link-protocol.md, restated.
const HELLO_BOOT = 0;
const HELLO_APP_RESTART = 1;
const HELLO_REQUESTED = 2;
const BOOT_POWER_ON = 0;
const BOOT_REBOOT = 3;
const ORIGIN_APP = 0;
const ORIGIN_RUNNER = 1;
const RUNNER = { OK: 0, QUEUE_FULL: 1, APP_NOT_RUNNING: 2, APP_TRAPPED: 3, STATUS_OUT_OF_RANGE: 4, UNSUPPORTED: 5, BAD_ARGUMENT: 6 };
const HAL_BAD_ARGUMENT = 5;
const EVENT_TRAP = 1;
const EVENT_REBOOT = 3;
const TRAP_ABORT = 1;
const TRAP_UNREACHABLE = 2;
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

const types = (messages: LinkMessage[]) => messages.map((message) => message.type);
const deviceMessages = (run: ReturnType<typeof simulate>) => run.messages.map((entry) => entry.message);

describe('start-up (docs/link-protocol.md §7.1)', () => {
  it('sends HELLO first with seq 0, then the 24 METRICs, then what init logged', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(10);
    expect(run.messages[0]).toMatchObject({ seq: 0, message: { type: 'hello', helloReason: HELLO_BOOT, bootReason: BOOT_POWER_ON } });
    const hello = run.of('hello')[0]!;
    expect(hello).toMatchObject({ deviceId: 'sim-0000', board: 'sim', appName: 'misbehaving-app', bootCount: 1, metricCount: 24, uptimeMs: 0 });
    expect(hello.opcodes).toEqual([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87]);
    expect(types(deviceMessages(run)).slice(0, 28)).toEqual(['hello', ...Array(24).fill('metric'), 'log', 'log', 'data']);
    expect(run.of('metric').map((metric) => metric.name)).toEqual(Array.from({ length: 24 }, (_, id) => `m${String(id).padStart(2, '0')}`));
    // hal-abi.md §4.6: a value reported in init is refused and never sent.
    expect(run.of('log').map((log) => log.text)).toEqual(['misbehaving-app: init', 'report in init: refused']);
  });

  it('sends HELLO, then the held logs, then the EVENT when init traps, and backs off', async () => {
    const run = simulate(await testApp('init-trap-app'));
    await run.simulation.runFor(3500);
    expect(types(deviceMessages(run)).slice(0, 4)).toEqual(['hello', 'event', 'hello', 'event']);
    const [first, second] = run.of('hello');
    expect(first).toMatchObject({ helloReason: HELLO_BOOT, appState: 1, metricCount: 0 });
    expect(second).toMatchObject({ helloReason: HELLO_APP_RESTART, uptimeMs: 1000 });
  });
});

describe('heartbeats (§4.8, §7.2)', () => {
  it('go out every 5 s of uptime with the session of HELLO, running or backing off', async () => {
    const run = simulate(await testApp('init-trap-app'));
    await run.simulation.runFor(30_000);
    const hello = run.of('hello')[0]!;
    const beats = run.of('heartbeat');
    expect(beats.map((beat) => beat.uptimeMs)).toEqual([5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    expect(new Set(beats.map((beat) => beat.session))).toEqual(new Set([hello.session]));
    expect(hello.heartbeatPeriodMs).toBe(5000);
    // The init trap at 0, restarts at 1, 3, 7, 15 and 31 s: at 25 s it backs off until 31 s after 5 failures.
    expect(beats[4]).toMatchObject({ appState: 1, restartAtMs: 31_000, consecutiveFailures: 5, lastFailureKind: EVENT_TRAP, lastFailureCode: TRAP_UNREACHABLE });
  });

  it('report the LED, the brightness, the report interval and the link drops as the device sees them', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(1000);
    // A PING whose CRC's first byte is flipped: dropped by the device as `crc` (docs/link-protocol.md §6).
    const frame = new LinkEncoder({ session: 7 }).encode({ type: 'command', commandId: 1, payload: Uint8Array.of(PING) });
    frame[frame.length - 5]! ^= 0x01;
    run.simulation.devices[0]!.receive(frame, run.simulation.nowUs);
    await run.simulation.runFor(4500);
    const [beat] = run.of('heartbeat');
    expect(beat).toMatchObject({ appState: 0, restartAtMs: 0, consecutiveFailures: 0, ledMode: 255, ledLevel: 255, brightnessU16: 0 });
    expect(beat!.rxDrops).toMatchObject({ crc: 1 });
  });
});

describe('commands (§4.6, §7.4)', () => {
  it('answer a repeat from the store without running it again; a new id runs', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(500);
    const count = Uint8Array.of(COUNT);
    const first = run.simulation.sendCommandWithId(0, 40, count);
    await run.simulation.runFor(100);
    run.simulation.sendCommandWithId(0, 40, count);
    await run.simulation.runFor(100);
    run.simulation.sendCommandWithId(0, 41, count);
    await run.simulation.runFor(1000);
    expect(first).toBe(40);
    expect(run.of('command-result').map(({ commandId, cached, origin, status }) => [commandId, cached, origin, status])).toEqual([
      [40, false, ORIGIN_APP, 0],
      [40, true, ORIGIN_APP, 0],
      [41, false, ORIGIN_APP, 0],
    ]);
    // The counter went up twice, not three times.
    expect(run.data().at(-1)!.values.m00).toBe(2);
  });

  it('key the store by id and payload: the same id with other bytes runs', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(10);
    run.simulation.sendCommandWithId(0, 7, Uint8Array.of(COUNT));
    run.simulation.sendCommandWithId(0, 7, Uint8Array.of(STATUS_300));
    await run.simulation.runFor(10);
    expect(run.of('command-result').map(({ cached, status }) => [cached, status])).toEqual([
      [false, 0],
      [false, RUNNER.STATUS_OUT_OF_RANGE],
    ]);
    expect(crc32(Uint8Array.of(COUNT))).not.toBe(crc32(Uint8Array.of(STATUS_300)));
  });

  it('answer QUEUE_FULL to a fifth command arriving while four wait, and count it', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(10);
    for (let id = 1; id <= 6; id++) run.simulation.sendCommandWithId(0, id, Uint8Array.of(PING));
    await run.simulation.runFor(5000);
    const results = run.of('command-result').map(({ commandId, origin, status }) => [commandId, origin, status]);
    expect(results).toEqual([
      [5, ORIGIN_RUNNER, RUNNER.QUEUE_FULL],
      [6, ORIGIN_RUNNER, RUNNER.QUEUE_FULL],
      [1, ORIGIN_RUNNER, RUNNER.OK],
      [2, ORIGIN_RUNNER, RUNNER.OK],
      [3, ORIGIN_RUNNER, RUNNER.OK],
      [4, ORIGIN_RUNNER, RUNNER.OK],
    ]);
    expect(run.of('heartbeat')[0]).toMatchObject({ commandsDropped: 2, rxFrames: 6 });
  });

  it('answer APP_NOT_RUNNING with the restart time while the app backs off; the runner still answers', async () => {
    const run = simulate(await testApp('init-trap-app'));
    await run.simulation.runFor(1500);
    run.simulation.sendCommandWithId(0, 1, Uint8Array.of(0x01, 0x01));
    run.simulation.sendCommandWithId(0, 2, Uint8Array.of(PING));
    await run.simulation.runFor(10);
    const [notRunning, ping] = run.of('command-result');
    expect(notRunning).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.APP_NOT_RUNNING });
    expect(new DataView(notRunning!.payload.buffer, notRunning!.payload.byteOffset).getBigUint64(0, true)).toBe(3000n);
    expect(ping).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.OK, payload: new Uint8Array() });
  });

  it('re-send HELLO and its METRICs on request, marked as requested', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(2000);
    const before = run.messages.length;
    run.simulation.sendCommandWithId(0, 9, Uint8Array.of(HELLO));
    await run.simulation.runFor(1);
    const after = deviceMessages(run).slice(before);
    expect(types(after).slice(0, 26)).toEqual(['command-result', 'hello', ...Array(24).fill('metric')]);
    const [boot, requested] = run.of('hello');
    expect(requested).toMatchObject({ helloReason: HELLO_REQUESTED, session: boot!.session, uptimeMs: 2000, bootCount: 1 });
  });

  it('reboot: OK, EVENT reboot, then a new boot with seq 0, a new session, boot count 2 and the clock from 0', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(7000);
    run.simulation.sendCommandWithId(0, 3, Uint8Array.of(REBOOT));
    await run.simulation.runFor(6000);
    const rebootAt = run.messages.findIndex((entry) => entry.message.type === 'event');
    expect(run.messages[rebootAt - 1]!.message).toMatchObject({ type: 'command-result', status: RUNNER.OK, origin: ORIGIN_RUNNER });
    expect(run.messages[rebootAt]!.message).toMatchObject({ type: 'event', kind: EVENT_REBOOT, code: 0, timeMs: 7000 });
    expect(run.messages[rebootAt + 1]).toMatchObject({ seq: 0, message: { type: 'hello', bootReason: BOOT_REBOOT, helloReason: HELLO_BOOT, bootCount: 2, uptimeMs: 0 } });
    const [first, second] = run.of('hello');
    expect(second!.session).not.toBe(first!.session);
    // Heartbeats at 5 s of the first boot, then 5 s into the second.
    expect(run.of('heartbeat').map((beat) => [beat.bootCount, beat.uptimeMs])).toEqual([
      [1, 5000],
      [2, 5000],
    ]);
  });

  it('runner opcodes it lacks are UNSUPPORTED, arguments it does not take BAD_ARGUMENT', async () => {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(10);
    run.simulation.sendCommandWithId(0, 1, Uint8Array.of(0x7f));
    run.simulation.sendCommandWithId(0, 2, Uint8Array.of(PING, 0));
    await run.simulation.runFor(10);
    expect(run.of('command-result').map(({ origin, status }) => [origin, status])).toEqual([
      [ORIGIN_RUNNER, RUNNER.UNSUPPORTED],
      [ORIGIN_RUNNER, RUNNER.BAD_ARGUMENT],
    ]);
  });
});

describe('misbehaving apps: one rule in every runner (§7.3)', () => {
  async function afterCommand(opcode: number, runMs = 10) {
    const run = simulate(await testApp('misbehaving-app'));
    await run.simulation.runFor(500);
    const before = run.messages.length;
    run.simulation.sendCommandWithId(0, 1, Uint8Array.of(opcode));
    await run.simulation.runFor(runMs);
    return { run, after: deviceMessages(run).slice(before) };
  }

  it('200 values in one tick go out as 9 DATA messages of at most 24, one time stamp, in order', async () => {
    const { after } = await afterCommand(BURST);
    const data = after.filter((message) => message.type === 'data');
    expect(data.map((message) => message.values.length)).toEqual([24, 24, 24, 24, 24, 24, 24, 24, 9]);
    expect(new Set(data.map((message) => message.timeMs))).toEqual(new Set([500]));
    // The tick's own value first (counter 0), then 0..199.
    expect(data.flatMap((message) => message.values.map((value) => value.value))).toEqual([0, ...Array.from({ length: 200 }, (_, i) => i)]);
  });

  it('a log of invalid UTF-8 is repaired with U+FFFD and cut to 255 bytes at a character boundary', async () => {
    const { after } = await afterCommand(BAD_UTF8);
    const log = after.find((message) => message.type === 'log');
    expect(log).toMatchObject({ type: 'log', text: '\u{fffd}'.repeat(85) });
  });

  it("an abort's message is cut to 96 bytes; the command gets APP_TRAPPED, then the EVENT", async () => {
    const { after } = await afterCommand(LONG_ABORT);
    expect(types(after).slice(0, 2)).toEqual(['command-result', 'event']);
    expect(after[0]).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.APP_TRAPPED });
    const event = after[1] as Extract<LinkMessage, { type: 'event' }>;
    expect(event).toMatchObject({ kind: EVENT_TRAP, code: TRAP_ABORT, file: 'misbehaving-app.ts' });
    expect(event.message).toBe('this abort message is long on purpose: '.repeat(8).slice(0, 96));
  });

  it('a status above 255 or below 0 is STATUS_OUT_OF_RANGE with the status in the payload', async () => {
    for (const [opcode, status] of [
      [STATUS_300, 300],
      [STATUS_NEGATIVE, -1],
    ]) {
      const { after } = await afterCommand(opcode!);
      const result = after[0] as Extract<LinkMessage, { type: 'command-result' }>;
      expect(result).toMatchObject({ origin: ORIGIN_RUNNER, status: RUNNER.STATUS_OUT_OF_RANGE });
      expect(new DataView(result.payload.buffer, result.payload.byteOffset).getInt32(0, true)).toBe(status);
    }
  });

  it('a value reported while handling a command is refused and never sent', async () => {
    const { after } = await afterCommand(REPORT_IN_COMMAND);
    expect(after[0]).toMatchObject({ origin: ORIGIN_APP, status: HAL_BAD_ARGUMENT });
    const values = after.filter((message) => message.type === 'data').flatMap((message) => message.values);
    expect(values).toEqual([{ id: 0, value: 0 }]);
  });

  it('a trap while handling a command: APP_TRAPPED, the EVENT, and a restart marked as one', async () => {
    const { after } = await afterCommand(TRAP, 1500);
    expect(types(after).slice(0, 3)).toEqual(['command-result', 'event', 'hello']);
    expect(after[1]).toMatchObject({ kind: EVENT_TRAP, code: TRAP_UNREACHABLE, timeMs: 500 });
    expect(after[2]).toMatchObject({ helloReason: HELLO_APP_RESTART, uptimeMs: 1500 });
  });
});
