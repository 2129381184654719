import { UsageError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `60s`, `5m`, `1h` or a bare number of seconds into ms. */
export function parseDurationMs(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} '${text}' is not a duration (examples: 500ms, 60s, 5m, 1h)`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
}

export function parsePositiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} '${text}' must be a positive integer`);
  return value;
}
