/** How the page writes times, values and units. */

/** "12 s ago", "3 min ago", "2 h ago", or the date beyond a day. */
export function ago(isoTime, nowMs = Date.now()) {
  if (isoTime === null || isoTime === undefined) return '—';
  const thenMs = Date.parse(isoTime);
  if (Number.isNaN(thenMs)) return '—';
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(thenMs).toISOString().slice(0, 10);
}

export function clockTime(timeMs) {
  return new Date(timeMs).toLocaleTimeString([], { hour12: false });
}

/** A value with its unit, three significant digits for a number that is not whole. */
export function withUnit(value, unit) {
  if (value === null || value === undefined) return '—';
  const shown = Number.isInteger(value) ? String(value) : value.toPrecision(3);
  return unit ? `${shown} ${unit}` : shown;
}

/** brightnessU16 (docs/mqtt.md §3.4) as a percentage. */
export function percentOfU16(dutyU16) {
  return Math.round((dutyU16 / 65535) * 100);
}
