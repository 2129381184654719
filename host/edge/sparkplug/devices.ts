import type { BirthMessage, DeviceMessage, GatewayView, StatusMessage } from '../gateway/messages.ts';
import type { AnomalyValues } from './anomaly-metrics.ts';
import type { ControlSource } from './control-metrics.ts';
import type { TimedValue } from './device-metrics.ts';
import type { MetricValue } from './payload.ts';

/** What the node keeps of one device between the gateway's messages. */
export interface TrackedDevice {
  readonly device: string;
  readonly slot: number;
  birth: BirthMessage | null;
  status: StatusMessage | null;
  /** From `state` (§3.3); a birth also means online, as it follows a HELLO. */
  online: boolean;
  /** Each metric's latest value in the birth's session, by link name. */
  values: Map<string, TimedValue>;
  /** The §5.3 answer to the last DCMD, as JSON. */
  lastResult: string;
  /** A DBIRTH went out for it in this Sparkplug session and no DDEATH since. */
  born: boolean;
  /** The control metrics' values as last published, by row. */
  publishedControls: Map<number, MetricValue | null>;
  /** The closed loop's latest score and state per model (docs/mqtt.md §7 "Anomaly metrics"). */
  anomaly: AnomalyValues;
}

export function controlSource(tracked: TrackedDevice & { birth: BirthMessage }): ControlSource {
  return { birth: tracked.birth, status: tracked.status, lastResult: tracked.lastResult };
}

/** The devices as the gateway last described them, starting from its retained state. */
export class DeviceTable {
  private readonly byDevice = new Map<string, TrackedDevice>();

  constructor(private readonly slotOf: (device: string) => number) {}

  /** From `GatewayView.devices()`: births, states, statuses and latest values as last published. */
  load(view: GatewayView): void {
    for (const retained of view.devices()) {
      const tracked = this.get(retained.device);
      tracked.birth = retained.birth;
      tracked.status = retained.status;
      tracked.online = retained.state?.state === 'online';
      if (retained.latest && retained.latest.session === retained.birth?.session) {
        for (const [name, { value, time }] of Object.entries(retained.latest.values)) {
          tracked.values.set(name, { value, timeMs: Date.parse(time) });
        }
      }
    }
  }

  get(device: string): TrackedDevice {
    let tracked = this.byDevice.get(device);
    if (!tracked) {
      tracked = {
        device,
        slot: this.slotOf(device),
        birth: null,
        status: null,
        online: false,
        values: new Map(),
        lastResult: '',
        born: false,
        publishedControls: new Map(),
        anomaly: new Map(),
      };
      this.byDevice.set(device, tracked);
    }
    return tracked;
  }

  find(device: string): TrackedDevice | undefined {
    return this.byDevice.get(device);
  }

  all(): IterableIterator<TrackedDevice> {
    return this.byDevice.values();
  }

  /** Applies one gateway message to the device's record (publishing is the node's). */
  apply(message: DeviceMessage): TrackedDevice {
    const tracked = this.get(message.device);
    switch (message.kind) {
      case 'birth':
        if (message.payload && message.payload.session !== tracked.birth?.session) tracked.values.clear();
        tracked.birth = message.payload;
        if (message.payload) tracked.online = true;
        break;
      case 'state':
        tracked.online = message.payload?.state === 'online';
        break;
      case 'status':
        tracked.status = message.payload;
        break;
      case 'latest':
        if (message.payload && message.payload.session === tracked.birth?.session) {
          for (const [name, { value, time }] of Object.entries(message.payload.values)) {
            const timeMs = Date.parse(time);
            if ((tracked.values.get(name)?.timeMs ?? Number.NEGATIVE_INFINITY) <= timeMs)
              tracked.values.set(name, { value, timeMs });
          }
        }
        break;
      case 'data':
        if (message.payload.session === tracked.birth?.session) {
          const timeMs = Date.parse(message.payload.time);
          for (const [name, value] of Object.entries(message.payload.values))
            tracked.values.set(name, { value, timeMs });
        }
        break;
      case 'log':
      case 'event':
        break;
    }
    return tracked;
  }
}
