/**
 * A rule's commands through the gateway (edge-inference/loop/rule-commands.ts): one device's in the order the
 * rules gave them, each after the answer to the one before, and each answer — a timeout, a nack — on its alarm.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandAnswer, GatewayView } from '../../../host/edge/gateway/messages.ts';
import { AlarmBook } from '../../../edge-inference/loop/alarm-book.ts';
import { RuleCommands } from '../../../edge-inference/loop/rule-commands.ts';
import { SqliteAlarmStore } from '../../../edge-inference/loop/sqlite-alarm-store.ts';

const T0_MS = Date.parse('2026-12-04T08:00:00.000Z');

/** Holds every command until the test answers it. */
class HeldView implements GatewayView {
  readonly edgeId = 'lab';
  readonly edgeSession = 1;
  readonly held: { device: string; command: string; payload: Record<string, unknown>; answer(answer: CommandAnswer): void }[] = [];
  onMessage(): () => void {
    return () => {};
  }
  devices(): ReturnType<GatewayView['devices']> {
    return [];
  }
  command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer> {
    return new Promise((resolve) => this.held.push({ device, command, payload, answer: resolve }));
  }
}

const timeout = (device: string): CommandAnswer => ({ device, command: 'led', result: 'timeout', origin: 'edge', detail: 'no answer in 10000 ms' });
const nack = (device: string): CommandAnswer => ({ device, command: 'led', result: 'nack', origin: 'app', status: 'BAD_ARGUMENT', statusCode: 5, cached: false, rttMs: 9 });
const ok = (device: string): CommandAnswer => ({ device, command: 'led', result: 'ok', origin: 'app', status: 'OK', statusCode: 0, cached: false, rttMs: 3 });

let scratch: string;
let store: SqliteAlarmStore;
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-commands-'));
  store = new SqliteAlarmStore(path.join(scratch, 'alarms.sqlite'));
});
afterEach(async () => {
  store.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Lets the promise chains move on. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('rule commands', () => {
  it("send a device's commands one at a time in order, and keep each answer on its alarm", async () => {
    const view = new HeldView();
    const lines: string[] = [];
    const book = new AlarmBook({ edgeId: 'lab', store, publish: async () => {}, retention: { maxCount: 10, maxAgeMs: 3600_000 }, wallClockMs: () => T0_MS, log: () => {} });
    const commands = new RuleCommands(view, book, () => T0_MS, (line) => lines.push(line));
    const opening = { device: 'd1', model: 'detector', atMs: T0_MS, peak: { score: 9, atMs: T0_MS }, ledBefore: { mode: 'on' as const, periodMs: 0 } };
    const first = book.open({ ...opening, rule: 'a' });
    const second = book.open({ ...opening, rule: 'b' });
    commands.run(first, [{ command: 'led', payload: { mode: 'blink', periodMs: 200 } }, { command: 'interval', payload: { ms: 100 } }]);
    commands.run(second, [{ restore: 'led' }]);
    commands.run(book.open({ ...opening, device: 'd2', rule: 'a' }), [{ command: 'led', payload: { mode: 'on' } }]);
    await settle();
    // d2 does not wait for d1; d1's second command waits for the first's answer.
    expect(view.held.map(({ device, command }) => `${device} ${command}`)).toEqual(['d1 led', 'd2 led']);
    view.held[0]!.answer(timeout('d1'));
    await settle();
    expect(view.held.map(({ device, command }) => `${device} ${command}`)).toEqual(['d1 led', 'd2 led', 'd1 interval']);
    expect(book.active('d1', 'a')?.lastCommandResult).toEqual({ command: 'led', payload: { mode: 'blink', periodMs: 200 }, time: '2026-12-04T08:00:00.000Z', answer: timeout('d1') });
    view.held[2]!.answer(nack('d1'));
    await settle();
    expect(view.held[3]).toMatchObject({ device: 'd1', command: 'led', payload: { mode: 'on' } });
    view.held[3]!.answer(ok('d1'));
    view.held[1]!.answer(ok('d2'));
    await commands.settled();
    expect(book.active('d1', 'a')?.lastCommandResult?.answer).toEqual(nack('d1'));
    expect(book.active('d1', 'b')?.lastCommandResult?.answer).toEqual(ok('d1'));
    expect(lines).toContain(`alarm ${first.id} d1: led {"mode":"blink","periodMs":200} → timeout (no answer in 10000 ms)`);
    expect(lines).toContain(`alarm ${first.id} d1: interval {"ms":100} → nack app BAD_ARGUMENT`);
  });
});
