// Hot-slot ranking on CLUSTER SLOT-STATS replies captured from a real Valkey 9 cluster, and on edge cases around them.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJson, type Json } from '../../test/fixtures/json.ts';
import { parseSlotStats, type SlotStatsReply } from '../valkey/slotStatsReply.ts';
import { defaultNoiseFloor, rankHotSlots, slotDeltas, type SlotDelta } from './hotSlots.ts';

/** SLOTSRANGE around the capture's hot key: its slot had 500 GETs and a 5 KB SET, the four around it nothing. */
const captured = parseSlotStats(fromJson((JSON.parse(readFileSync(join(import.meta.dir, '../../test/fixtures/valkey9/cluster-slot-stats-slotsrange.json'), 'utf8')) as { reply: Json }).reply));
const zeroed = (s: SlotStatsReply): SlotStatsReply => ({ slots: s.slots, keys: s.keys.map(() => 0), cpuUsec: s.cpuUsec!.map(() => 0), netIn: s.netIn!.map(() => 0), netOut: s.netOut!.map(() => 0) });
const delta = (slot: number, d: Partial<SlotDelta>): SlotDelta => ({ slot, cpuUsec: 0, netIn: 0, netOut: 0, keysDelta: 0, keys: 10, ...d });

describe('slot deltas', () => {
  test('counters since the first snapshot, per slot the two share', () => {
    const d = slotDeltas(zeroed(captured), captured);
    expect(d.map((x) => x.slot)).toEqual(captured.slots);
    const hot = d.find((x) => x.cpuUsec > 0)!;
    expect(hot).toMatchObject({ slot: 3592, cpuUsec: 62, netIn: 17033, netOut: 7538, keysDelta: 1, keys: 1 });
  });

  test('a counter that went down was reset: the new value is the delta; a slot only in one snapshot is left out', () => {
    const before: SlotStatsReply = { slots: [1, 2], keys: [5, 5], cpuUsec: [1000, 10], netIn: [10, 10], netOut: [10, 10] };
    const after: SlotStatsReply = { slots: [2, 3], keys: [7, 1], cpuUsec: [4, 99], netIn: [30, 1], netOut: [10, 1] };
    expect(slotDeltas(before, after)).toEqual([{ slot: 2, cpuUsec: 4, netIn: 20, netOut: 0, keysDelta: 2, keys: 7 }]);
  });

  test('without cpu and network counters (cluster-slot-stats-enabled off) it says so', () => {
    const keysOnly: SlotStatsReply = { slots: [1], keys: [1], cpuUsec: null, netIn: null, netOut: null };
    expect(() => slotDeltas(keysOnly, keysOnly)).toThrow(/cluster-slot-stats-enabled/);
  });
});

describe('hot slots', () => {
  test("the captured hot key's slot is found, and only it", () => {
    const hot = rankHotSlots([{ node: 'a:1', deltas: slotDeltas(zeroed(captured), captured) }], 1000, 200);
    expect(hot.map((h) => h.slot)).toEqual([3592]);
    expect(hot[0]!.node).toBe('a:1');
    expect(hot[0]!.score).toBeCloseTo(5, 5); // one active slot among five: five times the mean
  });

  test('a cold cluster has no hot slots, and neither has load spread evenly', () => {
    const cold = Array.from({ length: 100 }, (_, i) => delta(i, {}));
    expect(rankHotSlots([{ node: 'a', deltas: cold }], 5000, 200)).toEqual([]);
    const even = Array.from({ length: 100 }, (_, i) => delta(i, { cpuUsec: 1e6, netIn: 1e7, netOut: 1e7 }));
    expect(rankHotSlots([{ node: 'a', deltas: even }], 5000, 200)).toEqual([]);
  });

  test('a busy slot below the noise floor is not hot however it compares to idle ones', () => {
    const faint = [delta(0, { cpuUsec: 4, netIn: 200, netOut: 200 }), ...Array.from({ length: 50 }, (_, i) => delta(i + 1, {}))];
    expect(rankHotSlots([{ node: 'a', deltas: faint }], 1000, 200, defaultNoiseFloor)).toEqual([]);
  });

  test('every dimension nominates slots: one hot only in bytes out, or in keys added, is kept beside the CPU ones', () => {
    const idle = Array.from({ length: 100 }, (_, i) => delta(i + 10, { cpuUsec: 10, netIn: 100, netOut: 100 }));
    const cpu = [1, 2, 3, 4].map((s) => delta(s, { cpuUsec: 90_000 + s, netIn: 50_000 + s, netOut: 50_000 }));
    const bigReplies = delta(5, { cpuUsec: 10, netIn: 100, netOut: 5_000_000 });
    const growing = delta(6, { keysDelta: 400 });
    const hot = rankHotSlots([{ node: 'a', deltas: [...idle, ...cpu, bigReplies, growing] }], 1000, 3);
    expect(hot.map((h) => [h.slot, h.dimension])).toEqual([
      [4, 'cpu'],
      [5, 'net_out'],
      [6, 'keys'],
    ]);
  });

  test('slots of different nodes compare in real units, and the cap keeps the hottest', () => {
    const a = [delta(1, { cpuUsec: 500_000 }), ...Array.from({ length: 20 }, (_, i) => delta(100 + i, { cpuUsec: 100 }))];
    const b = [delta(2, { cpuUsec: 900_000 }), delta(3, { cpuUsec: 300_000 }), ...Array.from({ length: 20 }, (_, i) => delta(200 + i, { cpuUsec: 100 }))];
    const hot = rankHotSlots([{ node: 'a', deltas: a }, { node: 'b', deltas: b }], 1000, 2);
    expect(hot.map((h) => [h.node, h.slot])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });
});
