/**
 * The device link's messages as the host sees them (docs/link-protocol.md §4, version 2).
 * Each message type has its own codec module in this folder; `codec.ts` dispatches on `type`.
 */
import type { DropReason } from './drop-reasons.ts';

/** §3.1: the major version this codec speaks; §4.1: the minor version it writes in HELLO. */
export const LINK_VERSION = 2;
export const LINK_MINOR = 0;

export const BootReason = {
  PowerOn: 0,
  Reset: 1,
  Watchdog: 2,
  Reboot: 3,
  /** The firmware reset itself after a processor fault (§4.7 EVENT `fault`). */
  Fault: 4,
} as const;
export type BootReason = (typeof BootReason)[keyof typeof BootReason];

export const HelloReason = {
  Boot: 0,
  AppRestart: 1,
  Requested: 2,
} as const;
export type HelloReason = (typeof HelloReason)[keyof typeof HelloReason];

export const AppState = {
  Running: 0,
  BackingOff: 1,
} as const;
export type AppState = (typeof AppState)[keyof typeof AppState];

/** §4.1 HELLO `capabilities` bits. */
export const Capability = {
  BootCountPersistent: 1 << 0,
  Reboot: 1 << 1,
  Proxy: 1 << 2,
} as const;

export interface HelloMessage {
  type: 'hello';
  /** §3.3 `id`: [A-Za-z0-9._-]{1,32}. */
  deviceId: string;
  linkMinor: number;
  firmwareVersion: string;
  /** Capability bits; unknown bits are carried as they are. */
  capabilities: number;
  board: string;
  appName: string;
  appVersion: string;
  /** SHA-256 of the app's .wasm, 32 bytes. */
  appHash: Uint8Array;
  abiVersion: number;
  bootReason: BootReason;
  helloReason: HelloReason;
  /** §5.1: drawn at boot, never 0; its low 16 bits are every frame's `session_tag`. */
  session: number;
  /** 0 when the device keeps no boot counter. */
  bootCount: number;
  uptimeMs: number;
  /** 1000..3_600_000. */
  heartbeatPeriodMs: number;
  /** 1..3_600_000, or 0 when the app has not said. */
  reportIntervalMs: number;
  appState: AppState;
  /** How many METRIC messages follow. */
  metricCount: number;
  /** The opcodes the app declared: at most 16, strictly ascending, never 0x00 nor the runner's 0x70..0x7F. */
  opcodes: number[];
}

export const MetricKind = {
  Number: 0,
  Integer: 1,
  Boolean: 2,
} as const;
export type MetricKind = (typeof MetricKind)[keyof typeof MetricKind];

/** §4.2 METRIC: one declared metric. `range` is absent when the app gave none (min and max are +0 on the wire). */
export interface MetricMessage {
  type: 'metric';
  id: number;
  name: string;
  /** UCUM code (§4.2.1), e.g. `Cel`, `%RH`, `Pa`, `m/s2`, `rad/s`; may be empty. */
  unit: string;
  kind: MetricKind;
  range?: { min: number; max: number };
}

/** §4.8 HEARTBEAT: the runner's own state. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  /** When it fell due: a multiple of `heartbeatPeriodMs` (§7.2). */
  uptimeMs: number;
  /** As in HELLO, never 0. */
  session: number;
  /** As in HELLO, 1000..3_600_000. */
  heartbeatPeriodMs: number;
  bootCount: number;
  appState: AppState;
  /** Backing off: when the app restarts; 0 while running. */
  restartAtMs: number;
  consecutiveFailures: number;
  /** EventKind.Trap or EventKind.Runaway, 0 if none this boot. */
  lastFailureKind: number;
  /** Its EVENT code, in that kind's list (§4.7); 0 with no failure. */
  lastFailureCode: number;
  rxFrames: number;
  /** Segments the device's receiver dropped, by reason (§6). */
  rxDrops: Record<DropReason, number>;
  commandsDropped: number;
  /** 0 off, 1 on, 3 blinking, 255 not set. */
  ledMode: number;
  /** Blinking: the period, 1..65535; 0 in any other mode. */
  ledPeriodMs: number;
  /** 0, 1, or 255 when pin 0 is not an output. */
  ledLevel: number;
  brightnessU16: number;
  /** As in HELLO. */
  reportIntervalMs: number;
}

export interface MetricValue {
  id: number;
  value: number;
}

export interface DataMessage {
  type: 'data';
  timeMs: number;
  values: MetricValue[];
}

export const LogLevel = { Error: 0, Warning: 1, Info: 2, Debug: 3 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface LogMessage {
  type: 'log';
  timeMs: number;
  level: LogLevel;
  text: string;
}

export const EventKind = {
  Trap: 1,
  Fault: 2,
  Reboot: 3,
  Runaway: 4,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Codes of EventKind.Trap events (§4.7). */
export const TrapCode = {
  Abort: 1,
  Unreachable: 2,
  MemoryOutOfBounds: 3,
  CallStackExhausted: 4,
  IntegerFault: 5,
  IndirectCall: 6,
  Other: 7,
} as const;
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

/** Codes of EventKind.Fault events: the ARMv7-M exception that reset the board (§4.7). */
export const FaultCode = {
  HardFault: 1,
  MemManage: 2,
  BusFault: 3,
  UsageFault: 4,
} as const;
export type FaultCode = (typeof FaultCode)[keyof typeof FaultCode];

/** Codes of EventKind.Runaway events (§4.7); EventKind.Reboot's only code is 0. */
export const RunawayCode = {
  /** A call overran its time budget; the firmware stayed up. */
  Overrun: 1,
  /** The independent watchdog reset the device. */
  Watchdog: 2,
} as const;
export type RunawayCode = (typeof RunawayCode)[keyof typeof RunawayCode];

export interface EventMessage {
  type: 'event';
  timeMs: number;
  kind: EventKind;
  code: number;
  message: string;
  file: string;
  line: number;
  column: number;
}

export interface CommandMessage {
  type: 'command';
  commandId: number;
  /** Command bytes as the app receives them (docs/hal-abi.md §6), at most 64. */
  payload: Uint8Array;
}

export const ResultOrigin = {
  App: 0,
  Runner: 1,
} as const;
export type ResultOrigin = (typeof ResultOrigin)[keyof typeof ResultOrigin];

/** §4.6: statuses of `origin` runner. */
export const RunnerStatus = {
  Ok: 0,
  QueueFull: 1,
  AppNotRunning: 2,
  AppTrapped: 3,
  StatusOutOfRange: 4,
  Unsupported: 5,
  BadArgument: 6,
  NoCommandBuffer: 7,
} as const;
export type RunnerStatus = (typeof RunnerStatus)[keyof typeof RunnerStatus];

/** §4.5.1: opcodes the runner answers itself. */
export const RunnerOpcode = {
  Ping: 0x70,
  Hello: 0x71,
  Reboot: 0x72,
} as const;

export interface CommandResultMessage {
  type: 'command-result';
  commandId: number;
  origin: ResultOrigin;
  /** origin app: the app's HAL status (docs/hal-abi.md §3); origin runner: a RunnerStatus. */
  status: number;
  /** Answered from the store of recent results (§7.4) without running again; never on QUEUE_FULL or APP_NOT_RUNNING. */
  cached: boolean;
  /**
   * origin app: 0..16 bytes. origin runner: exactly what the status carries, `restart_at_ms` u64 (8 bytes) for
   * APP_NOT_RUNNING, the app's status as an i32 outside 0..255 (4 bytes) for STATUS_OUT_OF_RANGE, else nothing.
   */
  payload: Uint8Array;
}

export const ProxyOp = {
  I2cWrite: 1,
  I2cRead: 2,
  I2cWriteRead: 3,
  GpioMode: 4,
  GpioWrite: 5,
  GpioRead: 6,
  PwmSet: 7,
} as const;
export type ProxyOp = (typeof ProxyOp)[keyof typeof ProxyOp];

export type ProxyOperation =
  | { op: 'i2c-write'; address: number; data: Uint8Array }
  | { op: 'i2c-read'; address: number; readLength: number }
  | { op: 'i2c-write-read'; address: number; data: Uint8Array; readLength: number }
  | { op: 'gpio-mode'; pin: number; mode: number }
  | { op: 'gpio-write'; pin: number; level: number }
  | { op: 'gpio-read'; pin: number }
  | { op: 'pwm-set'; channel: number; dutyU16: number };

export interface ProxyRequestMessage {
  type: 'proxy-request';
  requestId: number;
  /** The device's monotonic clock when it issued the request, µs. */
  timeUs: number;
  operation: ProxyOperation;
}

export interface ProxyResponseMessage {
  type: 'proxy-response';
  requestId: number;
  /** The operation's HAL status (docs/hal-abi.md §3), 0..6. */
  status: number;
  /** Bytes read (I2C reads), the level (GPIO read, one byte), or empty. */
  data: Uint8Array;
}

export type LinkMessage =
  | HelloMessage
  | MetricMessage
  | HeartbeatMessage
  | DataMessage
  | LogMessage
  | EventMessage
  | CommandMessage
  | CommandResultMessage
  | ProxyRequestMessage
  | ProxyResponseMessage;
