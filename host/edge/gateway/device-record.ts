/** What the gateway holds per device: its link, session, online state, retained messages and commands. */
import type { Clock } from '../../flash/clock.ts';
import { HEARTBEAT_PERIODS_BEFORE_OFFLINE } from './birth.ts';
import { CommandCache } from './command-cache.ts';
import { LatestValues } from './latest-values.ts';
import type { LinkSession } from './link-session.ts';
import type { BirthMessage, DeviceStateMessage, LatestMessage, StatusMessage } from './messages.ts';
import { PendingCommands } from './pending-commands.ts';
import { TimeAnchor } from './time-anchor.ts';
import { ValueWindow } from './value-window.ts';

/** docs/link-protocol.md §7.2: the default HEARTBEAT period, until a HELLO or HEARTBEAT gives the device's. */
const DEFAULT_HEARTBEAT_PERIOD_MS = 5000;
/** Sessions whose anchors are kept: the current one and the 3 a receiver still recognises (§5.2). */
const ANCHORED_SESSIONS = 4;

export class DeviceRecord {
  /** The link the device was last seen on; null once it closed. */
  link: LinkSession | null = null;
  /** The device's current session; null before the first frame that gives it. */
  session: number | null = null;
  online = false;
  /** docs/mqtt.md §3.2 `offlineAfterMs`. */
  offlineAfterMs = DEFAULT_HEARTBEAT_PERIOD_MS * HEARTBEAT_PERIODS_BEFORE_OFFLINE;
  lastSeenWallMs = 0;
  /** On the gateway's clock, for `--forget-after`. */
  lastSeenMs = 0;
  birth: BirthMessage | null = null;
  state: DeviceStateMessage | null = null;
  status: StatusMessage | null = null;
  latest: LatestMessage | null = null;
  /** docs/mqtt.md §3.5: this session's latest value of each metric. */
  readonly latestValues = new LatestValues();
  latestPublishedAtMs = Number.NEGATIVE_INFINITY;
  cancelLatest: (() => void) | undefined;
  cancelOffline: (() => void) | undefined;
  readonly pending: PendingCommands;
  readonly cache: CommandCache;
  readonly window: ValueWindow | null;
  private readonly anchors = new Map<number, TimeAnchor>();
  /** metricNames' answer, and the birth it was made from. */
  private names = new Map<number, string>();
  private namesOf: BirthMessage | null = null;

  constructor(
    readonly deviceId: string,
    clock: Clock,
    dataWindow: number | undefined,
  ) {
    this.pending = new PendingCommands(clock, (frame) => this.link?.write(frame));
    this.cache = new CommandCache(() => clock.nowMs());
    this.window = dataWindow === undefined ? null : new ValueWindow(dataWindow);
  }

  /** docs/mqtt.md §1: the session's time anchor, made on first use. */
  anchor(session: number): TimeAnchor {
    let anchor = this.anchors.get(session);
    if (anchor === undefined) {
      anchor = new TimeAnchor();
      this.anchors.set(session, anchor);
      if (this.anchors.size > ANCHORED_SESSIONS) this.anchors.delete(this.anchors.keys().next().value!);
    }
    return anchor;
  }

  /** The birth's metric names by id, when the birth is of `session`. */
  metricNames(session: number): Map<number, string> | null {
    const birth = this.birth;
    if (birth === null || birth.session !== session) return null;
    // Made once per birth: every DATA frame asks.
    if (this.namesOf !== birth) {
      this.names = new Map(birth.metrics.map((metric) => [metric.id, metric.name]));
      this.namesOf = birth;
    }
    return this.names;
  }

  stopTimers(): void {
    this.cancelLatest?.();
    this.cancelOffline?.();
    this.cancelLatest = undefined;
    this.cancelOffline = undefined;
  }
}
