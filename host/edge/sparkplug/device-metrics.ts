import type { BirthMessage, DataMessage, MetricDescription } from '../gateway/messages.ts';
import { controlMetricAlias, linkMetricAlias } from './aliases.ts';
import { type ControlMetric, type ControlSource, controlMetricsOf } from './control-metrics.ts';
import { DataType, type DataTypeCode } from './datatypes.ts';
import type { Metric, MetricValue, PropertyValue } from './payload.ts';

/** A metric's latest value and when it was measured (Unix epoch ms). */
export interface TimedValue {
  value: number;
  timeMs: number;
}

/** docs/mqtt.md §7 "Metrics": datatypes by kind (docs/link-protocol.md §4.2). */
const DATATYPE_OF_KIND: Record<MetricDescription['kind'], DataTypeCode> = {
  number: DataType.Double,
  integer: DataType.Int64,
  boolean: DataType.Boolean,
};

/** The link name with `.` made `/`, a Sparkplug folder: `tmp102.temperature` → `tmp102/temperature`. */
export function sparkplugMetricName(linkName: string): string {
  return linkName.replaceAll('.', '/');
}

/** JSON numbers to the kind's datatype: integers are within ±(2^53 − 1) (docs/link-protocol.md §4.2). */
function valueOfKind(kind: MetricDescription['kind'], value: number): MetricValue {
  if (kind === 'integer') return BigInt(Math.trunc(value));
  if (kind === 'boolean') return value !== 0;
  return value;
}

/** `engUnit` (omitted when the device gave none), `engLow` and `engHigh` (when it gave a range). */
function engineeringProperties(description: MetricDescription): Record<string, PropertyValue> | undefined {
  const properties: Record<string, PropertyValue> = {};
  if (description.unit !== '') properties.engUnit = { datatype: DataType.String, value: description.unit };
  if (description.min !== undefined) properties.engLow = { datatype: DataType.Double, value: description.min };
  if (description.max !== undefined) properties.engHigh = { datatype: DataType.Double, value: description.max };
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/** The time control metrics carry: the HEARTBEAT's, or the birth's before the first. */
function controlTimeMs(source: ControlSource): number {
  return Date.parse(source.status?.time ?? source.birth.time);
}

/** Every metric of a DBIRTH with name, alias, datatype, properties and current value (`null` before the first). */
export function deviceBirthMetrics(
  slot: number,
  source: ControlSource,
  values: ReadonlyMap<string, TimedValue>,
): Metric[] {
  const birthTimeMs = Date.parse(source.birth.time);
  const linkMetrics = source.birth.metrics.map((description): Metric => {
    const latest = values.get(description.name);
    const properties = engineeringProperties(description);
    return {
      name: sparkplugMetricName(description.name),
      alias: linkMetricAlias(slot, description.id),
      timestampMs: latest?.timeMs ?? birthTimeMs,
      datatype: DATATYPE_OF_KIND[description.kind],
      value: latest === undefined ? null : valueOfKind(description.kind, latest.value),
      ...(properties && { properties }),
    };
  });
  const timeMs = controlTimeMs(source);
  const controlMetrics = controlMetricsOf(source.birth).map((control): Metric => ({
    name: control.name,
    alias: controlMetricAlias(slot, control.row),
    timestampMs: timeMs,
    datatype: control.datatype,
    value: control.read(source),
  }));
  return [...linkMetrics, ...controlMetrics];
}

/** A DDATA's metrics for one DATA message, by alias alone; names the birth does not know are left out. */
export function dataMetrics(slot: number, birth: BirthMessage, data: DataMessage): Metric[] {
  const timeMs = Date.parse(data.time);
  const metrics: Metric[] = [];
  for (const [name, value] of Object.entries(data.values)) {
    const description = birth.metrics.find((metric) => metric.name === name);
    if (!description) continue;
    metrics.push({
      alias: linkMetricAlias(slot, description.id),
      timestampMs: timeMs,
      datatype: DATATYPE_OF_KIND[description.kind],
      value: valueOfKind(description.kind, value),
    });
  }
  return metrics;
}

/** The control metrics whose value differs from what was last published, by alias alone. */
export function changedControlMetrics(
  slot: number,
  source: ControlSource,
  published: ReadonlyMap<number, MetricValue | null>,
): Metric[] {
  const timeMs = controlTimeMs(source);
  return controlMetricsOf(source.birth)
    .map((control): [ControlMetric, MetricValue | null] => [control, control.read(source)])
    .filter(([control, value]) => published.get(control.row) !== value)
    .map(([control, value]) => ({
      alias: controlMetricAlias(slot, control.row),
      timestampMs: timeMs,
      datatype: control.datatype,
      value,
    }));
}

/** The control metrics' values as a DBIRTH or DDATA publishes them, by row, to find changes against. */
export function controlValues(source: ControlSource): Map<number, MetricValue | null> {
  return new Map(controlMetricsOf(source.birth).map((control) => [control.row, control.read(source)]));
}
