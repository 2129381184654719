/**
 * Exponential backoff with jitter between a sink's failed attempts. The ceiling for attempt n (from 0) is
 * min(maxMs, initialMs · multiplier^n); the delay is drawn from [ceiling · (1 − jitter), ceiling]: jitter 1 is
 * "full jitter", 0.5 "equal jitter" (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015),
 * so edges that lost the same broker do not all come back at once.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Fraction of the ceiling left to chance, 0..1. */
  jitter: number;
}

/** The delay before attempt `attempt + 1`; `random` returns [0, 1) (Math.random, or a seeded generator in tests). */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const ceilingMs = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** attempt);
  return ceilingMs * (1 - policy.jitter * random());
}
