/**
 * Metric aliases (docs/mqtt.md §7 "Metrics"): `slot × 1024 + n`, unique over the whole Edge Node as Sparkplug 3.0
 * §6.4.6 requires (tck-id-payloads-alias-uniqueness). Slot 0 is the node's own metrics; each device gets a slot
 * (1, 2, …) the first time the edge sees it and keeps it while the edge runs, so a device's aliases never change
 * between its births.
 */
export const ALIASES_PER_SLOT = 1024;
export const NODE_SLOT = 0;
/** `n` of a control metric is this plus its row in docs/mqtt.md §7's control metric table, counted from 1. */
export const CONTROL_METRIC_BASE = 512;

/** `n` of a device's link metric: its link metric id (0..254, docs/hal-abi.md §4.6) + 1. */
export function linkMetricAlias(slot: number, linkMetricId: number): number {
  return slot * ALIASES_PER_SLOT + linkMetricId + 1;
}

export function controlMetricAlias(slot: number, row: number): number {
  return slot * ALIASES_PER_SLOT + CONTROL_METRIC_BASE + row;
}

export function nodeMetricAlias(n: number): number {
  return NODE_SLOT * ALIASES_PER_SLOT + n;
}

/** The slot an alias belongs to and its place `n` within it. */
export function splitAlias(alias: number): { slot: number; n: number } {
  return { slot: Math.floor(alias / ALIASES_PER_SLOT), n: alias % ALIASES_PER_SLOT };
}

export class DeviceSlots {
  private readonly slotByDevice = new Map<string, number>();

  slotOf(device: string): number {
    let slot = this.slotByDevice.get(device);
    if (slot === undefined) {
      slot = this.slotByDevice.size + 1;
      this.slotByDevice.set(device, slot);
    }
    return slot;
  }
}
