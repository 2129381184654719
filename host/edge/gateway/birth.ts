/**
 * A device's birth (docs/mqtt.md §3.2) from its HELLO and the METRIC messages that follow it
 * (docs/link-protocol.md §7.1), with the names the contract gives the link's numbers.
 */
import { formatAbiVersion } from '../../abi/abi-version.ts';
import {
  Capability,
  LINK_VERSION,
  MetricKind,
  type HelloMessage,
  type MetricMessage,
} from '../../link/messages.ts';
import type { BirthMessage, MetricDescription } from './messages.ts';

/** docs/mqtt.md §3.2: the edge marks a device offline after three heartbeat periods. */
export const HEARTBEAT_PERIODS_BEFORE_OFFLINE = 3;

/** docs/link-protocol.md §4.1 `boot_reason`, by number. */
const BOOT_REASONS = ['power-on', 'reset', 'watchdog', 'reboot', 'fault'] as const;
/** docs/link-protocol.md §4.1 `hello_reason`, by number. */
const HELLO_REASONS = ['boot', 'app-restart', 'requested'] as const;
/** docs/link-protocol.md §4.2 `kind`, by number. */
const METRIC_KINDS = { [MetricKind.Number]: 'number', [MetricKind.Integer]: 'integer', [MetricKind.Boolean]: 'boolean' } as const;
/** docs/link-protocol.md §4.1 capability bits and their docs/mqtt.md §3.2 names. */
const CAPABILITY_NAMES: ReadonlyArray<[number, string]> = [
  [Capability.BootCountPersistent, 'boot-count-persistent'],
  [Capability.Reboot, 'reboot'],
  [Capability.Proxy, 'proxy'],
];

/** docs/hal-abi.md §6: the standard opcodes and the docs/mqtt.md §5.1 command that drives each. */
export const STANDARD_COMMANDS: ReadonlyMap<number, string> = new Map([
  [0x01, 'led'],
  [0x02, 'interval'],
  [0x03, 'brightness'],
]);
/** docs/hal-abi.md §6: opcodes from here on are the app's own. */
export const FIRST_APP_OPCODE = 0x80;
/** docs/mqtt.md §5.1: the runner's commands, which every device takes. */
export const RUNNER_COMMANDS = ['ping', 'hello', 'reboot'] as const;

/** docs/link-protocol.md §4.2: the runner's limits, which an edge re-checks before naming topics from metrics. */
const MAX_METRICS = 24;
const METRIC_NAME = /^[a-z0-9_.]{1,24}$/;
const MAX_UNIT_BYTES = 8;
const MAX_METRIC_ID = 254;

/** `app:0x80`: the opcode as `0x` and two lowercase hex digits (docs/mqtt.md §5.3). */
export function appCommandName(opcode: number): string {
  return `app:0x${opcode.toString(16).padStart(2, '0')}`;
}

/** docs/mqtt.md §3.2 `commands`: standard commands for declared opcodes, `app:0xNN` for the app's, then the runner's. */
export function commandsFor(opcodes: readonly number[]): string[] {
  const standard = opcodes.flatMap((opcode) => STANDARD_COMMANDS.get(opcode) ?? []);
  const own = opcodes.filter((opcode) => opcode >= FIRST_APP_OPCODE).map(appCommandName);
  return [...standard, ...own, ...RUNNER_COMMANDS];
}

/** Why a device's metrics break the runner's limits (docs/link-protocol.md §4.2), or null. */
export function metricsProblem(metrics: readonly MetricMessage[]): string | null {
  if (metrics.length > MAX_METRICS) return `more than ${MAX_METRICS} metrics`;
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const metric of metrics) {
    if (metric.id > MAX_METRIC_ID || ids.has(metric.id)) return `metric id ${metric.id} repeats or is above ${MAX_METRIC_ID}`;
    if (!METRIC_NAME.test(metric.name) || names.has(metric.name)) return `metric name ${JSON.stringify(metric.name)} is not a unique [a-z0-9_.]{1,24}`;
    if (Buffer.byteLength(metric.unit) > MAX_UNIT_BYTES) return `unit ${JSON.stringify(metric.unit)} is over ${MAX_UNIT_BYTES} bytes`;
    ids.add(metric.id);
    names.add(metric.name);
  }
  return null;
}

function describeMetric(metric: MetricMessage): MetricDescription {
  return {
    id: metric.id,
    name: metric.name,
    unit: metric.unit,
    kind: METRIC_KINDS[metric.kind],
    ...(metric.range === undefined ? {} : { min: metric.range.min, max: metric.range.max }),
  };
}

export interface BirthContext {
  edge: string;
  time: string;
}

export function birthMessage(hello: HelloMessage, metrics: readonly MetricMessage[], context: BirthContext): BirthMessage {
  return {
    device: hello.deviceId,
    edge: context.edge,
    time: context.time,
    session: hello.session,
    bootCount: hello.bootCount,
    bootReason: BOOT_REASONS[hello.bootReason],
    helloReason: HELLO_REASONS[hello.helloReason],
    board: hello.board,
    firmware: hello.firmwareVersion,
    link: `${LINK_VERSION}.${hello.linkMinor}`,
    capabilities: CAPABILITY_NAMES.filter(([bit]) => (hello.capabilities & bit) !== 0).map(([, name]) => name),
    app: {
      name: hello.appName,
      version: hello.appVersion,
      hash: Buffer.from(hello.appHash).toString('hex'),
      abi: formatAbiVersion(hello.abiVersion),
      state: hello.appState === 0 ? 'running' : 'backing-off',
    },
    heartbeatPeriodMs: hello.heartbeatPeriodMs,
    offlineAfterMs: hello.heartbeatPeriodMs * HEARTBEAT_PERIODS_BEFORE_OFFLINE,
    reportIntervalMs: hello.reportIntervalMs,
    metrics: metrics.map(describeMetric),
    commands: commandsFor(hello.opcodes),
  };
}

/**
 * docs/link-protocol.md §7.1: a HELLO is followed by `metric_count` METRIC messages with the next `seq` numbers.
 * The assembly completes when all have come; a frame of the same session that is not the next METRIC abandons it
 * (a METRIC was lost), and the edge asks for the HELLO again.
 */
export class BirthAssembly {
  private readonly metrics: MetricMessage[] = [];
  private nextSeq: number;

  constructor(
    readonly hello: HelloMessage,
    helloSeq: number,
  ) {
    this.nextSeq = (helloSeq + 1) & 0xffff;
  }

  get complete(): boolean {
    return this.metrics.length === this.hello.metricCount;
  }

  get collected(): readonly MetricMessage[] {
    return this.metrics;
  }

  /** Takes the METRIC with `seq`; false when it is not the one expected. */
  add(metric: MetricMessage, seq: number): boolean {
    if (seq !== this.nextSeq || this.complete) return false;
    this.metrics.push(metric);
    this.nextSeq = (seq + 1) & 0xffff;
    return true;
  }
}
