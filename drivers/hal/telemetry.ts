// Metric declaration and reports (docs/hal-abi.md §4.6). Names and units are given as string literals and
// copied as ASCII into static buffers sized to the ABI's limits, so declaring never allocates either.
import { metric_declare, metric_report } from "./hal";
import { AsciiWriter } from "./ascii";
import { Status } from "./status";

/** §4.6: name 1..24 bytes of [a-z0-9_.], unit 0..8 bytes of UCUM. */
const NAME_CAPACITY = 24;
const UNIT_CAPACITY = 8;
const nameBytes = new AsciiWriter(memory.data(NAME_CAPACITY), NAME_CAPACITY);
const unitBytes = new AsciiWriter(memory.data(UNIT_CAPACITY), UNIT_CAPACITY);

/** UCUM codes for the units drivers report in. */
export const UNIT_CELSIUS = "Cel";
export const UNIT_PERCENT = "%";
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

/** Reports one value of metric `id` in its declared unit. */
export function reportMetric(id: i32, value: f64): i32 {
  return metric_report(id, value);
}
