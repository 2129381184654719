import { MetricKind, type MetricMessage, type MetricValue } from '../link/messages.ts';

/** docs/hal-abi.md §4.6 limits. */
export const MAX_METRICS = 24;
export const MAX_METRIC_ID = 254;
export const MAX_METRIC_NAME_BYTES = 24;
export const MAX_METRIC_UNIT_BYTES = 8;
const METRIC_NAME_PATTERN = /^[a-z0-9_.]+$/;

/** docs/hal-abi.md §4.7, §6: opcodes an app may declare; 0x70..0x7F are the runner's. */
export const APP_OPCODE_MIN = 0x01;
export const APP_OPCODE_MAX = 0xff;
export const RUNNER_OPCODE_MIN = 0x70;
export const RUNNER_OPCODE_MAX = 0x7f;

/** One declared metric as METRIC carries it (docs/link-protocol.md §4.2); `range` is absent when there is none. */
export type MetricDescriptor = Omit<MetricMessage, 'type'>;

/** docs/hal-abi.md §4.7: opcodes one app may declare. */
export const MAX_OPCODES = 16;
/** docs/link-protocol.md §4.3: values in one DATA message. */
export const VALUES_PER_DATA = 24;

/** docs/link-protocol.md §4.2 kinds: an integer is whole with magnitude at most 2^53 - 1; a boolean is 0 or 1. */
function fitsKind(kind: MetricKind, value: number): boolean {
  if (kind === MetricKind.Integer) return Number.isSafeInteger(value);
  if (kind === MetricKind.Boolean) return value === 0 || value === 1;
  return true;
}

function isMetricKind(kind: number): kind is MetricKind {
  return kind === MetricKind.Number || kind === MetricKind.Integer || kind === MetricKind.Boolean;
}

/**
 * What an app declared in `init` (its metrics, with kind and range, and the opcodes it handles) and the values it
 * reported during the current tick. The phase checks are the import layer's; this table checks the values.
 */
export class MetricTable {
  /** In declaration order, as the METRIC messages after a HELLO go out. */
  readonly descriptors: MetricDescriptor[] = [];
  private readonly byId = new Map<number, MetricDescriptor>();
  private readonly declaredOpcodes = new Set<number>();
  private pending: MetricValue[] = [];

  /** `onBatch` receives each full batch of 24 values while a tick reports them; the rest wait for takeReported(). */
  constructor(private readonly onBatch?: (values: MetricValue[]) => void) {}

  /** Returns an error message, or null when the declaration is accepted. A new metric is a number with no range. */
  declare(id: number, name: string, unit: string): string | null {
    if (!Number.isInteger(id) || id < 0 || id > MAX_METRIC_ID) return `metric id ${id} is outside 0..${MAX_METRIC_ID}`;
    if (this.byId.has(id)) return `metric id ${id} is declared twice`;
    if (this.descriptors.length >= MAX_METRICS) return `more than ${MAX_METRICS} metrics`;
    if (name.length === 0 || name.length > MAX_METRIC_NAME_BYTES || !METRIC_NAME_PATTERN.test(name)) {
      return `metric name '${name}' must be 1..${MAX_METRIC_NAME_BYTES} characters of [a-z0-9_.]`;
    }
    if (Buffer.byteLength(unit) > MAX_METRIC_UNIT_BYTES) return `metric unit '${unit}' is over ${MAX_METRIC_UNIT_BYTES} bytes`;
    const descriptor: MetricDescriptor = { id, name, unit, kind: MetricKind.Number };
    this.byId.set(id, descriptor);
    this.descriptors.push(descriptor);
    return null;
  }

  /**
   * docs/hal-abi.md §4.6 `metric_describe`: the kind and range of a declared metric; both bounds NaN for no range.
   * A later description of the same metric replaces an earlier one. Returns an error message, or null.
   */
  describe(id: number, kind: number, min: number, max: number): string | null {
    const descriptor = this.byId.get(id);
    if (descriptor === undefined) return `metric id ${id} is not declared`;
    if (!isMetricKind(kind)) return `metric kind ${kind} is outside 0..2`;
    const noRange = Number.isNaN(min) && Number.isNaN(max);
    const range = Number.isFinite(min) && Number.isFinite(max) && min <= max;
    if (!noRange && !range) return `metric range ${min}..${max} is neither finite with min <= max nor both NaN`;
    descriptor.kind = kind;
    if (range) descriptor.range = { min, max };
    else delete descriptor.range;
    return null;
  }

  /** docs/hal-abi.md §4.7 `command_declare`; declaring an opcode twice is harmless. Returns an error message, or null. */
  declareCommand(opcode: number): string | null {
    if (!Number.isInteger(opcode) || opcode < APP_OPCODE_MIN || opcode > APP_OPCODE_MAX) {
      return `opcode ${opcode} is outside 0x01..0xFF`;
    }
    if (opcode >= RUNNER_OPCODE_MIN && opcode <= RUNNER_OPCODE_MAX) return `opcode ${opcode} is the runner's`;
    if (!this.declaredOpcodes.has(opcode) && this.declaredOpcodes.size >= MAX_OPCODES) return `more than ${MAX_OPCODES} opcodes`;
    this.declaredOpcodes.add(opcode);
    return null;
  }

  /** The opcodes the app declared, ascending and unique, as HELLO lists them (docs/link-protocol.md §4.1). */
  get opcodes(): number[] {
    return [...this.declaredOpcodes].sort((a, b) => a - b);
  }

  /**
   * Holds a value for the current tick's DATA; false for an undeclared id, a non-finite value, or one its kind does
   * not take (docs/hal-abi.md §4.6). Every 24 values go to `onBatch` as they build up (docs/link-protocol.md §7.2).
   */
  report(id: number, value: number): boolean {
    const descriptor = this.byId.get(id);
    if (descriptor === undefined || !Number.isFinite(value) || !fitsKind(descriptor.kind, value)) return false;
    this.pending.push({ id, value });
    if (this.pending.length === VALUES_PER_DATA && this.onBatch !== undefined) this.onBatch(this.takeReported());
    return true;
  }

  /** The values reported since the last call, in report order. */
  takeReported(): MetricValue[] {
    const values = this.pending;
    this.pending = [];
    return values;
  }
}
