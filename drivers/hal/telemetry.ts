// Metric declaration, description and reports (docs/hal-abi.md §4.6). Names and units are given as string literals
// and copied as ASCII into static buffers sized to the ABI's limits, so declaring never allocates either.
import { metric_declare, metric_describe, metric_report } from "./hal";
import { AsciiWriter } from "./ascii";
import { Status } from "./status";

/** §4.6: name 1..24 bytes of [a-z0-9_.], unit 0..8 bytes of UCUM. */
const NAME_CAPACITY = 24;
const UNIT_CAPACITY = 8;
const nameBytes = new AsciiWriter(memory.data(NAME_CAPACITY), NAME_CAPACITY);
const unitBytes = new AsciiWriter(memory.data(UNIT_CAPACITY), UNIT_CAPACITY);

/** UCUM codes for the units drivers report in (docs/link-protocol.md §4.2.1). */
export const UNIT_CELSIUS = "Cel";
/** SenML's registered name for relative humidity; UCUM's plain `%` would lose that it is relative. */
export const UNIT_RELATIVE_HUMIDITY = "%RH";
export const UNIT_PASCAL = "Pa";
export const UNIT_METRES_PER_SECOND_SQUARED = "m/s2";
export const UNIT_RADIANS_PER_SECOND = "rad/s";

/** Declares metric `id` (only allowed during init); BAD_ARGUMENT without a HAL call if a text is too long. */
export function declareMetric(id: i32, name: string, unit: string): i32 {
  nameBytes.reset().text(name);
  unitBytes.reset().text(unit);
  if (nameBytes.overflowed || unitBytes.overflowed) return Status.BadArgument;
  return metric_declare(id, nameBytes.buffer, nameBytes.length, unitBytes.buffer, unitBytes.length);
}

/** §4.6 metric_describe kinds. */
export enum MetricKind {
  /** Any finite value. */
  Number = 0,
  /** Whole numbers. */
  Integer = 1,
  /** 0 or 1. */
  Boolean = 2,
}

/** Both bounds of a metric without a range. */
export const NO_RANGE: f64 = NaN;

/**
 * Says how to read metric `id`'s values: its kind and the sensor's range `min..max` (finite, min <= max), or
 * NO_RANGE for both. Only during init, after declareMetric; a metric never described is a number with no range.
 */
export function describeMetric(id: i32, kind: MetricKind, min: f64, max: f64): i32 {
  return metric_describe(id, kind, min, max);
}

/** Declares metric `id` and describes it at once; returns the first failure. */
export function declareMetricWithRange(id: i32, name: string, unit: string, kind: MetricKind, min: f64, max: f64): i32 {
  const status = declareMetric(id, name, unit);
  return status != Status.Ok ? status : describeMetric(id, kind, min, max);
}

/** Reports one value of metric `id` in its declared unit (only during tick). */
export function reportMetric(id: i32, value: f64): i32 {
  return metric_report(id, value);
}
