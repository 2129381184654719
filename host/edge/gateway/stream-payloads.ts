/**
 * The payloads of docs/mqtt.md §3.4 and §4 from link messages: the names the contract gives the link's numbers
 * (docs/link-protocol.md §4.4, §4.7, §4.8) and the times of §1.
 */
import { EventKind, type EventMessage, type HeartbeatMessage, type LogMessage } from '../../link/messages.ts';
import type { EventMessage as EventPayload, FrameIdentity, LogMessage as LogPayload, StatusMessage } from './messages.ts';
import type { TimeAnchor } from './time-anchor.ts';

/** docs/link-protocol.md §4.4 `level`, by number. */
const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;

/** docs/link-protocol.md §4.7 `kind`, and docs/mqtt.md §4.3's names for each kind's codes (index = code). */
const EVENT_KINDS: Record<number, { kind: EventPayload['kind']; codes: readonly string[] }> = {
  [EventKind.Trap]: {
    kind: 'trap',
    codes: ['', 'abort', 'unreachable', 'memory-out-of-bounds', 'call-stack-exhausted', 'integer-fault', 'indirect-call', 'other'],
  },
  [EventKind.Fault]: { kind: 'fault', codes: ['', 'hard-fault', 'mem-manage', 'bus-fault', 'usage-fault'] },
  [EventKind.Reboot]: { kind: 'reboot', codes: ['reboot'] },
  [EventKind.Runaway]: { kind: 'runaway', codes: ['', 'time-budget', 'watchdog'] },
};

/** docs/link-protocol.md §4.8 `led_mode` and `led_level`. */
const LED_MODES: Record<number, StatusMessage['led']['mode']> = { 0: 'off', 1: 'on', 3: 'blink' };
const LEVEL_NOT_OUTPUT = 255;

function eventName(kind: number, code: number): { kind: EventPayload['kind']; code: string } {
  const names = EVENT_KINDS[kind]!;
  return { kind: names.kind, code: names.codes[code] ?? String(code) };
}

/** When a message stamped on the device's clock happened: docs/mqtt.md §1. */
export interface Stamp {
  anchor: TimeAnchor;
  arrivalWallMs: number;
}

export function logPayload(message: LogMessage, identity: FrameIdentity, { anchor, arrivalWallMs }: Stamp): LogPayload {
  const { time } = anchor.stamp(message.timeMs, arrivalWallMs);
  return { time, uptimeMs: message.timeMs, ...identity, level: LOG_LEVELS[message.level], text: message.text };
}

export function eventPayload(message: EventMessage, identity: FrameIdentity, { anchor, arrivalWallMs }: Stamp): EventPayload {
  const { time } = anchor.stamp(message.timeMs, arrivalWallMs);
  return {
    time,
    uptimeMs: message.timeMs,
    ...identity,
    ...eventName(message.kind, message.code),
    codeNumber: message.code,
    message: message.message,
    file: message.file,
    line: message.line,
    column: message.column,
  };
}

/** docs/mqtt.md §3.4: the HEARTBEAT, and the edge's counters for the device's link. */
export function statusPayload(
  heartbeat: HeartbeatMessage,
  identity: FrameIdentity,
  { anchor, arrivalWallMs }: Stamp,
  edgeLink: StatusMessage['edgeLink'],
): StatusMessage {
  const backingOff = heartbeat.appState !== 0;
  const failure = heartbeat.lastFailureKind === 0 ? null : eventName(heartbeat.lastFailureKind, heartbeat.lastFailureCode);
  return {
    time: anchor.stamp(heartbeat.uptimeMs, arrivalWallMs).time,
    uptimeMs: heartbeat.uptimeMs,
    ...identity,
    app: {
      state: backingOff ? 'backing-off' : 'running',
      consecutiveFailures: heartbeat.consecutiveFailures,
      lastFailure: failure,
      ...(backingOff ? { restartAt: anchor.stamp(heartbeat.restartAtMs, arrivalWallMs).time } : {}),
    },
    led: {
      mode: LED_MODES[heartbeat.ledMode] ?? 'unknown',
      periodMs: heartbeat.ledPeriodMs,
      level: heartbeat.ledLevel === LEVEL_NOT_OUTPUT ? null : (heartbeat.ledLevel as 0 | 1),
    },
    brightnessU16: heartbeat.brightnessU16,
    reportIntervalMs: heartbeat.reportIntervalMs,
    deviceLink: { rxFrames: heartbeat.rxFrames, rxDrops: { ...heartbeat.rxDrops }, commandsDropped: heartbeat.commandsDropped },
    edgeLink,
  };
}
