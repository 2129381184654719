/**
 * The JSON payloads of the MQTT contract (docs/mqtt.md, version 1) as types: what the gateway publishes under
 * `wasmote/<edge>/<device>/…`, and what the profiles and consumers built on it (Sparkplug B, inference, the
 * dashboard) read. Field names and meanings are the document's; a change here is a change there.
 */

/** RFC 3339 UTC with milliseconds (§1). */
export type WallTime = string;

/** §1: how a message's `time` was made. */
export type TimeSource = 'anchored' | 'arrival';

/**
 * §1: messages the edge makes itself carry the edge's session and a counter from 0; their key is
 * `<edge>/$edge:<edgeSession>:<edgeSeq>`. The gateway stamps them as it publishes.
 */
export interface EdgeStamp {
  edgeSession?: number;
  edgeSeq?: number;
}

/** §1: every message from a device carries the link frame's identity. */
export interface FrameIdentity {
  session: number;
  seq: number;
}

/** §3.2, `metrics[]`. */
export interface MetricDescription {
  id: number;
  name: string;
  /** UCUM code or SenML's `%RH`; empty when the device gave none. */
  unit: string;
  kind: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
}

/** §3.2: `wasmote/<edge>/<device>/birth`, retained. */
export interface BirthMessage extends EdgeStamp {
  device: string;
  edge: string;
  time: WallTime;
  session: number;
  bootCount: number;
  bootReason: 'power-on' | 'reset' | 'watchdog' | 'reboot' | 'fault';
  helloReason: 'boot' | 'app-restart' | 'requested';
  board: string;
  firmware: string;
  /** `<major>.<minor>` of the device link. */
  link: string;
  capabilities: string[];
  app: { name: string; version: string; hash: string; abi: string; state: 'running' | 'backing-off' };
  heartbeatPeriodMs: number;
  offlineAfterMs: number;
  reportIntervalMs: number;
  metrics: MetricDescription[];
  /** §5.1 command names this device takes. */
  commands: string[];
}

/** §3.3: `wasmote/<edge>/<device>/state`, retained. */
export type DeviceStateReason =
  | 'seen'
  | 'rebooted'
  | 'heartbeat-timeout'
  | 'link-closed'
  | 'edge-stopped'
  | 'edge-restarted';

export interface DeviceStateMessage extends EdgeStamp {
  state: 'online' | 'offline';
  time: WallTime;
  session: number;
  reason: DeviceStateReason;
  edgeSession: number;
  /** Offline only. */
  lastSeen?: WallTime;
}

/** §3.4: `wasmote/<edge>/<device>/status`, retained: one HEARTBEAT and the edge's view of the link. */
export interface StatusMessage extends FrameIdentity, EdgeStamp {
  time: WallTime;
  uptimeMs: number;
  app: {
    state: 'running' | 'backing-off';
    consecutiveFailures: number;
    lastFailure: { kind: string; code: string } | null;
    restartAt?: WallTime;
  };
  led: { mode: 'off' | 'on' | 'blink' | 'unknown'; periodMs: number; level: 0 | 1 | null };
  brightnessU16: number;
  reportIntervalMs: number;
  deviceLink: { rxFrames: number; rxDrops: Record<string, number>; commandsDropped: number };
  edgeLink: {
    framesOk: number;
    drops: Record<string, number>;
    gaps: number;
    duplicates: number;
    reorders: number;
    late: number;
    resets: number;
    sessionChanges: number;
    lastSeen: WallTime;
  };
}

/** §3.5: `wasmote/<edge>/<device>/latest`, retained, at most once a second. */
export interface LatestMessage extends EdgeStamp {
  session: number;
  values: Record<string, { value: number; time: WallTime }>;
}

/** §4.1: `wasmote/<edge>/<device>/data`: the values of one tick, by metric name. */
export interface DataMessage extends FrameIdentity {
  time: WallTime;
  uptimeMs: number;
  timeSource?: TimeSource;
  values: Record<string, number>;
}

/** §4.2: `wasmote/<edge>/<device>/log`. */
export interface LogMessage extends FrameIdentity {
  time: WallTime;
  uptimeMs: number;
  level: 'error' | 'warning' | 'info' | 'debug';
  text: string;
}

/** §4.3: `wasmote/<edge>/<device>/event`. */
export interface EventMessage extends FrameIdentity {
  time: WallTime;
  uptimeMs: number;
  kind: 'trap' | 'fault' | 'reboot' | 'runaway';
  code: string;
  codeNumber: number;
  message: string;
  file: string;
  line: number;
  column: number;
}

/** The per-device topics and their payloads; `null` is the empty retained payload of a removed device (§3.6). */
export type DeviceMessage =
  | { device: string; kind: 'birth'; payload: BirthMessage | null }
  | { device: string; kind: 'state'; payload: DeviceStateMessage | null }
  | { device: string; kind: 'status'; payload: StatusMessage | null }
  | { device: string; kind: 'latest'; payload: LatestMessage | null }
  | { device: string; kind: 'data'; payload: DataMessage }
  | { device: string; kind: 'log'; payload: LogMessage }
  | { device: string; kind: 'event'; payload: EventMessage };

export type DeviceMessageKind = DeviceMessage['kind'];

/** §5.3: the answer to one command; exactly one per command. */
export type CommandAnswer = EdgeStamp & {
  device: string;
  command: string;
  /** Echoed when the request had one. */
  id?: string;
} & (
  | {
      result: 'ok' | 'nack';
      origin: 'app' | 'runner';
      status: string;
      statusCode: number;
      cached: boolean;
      rttMs: number;
      /** The result payload the device sent, as hex, when it sent one. */
      payload?: string;
      restartAt?: WallTime;
      appStatus?: number;
    }
  | {
      result: 'error';
      origin: 'edge';
      error:
        | 'malformed'
        | 'unknown-device'
        | 'unknown-command'
        | 'bad-argument'
        | 'device-offline'
        | 'retained'
        | 'bad-response-topic';
      detail: string;
    }
  | { result: 'timeout'; origin: 'edge'; detail: string }
  | { result: 'interrupted'; origin: 'edge'; oldSession: number; newSession: number }
);

/** §3.6: `cmd/forget` done, answered by the edge itself; its refusals are §5.3's `error` answers. */
export type ForgetAnswer = EdgeStamp & { device: string; command: 'forget'; id?: string; result: 'ok'; origin: 'edge' };

/**
 * What a profile or an in-process consumer sees of a running gateway: every device message as it is published,
 * the retained state to start from, and the one way to command a device (§5.2), which always resolves with the
 * §5.3 answer and never rejects.
 */
export interface GatewayView {
  readonly edgeId: string;
  /** The edge's own session (§1), drawn at each start. */
  readonly edgeSession: number;
  /** Listens to every device message in publish order; returns a function that stops listening. */
  onMessage(listener: (message: DeviceMessage) => void): () => void;
  /** The devices the edge knows, with their retained messages as last published. */
  devices(): ReadonlyArray<{
    device: string;
    birth: BirthMessage | null;
    state: DeviceStateMessage | null;
    status: StatusMessage | null;
    latest: LatestMessage | null;
  }>;
  /** §5.1–§5.2: `command` is a §5.1 name (`led`, `app:0x80`, …), `payload` its JSON object. */
  command(device: string, command: string, payload: Record<string, unknown>): Promise<CommandAnswer>;
}
