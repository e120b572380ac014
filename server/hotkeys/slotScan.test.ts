// The two-phase method's arithmetic: LFU counters back to accesses, and a slot's measured cost split between its keys.
import { describe, expect, test } from 'bun:test';
import type { HotSlot } from './hotSlots.ts';
import { attributeSlots, lfuAccesses } from './slotScan.ts';

describe('lfuAccesses', () => {
  test('with lfu-log-factor 0 every access adds one, so accesses = counter - 5 (what the workload test measured)', () => {
    for (const n of [1, 7, 100, 250]) expect(lfuAccesses(5 + n, 0)).toBe(n);
  });

  test('with the default factor 10 the counter is logarithmic: 1 access per step at first, 10 more per step after', () => {
    expect(lfuAccesses(6, 10)).toBe(1);
    expect(lfuAccesses(7, 10)).toBe(1 + 11);
    expect(lfuAccesses(8, 10)).toBe(1 + 11 + 21);
    // 255 (saturated) stands for about a million accesses at factor 10, as the server's documentation says.
    expect(lfuAccesses(255, 10)).toBeGreaterThan(300_000);
    expect(lfuAccesses(255, 10)).toBeLessThan(1_000_000);
  });

  test('a new key (5) or one that decayed below it counts nothing', () => {
    expect(lfuAccesses(5, 10)).toBe(0);
    expect(lfuAccesses(0, 10)).toBe(0);
  });
});

describe('attributeSlots', () => {
  const slot = (s: number, cpuUsec: number, netIn: number, netOut: number): HotSlot => ({ slot: s, node: 'n', score: 1, dimension: 'cpu', cpuUsec, netIn, netOut, keysDelta: 0, keys: 3 });
  const key = (name: string, s: number, weight: number) => ({ key: Buffer.from(name), slot: s, weight });

  test("each slot's cpu and bytes are split by weight inside the slot, never across slots", () => {
    const out = attributeSlots([slot(1, 1000, 600, 400), slot(2, 50, 10, 10)], [key('a', 1, 3), key('b', 1, 1), key('c', 2, 7)]);
    expect(out.map((k) => [k.key.toString(), k.cpuUsec, k.netBytes, k.slotShare])).toEqual([
      ['a', 750, 750, 0.75],
      ['b', 250, 250, 0.25],
      ['c', 50, 20, 1],
    ]);
  });

  test('weightless keys, slots whose keys weigh nothing and keys of slots not hot get nothing', () => {
    const out = attributeSlots([slot(1, 1000, 1, 1), slot(2, 1000, 1, 1)], [key('idle', 1, 0), key('busy', 1, 2), key('cold', 2, 0), key('elsewhere', 3, 9)]);
    expect(out.map((k) => k.key.toString())).toEqual(['busy']);
  });
});
