// Tests the Space-Saving sketch against exact counts of deterministic skewed streams.
import { describe, expect, test } from 'bun:test';
import { SpaceSaving } from './spaceSaving.ts';

/** mulberry32: a tiny seeded PRNG, so every run sees the same stream. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Key i is drawn with probability proportional to 1/(i+1)^skew (Zipf-like), by inverting the cumulative weights. */
function zipfStream(length: number, distinct: number, skew: number, seed: number): string[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < distinct; i++) cumulative.push((sum += 1 / (i + 1) ** skew));
  const next = random(seed);
  const out: string[] = [];
  for (let n = 0; n < length; n++) {
    const target = next() * sum;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    out.push(`key:${lo}`);
  }
  return out;
}

function exactCounts(stream: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of stream) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

describe('SpaceSaving', () => {
  test('bounds hold for every monitored key of a Zipf stream much wider than the sketch', () => {
    const stream = zipfStream(200_000, 50_000, 1.1, 42);
    const exact = exactCounts(stream);
    const m = 500;
    const sketch = new SpaceSaving(m);
    for (const k of stream) sketch.offer(k);
    const N = stream.length;
    expect(sketch.total).toBe(N);
    expect(sketch.size).toBe(m);
    const top = sketch.top();
    expect(top.length).toBe(m);
    for (const e of top) {
      const truth = exact.get(e.key) ?? 0;
      expect(e.count).toBeGreaterThanOrEqual(truth);
      expect(e.count - e.error).toBeLessThanOrEqual(truth);
      expect(e.error).toBeLessThanOrEqual(N / m);
    }
    // Every key more frequent than N/m is monitored; anything else has at most the smallest count.
    for (const [key, truth] of exact) {
      if (truth > N / m) expect(sketch.get(key)).toBeDefined();
      if (!sketch.get(key)) expect(truth).toBeLessThanOrEqual(sketch.untrackedMax);
    }
    // Counts always add up to N: each offer adds its weight to exactly one counter.
    expect(top.reduce((s, e) => s + e.count, 0)).toBe(N);
  });

  test('the top 10 of a skewed stream is exactly right with m = 1000', () => {
    const stream = zipfStream(300_000, 100_000, 1.2, 7);
    const exact = exactCounts(stream);
    const sketch = new SpaceSaving(1000);
    for (const k of stream) sketch.offer(k);
    const expected = [...exact].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k]) => k);
    expect(sketch.top(10).map((e) => e.key)).toEqual(expected);
    // The heaviest keys were never evicted, so their counts are exact.
    for (const e of sketch.top(3)) {
      expect(e.error).toBe(0);
      expect(e.count).toBe(exact.get(e.key)!);
    }
  });

  test('below capacity every count is exact', () => {
    const sketch = new SpaceSaving(10);
    for (const k of ['a', 'b', 'a', 'c', 'a', 'b']) sketch.offer(k);
    expect(sketch.top()).toEqual([
      { key: 'a', count: 3, error: 0 },
      { key: 'b', count: 2, error: 0 },
      { key: 'c', count: 1, error: 0 },
    ]);
    expect(sketch.untrackedMax).toBe(0);
    expect(sketch.top(1)).toEqual([{ key: 'a', count: 3, error: 0 }]);
  });

  test('a new key takes over the smallest counter and records what it inherited', () => {
    const sketch = new SpaceSaving(2);
    sketch.offer('a', 5);
    sketch.offer('b', 2);
    sketch.offer('c');
    expect(sketch.top()).toEqual([
      { key: 'a', count: 5, error: 0 },
      { key: 'c', count: 3, error: 2 },
    ]);
    expect(sketch.get('b')).toBeUndefined();
    expect(sketch.untrackedMax).toBe(3);
    expect(sketch.total).toBe(8);
  });

  test('weighted offers keep the bounds', () => {
    const next = random(3);
    const exact = new Map<string, number>();
    const sketch = new SpaceSaving(50);
    let N = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = `k${Math.floor(next() ** 3 * 2000)}`;
      const weight = 1 + Math.floor(next() * 5);
      exact.set(key, (exact.get(key) ?? 0) + weight);
      sketch.offer(key, weight);
      N += weight;
    }
    expect(sketch.total).toBe(N);
    for (const e of sketch.top()) {
      expect(e.count).toBeGreaterThanOrEqual(exact.get(e.key)!);
      expect(e.count - e.error).toBeLessThanOrEqual(exact.get(e.key)!);
      expect(e.error).toBeLessThanOrEqual(N / 50);
    }
  });

  test('binary keys as latin1 strings stay distinct and round-trip', () => {
    const a = Buffer.from([0x62, 0x69, 0x6e, 0xff, 0xfe, 0x00, 0x01]);
    const b = Buffer.from([0x62, 0x69, 0x6e, 0xff, 0xfd, 0x00, 0x01]);
    // UTF-8 decoding would turn both into the same string; latin1 does not.
    expect(a.toString('utf8')).toBe(b.toString('utf8'));
    const sketch = new SpaceSaving(4);
    sketch.offer(a.toString('latin1'));
    sketch.offer(b.toString('latin1'), 2);
    expect(sketch.top().map((e) => [...Buffer.from(e.key, 'latin1')])).toEqual([[...b], [...a]]);
  });

  test('bad capacity or weight is a programming error', () => {
    expect(() => new SpaceSaving(0)).toThrow(RangeError);
    expect(() => new SpaceSaving(1.5)).toThrow(RangeError);
    const sketch = new SpaceSaving(1);
    expect(() => sketch.offer('a', 0)).toThrow(RangeError);
    expect(() => sketch.offer('a', Number.NaN)).toThrow(RangeError);
    expect(() => sketch.offer('a', Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(sketch.total).toBe(0);
  });
});
