import type { TimeSource, WallTime } from './messages.ts';

/** docs/mqtt.md §1: the anchor is the smallest of the last 12 estimates (a minute at the default heartbeat). */
export const ANCHOR_ESTIMATES = 12;

const MS_PER_S = 1000;
/** '000' to '999': the milliseconds of a time in its second. */
const MILLISECOND_DIGITS = Array.from({ length: MS_PER_S }, (_, ms) => String(ms).padStart(3, '0'));

/** The second formatted last (its first millisecond, and its text up to the '.'), for the next time in it. */
let cachedSecondMs = Number.NaN;
let cachedSecondText = '';

/**
 * docs/mqtt.md §1: RFC 3339 UTC with milliseconds, as Date's toISOString() writes it (ECMA-262 §21.4.4.36). The
 * edge stamps every message it publishes, most of them in the same second as the one before: that second's text
 * is kept, and only the milliseconds are written again.
 */
export function formatWallTime(wallMs: number): WallTime {
  // A Date's time value drops the fraction of a millisecond (ECMA-262 §21.4.3.1, TimeClip).
  const ms = Math.trunc(wallMs);
  const intoSecondMs = ms - cachedSecondMs;
  if (intoSecondMs >= 0 && intoSecondMs < MS_PER_S) return `${cachedSecondText}${MILLISECOND_DIGITS[intoSecondMs]}Z`;
  const text = new Date(ms).toISOString();
  cachedSecondMs = ms - (((ms % MS_PER_S) + MS_PER_S) % MS_PER_S);
  cachedSecondText = text.slice(0, -'000Z'.length);
  return text;
}

/**
 * docs/mqtt.md §1: maps one session's device uptime to wall time. Each HELLO and HEARTBEAT gives an estimate
 * `arrival − uptime` that is never too early; the anchor is the smallest of the last ANCHOR_ESTIMATES, so it follows
 * a device clock that drifts against the edge's.
 */
export class TimeAnchor {
  private readonly estimatesMs: number[] = [];
  /** The newest uptime stamped on the anchor so far, and the wall time it was given. */
  private latestAnchored: { uptimeMs: number; wallMs: number } | undefined;

  addEstimate(arrivalWallMs: number, uptimeMs: number): void {
    this.estimatesMs.push(arrivalWallMs - uptimeMs);
    if (this.estimatesMs.length > ANCHOR_ESTIMATES) this.estimatesMs.shift();
  }

  /** Wall ms at the session's uptime 0; null before the first estimate. */
  get anchorWallMs(): number | null {
    return this.estimatesMs.length === 0 ? null : Math.min(...this.estimatesMs);
  }

  /**
   * `time` and `timeSource` for a message stamped `uptimeMs` that arrived at `arrivalWallMs`. docs/mqtt.md §1:
   * anchored times never go back as uptime goes forward. A smaller estimate moves the anchor back; a message newer
   * than the newest stamped so far, whose time would then fall before that one's, gets that one's time instead,
   * until the device's clock has caught up.
   */
  stamp(uptimeMs: number, arrivalWallMs: number): { time: WallTime; timeSource: TimeSource } {
    const anchor = this.anchorWallMs;
    if (anchor === null) return { time: formatWallTime(arrivalWallMs), timeSource: 'arrival' };
    let wallMs = anchor + uptimeMs;
    const latest = this.latestAnchored;
    if (latest === undefined || uptimeMs >= latest.uptimeMs) {
      if (latest !== undefined) wallMs = Math.max(wallMs, latest.wallMs);
      this.latestAnchored = { uptimeMs, wallMs };
    }
    return { time: formatWallTime(wallMs), timeSource: 'anchored' };
  }
}
