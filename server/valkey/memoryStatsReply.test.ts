// Tests the MEMORY STATS parser and the bytes/other split on MEMORY STATS replies captured from each flavor.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { isByteStat, parseMemoryStats } from './memoryStatsReply.ts';

function fixture(flavor: string, name: string): unknown {
  const f = JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures', flavor, `${name}.json`), 'utf8')) as { reply: Json };
  return fromJson(f.reply);
}

const commonNonBytes = ['allocator-fragmentation.ratio', 'allocator-rss.ratio', 'dataset.percentage', 'fragmentation', 'keys.count', 'peak.percentage', 'rss-overhead.ratio'];

// Values read by hand from test/fixtures/<flavor>/memory-stats.json.
const flavors = [
  {
    flavor: 'redis7', entries: 33,
    expected: {
      'peak.allocated': 1565208, 'keys.count': 59, 'dataset.percentage': 87.762100219726562, fragmentation: 8.659602165222168, 'fragmentation.bytes': 11263904,
      'db.0.overhead.hashtable.main': 2832, 'db.0.overhead.hashtable.expires': 56, 'db.0.overhead.hashtable.slot-to-keys': 0,
      'db.1.overhead.hashtable.main': 72, 'db.1.overhead.hashtable.expires': 0,
    },
    nonBytes: commonNonBytes,
  },
  {
    flavor: 'valkey8', entries: 35,
    expected: {
      'peak.allocated': 1643272, 'keys.count': 59, 'db.dict.rehashing.count': 0, fragmentation: 13.486674308776855, 'overhead.db.hashtable.lut': 576,
      'db.0.overhead.hashtable.main': 3008, 'db.0.overhead.hashtable.expires': 232, 'db.1.overhead.hashtable.main': 248, 'db.1.overhead.hashtable.expires': 104,
    },
    nonBytes: [...commonNonBytes, 'db.dict.rehashing.count'],
  },
  {
    flavor: 'valkey9', entries: 38,
    expected: {
      'peak.allocated': 1588168, 'keys.count': 59, 'db.dict.rehashing.count': 1, 'allocator-fragmentation.ratio': 1, 'cluster.slot_import': 0,
      'db.0.overhead.hashtable.main': 2888, 'db.0.overhead.hashtable.expires': 272, 'db.1.overhead.hashtable.main': 288, 'db.1.overhead.hashtable.expires': 112,
    },
    nonBytes: [...commonNonBytes, 'db.dict.rehashing.count'],
  },
  {
    flavor: 'redis8', entries: 37,
    expected: {
      'peak.allocated': 1655864, 'keys.count': 59, 'script.VMs': 67584, fragmentation: 19.626123428344727, 'replica.fullsync.buffer': 0,
      'db.0.overhead.hashtable.main': 4824, 'db.0.overhead.hashtable.expires': 328, 'db.1.overhead.hashtable.main': 2776, 'db.1.overhead.hashtable.expires': 216,
    },
    nonBytes: [...commonNonBytes, 'db.dict.rehashing.count'],
  },
];

describe('parseMemoryStats on real MEMORY STATS replies', () => {
  test.each(flavors)('$flavor: every entry, db.N flattened, numeric strings read as numbers', ({ flavor, entries, expected }) => {
    const stats = parseMemoryStats(fixture(flavor, 'memory-stats'));
    expect(Object.keys(stats)).toHaveLength(entries);
    expect(stats).toMatchObject(expected);
    // The nested db.N entries themselves are not values.
    expect(stats['db.0']).toBeUndefined();
    expect(stats['db.1']).toBeUndefined();
    for (const v of Object.values(stats)) expect(Number.isFinite(v)).toBe(true);
  });

  test.each(flavors)('$flavor: isByteStat splits bytes from ratios, percentages and counts', ({ flavor, nonBytes }) => {
    const names = Object.keys(parseMemoryStats(fixture(flavor, 'memory-stats')));
    expect(names.filter((n) => !isByteStat(n)).sort()).toEqual([...nonBytes].sort());
    for (const n of ['total.allocated', 'dataset.bytes', 'keys.bytes-per-key', 'allocator-fragmentation.bytes', 'fragmentation.bytes', 'db.0.overhead.hashtable.main']) {
      expect(isByteStat(n)).toBe(true);
    }
  });
});

describe('parseMemoryStats (synthetic)', () => {
  test('drops nil, empty and non-numeric values, and a dangling key', () => {
    expect(parseMemoryStats(['a', 1, 'b', null, 'c', '', 'd', 'n/a', 'e', '2.5', 'dangling'])).toEqual({ a: 1, e: 2.5 });
  });

  test('nests more than one level, and reads Buffer keys and values', () => {
    expect(parseMemoryStats([Buffer.from('db.3'), ['x', ['y', Buffer.from('7')]]])).toEqual({ 'db.3.x.y': 7 });
  });

  test('anything but an array gives no stats', () => {
    expect(parseMemoryStats(undefined)).toEqual({});
    expect(parseMemoryStats('ERR unknown command')).toEqual({});
    expect(parseMemoryStats([])).toEqual({});
  });
});
