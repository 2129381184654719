import type { CommandAnswer, WallTime } from '../../host/edge/gateway/messages.ts';

/**
 * An alarm of the closed loop (docs/mqtt.md §9.2): one rule on one device, from the window that opened it to the
 * one that cleared it. `acknowledged` is still active: a person has seen it, the device is not normal yet.
 */
export type AlarmState = 'open' | 'acknowledged' | 'cleared';

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
  /** Wall times of the windows' newest samples (docs/mqtt.md §1), except `acknowledgedAt`, the edge's clock. */
  openedAt: WallTime;
  peakScore: number;
  peakAt: WallTime;
  acknowledgedAt: WallTime | null;
  acknowledgedBy: string | null;
  clearedAt: WallTime | null;
  lastCommandResult: AlarmCommandResult | null;
  ledBefore: LedBefore | null;
}

export function isActive(alarm: Alarm): boolean {
  return alarm.state !== 'cleared';
}
