import type { GatewayView, MetricDescription } from '../gateway/messages.ts';

/**
 * One device as GET /devices shows it (docs/edge.md, "Health and metrics"): the retained messages of
 * docs/mqtt.md §3.2–§3.5 joined into what a person or a script asks first: is it online, since when, what runs
 * on it, its latest values and the link's counters.
 */
export interface DeviceSummary {
  device: string;
  online: boolean;
  /** §3.3 `reason` of the latest state, or null before any. */
  stateReason: string | null;
  /** When the edge last received a frame from it (§3.4 `edgeLink.lastSeen`, or §3.3 `lastSeen`). */
  lastSeen: string | null;
  session: number | null;
  board: string | null;
  /** Versions: the firmware, the device link, the app and its HAL ABI (§3.2). */
  firmware: string | null;
  link: string | null;
  app: { name: string; version: string; hash: string; abi: string; state: string } | null;
  /** The birth's metric table, each with its latest value (§3.5) when there is one. */
  metrics: Array<MetricDescription & { value: number | null; time: string | null }>;
  /** §3.4: what the device received from the edge, and what the edge received from the device. */
  counters: { deviceLink: unknown; edgeLink: unknown } | null;
}

export function summarizeDevices(devices: ReturnType<GatewayView['devices']>): DeviceSummary[] {
  return devices.map(({ device, birth, state, status, latest }) => ({
    device,
    online: state?.state === 'online',
    stateReason: state?.reason ?? null,
    lastSeen: status?.edgeLink.lastSeen ?? state?.lastSeen ?? null,
    session: state?.session ?? birth?.session ?? null,
    board: birth?.board ?? null,
    firmware: birth?.firmware ?? null,
    link: birth?.link ?? null,
    app: birth?.app ?? null,
    metrics: (birth?.metrics ?? []).map((metric) => {
      // §3.5 holds the current session's values only.
      const current = latest !== null && latest.session === birth?.session ? latest.values[metric.name] : undefined;
      return { ...metric, value: current?.value ?? null, time: current?.time ?? null };
    }),
    counters: status === null ? null : { deviceLink: status.deviceLink, edgeLink: status.edgeLink },
  }));
}
