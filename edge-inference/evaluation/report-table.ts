import type { DetectionFigures } from './detection-metrics.ts';
import type { EvaluationReport } from './evaluate.ts';
import type { GoalCheck } from './goals.ts';

const COLUMNS = ['P', 'R', 'F1', 'found', 'delay', 'FA/h'] as const;

function cells(figures: DetectionFigures): string[] {
  return [
    figures.precision.toFixed(3),
    figures.recall.toFixed(3),
    figures.f1.toFixed(3),
    `${figures.detected}/${figures.events}`,
    Number.isNaN(figures.medianDelaySamples) ? '-' : String(figures.medianDelaySamples),
    figures.falseAlarmsPerDeviceHour.toFixed(2),
  ];
}

/**
 * The evaluation as a text table: per kind of anomaly and overall, the model's and the baseline's precision,
 * recall, F1, anomalies found, median detection delay (samples) and false alarms per device-hour of normal data.
 */
export function formatReport(report: EvaluationReport, goals: readonly GoalCheck[]): string {
  const rows: string[][] = [];
  for (const entry of report.byAnomaly) rows.push([entry.anomaly, ...cells(entry.model), ...cells(entry.baseline)]);
  rows.push(['all', ...cells(report.overall.model), ...cells(report.overall.baseline)]);
  const header = ['anomaly', ...COLUMNS, ...COLUMNS];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const modelWidth = widths.slice(1, 1 + COLUMNS.length).reduce((sum, width) => sum + width + 2, 0);
  const lines = [
    `${''.padEnd(widths[0]! + 2)}${`model ${report.model}`.padEnd(modelWidth)}baseline (rolling z-score)`,
    line(header),
    ...rows.slice(0, -1).map(line),
    line(rows.at(-1)!),
    '',
    'P precision (flagged windows inside an anomaly), R recall (anomalies flagged), delay: median samples from an',
    "anomaly's start to its first flag, FA/h: false alarms per device-hour on the normal runs.",
    '',
    ...goals.map((check) => `${check.met ? 'met' : 'NOT MET'}: ${check.goal}`),
  ];
  return lines.join('\n');
}
