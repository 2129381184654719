import type { Alarm, AlarmCommandResult, ClearReason, LedBefore } from './alarm.ts';
import { isActive, withCurrentFields } from './alarm.ts';
import type { AlarmStore } from './alarm-store.ts';
import { alarmTopic, type Publish } from './topics.ts';

/** How many cleared alarms stay published, and for how long (docs/mqtt.md §9.2). */
export interface ClearedAlarmRetention {
  maxCount: number;
  maxAgeMs: number;
}

export const DEFAULT_CLEARED_ALARM_RETENTION: ClearedAlarmRetention = { maxCount: 100, maxAgeMs: 7 * 24 * 3600 * 1000 };

export interface AlarmBookOptions {
  edgeId: string;
  store: AlarmStore;
  publish: Publish;
  retention: ClearedAlarmRetention;
  /** Wall-clock ms since the epoch. */
  wallClockMs: () => number;
  log: (line: string) => void;
}

export interface AlarmOpening {
  device: string;
  rule: string;
  model: string;
  /** The window that opens it. */
  atMs: number;
  /** The most anomalous of the windows in a row that opened it. */
  peak: { score: number; atMs: number };
  ledBefore: LedBefore | null;
}

export type AcknowledgeOutcome = { ok: true; alarm: Alarm } | { ok: false; error: 'unknown-alarm' | 'already-cleared'; detail: string };

/**
 * The edge's alarms: each change is written to the store, then published retained on
 * `wasmote/<edge>/$edge/alarms/<id>` (docs/mqtt.md §9.2), so a restarted edge and any MQTT client see one list.
 * Cleared alarms beyond the retention are removed from both (an empty retained payload on their topic).
 */
export class AlarmBook {
  private readonly alarms = new Map<string, Alarm>();
  /** The open and acknowledged alarms by rule and device: looked up at every scored window. */
  private readonly activeByKey = new Map<string, Alarm>();

  constructor(private readonly options: AlarmBookOptions) {
    for (const stored of options.store.all()) {
      const alarm = withCurrentFields(stored);
      this.alarms.set(alarm.id, alarm);
      if (isActive(alarm)) this.activeByKey.set(activeKey(alarm.device, alarm.rule), alarm);
    }
  }

  /**
   * docs/mqtt.md §9.2, at the edge's start: publishes every kept alarm again and removes, with an empty retained
   * payload, each of `retainedIds` (the alarm topics the broker retains for this edge) that the store no longer
   * keeps, so the broker's retained list is the store's.
   */
  async reconcile(retainedIds: Iterable<string> = []): Promise<void> {
    for (const id of retainedIds) if (!this.alarms.has(id)) this.publishRemoval(id);
    await Promise.all([...this.alarms.values()].map((alarm) => this.publish(alarm)));
  }

  list(): Alarm[] {
    return [...this.alarms.values()].map((alarm) => structuredClone(alarm));
  }

  /** The open or acknowledged alarm of a rule on a device. */
  active(device: string, rule: string): Alarm | undefined {
    return this.activeByKey.get(activeKey(device, rule));
  }

  /** The open and acknowledged alarms. */
  activeAlarms(): Alarm[] {
    return [...this.activeByKey.values()];
  }

  open(opening: AlarmOpening): Alarm {
    const alarm = this.options.store.create({
      device: opening.device,
      rule: opening.rule,
      model: opening.model,
      state: 'open',
      revision: 1,
      updatedAt: this.now(),
      openedAt: new Date(opening.atMs).toISOString(),
      peakScore: opening.peak.score,
      peakAt: new Date(opening.peak.atMs).toISOString(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      clearedAt: null,
      clearReason: null,
      lastCommandResult: null,
      ledBefore: opening.ledBefore,
    });
    this.alarms.set(alarm.id, alarm);
    this.activeByKey.set(activeKey(alarm.device, alarm.rule), alarm);
    this.options.log(`alarm ${alarm.id} opened: ${alarm.device}, rule ${alarm.rule}, peak ${alarm.peakScore}`);
    void this.publish(alarm);
    return alarm;
  }

  /** A window of an active alarm's rule; `moreAnomalous` says whether its score beats the peak. */
  observeScore(alarm: Alarm, score: number, atMs: number, moreAnomalous: (score: number, peak: number) => boolean): void {
    if (!moreAnomalous(score, alarm.peakScore)) return;
    alarm.peakScore = score;
    alarm.peakAt = new Date(atMs).toISOString();
    this.changed(alarm);
  }

  recordCommand(alarm: Alarm, result: AlarmCommandResult): void {
    // The alarm may have been pruned while its command waited.
    if (!this.alarms.has(alarm.id)) return;
    alarm.lastCommandResult = result;
    this.changed(alarm);
  }

  /** Acknowledging twice keeps the first; a cleared alarm is refused (docs/mqtt.md §9.3 `already-cleared`). */
  acknowledge(alarmId: string, by: string): AcknowledgeOutcome {
    const alarm = this.alarms.get(alarmId);
    if (alarm === undefined) return { ok: false, error: 'unknown-alarm', detail: `no alarm ${alarmId} on this edge` };
    if (alarm.state === 'cleared') return { ok: false, error: 'already-cleared', detail: `alarm ${alarmId} cleared at ${alarm.clearedAt} (${alarm.clearReason})` };
    if (alarm.acknowledgedAt !== null) return { ok: true, alarm: structuredClone(alarm) };
    alarm.acknowledgedAt = this.now();
    alarm.acknowledgedBy = by;
    alarm.state = 'acknowledged';
    this.options.log(`alarm ${alarm.id} acknowledged by ${by}`);
    this.changed(alarm);
    return { ok: true, alarm: structuredClone(alarm) };
  }

  /** `atMs`: the window that cleared it (`normal`), or the edge's clock when something else did. */
  clear(alarm: Alarm, atMs: number, reason: ClearReason = 'normal'): void {
    alarm.state = 'cleared';
    this.activeByKey.delete(activeKey(alarm.device, alarm.rule));
    alarm.clearedAt = new Date(atMs).toISOString();
    alarm.clearReason = reason;
    this.options.log(`alarm ${alarm.id} cleared (${reason}): ${alarm.device}, rule ${alarm.rule}, peak ${alarm.peakScore}`);
    this.changed(alarm);
    this.prune();
  }

  /** Removes cleared alarms older than the retention's age, and the oldest beyond its count. */
  prune(): void {
    const { maxCount, maxAgeMs } = this.options.retention;
    const oldestKeptMs = this.options.wallClockMs() - maxAgeMs;
    const cleared = [...this.alarms.values()].filter((alarm) => !isActive(alarm)).sort((a, b) => Date.parse(a.clearedAt!) - Date.parse(b.clearedAt!));
    const excess = cleared.length - maxCount;
    cleared.forEach((alarm, index) => {
      if (index >= excess && Date.parse(alarm.clearedAt!) >= oldestKeptMs) return;
      this.options.store.remove(alarm.id);
      this.alarms.delete(alarm.id);
      this.publishRemoval(alarm.id);
    });
  }

  private now(): string {
    return new Date(this.options.wallClockMs()).toISOString();
  }

  private changed(alarm: Alarm): void {
    alarm.revision += 1;
    alarm.updatedAt = this.now();
    this.options.store.update(alarm);
    void this.publish(alarm);
  }

  private async publish(alarm: Alarm): Promise<void> {
    try {
      await this.options.publish(alarmTopic(this.options.edgeId, alarm.id), structuredClone(alarm), { qos: 1, retain: true });
    } catch (error) {
      this.options.log(`alarm ${alarm.id}: publishing failed: ${(error as Error).message}`);
    }
  }

  private publishRemoval(alarmId: string): void {
    this.options.publish(alarmTopic(this.options.edgeId, alarmId), null, { qos: 1, retain: true }).catch((error: Error) => {
      this.options.log(`alarm ${alarmId}: removing it from the broker failed: ${error.message}`);
    });
  }
}

function activeKey(device: string, rule: string): string {
  return `${rule}\u0000${device}`;
}
