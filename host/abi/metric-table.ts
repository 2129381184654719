import type { MetricDescriptor, MetricValue } from '../link/messages.ts';

/** docs/hal-abi.md §4.6 limits. */
export const MAX_METRICS = 24;
export const MAX_METRIC_ID = 254;
export const MAX_METRIC_NAME_BYTES = 24;
export const MAX_METRIC_UNIT_BYTES = 8;
const METRIC_NAME_PATTERN = /^[a-z0-9_.]+$/;

/** The metrics an app declared in `init`, and the values it reported during the current tick. */
export class MetricTable {
  readonly descriptors: MetricDescriptor[] = [];
  private readonly declaredIds = new Set<number>();
  private pending: MetricValue[] = [];

  /** Returns an error message, or null when the declaration is accepted. */
  declare(id: number, name: string, unit: string): string | null {
    if (!Number.isInteger(id) || id < 0 || id > MAX_METRIC_ID) return `metric id ${id} is outside 0..${MAX_METRIC_ID}`;
    if (this.declaredIds.has(id)) return `metric id ${id} is declared twice`;
    if (this.descriptors.length >= MAX_METRICS) return `more than ${MAX_METRICS} metrics`;
    if (name.length === 0 || name.length > MAX_METRIC_NAME_BYTES || !METRIC_NAME_PATTERN.test(name)) {
      return `metric name '${name}' must be 1..${MAX_METRIC_NAME_BYTES} characters of [a-z0-9_.]`;
    }
    if (Buffer.byteLength(unit) > MAX_METRIC_UNIT_BYTES) return `metric unit '${unit}' is over ${MAX_METRIC_UNIT_BYTES} bytes`;
    this.declaredIds.add(id);
    this.descriptors.push({ id, name, unit });
    return null;
  }

  report(id: number, value: number): boolean {
    if (!this.declaredIds.has(id) || !Number.isFinite(value)) return false;
    this.pending.push({ id, value });
    return true;
  }

  /** The values reported since the last call, in report order. */
  takeReported(): MetricValue[] {
    const values = this.pending;
    this.pending = [];
    return values;
  }
}
