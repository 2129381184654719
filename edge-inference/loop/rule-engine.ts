import type { Alarm, ClearReason, LedBefore } from './alarm.ts';
import type { AlarmBook } from './alarm-book.ts';
import { AlarmHysteresis } from './alarm-hysteresis.ts';
import type { Rule, RuleAction } from './rules.ts';

/** One scored window as the rules read it. */
export interface RuleWindow {
  device: string;
  model: string;
  score: number;
  /** The model's own verdict, which decides for a class model. */
  anomalous: boolean;
  /** Wall time of the window's newest sample, ms. */
  atMs: number;
}

/** One rule on one device. */
interface RuleTrack {
  hysteresis: AlarmHysteresis;
  runPeak: { score: number; atMs: number } | undefined;
}

export interface RuleEngineOptions {
  rules: readonly Rule[];
  book: AlarmBook;
  /** The device's LED before the alarm, from its last status. */
  ledOf(device: string): LedBefore | null;
  /** Runs a rule's actions for an alarm (in order, after the device's earlier ones). */
  runActions(alarm: Alarm, actions: readonly RuleAction[]): void;
}

/**
 * Applies the rules to each scored window: per rule and device, the verdict under the rule's threshold feeds
 * the hysteresis, whose changes open and clear alarms and run the rule's actions (issue 12, "The closed loop").
 */
export class RuleEngine {
  private readonly byModel = new Map<string, Rule[]>();
  private readonly tracks = new Map<string, RuleTrack>();

  constructor(private readonly options: RuleEngineOptions) {
    for (const rule of options.rules) {
      const rules = this.byModel.get(rule.model) ?? [];
      rules.push(rule);
      this.byModel.set(rule.model, rules);
    }
  }

  observe(window: RuleWindow): void {
    for (const rule of this.byModel.get(window.model) ?? []) {
      if (rule.devices !== undefined && !rule.devices.includes(window.device)) continue;
      this.apply(rule, window);
    }
  }

  private apply(rule: Rule, window: RuleWindow): void {
    const { book } = this.options;
    const direction = rule.threshold?.anomalousWhen ?? 'above';
    const moreAnomalous = (score: number, peak: number) => beyond(score, peak, direction);
    const anomalous = rule.threshold === undefined ? window.anomalous : beyond(window.score, rule.threshold.value, direction);
    const active = book.active(window.device, rule.name);
    if (active !== undefined) book.observeScore(active, window.score, window.atMs, moreAnomalous);
    const track = this.trackOf(rule, window.device, active !== undefined);
    if (!track.hysteresis.open) {
      // The peak of the anomalous windows in a row that may open the alarm.
      if (!anomalous) track.runPeak = undefined;
      else if (track.runPeak === undefined || moreAnomalous(window.score, track.runPeak.score)) track.runPeak = { score: window.score, atMs: window.atMs };
    }
    const change = track.hysteresis.observe(anomalous, window.atMs);
    if (change === 'open') {
      const alarm = book.open({
        device: window.device,
        rule: rule.name,
        model: rule.model,
        atMs: window.atMs,
        peak: track.runPeak ?? { score: window.score, atMs: window.atMs },
        ledBefore: this.options.ledOf(window.device),
      });
      track.runPeak = undefined;
      this.options.runActions(alarm, rule.onOpen);
    } else if (change === 'clear' && active !== undefined) {
      book.clear(active, window.atMs);
      this.options.runActions(active, rule.onClear);
    }
  }

  /**
   * docs/mqtt.md §9.2: clears the device's active alarms whose model `ended` names, when no window will: the device
   * was forgotten, or its new birth no longer declares the model's metrics. Only the latter still has a device
   * to send the rule's clearing commands to.
   */
  endAlarms(device: string, reason: 'device-forgotten' | 'model-not-applicable', ended: (model: string) => boolean, nowMs: number): void {
    for (const rule of this.options.rules) {
      if (!ended(rule.model)) continue;
      this.tracks.delete(trackKey(rule.name, device));
      const active = this.options.book.active(device, rule.name);
      if (active === undefined) continue;
      this.options.book.clear(active, nowMs, reason);
      if (reason === 'model-not-applicable') this.options.runActions(active, rule.onClear);
    }
  }

  /**
   * At the edge's start: clears the alarms kept from an earlier run whose rule is gone, or whose model is not
   * loaded (`model-unloaded`), or whose rule no longer covers their device (`rule-removed`).
   */
  endOrphans(loadedModels: ReadonlySet<string>, nowMs: number): void {
    for (const alarm of this.options.book.activeAlarms()) {
      const rule = this.options.rules.find((candidate) => candidate.name === alarm.rule);
      let reason: ClearReason | undefined;
      if (!loadedModels.has(alarm.model)) reason = 'model-unloaded';
      else if (rule === undefined || rule.model !== alarm.model || (rule.devices !== undefined && !rule.devices.includes(alarm.device))) reason = 'rule-removed';
      if (reason !== undefined) this.options.book.clear(alarm, nowMs, reason);
    }
  }

  /** Made at a device's first window of the rule; open when the store kept an active alarm from an earlier run. */
  private trackOf(rule: Rule, device: string, open: boolean): RuleTrack {
    const key = trackKey(rule.name, device);
    let track = this.tracks.get(key);
    if (track === undefined) {
      track = { hysteresis: new AlarmHysteresis({ openAfterWindows: rule.openAfterWindows, clearAfterNormalMs: rule.clearAfterNormalMs, open }), runPeak: undefined };
      this.tracks.set(key, track);
    }
    return track;
  }
}

function trackKey(rule: string, device: string): string {
  return `${rule}\u0000${device}`;
}

function beyond(score: number, threshold: number, anomalousWhen: 'above' | 'below'): boolean {
  return anomalousWhen === 'above' ? score > threshold : score < threshold;
}
