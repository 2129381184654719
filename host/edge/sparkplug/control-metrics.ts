import type { BirthMessage, StatusMessage } from '../gateway/messages.ts';
import { controlMetricAlias, splitAlias } from './aliases.ts';
import { DataType, type DataTypeCode } from './datatypes.ts';
import type { MetricValue, ReceivedMetric } from './payload.ts';

/** What a control metric's current value is read from. */
export interface ControlSource {
  birth: BirthMessage;
  /** The latest HEARTBEAT, when there is one. */
  status: StatusMessage | null;
  /** The §5.3 answer to the last DCMD as JSON, empty before the first. */
  lastResult: string;
}

export interface ControlMetric {
  /** The row in docs/mqtt.md §7's control metric table, counted from 1: `n` = 512 + row. */
  row: number;
  name: string;
  datatype: DataTypeCode;
  /** The §5.1 command a device must take (its birth's `commands`) for the metric to exist; none: every device. */
  needsCommand?: string;
  /** Whether a DCMD may write it. */
  writable: boolean;
  read(source: ControlSource): MetricValue | null;
}

/** docs/mqtt.md §7, "Control metrics", in the table's order. */
export const CONTROL_METRICS: readonly ControlMetric[] = [
  {
    row: 1,
    name: 'Device Control/Rebirth',
    datatype: DataType.Boolean,
    needsCommand: 'hello',
    writable: true,
    read: () => false,
  },
  {
    row: 2,
    name: 'Device Control/Reboot',
    datatype: DataType.Boolean,
    needsCommand: 'reboot',
    writable: true,
    read: () => false,
  },
  {
    row: 3,
    name: 'LED/Mode',
    datatype: DataType.String,
    needsCommand: 'led',
    writable: true,
    read: ({ status }) => status?.led.mode ?? null,
  },
  {
    row: 4,
    name: 'LED/Period ms',
    datatype: DataType.UInt32,
    needsCommand: 'led',
    writable: true,
    read: ({ status }) => status?.led.periodMs ?? null,
  },
  {
    row: 5,
    name: 'Report/Interval ms',
    datatype: DataType.UInt32,
    needsCommand: 'interval',
    writable: true,
    read: ({ birth, status }) => status?.reportIntervalMs ?? birth.reportIntervalMs,
  },
  {
    row: 6,
    name: 'LED/Brightness',
    datatype: DataType.UInt16,
    needsCommand: 'brightness',
    writable: true,
    read: ({ status }) => status?.brightnessU16 ?? null,
  },
  {
    row: 7,
    name: 'Device Control/Last Result',
    datatype: DataType.String,
    writable: false,
    read: ({ lastResult }) => lastResult,
  },
  { row: 8, name: 'Device/Session', datatype: DataType.UInt32, writable: false, read: ({ birth }) => birth.session },
  {
    row: 9,
    name: 'Device/Boot Count',
    datatype: DataType.UInt32,
    writable: false,
    read: ({ birth }) => birth.bootCount,
  },
  {
    row: 10,
    name: 'App/State',
    datatype: DataType.String,
    writable: false,
    read: ({ birth, status }) => (status?.session === birth.session ? status.app.state : birth.app.state),
  },
];

export const LAST_RESULT_METRIC = CONTROL_METRICS.find((metric) => metric.name === 'Device Control/Last Result')!;

/** The control metrics a device has: those whose command its birth lists. */
export function controlMetricsOf(birth: BirthMessage): ControlMetric[] {
  return CONTROL_METRICS.filter(
    (metric) => metric.needsCommand === undefined || birth.commands.includes(metric.needsCommand),
  );
}

/**
 * The control metric a DCMD metric addresses: by alias (tck-id-payloads-alias-data-cmd-requirement), or by name
 * for a host that writes by name. Undefined when it names none of the device's.
 */
export function resolveControlMetric(
  metric: ReceivedMetric,
  slot: number,
  available: readonly ControlMetric[],
): ControlMetric | undefined {
  if (metric.alias !== undefined) {
    const { slot: aliasSlot } = splitAlias(metric.alias);
    if (aliasSlot !== slot) return undefined;
    return available.find((control) => controlMetricAlias(slot, control.row) === metric.alias);
  }
  return available.find((control) => control.name === metric.name);
}
