// The Space-Saving top-k sketch (Metwally, Agrawal, El Abbadi 2005): heavy hitters of a stream in fixed memory, with error bounds.

/** One monitored key. Its true frequency lies in [count - error, count]. */
export interface SpaceSavingEntry {
  key: string;
  /** An overestimate: never below the key's true frequency. */
  count: number;
  /** How much of count may have been inherited from an evicted key; count - error is a guaranteed lower bound. */
  error: number;
}

/**
 * Keys are strings compared exactly. Binary keys must be encoded so that different byte strings never collide:
 * `buf.toString('latin1')` maps every byte to one char and `Buffer.from(key, 'latin1')` restores it (UTF-8 decoding
 * would not: invalid bytes all become U+FFFD).
 *
 * Guarantees with capacity m after a stream of total weight N: every key whose true frequency exceeds N/m is
 * monitored, and every error is at most N/m (it is at most the smallest count, which cannot exceed N/m).
 *
 * The counters live in a min-heap over parallel arrays with a Map from key to heap slot, so an offer costs
 * O(log m) and works for any positive weight (the bucket list of the paper is O(1) only for weight 1).
 */
export class SpaceSaving {
  /** Sum of all weights offered (N). */
  total = 0;
  readonly capacity: number;
  private readonly keys: string[] = [];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  private readonly slots = new Map<string, number>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Space-Saving capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
  }

  /** How many keys are monitored (at most capacity). */
  get size(): number {
    return this.keys.length;
  }

  /** The most any key that is not monitored can have occurred: 0 until the sketch is full, then the smallest count. */
  get untrackedMax(): number {
    return this.keys.length < this.capacity ? 0 : this.counts[0];
  }

  offer(key: string, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`Space-Saving weight must be positive and finite, got ${weight}`);
    this.total += weight;
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.counts[slot] += weight;
      this.siftDown(slot);
      return;
    }
    if (this.keys.length < this.capacity) {
      const i = this.keys.length;
      this.keys.push(key);
      this.counts[i] = weight;
      this.errors[i] = 0;
      this.slots.set(key, i);
      this.siftUp(i);
      return;
    }
    // Full: the new key takes over the smallest counter and inherits its count as possible error.
    const min = this.counts[0];
    this.slots.delete(this.keys[0]);
    this.keys[0] = key;
    this.counts[0] = min + weight;
    this.errors[0] = min;
    this.slots.set(key, 0);
    this.siftDown(0);
  }

  /** The n largest counts, largest first; ties go to the larger guaranteed count, then to the key. */
  top(n = this.capacity): SpaceSavingEntry[] {
    const all: SpaceSavingEntry[] = this.keys.map((key, i) => ({ key, count: this.counts[i], error: this.errors[i] }));
    all.sort((a, b) => b.count - a.count || a.error - b.error || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return all.slice(0, Math.max(0, n));
  }

  /** The entry for one key, or undefined if it is not monitored (then its frequency is at most untrackedMax). */
  get(key: string): SpaceSavingEntry | undefined {
    const i = this.slots.get(key);
    return i === undefined ? undefined : { key, count: this.counts[i], error: this.errors[i] };
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.counts[parent] <= this.counts[i]) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.counts[right] < this.counts[left] ? right : left;
      if (this.counts[i] <= this.counts[child]) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(a: number, b: number): void {
    const ka = this.keys[a];
    const kb = this.keys[b];
    this.keys[a] = kb;
    this.keys[b] = ka;
    const c = this.counts[a];
    this.counts[a] = this.counts[b];
    this.counts[b] = c;
    const e = this.errors[a];
    this.errors[a] = this.errors[b];
    this.errors[b] = e;
    this.slots.set(kb, a);
    this.slots.set(ka, b);
  }
}
