/**
 * One reading of a device's metrics at one time: what a DATA message carries (docs/link-protocol.md §4.2),
 * keyed by the names the device declared in its METRIC messages. A metric the device could not read this time
 * (a sensor that failed) is absent.
 */
export interface MetricSample {
  /** The device's clock at the reading, ms since its boot. */
  timeMs: number;
  /** The `seq` of the data message that carried it (docs/mqtt.md §1), when it came from one. */
  seq?: number;
  values: Readonly<Record<string, number>>;
}
