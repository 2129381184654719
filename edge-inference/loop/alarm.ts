import type { CommandAnswer, WallTime } from '../../host/edge/gateway/messages.ts';

/**
 * An alarm of the closed loop (docs/mqtt.md §9.2): one rule on one device, from the window that opened it to the
 * one that cleared it. `acknowledged` is still active: a person has seen it, the device is not normal yet.
 */
export type AlarmState = 'open' | 'acknowledged' | 'cleared';

/**
 * docs/mqtt.md §9.2 `clearReason`: what cleared an alarm. `normal`: its device's windows were normal long enough;
 * `device-forgotten`: the edge forgot the device (§3.6); `model-not-applicable`: the device's new birth no longer
 * declares the model's metrics; `model-unloaded`: the edge started without the rule's model; `rule-removed`: the
 * edge started without the rule, or with one that no longer covers the device.
 */
export type ClearReason = 'normal' | 'device-forgotten' | 'model-not-applicable' | 'model-unloaded' | 'rule-removed';

/** The LED as the device's status (§3.4) showed it before the alarm opened; what `restore: "led"` sends back. */
export interface LedBefore {
  mode: 'off' | 'on' | 'blink' | 'unknown';
  periodMs: number;
}

/** The last command a rule sent for this alarm and the §5.3 answer, so a timeout or a nack is visible. */
export interface AlarmCommandResult {
  command: string;
  payload: Record<string, unknown>;
  /** When the answer came, edge wall time. */
  time: WallTime;
  answer: CommandAnswer;
}

export interface Alarm {
  /** Unique on this edge, never reused: a decimal number the store draws. */
  id: string;
  device: string;
  /** The rule that opened it, and its model. */
  rule: string;
  model: string;
  state: AlarmState;
  /** 1 when it opens, one more at each change: of two copies, the higher is the newer (docs/mqtt.md §9.2). */
  revision: number;
  /** The edge's clock at the latest change. */
  updatedAt: WallTime;
  /** Wall times of the windows' newest samples (docs/mqtt.md §1), except `acknowledgedAt`, the edge's clock. */
  openedAt: WallTime;
  peakScore: number;
  peakAt: WallTime;
  acknowledgedAt: WallTime | null;
  acknowledgedBy: string | null;
  clearedAt: WallTime | null;
  /** Null until it clears. */
  clearReason: ClearReason | null;
  lastCommandResult: AlarmCommandResult | null;
  ledBefore: LedBefore | null;
}

export function isActive(alarm: Alarm): boolean {
  return alarm.state !== 'cleared';
}

/** An alarm stored before `revision`, `updatedAt` and `clearReason` existed, with them filled in. */
export function withCurrentFields(stored: Omit<Alarm, 'revision' | 'updatedAt' | 'clearReason'> & Partial<Alarm>): Alarm {
  return {
    ...stored,
    revision: stored.revision ?? 1,
    updatedAt: stored.updatedAt ?? stored.clearedAt ?? stored.openedAt,
    clearReason: stored.clearReason ?? (stored.state === 'cleared' ? 'normal' : null),
  };
}
