/**
 * Strings made from a device id and a message kind (a topic, a cloud subject), made once and kept: the edge
 * needs them for every message, and one string kept is hashed once where a new one is hashed at every lookup
 * (the NATS sink's bytes per subject, the broker packet's topic). Bounded, for fleets whose ids keep changing.
 */
const DEVICES_REMEMBERED = 65_536;

export class DeviceStrings<Kind extends string> {
  private readonly byDevice = new Map<string, Map<Kind, string>>();

  constructor(private readonly make: (device: string, kind: Kind) => string) {}

  get(device: string, kind: Kind): string {
    let kinds = this.byDevice.get(device);
    if (kinds === undefined) {
      if (this.byDevice.size >= DEVICES_REMEMBERED) this.byDevice.clear();
      kinds = new Map();
      this.byDevice.set(device, kinds);
    }
    let text = kinds.get(kind);
    if (text === undefined) {
      text = this.make(device, kind);
      kinds.set(kind, text);
    }
    return text;
  }
}
