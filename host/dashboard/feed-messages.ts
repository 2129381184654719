import type { CommandAnswer, EventMessage, LogMessage } from '../edge/gateway/messages.ts';

/**
 * The dashboard feed's messages, version 1 (docs/dashboard.md, "The feed"): JSON text frames on one WebSocket. The
 * edge sends `snapshot` first, then deltas; the page sends `watch`, `command` and `alarm-ack`. A field added
 * later is optional and ignored by older pages; a change of meaning is a new version.
 */
export const FEED_VERSION = 1;

/** Milliseconds since the epoch: the charts' x axis. */
export type TimeMs = number;

/** A device as the fleet view and the device view's header show it. */
export interface DeviceCard {
  device: string;
  online: boolean;
  /** docs/mqtt.md §3.3 `reason`, or null before any state. */
  stateReason: string | null;
  lastSeen: string | null;
  board: string | null;
  firmware: string | null;
  app: { name: string; version: string; state: string } | null;
  metrics: Array<{ name: string; unit: string; kind: string; min?: number; max?: number }>;
  /** §5.1 commands the device takes. */
  commands: string[];
  /** What the device's last heartbeat reported (§3.4), which the controls show; null before one. */
  reported: {
    led: { mode: string; periodMs: number; level: 0 | 1 | null };
    brightnessU16: number;
    reportIntervalMs: number;
    time: string;
  } | null;
  /** §3.4 `edgeLink`: frames dropped (every reason together) and sequence gaps. */
  link: { drops: number; gaps: number } | null;
  /** The latest score of each model (§9.1). */
  anomaly: Record<string, ScorePoint>;
  /** Each model's anomaly state (§9.4): `anomalous` while one of its alarms is active on the device. */
  anomalyState: Record<string, { state: 'normal' | 'anomalous'; since: string | null }>;
}

export interface ScorePoint {
  model: string;
  fromMs: TimeMs;
  toMs: TimeMs;
  score: number;
  threshold: number | null;
  anomalous: boolean;
}

/** The latest value of each metric: `[time, value]`. */
export type LatestValues = Record<string, [TimeMs, number]>;

/** An alarm as the edge keeps it (docs/mqtt.md §9.2), passed on with every field it has. */
export type AlarmRecord = { id: string; device: string; state: string } & Record<string, unknown>;

export type FeedMessage =
  | {
      type: 'snapshot';
      v: typeof FEED_VERSION;
      edge: string;
      edgeSession: number;
      /** The edge's alarms; null when it runs no inference (and so keeps none). */
      alarms: AlarmRecord[] | null;
      devices: DeviceCard[];
      values: Record<string, LatestValues>;
    }
  | { type: 'devices'; devices: DeviceCard[] }
  | { type: 'removed'; device: string }
  | { type: 'values'; values: Record<string, LatestValues> }
  | { type: 'alarm'; alarm: AlarmRecord }
  | { type: 'alarm-removed'; id: string }
  | {
      type: 'history';
      device: string;
      times: TimeMs[];
      series: Record<string, Array<number | null>>;
      scores: ScorePoint[];
      logs: LogMessage[];
      events: EventMessage[];
    }
  | { type: 'points'; device: string; times: TimeMs[]; series: Record<string, Array<number | null>> }
  | { type: 'score'; device: string; score: ScorePoint }
  | { type: 'log'; device: string; log: LogMessage }
  | { type: 'event'; device: string; event: EventMessage }
  | { type: 'command-result'; ref: string; device: string; command: string; answer: CommandAnswer }
  | { type: 'alarm-ack-result'; ref: string; answer: object }
  | { type: 'error'; ref?: string; detail: string };

/** What the page sends. */
export type PageMessage =
  | { type: 'watch'; device: string | null }
  | { type: 'command'; ref: string; device: string; command: string; payload: Record<string, unknown> }
  | { type: 'alarm-ack'; ref: string; alarm: string };
