import type { StatusMessage } from '../gateway/messages.ts';
import type { ControlMetric } from './control-metrics.ts';
import { DataType } from './datatypes.ts';
import type { MetricValue } from './payload.ts';

/** One §5.1 command, as `GatewayView.command()` takes it. */
export interface CommandRequest {
  command: string;
  payload: Record<string, unknown>;
}

/** Why a written metric was not turned into a command; counted, never answered (DCMD has no reply). */
export type WriteRejection = 'read-only' | 'bad-value';

export interface ControlWrite {
  metric: ControlMetric;
  value: MetricValue | null | undefined;
}

function asBoolean(value: MetricValue | null | undefined): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A whole, non-negative number: the gateway checks the command's own range and answers `bad-argument`. */
function asCount(value: MetricValue | null | undefined): number | undefined {
  const count = typeof value === 'bigint' ? Number(value) : value;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

function asText(value: MetricValue | null | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The §5.1 commands one DCMD asks for (docs/mqtt.md §7, "Control metrics"), in the order of the table. `LED/Mode`
 * and `LED/Period ms` written together make one `led` command; a period alone means blinking at it, and `blink`
 * alone keeps the period the device reports.
 */
export function commandsForWrites(
  writes: readonly ControlWrite[],
  status: StatusMessage | null,
): { requests: CommandRequest[]; rejections: WriteRejection[] } {
  const requests: CommandRequest[] = [];
  const rejections: WriteRejection[] = [];
  const written = new Map<string, MetricValue>();
  for (const { metric, value } of writes) {
    if (!metric.writable) {
      rejections.push('read-only');
      continue;
    }
    const converted =
      metric.datatype === DataType.String
        ? asText(value)
        : metric.datatype === DataType.Boolean
          ? asBoolean(value)
          : asCount(value);
    if (converted === undefined) {
      rejections.push('bad-value');
      continue;
    }
    written.set(metric.name, converted);
  }

  if (written.get('Device Control/Rebirth') === true) requests.push({ command: 'hello', payload: {} });
  if (written.get('Device Control/Reboot') === true) requests.push({ command: 'reboot', payload: {} });
  const mode = written.get('LED/Mode') as string | undefined;
  const periodMs = written.get('LED/Period ms') as number | undefined;
  if (mode !== undefined || periodMs !== undefined) {
    const ledMode = mode ?? 'blink';
    const blinkPeriodMs = periodMs ?? (status && status.led.periodMs > 0 ? status.led.periodMs : undefined);
    requests.push({
      command: 'led',
      payload: {
        mode: ledMode,
        ...(ledMode === 'blink' && blinkPeriodMs !== undefined && { periodMs: blinkPeriodMs }),
      },
    });
  }
  const intervalMs = written.get('Report/Interval ms');
  if (intervalMs !== undefined) requests.push({ command: 'interval', payload: { ms: intervalMs } });
  const dutyU16 = written.get('LED/Brightness');
  if (dutyU16 !== undefined) requests.push({ command: 'brightness', payload: { dutyU16 } });
  return { requests, rejections };
}
