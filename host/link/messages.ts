/**
 * The device link's messages as the host sees them (docs/link-protocol.md §4).
 * Each message type has its own codec module in this folder; `codec.ts` dispatches on `type`.
 */

export interface MetricDescriptor {
  id: number;
  name: string;
  /** UCUM code, e.g. `Cel`, `%`, `Pa`, `m/s2`, `rad/s`. */
  unit: string;
}

export const BootReason = {
  PowerOn: 0,
  Reset: 1,
  Watchdog: 2,
  AppRestart: 3,
} as const;
export type BootReason = (typeof BootReason)[keyof typeof BootReason];

export interface HelloMessage {
  type: 'hello';
  deviceId: string;
  firmwareVersion: string;
  appVersion: string;
  /** SHA-256 of the app's .wasm, 32 bytes. */
  appHash: Uint8Array;
  abiVersion: number;
  bootReason: BootReason;
  metrics: MetricDescriptor[];
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

/** Codes of EventKind.Trap events. */
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

export interface CommandResultMessage {
  type: 'command-result';
  commandId: number;
  /** A HAL status (docs/hal-abi.md §3): 0 acknowledges, anything else is the reason for the NACK. */
  status: number;
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
  status: number;
  /** Bytes read (I2C reads), the level (GPIO read, one byte), or empty. */
  data: Uint8Array;
}

export type LinkMessage =
  | HelloMessage
  | DataMessage
  | LogMessage
  | EventMessage
  | CommandMessage
  | CommandResultMessage
  | ProxyRequestMessage
  | ProxyResponseMessage;
