import type { EvaluationReport } from './evaluate.ts';

/** The edge-inference issue's goals for the shipped detector, on the labelled runs of edge-inference/eval/. */
export const GOALS = {
  minF1: 0.9,
  maxMedianDelaySamples: 3,
  maxFalseAlarmsPerDeviceHour: 1,
} as const;

export interface GoalCheck {
  goal: string;
  met: boolean;
}

export function checkGoals(report: EvaluationReport): GoalCheck[] {
  const { model, baseline } = report.overall;
  return [
    { goal: `F1 ≥ ${GOALS.minF1} (${model.f1.toFixed(3)})`, met: model.f1 >= GOALS.minF1 },
    { goal: `F1 above the baseline's (${model.f1.toFixed(3)} vs ${baseline.f1.toFixed(3)})`, met: model.f1 > baseline.f1 },
    {
      goal: `median detection delay ≤ ${GOALS.maxMedianDelaySamples} samples (${model.medianDelaySamples})`,
      met: model.medianDelaySamples <= GOALS.maxMedianDelaySamples,
    },
    {
      goal: `false alarms ≤ ${GOALS.maxFalseAlarmsPerDeviceHour} per device-hour on normal runs (${model.falseAlarmsPerDeviceHour.toFixed(2)})`,
      met: model.falseAlarmsPerDeviceHour <= GOALS.maxFalseAlarmsPerDeviceHour,
    },
  ];
}
