/**
 * Where a detector's alarm threshold goes: above every score it gave on normal calibration data (runs it was not
 * fitted on), with a margin. On data like the calibration runs that means no alarm in their device-hours and,
 * by the margin, fewer than one per device-hour on normal data it has not seen. The model and the baseline are
 * both calibrated this way, on the same runs, so their comparison is fair.
 */
export const THRESHOLD_MARGIN = 1.1;

export function calibrateThreshold(normalScores: Iterable<number>): number {
  let highest = Number.NEGATIVE_INFINITY;
  for (const score of normalScores) if (score > highest) highest = score;
  if (!Number.isFinite(highest)) throw new Error('no calibration scores');
  return highest * THRESHOLD_MARGIN;
}
