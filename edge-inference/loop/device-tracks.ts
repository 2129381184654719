import type { BirthMessage, DataMessage, StatusMessage } from '../../host/edge/gateway/messages.ts';
import type { LedBefore } from './alarm.ts';

/** One session of one device as the runtime knows it: its windows are keyed by `<device>@<session>`. */
export interface SessionTrack {
  key: string;
  device: string;
  session: number;
  /** Wall time minus uptime of the session's latest data message (docs/mqtt.md §1's anchor, as published). */
  wallOffsetMs: number;
}

interface DeviceTrack {
  /** The metric names of the device's latest birth (§3.2); undefined before one. */
  metricNames: ReadonlySet<string> | undefined;
  current: SessionTrack | undefined;
  led: LedBefore | null;
}

/** What a message changed about a device's session: the runtime key to forget, when the session is new. */
export interface SessionChange {
  track: SessionTrack;
  forgottenKey: string | undefined;
}

/**
 * What the loop keeps per device from the gateway's messages: the metrics its birth declares, its current session
 * (a new one restarts its windows: the device rebooted), the wall-time offset of its data, and its LED as its
 * last status (§3.4) showed it.
 */
export class DeviceTracks {
  private readonly devices = new Map<string, DeviceTrack>();
  private readonly sessions = new Map<string, SessionTrack>();

  metricNames(device: string): ReadonlySet<string> | undefined {
    return this.devices.get(device)?.metricNames;
  }

  led(device: string): LedBefore | null {
    return this.devices.get(device)?.led ?? null;
  }

  /** The session a runtime key names, while it is its device's current one. */
  session(key: string): SessionTrack | undefined {
    return this.sessions.get(key);
  }

  /** A birth (null: the device was removed, §3.6). */
  birth(device: string, birth: BirthMessage | null): string | undefined {
    const track = this.track(device);
    if (birth === null) {
      this.devices.delete(device);
      return this.endSession(track);
    }
    track.metricNames = new Set(birth.metrics.map((metric) => metric.name));
    return track.current?.session === birth.session ? undefined : this.endSession(track);
  }

  status(device: string, status: StatusMessage | null): void {
    if (status === null) return;
    this.track(device).led = { mode: status.led.mode, periodMs: status.led.periodMs };
  }

  /** A data message: its session's track, made or moved on. */
  data(device: string, data: DataMessage): SessionChange {
    const track = this.track(device);
    let forgottenKey: string | undefined;
    if (track.current?.session !== data.session) {
      forgottenKey = this.endSession(track);
      const key = `${device}@${data.session}`;
      track.current = { key, device, session: data.session, wallOffsetMs: 0 };
      this.sessions.set(key, track.current);
    }
    track.current!.wallOffsetMs = Date.parse(data.time) - data.uptimeMs;
    return { track: track.current, forgottenKey };
  }

  private track(device: string): DeviceTrack {
    let track = this.devices.get(device);
    if (track === undefined) {
      track = { metricNames: undefined, current: undefined, led: null };
      this.devices.set(device, track);
    }
    return track;
  }

  private endSession(track: DeviceTrack): string | undefined {
    const key = track.current?.key;
    if (key !== undefined) this.sessions.delete(key);
    track.current = undefined;
    return key;
  }
}
