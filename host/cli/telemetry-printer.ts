import { halStatusName } from '../abi/status.ts';
import { AppState, EventKind, ResultOrigin, RunnerStatus, TrapCode, type MetricMessage } from '../link/messages.ts';
import type { DeviceMessage } from '../sim/simulation.ts';

const LOG_LEVEL_NAMES = ['error', 'warning', 'info', 'debug'];
const EVENT_KIND_NAMES: Record<number, string> = {
  [EventKind.Trap]: 'trap',
  [EventKind.Fault]: 'fault',
  [EventKind.Reboot]: 'reboot',
  [EventKind.Runaway]: 'runaway',
};
const TRAP_CODE_NAMES = kebabNames(TrapCode);
const RUNNER_STATUS_NAMES = kebabNames(RunnerStatus);
const BOOT_REASON_NAMES = ['power-on', 'reset', 'watchdog', 'reboot'];
const HELLO_REASON_NAMES = ['boot', 'app-restart', 'requested'];

/**
 * Turns link messages from devices into output lines, JSON or human-readable. It keeps each device's metric
 * table from its HELLO so data values print by name and unit. Shared by `sim` and `firmware run`.
 */
export class TelemetryPrinter {
  private readonly metricTables = new Map<string, Map<number, MetricMessage>>();

  constructor(
    private readonly json: boolean,
    private readonly write: (line: string) => void,
  ) {}

  print({ deviceId, seq, message }: DeviceMessage): void {
    switch (message.type) {
      case 'hello': {
        this.metricTables.set(deviceId, new Map());
        const { appHash, ...rest } = message;
        this.emit(
          { device: deviceId, seq, ...rest, appHash: Buffer.from(appHash).toString('hex') },
          `${formatTime(message.uptimeMs)} ${deviceId} hello (${HELLO_REASON_NAMES[message.helloReason]}, boot ${message.bootCount} ` +
            `${BOOT_REASON_NAMES[message.bootReason]}) session=${hex32(message.session)} board=${message.board} ` +
            `app=${message.appVersion} firmware=${message.firmwareVersion} metrics=${message.metricCount}`,
        );
        return;
      }
      case 'metric': {
        this.metricTables.get(deviceId)?.set(message.id, message);
        const range = message.range === undefined ? '' : ` ${message.range.min}..${message.range.max}`;
        this.emit({ device: deviceId, seq, ...message }, `${deviceId} metric ${message.id} ${message.name} ${message.unit}${range}`);
        return;
      }
      case 'heartbeat': {
        const state = message.appState === AppState.Running ? 'running' : `backing off until ${formatTime(message.restartAtMs).trim()}`;
        this.emit(
          { device: deviceId, seq, ...message, appState: message.appState === AppState.Running ? 'running' : 'backing-off' },
          `${formatTime(message.uptimeMs)} ${deviceId} heartbeat app ${state}`,
        );
        return;
      }
      case 'data': {
        const table = this.metricTables.get(deviceId);
        const values: Record<string, number> = {};
        const text: string[] = [];
        for (const { id, value } of message.values) {
          const metric = table?.get(id);
          const name = metric?.name ?? `metric${id}`;
          values[name] = value;
          text.push(`${name}=${formatValue(value)}${metric?.unit ? ` ${metric.unit}` : ''}`);
        }
        this.emit(
          { device: deviceId, seq, type: 'data', timeMs: message.timeMs, values },
          `${formatTime(message.timeMs)} ${deviceId} ${text.join('  ')}`,
        );
        return;
      }
      case 'log':
        this.emit(
          { device: deviceId, seq, type: 'log', timeMs: message.timeMs, level: LOG_LEVEL_NAMES[message.level], text: message.text },
          `${formatTime(message.timeMs)} ${deviceId} [${LOG_LEVEL_NAMES[message.level]}] ${message.text}`,
        );
        return;
      case 'event': {
        const kind = EVENT_KIND_NAMES[message.kind] ?? `kind${message.kind}`;
        const code = message.kind === EventKind.Trap ? (TRAP_CODE_NAMES[message.code] ?? String(message.code)) : String(message.code);
        const where = message.file ? ` at ${message.file}:${message.line}:${message.column}` : '';
        this.emit(
          { device: deviceId, seq, ...message, kind, code },
          `${formatTime(message.timeMs)} ${deviceId} ${kind.toUpperCase()} ${code}: ${message.message}${where}`,
        );
        return;
      }
      case 'command-result': {
        const status =
          message.origin === ResultOrigin.App ? halStatusName(message.status) : (RUNNER_STATUS_NAMES[message.status] ?? String(message.status));
        const origin = message.origin === ResultOrigin.App ? 'app' : 'runner';
        this.emit(
          { device: deviceId, seq, type: 'command-result', commandId: message.commandId, origin, status, cached: message.cached, payload: Buffer.from(message.payload).toString('hex') },
          `${deviceId} command ${message.commandId}: ${origin} ${status}${message.cached ? ' (repeat)' : ''}`,
        );
        return;
      }
      default:
        this.emit({ device: deviceId, seq, type: message.type }, `${deviceId} ${message.type}`);
    }
  }

  private emit(record: object, text: string): void {
    this.write(this.json ? JSON.stringify(record) : text);
  }
}

function kebabNames(table: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(table).map(([name, code]) => [code, name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())]));
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function formatTime(timeMs: number): string {
  return `${(timeMs / 1000).toFixed(3).padStart(10)}s`;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(5);
}
