import type {
  BirthMessage,
  DeviceMessage,
  DeviceStateMessage,
  GatewayView,
  StatusMessage,
} from '../edge/gateway/messages.ts';
import { DEFAULT_HISTORY_LIMITS, DeviceHistory, type HistoryLimits } from './device-history.ts';
import {
  FEED_VERSION,
  type AlarmRecord,
  type DeviceCard,
  type FeedMessage,
  type LatestValues,
  type ScorePoint,
} from './feed-messages.ts';

/**
 * The dashboard feed's state and its fan-out (docs/dashboard.md, "The feed"): it listens to the gateway's device
 * messages and to the edge's own (scores, alarms), keeps what a page needs to start from, and sends each page a
 * snapshot, then deltas at most once per flush interval: changed devices, the newest value of each metric, the
 * alarms that changed, and the full stream of the one device the page watches.
 */

/** The edge's alarms as the closed loop keeps them (edge-inference/loop, docs/mqtt.md §9.2–§9.3). */
export interface DashboardAlarms {
  list(): AlarmRecord[];
  /** Acknowledges as `alarm-ack` does (§9.3) and resolves with its answer. */
  acknowledge(alarmId: string, by: string, requestId: string): Promise<object>;
}

/** The edge's own messages as they are published: scores (§9.1) and alarms (§9.2); `null` clears a retained one. */
export type EdgeMessageListener = (topic: string, payload: object | null) => void;
export interface EdgeMessages {
  listen(listener: EdgeMessageListener): () => void;
}

/** One open page. */
export interface FeedClient {
  send(text: string): void;
  /** Bytes queued and not yet written to the socket. */
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
}

/** One device's anomaly state under one model (docs/mqtt.md §9.4). */
export interface AnomalyStateEntry {
  device: string;
  model: string;
  state: 'normal' | 'anomalous';
  since: string | null;
}

export interface FeedHubOptions {
  view: GatewayView;
  alarms?: DashboardAlarms;
  /** The anomaly states the closed loop published before the hub started; later ones come as edge messages. */
  anomalyStates?: () => AnomalyStateEntry[];
  edgeMessages?: EdgeMessages;
  /** Deltas go out at most this often (default 250 ms): a page redraws at most 4 times a second for the fleet. */
  flushIntervalMs?: number;
  history?: HistoryLimits;
  /** A page that falls this far behind is closed; it reconnects and starts again from a snapshot. */
  maxBufferedBytes?: number;
  /** Who acknowledges, in the alarm (`acknowledgedBy`). */
  acknowledgedBy?: string;
  log?: (line: string) => void;
}

/** The controls of the device view (docs/mqtt.md §5.1); other commands stay with MQTT clients. */
export const DASHBOARD_COMMANDS = ['led', 'interval', 'brightness'] as const;

/** RFC 6455 §7.4.1: 1008 policy violation, 1013 try again later. */
const CLOSE_TOO_SLOW = 1013;
const DEFAULT_FLUSH_INTERVAL_MS = 250;
const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A `ref` echoed in answers: the page's own id for a request. */
const MAX_REF_CHARACTERS = 64;

interface DeviceState {
  birth: BirthMessage | null;
  state: DeviceStateMessage | null;
  status: StatusMessage | null;
  anomaly: Record<string, ScorePoint>;
  anomalyState: DeviceCard['anomalyState'];
}

interface Detail {
  times: number[];
  series: Record<string, Array<number | null>>;
  other: FeedMessage[];
}

interface ClientState {
  watched: string | null;
}

export class FeedHub {
  private readonly devices = new Map<string, DeviceState>();
  private readonly latest = new Map<string, LatestValues>();
  private readonly histories = new Map<string, DeviceHistory>();
  private readonly clients = new Map<FeedClient, ClientState>();
  private readonly changedDevices = new Set<string>();
  private pendingValues = new Map<string, LatestValues>();
  private readonly broadcasts: FeedMessage[] = [];
  /** Per watched device: what it sent since the last flush. */
  private readonly details = new Map<string, Detail>();
  private readonly stopListening: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly limits: HistoryLimits;

  constructor(private readonly options: FeedHubOptions) {
    this.limits = options.history ?? DEFAULT_HISTORY_LIMITS;
    for (const known of options.view.devices()) {
      this.devices.set(known.device, { birth: known.birth, state: known.state, status: known.status, anomaly: {}, anomalyState: {} });
      if (known.latest !== null && known.latest.session === known.birth?.session) {
        const values: LatestValues = {};
        for (const [name, { value, time }] of Object.entries(known.latest.values)) values[name] = [Date.parse(time), value];
        this.latest.set(known.device, values);
      }
    }
    for (const { device, model, state, since } of options.anomalyStates?.() ?? []) {
      const known = this.devices.get(device);
      if (known !== undefined) known.anomalyState[model] = { state, since };
    }
    this.stopListening.push(options.view.onMessage((message) => this.deviceMessage(message)));
    if (options.edgeMessages !== undefined) this.stopListening.push(options.edgeMessages.listen((topic, payload) => this.edgeMessage(topic, payload)));
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** A page connected: it gets the snapshot at once. */
  add(client: FeedClient): void {
    this.clients.set(client, { watched: null });
    this.sendTo(client, this.snapshot());
  }

  /** Everything a page starts from: the first message on each connection, and GET /snapshot. */
  snapshot(): FeedMessage {
    const values: Record<string, LatestValues> = {};
    for (const [device, latest] of this.latest) values[device] = latest;
    return {
      type: 'snapshot',
      v: FEED_VERSION,
      edge: this.options.view.edgeId,
      edgeSession: this.options.view.edgeSession,
      alarms: this.options.alarms?.list() ?? null,
      devices: [...this.devices.keys()].sort().map((device) => this.card(device)),
      values,
    };
  }

  remove(client: FeedClient): void {
    this.clients.delete(client);
  }

  /** One message from a page: a bad one is answered with an `error` and the connection stays. */
  async receive(client: FeedClient, text: string): Promise<void> {
    const state = this.clients.get(client);
    if (state === undefined) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
      if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new Error('not an object');
    } catch {
      this.sendTo(client, { type: 'error', detail: 'a feed message is a JSON object (docs/dashboard.md)' });
      return;
    }
    const ref = typeof message.ref === 'string' && message.ref.length <= MAX_REF_CHARACTERS ? message.ref : undefined;
    const refuse = (detail: string): void => this.sendTo(client, { type: 'error', ...(ref === undefined ? {} : { ref }), detail });
    switch (message.type) {
      case 'watch': {
        const device = message.device;
        if (device !== null && typeof device !== 'string') return refuse('watch: device must be a device id or null');
        state.watched = device;
        if (device === null) return;
        this.sendTo(client, this.historyMessage(device));
        // Its stream from now on; points the history already held come again and the page skips them.
        if (this.devices.has(device) && !this.details.has(device)) this.details.set(device, { times: [], series: {}, other: [] });
        return;
      }
      case 'command': {
        const { device, command, payload } = message;
        if (ref === undefined) return refuse(`command: ref must be a string of at most ${MAX_REF_CHARACTERS} characters`);
        if (typeof device !== 'string') return refuse('command: device must be a device id');
        if (typeof command !== 'string' || !(DASHBOARD_COMMANDS as readonly string[]).includes(command)) {
          return refuse(`command: must be one of ${DASHBOARD_COMMANDS.join(', ')}`);
        }
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return refuse('command: payload must be a JSON object');
        // The gateway's own path (docs/mqtt.md §5.2): its checks, resends and timeout, and its answer.
        const answer = await this.options.view.command(device, command, payload as Record<string, unknown>);
        this.sendTo(client, { type: 'command-result', ref, device, command, answer });
        return;
      }
      case 'alarm-ack': {
        if (ref === undefined) return refuse(`alarm-ack: ref must be a string of at most ${MAX_REF_CHARACTERS} characters`);
        if (this.options.alarms === undefined) return refuse('alarm-ack: this edge runs no inference, so it keeps no alarms');
        if (typeof message.alarm !== 'string') return refuse('alarm-ack: alarm must be an alarm id');
        const answer = await this.options.alarms.acknowledge(message.alarm, this.options.acknowledgedBy ?? 'dashboard', ref);
        this.sendTo(client, { type: 'alarm-ack-result', ref, answer });
        return;
      }
      default:
        return refuse(`unknown message type ${JSON.stringify(String(message.type)).slice(0, 40)}`);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const stop of this.stopListening) stop();
  }

  private deviceMessage(message: DeviceMessage): void {
    const { device } = message;
    if (message.payload === null) {
      // docs/mqtt.md §3.6: the device was forgotten.
      if (message.kind === 'birth' && this.devices.delete(device)) {
        this.latest.delete(device);
        this.histories.delete(device);
        this.changedDevices.delete(device);
        this.pendingValues.delete(device);
        this.broadcasts.push({ type: 'removed', device });
      }
      return;
    }
    const state = this.deviceState(device);
    switch (message.kind) {
      case 'birth':
        state.birth = message.payload;
        this.changedDevices.add(device);
        return;
      case 'state':
        state.state = message.payload;
        this.changedDevices.add(device);
        return;
      case 'status':
        state.status = message.payload;
        this.changedDevices.add(device);
        return;
      case 'latest':
        return;
      case 'data': {
        const timeMs = Date.parse(message.payload.time);
        const latest = this.latest.get(device) ?? {};
        const pending = this.pendingValues.get(device) ?? {};
        for (const [name, value] of Object.entries(message.payload.values)) {
          latest[name] = [timeMs, value];
          pending[name] = [timeMs, value];
        }
        this.latest.set(device, latest);
        this.pendingValues.set(device, pending);
        this.historyOf(device).addPoint(timeMs, message.payload.values);
        const detail = this.details.get(device);
        if (detail !== undefined) {
          const index = detail.times.push(timeMs) - 1;
          for (const [name, value] of Object.entries(message.payload.values)) {
            const column = (detail.series[name] ??= []);
            column[index] = value;
          }
        }
        return;
      }
      case 'log':
        this.historyOf(device).addLog(message.payload);
        this.details.get(device)?.other.push({ type: 'log', device, log: message.payload });
        return;
      case 'event':
        this.historyOf(device).addEvent(message.payload);
        this.details.get(device)?.other.push({ type: 'event', device, event: message.payload });
        return;
    }
  }

  private edgeMessage(topic: string, payload: object | null): void {
    const levels = topic.split('/');
    // docs/mqtt.md §9.2: wasmote/<edge>/$edge/alarms/<id>
    if (levels.length === 5 && levels[2] === '$edge' && levels[3] === 'alarms') {
      const id = levels[4]!;
      if (payload === null) this.broadcasts.push({ type: 'alarm-removed', id });
      else this.broadcasts.push({ type: 'alarm', alarm: payload as AlarmRecord });
      return;
    }
    // §9.4: wasmote/<edge>/<device>/anomaly/<model>, removed with an empty payload
    if (levels.length === 5 && levels[3] === 'anomaly') {
      const [device, model] = [levels[2]!, levels[4]!];
      const known = this.devices.get(device);
      if (known === undefined) return;
      const { state, since } = (payload ?? {}) as { state?: unknown; since?: unknown };
      if (payload === null) delete known.anomalyState[model];
      else if (state === 'normal' || state === 'anomalous') known.anomalyState[model] = { state, since: typeof since === 'string' ? since : null };
      this.changedDevices.add(device);
      return;
    }
    // §9.1: wasmote/<edge>/<device>/score
    if (levels.length === 4 && levels[3] === 'score' && payload !== null) {
      const device = levels[2]!;
      const score = scorePoint(payload as Record<string, unknown>);
      if (score === null || !this.devices.has(device)) return;
      this.deviceState(device).anomaly[score.model] = score;
      this.changedDevices.add(device);
      this.historyOf(device).addScore(score);
      this.details.get(device)?.other.push({ type: 'score', device, score });
    }
  }

  private deviceState(device: string): DeviceState {
    let state = this.devices.get(device);
    if (state === undefined) {
      state = { birth: null, state: null, status: null, anomaly: {}, anomalyState: {} };
      this.devices.set(device, state);
    }
    return state;
  }

  /** The device's kept history; made on first use for a device the hub knows. */
  private historyOf(device: string): DeviceHistory {
    let history = this.histories.get(device);
    if (history === undefined) {
      history = new DeviceHistory(this.limits);
      if (this.devices.has(device)) this.histories.set(device, history);
    }
    return history;
  }

  private historyMessage(device: string): FeedMessage {
    const history = this.historyOf(device);
    return { type: 'history', device, ...history.points(), scores: history.scores, logs: history.logs, events: history.events };
  }

  private card(device: string): DeviceCard {
    const { birth, state, status, anomaly, anomalyState } = this.devices.get(device)!;
    return {
      device,
      online: state?.state === 'online',
      stateReason: state?.reason ?? null,
      lastSeen: status?.edgeLink.lastSeen ?? state?.lastSeen ?? null,
      board: birth?.board ?? null,
      firmware: birth?.firmware ?? null,
      app: birth === null ? null : { name: birth.app.name, version: birth.app.version, state: status?.app.state ?? birth.app.state },
      metrics: (birth?.metrics ?? []).map(({ name, unit, kind, min, max }) => ({
        name,
        unit,
        kind,
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
      })),
      commands: birth?.commands ?? [],
      reported:
        status === null
          ? null
          : { led: status.led, brightnessU16: status.brightnessU16, reportIntervalMs: status.reportIntervalMs, time: status.time },
      link:
        status === null
          ? null
          : { drops: Object.values(status.edgeLink.drops).reduce((sum, count) => sum + count, 0), gaps: status.edgeLink.gaps },
      anomaly,
      anomalyState,
    };
  }

  private flush(): void {
    if (this.clients.size === 0) {
      this.changedDevices.clear();
      this.pendingValues.clear();
      this.broadcasts.length = 0;
      this.details.clear();
      return;
    }
    const shared: string[] = this.broadcasts.splice(0).map((message) => JSON.stringify(message));
    if (this.changedDevices.size > 0) {
      const devices = [...this.changedDevices].filter((device) => this.devices.has(device)).map((device) => this.card(device));
      this.changedDevices.clear();
      shared.push(JSON.stringify({ type: 'devices', devices } satisfies FeedMessage));
    }
    if (this.pendingValues.size > 0) {
      shared.push(JSON.stringify({ type: 'values', values: Object.fromEntries(this.pendingValues) } satisfies FeedMessage));
      this.pendingValues = new Map();
    }
    const detailTexts = new Map<string, string[]>();
    for (const [device, detail] of this.details) {
      const texts: string[] = [];
      if (detail.times.length > 0) {
        const series: Record<string, Array<number | null>> = {};
        for (const [name, column] of Object.entries(detail.series)) series[name] = Array.from({ length: detail.times.length }, (_, index) => column[index] ?? null);
        texts.push(JSON.stringify({ type: 'points', device, times: detail.times, series } satisfies FeedMessage));
      }
      for (const message of detail.other) texts.push(JSON.stringify(message));
      detailTexts.set(device, texts);
    }
    this.details.clear();
    for (const [client, state] of this.clients) {
      if (client.bufferedAmount > (this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES)) {
        this.options.log?.('dashboard: a page fell too far behind the feed; closed, it reconnects from a snapshot');
        this.clients.delete(client);
        client.close(CLOSE_TOO_SLOW, 'too far behind');
        continue;
      }
      for (const text of shared) client.send(text);
      if (state.watched !== null) for (const text of detailTexts.get(state.watched) ?? []) client.send(text);
    }
    // The devices watched now collect their stream until the next flush.
    for (const state of this.clients.values()) {
      if (state.watched !== null && this.devices.has(state.watched) && !this.details.has(state.watched)) {
        this.details.set(state.watched, { times: [], series: {}, other: [] });
      }
    }
  }

  private sendTo(client: FeedClient, message: FeedMessage): void {
    client.send(JSON.stringify(message));
  }
}

/** A §9.1 score message as the charts read it; null when a field they need is missing. */
function scorePoint(payload: Record<string, unknown>): ScorePoint | null {
  const { model, fromTime, toTime, score, threshold, anomalous } = payload;
  if (typeof model !== 'string' || typeof fromTime !== 'string' || typeof toTime !== 'string' || typeof score !== 'number') return null;
  return {
    model,
    fromMs: Date.parse(fromTime),
    toMs: Date.parse(toTime),
    score,
    threshold: typeof threshold === 'number' ? threshold : null,
    anomalous: anomalous === true,
  };
}
