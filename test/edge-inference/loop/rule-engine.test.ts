/**
 * The rules on scripted score sequences (edge-inference/loop/rule-engine.ts): the LED commands a rule sends and the
 * alarm it keeps, with the real alarm book on a SQLite file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../../edge-inference/loop/alarm.ts';
import { AlarmBook } from '../../../edge-inference/loop/alarm-book.ts';
import { actionCommand } from '../../../edge-inference/loop/rule-actions.ts';
import { RuleEngine } from '../../../edge-inference/loop/rule-engine.ts';
import { parseRules, type Rule, type RuleAction } from '../../../edge-inference/loop/rules.ts';
import { SqliteAlarmStore } from '../../../edge-inference/loop/sqlite-alarm-store.ts';

const T0_MS = Date.parse('2026-12-04T08:00:00.000Z');
const THRESHOLD = 3.2;

/** The default rule for a score model with threshold 3.2 above which a window is anomalous. */
function defaultRule(overrides: Partial<Rule> = {}): Rule {
  const [entry] = parseRules({ rules: [{ model: 'detector' }] }).rules;
  return {
    name: 'detector',
    model: 'detector',
    devices: undefined,
    threshold: { value: THRESHOLD, anomalousWhen: 'above' },
    openAfterWindows: entry!.openAfterWindows,
    clearAfterNormalMs: entry!.clearAfterNormalS * 1000,
    onOpen: entry!.onOpen,
    onClear: entry!.onClear,
    ...overrides,
  };
}

let scratch: string;
let store: SqliteAlarmStore;
beforeEach(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wasmote-rules-'));
  store = new SqliteAlarmStore(path.join(scratch, 'alarms.sqlite'));
});
afterEach(async () => {
  store.close();
  await rm(scratch, { recursive: true, force: true });
});

function setUp(rules: Rule[], led: Alarm['ledBefore'] = null) {
  const book = new AlarmBook({ edgeId: 'lab', store, publish: async () => {}, retention: { maxCount: 10, maxAgeMs: 3600_000 }, wallClockMs: () => T0_MS, log: () => {} });
  const commands: { alarm: string; device: string; command: string; payload: Record<string, unknown> }[] = [];
  const engine = new RuleEngine({
    rules,
    book,
    ledOf: () => led,
    runActions: (alarm: Alarm, actions: readonly RuleAction[]) => {
      for (const action of actions) commands.push({ alarm: alarm.id, device: alarm.device, ...actionCommand(action, alarm.ledBefore) });
    },
  });
  /** One window a second per score, from T0. */
  const feed = (device: string, scores: number[], startS = 0) =>
    scores.forEach((score, index) => engine.observe({ device, model: 'detector', score, anomalous: score > THRESHOLD, atMs: T0_MS + (startS + index) * 1000 }));
  return { book, commands, feed, engine };
}

describe('rules', () => {
  it('blink on the third anomalous window, restore the LED after 30 s normal, with the peak kept', () => {
    const { book, commands, feed } = setUp([defaultRule()], { mode: 'blink', periodMs: 500 });
    feed('d1', [1, 1, 5, 9, 40, 12, 4, ...Array<number>(40).fill(1)]);
    expect(commands).toEqual([
      { alarm: '1', device: 'd1', command: 'led', payload: { mode: 'blink', periodMs: 200 } },
      { alarm: '1', device: 'd1', command: 'led', payload: { mode: 'blink', periodMs: 500 } },
    ]);
    expect(book.list()).toEqual([
      expect.objectContaining({
        device: 'd1',
        state: 'cleared',
        openedAt: '2026-12-04T08:00:04.000Z',
        peakScore: 40,
        peakAt: '2026-12-04T08:00:04.000Z',
        clearedAt: '2026-12-04T08:00:37.000Z',
        ledBefore: { mode: 'blink', periodMs: 500 },
      }),
    ]);
  });

  it('does not toggle the LED on a borderline score: one blink while it hovers, no restore until it settles', () => {
    const { book, commands, feed } = setUp([defaultRule()]);
    // 10 minutes of a score wobbling about the threshold every second, after an anomaly that opened the alarm.
    const hovering = Array.from({ length: 600 }, (_, index) => THRESHOLD + (index % 2 === 0 ? 0.05 : -0.05));
    feed('d1', [8, 8, 8, ...hovering]);
    expect(commands.map((command) => command.payload)).toEqual([{ mode: 'blink', periodMs: 200 }]);
    expect(book.list().map((alarm) => alarm.state)).toEqual(['open']);
    feed('d1', Array<number>(31).fill(1), 603);
    expect(commands.map((command) => command.payload)).toEqual([{ mode: 'blink', periodMs: 200 }, { mode: 'off' }]);
  });

  it('keeps as peak the most anomalous window of those that opened the alarm', () => {
    const { book, feed } = setUp([defaultRule()]);
    feed('d1', [50, 9, 5]);
    expect(book.list()[0]).toMatchObject({ openedAt: '2026-12-04T08:00:02.000Z', peakScore: 50, peakAt: '2026-12-04T08:00:00.000Z' });
  });

  it('never opens on a borderline score alone', () => {
    const { book, commands, feed } = setUp([defaultRule()]);
    feed('d1', Array.from({ length: 600 }, (_, index) => THRESHOLD + (index % 2 === 0 ? 0.05 : -0.05)));
    expect(commands).toEqual([]);
    expect(book.list()).toEqual([]);
  });

  it("uses a rule's own threshold and devices, and keeps one alarm per rule and device", () => {
    const strict = defaultRule({ name: 'strict', threshold: { value: 20, anomalousWhen: 'above' }, devices: ['d1', 'd2'], onOpen: [{ command: 'interval', payload: { ms: 100 } }], onClear: [] });
    const { book, commands, feed } = setUp([defaultRule(), strict]);
    feed('d1', [10, 10, 10, 10]);
    feed('d2', [30, 30, 30]);
    feed('d3', [30, 30, 30]);
    expect(commands.map(({ device, command }) => `${device} ${command}`)).toEqual(['d1 led', 'd2 led', 'd2 interval', 'd3 led']);
    expect(book.list().map(({ device, rule }) => `${device} ${rule}`)).toEqual(['d1 detector', 'd2 detector', 'd2 strict', 'd3 detector']);
  });

  it('at a start, clears alarms whose model is not loaded or whose rule is gone or no longer covers the device', () => {
    const first = setUp([defaultRule(), defaultRule({ name: 'strict' }), defaultRule({ name: 'narrow' })]);
    first.feed('d1', [9, 9, 9]);
    first.feed('d2', [9, 9, 9]);
    const orphan = first.book.open({ device: 'd3', rule: 'bearing', model: 'bearing', atMs: T0_MS, peak: { score: 1, atMs: T0_MS }, ledBefore: null });
    // Restarted without the rule 'strict', with 'narrow' on d2 alone, and without the model 'bearing'.
    const second = setUp([defaultRule(), defaultRule({ name: 'narrow', devices: ['d2'] })]);
    second.engine.endOrphans(new Set(['detector']), T0_MS + 60_000);
    const reasons = second.book.list().map(({ device, rule, state, clearReason }) => `${device} ${rule} ${state} ${clearReason}`);
    expect(reasons).toEqual([
      'd1 detector open null',
      'd1 strict cleared rule-removed',
      'd1 narrow cleared rule-removed',
      'd2 detector open null',
      'd2 strict cleared rule-removed',
      'd2 narrow open null',
      'd3 bearing cleared model-unloaded',
    ]);
    expect(second.book.list().find((alarm) => alarm.id === orphan.id)!.clearedAt).toBe('2026-12-04T08:01:00.000Z');
    // No commands: the rule or model that would say which is gone.
    expect(second.commands).toEqual([]);
  });
});
