import type { AnomalyInterval } from './labelled-run.ts';

/** One scored window of one device, by its newest sample's time. */
export interface Flag {
  toTimeMs: number;
  anomalous: boolean;
}

/** A run's flags per device (index = fleet index) and its labelled anomalies. */
export interface FlaggedRun {
  anomaly: string;
  deviceHours: number;
  flags: Flag[][];
  intervals: AnomalyInterval[];
}

export interface DetectionFigures {
  /** Share of flagged windows that lie in a labelled anomaly (or its grace after the end). */
  precision: number;
  /** Share of labelled anomalies with at least one flagged window. */
  recall: number;
  f1: number;
  events: number;
  detected: number;
  /** Samples from an anomaly's start to its first flagged window, median over detected anomalies. */
  medianDelaySamples: number;
  /** Alarms (a flag after an unflagged window) outside any anomaly, per device-hour, on the normal runs. */
  falseAlarmsPerDeviceHour: number;
}

/**
 * A window still holds samples of an anomaly for a while after it ends, and a chip that recovers (a stuck one
 * moving again) is itself a change: flags this long after an anomaly's end count as part of it.
 */
export const GRACE_MS = 10_000;

/**
 * Precision over flagged windows and recall over labelled anomalies, the event-wise reading of Tatbul et al.,
 * "Precision and Recall for Time Series" (NeurIPS 2018) with existence reward only: an anomaly counts as found by
 * any flag inside it, and a flag counts as right when it falls inside one.
 */
export function detectionFigures(runs: readonly FlaggedRun[]): DetectionFigures {
  let flagged = 0;
  let flaggedInAnomaly = 0;
  let events = 0;
  const delays: number[] = [];
  let normalAlarms = 0;
  let normalHours = 0;
  for (const run of runs) {
    run.flags.forEach((flags, device) => {
      const intervals = run.intervals.filter((interval) => interval.device === device);
      const inside = (flag: Flag) =>
        intervals.some((interval) => flag.toTimeMs >= interval.fromS * 1000 && flag.toTimeMs < interval.toS * 1000 + GRACE_MS);
      let previous = false;
      for (const flag of flags) {
        if (flag.anomalous) {
          flagged++;
          if (inside(flag)) flaggedInAnomaly++;
          else if (!previous && run.anomaly === 'normal') normalAlarms++;
        }
        previous = flag.anomalous;
      }
      for (const interval of intervals) {
        events++;
        const during = flags.filter(
          (flag) => flag.toTimeMs >= interval.fromS * 1000 && flag.toTimeMs < interval.toS * 1000 + GRACE_MS,
        );
        const first = during.findIndex((flag) => flag.anomalous);
        if (first !== -1) delays.push(first);
      }
    });
    if (run.anomaly === 'normal') normalHours += run.deviceHours;
  }
  const precision = flagged === 0 ? 1 : flaggedInAnomaly / flagged;
  const recall = events === 0 ? 1 : delays.length / events;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    events,
    detected: delays.length,
    medianDelaySamples: median(delays),
    falseAlarmsPerDeviceHour: normalHours === 0 ? 0 : normalAlarms / normalHours,
  };
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
