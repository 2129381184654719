/**
 * The devices the edge knows (docs/mqtt.md §3): who each is (birth), whether it is online and why (§3.3), its
 * status (§3.4), latest values (§3.5) and streams (§4), from what its link sessions report. Every message goes
 * out through `emit`, in order; what the edge makes itself is stamped with `edgeSession` and `edgeSeq` (§1).
 */
import type { Clock } from '../../flash/clock.ts';
import type { LastKey } from '../outbox/outbox.ts';
import { MAX_SEQ } from '../record.ts';
import type {
  CommandResultMessage,
  EventMessage,
  HeartbeatMessage,
  HelloMessage,
  LogMessage,
  MetricMessage,
} from '../../link/messages.ts';
import { birthMessage, HEARTBEAT_PERIODS_BEFORE_OFFLINE } from './birth.ts';
import { DeviceRecord } from './device-record.ts';
import type { LinkSession, LinkSessionContext } from './link-session.ts';
import type {
  DataMessage,
  DeviceMessage,
  DeviceStateMessage,
  DeviceStateReason,
  EdgeStamp,
  FrameIdentity,
  GatewayView,
} from './messages.ts';
import { eventPayload, logPayload, statusPayload } from './stream-payloads.ts';
import type { Tick } from './tick-merger.ts';
import { formatWallTime } from './time-anchor.ts';
import type { WindowMessage } from './value-window.ts';

/** docs/mqtt.md §3.5: `latest` at most once a second per device. */
export const LATEST_MIN_INTERVAL_MS = 1000;
/** docs/link-protocol.md §5.2: half the u16 `seq` space. */
const SEQ_HALF = 0x8000;

/** The edge's own identity (docs/mqtt.md §1) and the counter of the messages it makes. */
export interface EdgeIdentity {
  readonly edgeId: string;
  readonly edgeSession: number;
  stamp(): Required<EdgeStamp>;
}

export interface DeviceRegistryOptions {
  edge: EdgeIdentity;
  clock: Clock;
  wallNowMs(): number;
  emit(message: DeviceMessage): void;
  /** docs/mqtt.md §8 `--data-window N`; no window messages when absent. */
  dataWindow?: number;
  emitWindow?(device: string, message: WindowMessage): void;
  /** docs/mqtt.md §4.1 `wasmote_edge_unnamed_values_total`. */
  onUnnamed(count: number): void;
  log(line: string): void;
  /** The last (session, seq) the edge kept of a device before this link: from this run, or the outbox's last keys. */
  lastKept(deviceId: string): LastKey | undefined;
}

export class DeviceRegistry implements LinkSessionContext {
  readonly clock: Clock;
  readonly edgeSession: number;
  private readonly records = new Map<string, DeviceRecord>();
  private commandId = 0;
  /** False once the edge stops: nothing more is taken from the links or published. */
  accepting = true;

  constructor(private readonly options: DeviceRegistryOptions) {
    this.clock = options.clock;
    this.edgeSession = options.edge.edgeSession;
  }

  private emit(message: DeviceMessage): void {
    if (this.accepting) this.options.emit(message);
  }

  wallNowMs(): number {
    return this.options.wallNowMs();
  }

  /** docs/link-protocol.md §4.5: ids 1..65535 in turn, so a resend's id is never a new command's within a run. */
  nextCommandId(): number {
    this.commandId = (this.commandId % 0xffff) + 1;
    return this.commandId;
  }

  get(deviceId: string): DeviceRecord | undefined {
    return this.records.get(deviceId);
  }

  get size(): number {
    return this.records.size;
  }

  devices(): ReturnType<GatewayView['devices']> {
    return [...this.records.values()].map(({ deviceId, birth, state, status, latest }) => ({ device: deviceId, birth, state, status, latest }));
  }

  missedBeforeLink(deviceId: string, session: number, firstSeq: number): number {
    const last = this.options.lastKept(deviceId);
    if (last === undefined || last.session !== session) return 0;
    // docs/link-protocol.md §5.2: less than half the u16 number space ahead is new; anything else is not a gap.
    const ahead = (firstSeq - last.seq - 1) & MAX_SEQ;
    return ahead < SEQ_HALF ? ahead : 0;
  }

  seen(link: LinkSession, deviceId: string, session: number, arrivalWallMs: number): void {
    let record = this.records.get(deviceId);
    if (record === undefined) {
      record = new DeviceRecord(deviceId, this.clock, this.options.dataWindow);
      this.records.set(deviceId, record);
    }
    record.link = link;
    record.lastSeenWallMs = arrivalWallMs;
    record.lastSeenMs = this.clock.nowMs();
    if (!record.online) {
      record.online = true;
      this.newSession(record, session);
      this.publishState(record, 'online', 'seen');
      this.armOffline(record);
    } else if (record.session !== session) {
      this.newSession(record, session);
      this.publishState(record, 'online', 'rebooted');
    }
  }

  /** docs/mqtt.md §5.2: commands still waiting for another session are interrupted; latest starts again. */
  private newSession(record: DeviceRecord, session: number): void {
    if (record.session === session) return;
    record.pending.sessionChanged(session);
    record.session = session;
    record.latestValues.clear();
  }

  timeEstimate(deviceId: string, session: number, uptimeMs: number, heartbeatPeriodMs: number, arrivalWallMs: number): void {
    const record = this.records.get(deviceId);
    if (record === undefined) return;
    record.anchor(session).addEstimate(arrivalWallMs, uptimeMs);
    record.offlineAfterMs = heartbeatPeriodMs * HEARTBEAT_PERIODS_BEFORE_OFFLINE;
    if (record.online) this.armOffline(record);
  }

  birth(deviceId: string, hello: HelloMessage, metrics: readonly MetricMessage[], arrivalWallMs: number): void {
    const record = this.records.get(deviceId);
    if (record === undefined) return;
    const time = record.anchor(hello.session).stamp(hello.uptimeMs, arrivalWallMs).time;
    record.birth = { ...birthMessage(hello, metrics, { edge: this.options.edge.edgeId, time }), ...this.options.edge.stamp() };
    record.offlineAfterMs = record.birth.offlineAfterMs;
    this.emit({ device: deviceId, kind: 'birth', payload: record.birth });
  }

  heartbeat(link: LinkSession, deviceId: string, heartbeat: HeartbeatMessage, identity: FrameIdentity, arrivalWallMs: number): void {
    const record = this.records.get(deviceId);
    if (record === undefined) return;
    const { framesOk, gaps, duplicates, reorders, late, resets, sessionChanges, ...drops } = link.decoder.stats;
    const edgeLink = {
      framesOk,
      drops: { ...drops },
      gaps: gaps + link.gapsBeforeLink,
      duplicates,
      reorders,
      late,
      resets,
      sessionChanges,
      lastSeen: formatWallTime(record.lastSeenWallMs),
    };
    const stamp = { anchor: record.anchor(heartbeat.session), arrivalWallMs };
    record.status = { ...statusPayload(heartbeat, identity, stamp, edgeLink), ...this.options.edge.stamp() };
    this.emit({ device: deviceId, kind: 'status', payload: record.status });
  }

  /** docs/mqtt.md §4.1: a tick's values by name; values the birth cannot name are counted and dropped. */
  tick(deviceId: string, tick: Tick): void {
    const record = this.records.get(deviceId);
    const names = record?.metricNames(tick.session) ?? null;
    if (record === undefined || names === null) {
      this.options.onUnnamed(tick.values.length);
      return;
    }
    const values: Record<string, number> = {};
    let unnamed = 0;
    for (const { id, value } of tick.values) {
      const name = names.get(id);
      if (name === undefined) unnamed += 1;
      else values[name] = value;
    }
    if (unnamed > 0) this.options.onUnnamed(unnamed);
    if (unnamed === tick.values.length) return;
    const { time, timeSource } = record.anchor(tick.session).stamp(tick.timeMs, tick.arrivalWallMs);
    const { session, seq } = tick;
    const payload: DataMessage = { time, uptimeMs: tick.timeMs, session, seq, timeSource, values };
    this.emit({ device: deviceId, kind: 'data', payload });
    if (record.window !== null) {
      record.window.add(values, time);
      this.options.emitWindow?.(deviceId, record.window.message({ session, seq }, time, tick.timeMs));
    }
    if (session === record.session) {
      for (const { id, value } of tick.values) {
        const name = names.get(id);
        if (name !== undefined) record.latestValues.note(id, name, value, time);
      }
      this.scheduleLatest(record);
    }
  }

  log(deviceId: string, message: LogMessage, identity: FrameIdentity, arrivalWallMs: number): void {
    const record = this.records.get(deviceId);
    if (record === undefined) return;
    const payload = logPayload(message, identity, { anchor: record.anchor(identity.session), arrivalWallMs });
    this.emit({ device: deviceId, kind: 'log', payload });
  }

  event(deviceId: string, message: EventMessage, identity: FrameIdentity, arrivalWallMs: number): void {
    const record = this.records.get(deviceId);
    if (record === undefined) return;
    const payload = eventPayload(message, identity, { anchor: record.anchor(identity.session), arrivalWallMs });
    this.emit({ device: deviceId, kind: 'event', payload });
  }

  commandResult(deviceId: string, result: CommandResultMessage): void {
    this.records.get(deviceId)?.pending.answer(result);
  }

  unnamed(valueCount: number): void {
    this.options.onUnnamed(valueCount);
  }

  problem(line: string): void {
    this.options.log(line);
  }

  /** docs/mqtt.md §3.3 `link-closed`: only when it was the device's current link. */
  closed(link: LinkSession): void {
    for (const record of this.records.values()) {
      if (record.link !== link) continue;
      record.link = null;
      if (record.online) this.goOffline(record, 'link-closed');
    }
  }

  /** docs/mqtt.md §3.6: clears the retained messages and forgets the device. */
  forget(deviceId: string): boolean {
    const record = this.records.get(deviceId);
    if (record === undefined) return false;
    record.stopTimers();
    record.pending.cancelAll();
    this.records.delete(deviceId);
    for (const kind of ['birth', 'state', 'status', 'latest'] as const) this.emit({ device: deviceId, kind, payload: null });
    return true;
  }

  /** docs/mqtt.md §3.6 `--forget-after`: forgets the devices not heard from for that long. */
  forgetIdle(forgetAfterMs: number): void {
    const cutoffMs = this.clock.nowMs() - forgetAfterMs;
    for (const record of [...this.records.values()]) {
      if (!record.online && record.lastSeenMs <= cutoffMs) this.forget(record.deviceId);
    }
  }

  /** docs/mqtt.md §3.3 `edge-stopped`: every online device goes offline, what waits times out, intake ends. */
  stop(): void {
    for (const record of this.records.values()) {
      if (record.online) this.goOffline(record, 'edge-stopped');
      record.stopTimers();
      record.pending.cancelAll();
    }
    this.accepting = false;
  }

  private goOffline(record: DeviceRecord, reason: DeviceStateReason): void {
    record.online = false;
    record.cancelOffline?.();
    record.cancelOffline = undefined;
    this.publishState(record, 'offline', reason);
  }

  /** docs/mqtt.md §3.3 `heartbeat-timeout`: no HEARTBEAT for `offlineAfterMs`. */
  private armOffline(record: DeviceRecord): void {
    record.cancelOffline?.();
    record.cancelOffline = this.clock.schedule(record.offlineAfterMs, () => {
      record.cancelOffline = undefined;
      if (record.online) this.goOffline(record, 'heartbeat-timeout');
    });
  }

  private publishState(record: DeviceRecord, state: DeviceStateMessage['state'], reason: DeviceStateReason): void {
    const { edgeSession, edgeSeq } = this.options.edge.stamp();
    record.state = {
      state,
      time: formatWallTime(this.options.wallNowMs()),
      session: record.session ?? 0,
      reason,
      ...(state === 'offline' ? { lastSeen: formatWallTime(record.lastSeenWallMs) } : {}),
      edgeSession,
      edgeSeq,
    };
    this.emit({ device: record.deviceId, kind: 'state', payload: record.state });
  }

  /** docs/mqtt.md §3.5: at once when a second has passed since the last, else when it has. */
  private scheduleLatest(record: DeviceRecord): void {
    if (record.cancelLatest !== undefined) return;
    const waitMs = record.latestPublishedAtMs + LATEST_MIN_INTERVAL_MS - this.clock.nowMs();
    if (waitMs <= 0) {
      this.publishLatest(record);
      return;
    }
    record.cancelLatest = this.clock.schedule(waitMs, () => {
      record.cancelLatest = undefined;
      this.publishLatest(record);
    });
  }

  private publishLatest(record: DeviceRecord): void {
    if (record.session === null || !this.records.has(record.deviceId)) return;
    record.latestPublishedAtMs = this.clock.nowMs();
    record.latest = { session: record.session, values: record.latestValues.byName(), ...this.options.edge.stamp() };
    this.emit({ device: record.deviceId, kind: 'latest', payload: record.latest });
  }
}
