/**
 * The feed's contract (docs/dashboard.md, "The feed, version 1") on the hub alone: a snapshot first, deltas
 * coalesced per flush, the watched device's full stream, bounded history, refusals that keep the connection, and a
 * page too far behind closed so that it starts again from a snapshot.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FeedHub, type FeedClient } from '../../host/dashboard/feed-hub.ts';
import type { BirthMessage, CommandAnswer, DeviceMessage, GatewayView, StatusMessage } from '../../host/edge/gateway/messages.ts';
import { until } from '../edge/gateway/support/harness.ts';

const DEVICE = 'hub-0000';
const T0 = Date.parse('2026-12-04T07:30:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const BIRTH = {
  device: DEVICE,
  edge: 'e',
  time: iso(T0),
  session: 7,
  bootCount: 1,
  bootReason: 'power-on',
  helloReason: 'boot',
  board: 'sim',
  firmware: 'wasmote-sim/2',
  link: '2.0',
  capabilities: [],
  app: { name: 'sensor-node', version: 'sensor-node@1', hash: '00', abi: '1.1', state: 'running' },
  heartbeatPeriodMs: 5000,
  offlineAfterMs: 15000,
  reportIntervalMs: 1000,
  metrics: [{ id: 0, name: 'tmp102.temperature', unit: 'Cel', kind: 'number' }],
  commands: ['led', 'interval', 'brightness', 'ping'],
} satisfies BirthMessage;

/** A gateway as the hub sees it: the devices it knows, its messages, and commands answered by `answer`. */
class ScriptedView implements GatewayView {
  readonly edgeId = 'e';
  readonly edgeSession = 42;
  readonly listeners = new Set<(message: DeviceMessage) => void>();
  readonly commands: Array<{ device: string; command: string; payload: Record<string, unknown> }> = [];
  answer: CommandAnswer = { device: DEVICE, command: 'led', result: 'ok', origin: 'app', status: 'OK', statusCode: 0, cached: false, rttMs: 3 };

  onMessage(listener: (message: DeviceMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  devices() {
    return [{ device: DEVICE, birth: BIRTH, state: { state: 'online' as const, time: iso(T0), session: 7, reason: 'seen' as const, edgeSession: 42 }, status: null, latest: { session: 6, values: { 'tmp102.temperature': { value: 99, time: iso(T0) } } } }];
  }

  async command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer> {
    this.commands.push({ device, command, payload });
    return this.answer;
  }

  emit(message: DeviceMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  data(second: number, value: number): void {
    this.emit({ device: DEVICE, kind: 'data', payload: { session: 7, seq: second, time: iso(T0 + second * 1000), uptimeMs: second * 1000, values: { 'tmp102.temperature': value } } });
  }
}

class RecordingClient implements FeedClient {
  readonly messages: Array<Record<string, any>> = [];
  bufferedAmount = 0;
  closed: { code: number; reason: string } | undefined;

  send(text: string): void {
    this.messages.push(JSON.parse(text));
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  ofType(type: string): Array<Record<string, any>> {
    return this.messages.filter((message) => message.type === type);
  }
}

let hub: FeedHub | undefined;
afterEach(() => hub?.close());

describe('the dashboard feed hub', () => {
  it('sends the snapshot first: the cards, the latest values of the current session only, no alarms without inference', () => {
    const view = new ScriptedView();
    hub = new FeedHub({ view, flushIntervalMs: 10 });
    const client = new RecordingClient();
    hub.add(client);
    expect(client.messages).toHaveLength(1);
    const [snapshot] = client.messages;
    expect(snapshot).toMatchObject({ type: 'snapshot', v: 1, edge: 'e', edgeSession: 42, alarms: null, values: {} });
    expect(snapshot!.devices).toEqual([
      expect.objectContaining({ device: DEVICE, online: true, board: 'sim', app: { name: 'sensor-node', version: 'sensor-node@1', state: 'running' }, reported: null, link: null }),
    ]);
  });

  it('starts from the anomaly states published before it, and drops one removed (§9.4)', async () => {
    const view = new ScriptedView();
    const listeners = new Set<(topic: string, payload: object | null) => void>();
    hub = new FeedHub({
      view,
      flushIntervalMs: 10,
      anomalyStates: () => [{ device: DEVICE, model: 'm', state: 'normal', since: iso(T0) }, { device: 'unknown-0000', model: 'm', state: 'anomalous', since: null }],
      edgeMessages: { listen: (listener) => (listeners.add(listener), () => listeners.delete(listener)) },
    });
    const client = new RecordingClient();
    hub.add(client);
    expect(client.messages[0]!.devices[0].anomalyState).toEqual({ m: { state: 'normal', since: iso(T0) } });
    for (const listener of listeners) listener(`wasmote/e/${DEVICE}/anomaly/m`, null);
    await until(() => client.ofType('devices').length > 0, 5000, 'a flush');
    expect(client.ofType('devices')[0]!.devices[0].anomalyState).toEqual({});
  });

  it('coalesces a flush: one values message with the newest value, every point for the page that watches', async () => {
    const view = new ScriptedView();
    hub = new FeedHub({ view, flushIntervalMs: 50 });
    const fleet = new RecordingClient();
    const watcher = new RecordingClient();
    hub.add(fleet);
    hub.add(watcher);
    await hub.receive(watcher, JSON.stringify({ type: 'watch', device: DEVICE }));
    expect(watcher.ofType('history')).toEqual([expect.objectContaining({ device: DEVICE, times: [], series: {} })]);
    for (let second = 1; second <= 5; second += 1) view.data(second, 20 + second);
    await until(() => fleet.ofType('values').length > 0 && watcher.ofType('points').length > 0, 5000, 'a flush');
    expect(fleet.ofType('values')[0]!.values).toEqual({ [DEVICE]: { 'tmp102.temperature': [T0 + 5000, 25] } });
    expect(fleet.ofType('points')).toEqual([]);
    const points = watcher.ofType('points').flatMap((message) => message.series['tmp102.temperature']);
    expect(points).toEqual([21, 22, 23, 24, 25]);
  });

  it('keeps a bounded history per device, oldest points dropped first', async () => {
    const view = new ScriptedView();
    hub = new FeedHub({ view, history: { points: 3, scores: 2, logs: 2, events: 2 } });
    for (let second = 1; second <= 5; second += 1) view.data(second, second);
    for (let line = 1; line <= 3; line += 1) view.emit({ device: DEVICE, kind: 'log', payload: { session: 7, seq: 10 + line, time: iso(T0), uptimeMs: 0, level: 'info', text: `line ${line}` } });
    const client = new RecordingClient();
    hub.add(client);
    await hub.receive(client, JSON.stringify({ type: 'watch', device: DEVICE }));
    const [history] = client.ofType('history');
    expect(history!.times).toEqual([T0 + 3000, T0 + 4000, T0 + 5000]);
    expect(history!.series).toEqual({ 'tmp102.temperature': [3, 4, 5] });
    expect(history!.logs.map((log: { text: string }) => log.text)).toEqual(['line 2', 'line 3']);
  });

  it('runs a control command through the gateway and answers with its §5.3 answer', async () => {
    const view = new ScriptedView();
    hub = new FeedHub({ view });
    const client = new RecordingClient();
    hub.add(client);
    await hub.receive(client, JSON.stringify({ type: 'command', ref: 'c1', device: DEVICE, command: 'led', payload: { mode: 'on' } }));
    expect(view.commands).toEqual([{ device: DEVICE, command: 'led', payload: { mode: 'on' } }]);
    expect(client.ofType('command-result')).toEqual([{ type: 'command-result', ref: 'c1', device: DEVICE, command: 'led', answer: view.answer }]);
  });

  it.each([
    ['not JSON', '{', 'a feed message is a JSON object'],
    ['an array', '[]', 'a feed message is a JSON object'],
    ['an unknown type', '{"type":"subscribe"}', 'unknown message type "subscribe"'],
    ['a command without ref', JSON.stringify({ type: 'command', device: DEVICE, command: 'led', payload: {} }), 'command: ref must be a string'],
    ['a command the page does not offer', JSON.stringify({ type: 'command', ref: 'r', device: DEVICE, command: 'reboot', payload: {} }), 'command: must be one of led, interval, brightness'],
    ['a payload that is not an object', JSON.stringify({ type: 'command', ref: 'r', device: DEVICE, command: 'led', payload: 'on' }), 'command: payload must be a JSON object'],
    ['an acknowledgement without inference', JSON.stringify({ type: 'alarm-ack', ref: 'r', alarm: '1' }), 'alarm-ack: this edge runs no inference'],
    ['a watch of a number', JSON.stringify({ type: 'watch', device: 5 }), 'watch: device must be a device id or null'],
  ])('refuses %s with an error and keeps the connection', async (_name, text, detail) => {
    const view = new ScriptedView();
    hub = new FeedHub({ view });
    const client = new RecordingClient();
    hub.add(client);
    await hub.receive(client, text);
    expect(client.ofType('error')).toEqual([expect.objectContaining({ detail: expect.stringContaining(detail) })]);
    expect(view.commands).toEqual([]);
    expect(client.closed).toBeUndefined();
  });

  it('closes a page that falls too far behind (1013), and forgets a forgotten device', async () => {
    const view = new ScriptedView();
    hub = new FeedHub({ view, flushIntervalMs: 10, maxBufferedBytes: 1000 });
    const slow = new RecordingClient();
    const fast = new RecordingClient();
    hub.add(slow);
    hub.add(fast);
    slow.bufferedAmount = 5000;
    view.emit({ device: DEVICE, kind: 'birth', payload: null });
    await until(() => fast.ofType('removed').length > 0, 5000, 'the removal');
    expect(fast.ofType('removed')).toEqual([{ type: 'removed', device: DEVICE }]);
    expect(slow.closed).toEqual({ code: 1013, reason: 'too far behind' });
    expect(slow.ofType('removed')).toEqual([]);
    const again = new RecordingClient();
    hub.add(again);
    expect(again.messages[0]!.devices).toEqual([]);
  });

  it('passes on status as the reported state, scores and §9.4 states as the anomaly, and alarms as they change', async () => {
    const view = new ScriptedView();
    const listeners = new Set<(topic: string, payload: object | null) => void>();
    hub = new FeedHub({ view, flushIntervalMs: 10, edgeMessages: { listen: (listener) => (listeners.add(listener), () => listeners.delete(listener)) } });
    const client = new RecordingClient();
    hub.add(client);
    const status = { session: 7, seq: 1, time: iso(T0), uptimeMs: 5000, app: { state: 'running', consecutiveFailures: 0, lastFailure: null }, led: { mode: 'on', periodMs: 0, level: 1 }, brightnessU16: 65535, reportIntervalMs: 500,
      deviceLink: { rxFrames: 1, rxDrops: {}, commandsDropped: 0 }, edgeLink: { framesOk: 2, drops: { crc: 2, cobs: 1 }, gaps: 4, duplicates: 0, reorders: 0, late: 0, resets: 0, sessionChanges: 0, lastSeen: iso(T0) } } satisfies StatusMessage;
    view.emit({ device: DEVICE, kind: 'status', payload: status });
    for (const listener of listeners) {
      listener(`wasmote/e/${DEVICE}/score`, { model: 'm', time: iso(T0), fromTime: iso(T0 - 1000), toTime: iso(T0), score: 3, threshold: 1, anomalous: true, extra: 'ignored' });
      listener('wasmote/e/$edge/alarms/9', { id: '9', device: DEVICE, state: 'open', revision: 2 });
      listener('wasmote/e/$edge/alarms/8', null);
      listener(`wasmote/e/${DEVICE}/anomaly/m`, { device: DEVICE, model: 'm', modelVersion: 'v', state: 'anomalous', since: iso(T0), alarms: ['9'] });
    }
    await until(() => client.ofType('devices').length > 0 && client.ofType('alarm-removed').length > 0, 5000, 'a flush');
    const card = client.ofType('devices').at(-1)!.devices[0];
    expect(card.reported).toEqual({ led: { mode: 'on', periodMs: 0, level: 1 }, brightnessU16: 65535, reportIntervalMs: 500, time: iso(T0) });
    expect(card.link).toEqual({ drops: 3, gaps: 4 });
    expect(card.anomaly).toEqual({ m: { model: 'm', fromMs: T0 - 1000, toMs: T0, score: 3, threshold: 1, anomalous: true } });
    expect(card.anomalyState).toEqual({ m: { state: 'anomalous', since: iso(T0) } });
    expect(client.ofType('alarm')).toEqual([{ type: 'alarm', alarm: { id: '9', device: DEVICE, state: 'open', revision: 2 } }]);
    expect(client.ofType('alarm-removed')).toEqual([{ type: 'alarm-removed', id: '8' }]);
  });
});
