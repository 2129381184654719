/** Sparkplug 3.0, a Host Application's STATE: UTF-8 JSON `{"online": bool, "timestamp": <Unix epoch ms>}`. */
export interface HostState {
  online: boolean;
  timestampMs: number;
}

/** The STATE payload, or undefined when it is not one (it is then ignored). */
export function parseHostState(payload: Uint8Array): HostState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { online, timestamp } = value as Record<string, unknown>;
  if (typeof online !== 'boolean' || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined;
  return { online, timestampMs: timestamp };
}

/**
 * The Primary Host Application's latest STATE, kept across this edge's connections: a STATE with an older
 * timestamp than the last one taken is stale and ignored
 * (tck-id-message-flow-edge-node-birth-publish-phid-wait-timestamp).
 */
export class PrimaryHostTracker {
  private lastTimestampMs = Number.NEGATIVE_INFINITY;

  /** The state to act on, or undefined when this one is stale. */
  take(state: HostState): HostState | undefined {
    if (state.timestampMs < this.lastTimestampMs) return undefined;
    this.lastTimestampMs = state.timestampMs;
    return state;
  }
}
