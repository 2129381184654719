/** A binary min-heap of (time, device index), ordered by time then index so runs are deterministic. */
export class WakeQueue {
  private readonly times: number[] = [];
  private readonly indices: number[] = [];

  get size(): number {
    return this.times.length;
  }

  push(timeUs: number, index: number): void {
    this.times.push(timeUs);
    this.indices.push(index);
    this.siftUp(this.times.length - 1);
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Removes the earliest entry; returns its index and time, or undefined when empty. */
  pop(): { timeUs: number; index: number } | undefined {
    if (this.times.length === 0) return undefined;
    const top = { timeUs: this.times[0]!, index: this.indices[0]! };
    const lastTime = this.times.pop()!;
    const lastIndex = this.indices.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.indices[0] = lastIndex;
      this.siftDown(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.indices[a]! < this.indices[b]!);
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.indices[a], this.indices[b]] = [this.indices[b]!, this.indices[a]!];
  }

  private siftUp(position: number): void {
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.less(position, parent)) return;
      this.swap(position, parent);
      position = parent;
    }
  }

  private siftDown(position: number): void {
    const count = this.times.length;
    for (;;) {
      const left = 2 * position + 1;
      const right = left + 1;
      let smallest = position;
      if (left < count && this.less(left, smallest)) smallest = left;
      if (right < count && this.less(right, smallest)) smallest = right;
      if (smallest === position) return;
      this.swap(position, smallest);
      position = smallest;
    }
  }
}
