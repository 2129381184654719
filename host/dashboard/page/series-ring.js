/**
 * A fixed-size ring of numbers: the sparklines' history, so memory stays the same however long the page is open.
 */
export class SeriesRing {
  /** @param {number} capacity */
  constructor(capacity) {
    this.values = new Float64Array(capacity);
    this.next = 0;
    this.count = 0;
  }

  push(value) {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    this.count = Math.min(this.count + 1, this.values.length);
  }

  /** Calls `visit(value, index)` oldest first. */
  forEach(visit) {
    const capacity = this.values.length;
    const first = (this.next - this.count + capacity) % capacity;
    for (let index = 0; index < this.count; index += 1) visit(this.values[(first + index) % capacity], index);
  }
}
