/**
 * Values made from a key once and kept: texts the edge writes for every message (a metric name's quoted bytes, a
 * value's digits, a device's topics). It starts over once it holds `limit`, a bound for keys that keep changing.
 */
export class BoundedMemo<Key, Value> {
  private readonly values = new Map<Key, Value>();

  constructor(
    private readonly limit: number,
    private readonly make: (key: Key) => Value,
  ) {}

  get(key: Key): Value {
    let value = this.values.get(key);
    if (value === undefined) {
      if (this.values.size >= this.limit) this.values.clear();
      value = this.make(key);
      this.values.set(key, value);
    }
    return value;
  }
}

/** Devices whose names (topics, cloud subjects) the edge keeps; past that they are made again. */
export const DEVICES_REMEMBERED = 65_536;
/** Bound on a device's message kinds (docs/mqtt.md §2), never reached. */
export const KINDS_REMEMBERED = 16;
