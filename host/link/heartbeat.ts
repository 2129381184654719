/** HEARTBEAT, type 0x08, device → edge (docs/link-protocol.md §4.8): the runner's own state, 76 bytes. */
import type { ByteReader, ByteWriter } from './bytes.ts';
import { DROP_REASONS, type DropReason } from './drop-reasons.ts';
import { AppState, EventKind, type HeartbeatMessage } from './messages.ts';

/** The EVENT kind of the latest failure, or 0 for none this boot. */
const FAILURE_KINDS = [0, EventKind.Trap, EventKind.Runaway] as const;
/** hal-abi.md §4.7: off, on, blinking; 255 not set. */
const LED_MODES = [0, 1, 3, 0xff] as const;
/** The pin's level; 255 when pin 0 is not an output. */
const LED_LEVELS = [0, 1, 0xff] as const;
/** §4.8: the device's drop counters, in DROP_REASONS order. */
const RX_DROP_FIELDS: Record<DropReason, string> = {
  oversize: 'rx_oversize',
  cobs: 'rx_cobs',
  short: 'rx_short',
  crc: 'rx_crc',
  version: 'rx_version',
  unknownType: 'rx_unknown_type',
  malformed: 'rx_malformed',
};

export function encodeHeartbeat(message: HeartbeatMessage, writer: ByteWriter): void {
  writer.u64(message.uptimeMs, 'uptime_ms');
  writer.u32(message.session, 'session');
  writer.u32(message.bootCount, 'boot_count');
  writer.u8Within(message.appState, 'app_state', AppState.Running, AppState.BackingOff);
  writer.u64(message.restartAtMs, 'restart_at_ms');
  writer.u16(message.consecutiveFailures, 'consecutive_failures');
  writer.u8OneOf(message.lastFailureKind, 'last_failure_kind', FAILURE_KINDS);
  writer.u16(message.lastFailureCode, 'last_failure_code');
  writer.u32(message.rxFrames, 'rx_frames');
  for (const reason of DROP_REASONS) writer.u32(message.rxDrops[reason], RX_DROP_FIELDS[reason]);
  writer.u32(message.commandsDropped, 'commands_dropped');
  writer.u8OneOf(message.ledMode, 'led_mode', LED_MODES);
  writer.u16(message.ledPeriodMs, 'led_period_ms');
  writer.u8OneOf(message.ledLevel, 'led_level', LED_LEVELS);
  writer.u16(message.brightnessU16, 'brightness_u16');
  writer.u32(message.reportIntervalMs, 'report_interval_ms');
}

export function decodeHeartbeat(reader: ByteReader): HeartbeatMessage {
  const uptimeMs = reader.u64('uptime_ms');
  const session = reader.u32('session');
  const bootCount = reader.u32('boot_count');
  const appState = reader.u8Within('app_state', AppState.Running, AppState.BackingOff) as AppState;
  const restartAtMs = reader.u64('restart_at_ms');
  const consecutiveFailures = reader.u16('consecutive_failures');
  const lastFailureKind = reader.u8OneOf('last_failure_kind', FAILURE_KINDS);
  const lastFailureCode = reader.u16('last_failure_code');
  const rxFrames = reader.u32('rx_frames');
  const rxDrops = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) rxDrops[reason] = reader.u32(RX_DROP_FIELDS[reason]);
  const commandsDropped = reader.u32('commands_dropped');
  const ledMode = reader.u8OneOf('led_mode', LED_MODES);
  const ledPeriodMs = reader.u16('led_period_ms');
  const ledLevel = reader.u8OneOf('led_level', LED_LEVELS);
  const brightnessU16 = reader.u16('brightness_u16');
  const reportIntervalMs = reader.u32('report_interval_ms');
  return {
    type: 'heartbeat',
    uptimeMs,
    session,
    bootCount,
    appState,
    restartAtMs,
    consecutiveFailures,
    lastFailureKind,
    lastFailureCode,
    rxFrames,
    rxDrops,
    commandsDropped,
    ledMode,
    ledPeriodMs,
    ledLevel,
    brightnessU16,
    reportIntervalMs,
  };
}
