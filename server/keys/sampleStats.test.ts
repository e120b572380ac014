import { describe, expect, test } from 'bun:test';
import { confidenceOf, estimateGroups, prefixOf, topGroups, ttlBucket, type SampledKey } from './sampleStats.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('prefixes', () => {
  test('first part with its separator, digits folded, binary escaped', () => {
    expect(prefixOf(enc('user:42:name'))).toBe('user:');
    expect(prefixOf(enc('cache/page/7'))).toBe('cache/');
    expect(prefixOf(enc('tenant|job'))).toBe('tenant|');
    expect(prefixOf(enc('session8812'))).toBe('session*');
    expect(prefixOf(enc('counter'))).toBe('(none)');
    expect(prefixOf(enc('12345'))).toBe('(none)');
    expect(prefixOf(new Uint8Array([0xff, 0x3a, 1]))).toBe('\\xff:');
  });

  test('TTL buckets', () => {
    expect([null, -1, 0, 59_999, 60_000, 3_600_000, 86_400_000, 7 * 86_400_000].map(ttlBucket)).toEqual(['no ttl', 'no ttl', '< 1 min', '< 1 min', '1 min - 1 h', '1 h - 1 d', '1 d - 7 d', '> 7 d']);
  });
});

describe('estimates', () => {
  const key = (node: string, type: string, bytes: number): SampledKey => ({ node, type, bytes, ttlMs: null, prefix: '' });

  test('a node read whole gives exact totals with no interval', () => {
    const keys = [key('a', 'string', 100), key('a', 'hash', 300), key('a', 'string', 100)];
    const [hash, string] = [...estimateGroups(keys, [{ node: 'a', dbsize: 3, sampled: 3 }], (k) => k.type)].sort((x, y) => x.name.localeCompare(y.name));
    expect(string).toMatchObject({ name: 'string', keys: 2, bytes: 200, estKeys: 2, estKeysLow: 2, estKeysHigh: 2, estBytes: 200, estBytesHigh: 200 });
    expect(hash).toMatchObject({ estBytes: 300, estBytesLow: 300, estBytesHigh: 300 });
    expect(confidenceOf(keys, [{ node: 'a', dbsize: 3, sampled: 3 }])).toMatchObject({ exact: true, estBytes: 500, relativeMargin: 0 });
  });

  test('each node scales by its own DBSIZE; the interval covers the truth in ~95% of samples', () => {
    // Node a: 10,000 keys, 20% hashes of 1000 bytes, the rest strings of 100; node b: 1000 strings of 50.
    const population = (i: number) => (i % 5 === 0 ? key('a', 'hash', 1000) : key('a', 'string', 100));
    const truthBytes = 2000 * 1000 + 8000 * 100 + 1000 * 50;
    let covered = 0;
    const trials = 400;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < trials; t++) {
      const picked = new Set<number>();
      while (picked.size < 500) picked.add(Math.floor(rand() * 10_000));
      const sample = [...picked].map(population);
      for (let i = 0; i < 100; i++) sample.push(key('b', 'string', 50));
      const strata = [{ node: 'a', dbsize: 10_000, sampled: 500 }, { node: 'b', dbsize: 1000, sampled: 100 }];
      const c = confidenceOf(sample, strata);
      if (c.estBytesLow <= truthBytes && truthBytes <= c.estBytesHigh) covered++;
      if (t === 0) {
        const byType = estimateGroups(sample, strata, (k) => k.type);
        const strings = byType.find((g) => g.name === 'string')!;
        expect(strings.estKeys).toBeGreaterThan(8000 + 1000 - 600);
        expect(strings.estKeys).toBeLessThan(8000 + 1000 + 600);
        expect(c.exact).toBe(false);
        expect(c.note).toContain('95% confidence');
      }
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });

  test('top groups fold the rest into (other)', () => {
    const keys = ['a', 'b', 'c', 'd'].map((p, i) => ({ ...key('n', 'string', (i + 1) * 10), prefix: p }));
    const groups = topGroups(estimateGroups(keys, [{ node: 'n', dbsize: 4, sampled: 4 }], (k) => k.prefix), 2);
    expect(groups.map((g) => [g.name, g.estBytes])).toEqual([['d', 40], ['c', 30], ['(other)', 30]]);
  });
});
