// Tests the slot-statistics queries on a real DuckDB file: heatmap cells, key counts carried forward, hot slots, balance, series.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { SlotStatsBatch } from '../collect/sink.ts';
import { openTestStore, t0, tempDir } from './testSupport.ts';
import type { Store } from './types.ts';

const A = '127.0.0.1:7001';
const B = '127.0.0.1:7002';
let store: Store;

/** A batch from `node` at t0 + sec seconds: [slot, keys, cpu, netIn, netOut] rows. */
function batch(node: string, sec: number, rows: [number, number, number | null, number | null, number | null][]): SlotStatsBatch {
  return { ts: t0 + sec * 1000, node, slots: rows.map((r) => r[0]), keys: rows.map((r) => r[1]), cpuUsec: rows.map((r) => r[2]), netIn: rows.map((r) => r[3]), netOut: rows.map((r) => r[4]) };
}

beforeAll(async () => {
  store = await openTestStore(join(tempDir(), 's.duckdb'), { now: () => t0 + 3_600_000 });
  // A owns 0..8191, B 8192..16383. Baselines at 0 s (every owned slot of interest, no deltas).
  store.appendSlotStats(batch(A, 0, [[10, 100, null, null, null], [11, 5, null, null, null]]));
  store.appendSlotStats(batch(B, 0, [[9000, 7, null, null, null]]));
  // Slot 10 is hot on A: 1000 usec every 10 s for a minute; slot 11 gets one write; B's slot 9000 some load.
  for (let s = 10; s <= 60; s += 10) {
    store.appendSlotStats(batch(A, s, [[10, 100 + s, 1000, 5000, 2000]]));
    store.appendSlotStats(batch(B, s, [[9000, 7, 100, 200, 300]]));
  }
  store.appendSlotStats(batch(A, 30, [[11, 6, 50, 60, 70]]));
  await store.flush();
});
afterAll(() => store.close());

describe('slot heatmap', () => {
  test('cpu: the hot slot row gets its rate per second, idle rows 0 in polled columns (null where only baselines), the right owners', async () => {
    const h = await store.slotHeatmap({ metric: 'cpu', from: t0, to: t0 + 70_000, rows: 16384, cols: 7, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 });
    expect(h.step).toBe(10);
    expect(h.x).toEqual([0, 10, 20, 30, 40, 50, 60].map((s) => t0 / 1000 + s));
    expect(h.rows.length).toBe(16384);
    // Column 0 holds only baselines (no delta measured yet): no data, not zero.
    expect(h.values[10]).toEqual([null, 100, 100, 100, 100, 100, 100]);
    expect(h.values[11]).toEqual([null, 0, 0, 5, 0, 0, 0]);
    expect(h.values[9000]).toEqual([null, 10, 10, 10, 10, 10, 10]);
    expect(h.values[12]!.slice(1).every((v) => v === 0)).toBe(true);
    expect(h.max).toBe(100);
    expect(h.rows[10]!.node).toBe(A);
    expect(h.rows[9000]!.node).toBe(B);
    expect(h.rows[500]!.node).toBeNull();
    expect(h.bands).toEqual([{ node: A, slotFrom: 10, slotTo: 11 }, { node: B, slotFrom: 9000, slotTo: 9000 }]);
  });

  test('grouped rows sum their slots; columns wider than a poll sum their polls', async () => {
    const h = await store.slotHeatmap({ metric: 'net_in', from: t0, to: t0 + 60_000, rows: 2, cols: 3, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 });
    expect(h.rows).toEqual([{ slotFrom: 0, slotTo: 8191, node: A }, { slotFrom: 8192, slotTo: 16383, node: B }]);
    expect(h.step).toBe(20);
    // [0,20): slot 10 at 10 s: 5000 B / 20 s; [20,40): 2 x 5000 + 60 for slot 11; [40,60): 2 x 5000.
    expect(h.values[0]).toEqual([250, 503, 500]);
    expect(h.values[1]).toEqual([10, 20, 20]);
  });

  test('keys: whole counts from the first row, changes accumulated, carried over quiet columns', async () => {
    const h = await store.slotHeatmap({ metric: 'keys', from: t0 + 20_000, to: t0 + 70_000, rows: 16384, cols: 5, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 });
    expect(h.x[0]).toBe(t0 / 1000 + 20);
    // Slot 10 at 20 s: 120 (history before from is folded into column 0), then 130, 140, ...
    expect(h.values[10]).toEqual([120, 130, 140, 150, 160]);
    expect(h.values[11]).toEqual([5, 6, 6, 6, 6]);
    expect(h.values[9000]).toEqual([7, 7, 7, 7, 7]);
  });

  test('a slot range drill-down and bad parameters', async () => {
    const h = await store.slotHeatmap({ metric: 'cpu', from: t0, to: t0 + 60_000, rows: 4, cols: 6, slotFrom: 8, slotTo: 11, minStepSeconds: 10 });
    expect(h.rows.map((r) => r.slotFrom)).toEqual([8, 9, 10, 11]);
    expect(h.values[2]).toEqual([0, 100, 100, 100, 100, 100]);
    expect(h.values[0]).toEqual([0, 0, 0, 0, 0, 0]);
    await expect(store.slotHeatmap({ metric: 'cpu', from: t0, to: t0 + 1, rows: 4, cols: 6, slotFrom: 20, slotTo: 10, minStepSeconds: 10 })).rejects.toThrow(/slotFrom/);
    await expect(store.slotHeatmap({ metric: 'ops' as never, from: t0, to: t0 + 1, rows: 4, cols: 6, slotFrom: 0, slotTo: 10, minStepSeconds: 10 })).rejects.toThrow(/metric/);
  });
});

describe('hot slots and balance', () => {
  test('hot: largest first, with shares of the cluster and of the node', async () => {
    const hot = await store.slotHot({ metric: 'cpu', from: t0, to: t0 + 70_000, limit: 2 });
    expect(hot.map((h) => [h.slot, h.node, h.value])).toEqual([[10, A, 6000], [9000, B, 600]]);
    expect(hot[0]!.share).toBeCloseTo(6000 / 6650, 6);
    expect(hot[0]!.nodeShare).toBeCloseTo(6000 / 6050, 6);
    expect(hot[1]!.nodeShare).toBe(1);
  });

  test('hot by keys uses the latest count', async () => {
    const hot = await store.slotHot({ metric: 'keys', from: t0 + 50_000, to: t0 + 70_000, limit: 3 });
    expect(hot.map((h) => [h.slot, h.value])).toEqual([[10, 160], [9000, 7], [11, 6]]);
  });

  test('balance: the busiest node, the imbalance, and advice that sees one slot carrying it', async () => {
    const b = await store.slotBalance({ metric: 'cpu', from: t0, to: t0 + 70_000 });
    expect(b.nodes.map((n) => [n.node, n.value, n.slots])).toEqual([[A, 6050, 2], [B, 600, 1]]);
    expect(b.mean).toBe(3325);
    expect(b.imbalance).toBeCloseTo(6050 / 3325 - 1, 6);
    expect(b.advice).toContain('slot 10');
    expect(b.advice).toContain('hot keys');
  });
});

describe('slot series', () => {
  test('one slot range per bucket, per second; keys carried forward', async () => {
    const s = await store.slotSeries({ metric: 'cpu', slotFrom: 10, slotTo: 11, from: t0, to: t0 + 60_000, step: 10, minStepSeconds: 10 });
    expect(s.data[1]).toEqual([0, 100, 100, 105, 100, 100]);
    expect(s.series[0]!.labels).toEqual({ slots: '10-11' });
    const k = await store.slotSeries({ metric: 'keys', slotFrom: 10, slotTo: 11, from: t0, to: t0 + 60_000, step: 10, minStepSeconds: 10 });
    expect(k.data[1]).toEqual([105, 115, 125, 136, 146, 156]);
  });
});

describe('rollup tiers', () => {
  test('planSlots: raw for short recent windows, 5m and 1h for wide columns or old windows, newest data from finer tiers', () => {
    const { planSlots } = require('./slots.ts') as typeof import('./slots.ts');
    const now = t0 + 10 * 86_400_000;
    const ctx = { now, slots_5m: now - 600_000, slots_1h: now - 3_600_000 * 2 };
    const raw = planSlots(now - 20 * 60_000, now, 20, 10, ctx);
    expect([raw.source, raw.step]).toEqual(['raw', 20]);
    expect(raw.hEnd).toBe(raw.lookback);
    const six = planSlots(now - 6 * 3_600_000, now, 30, 10, ctx);
    expect([six.source, six.step]).toEqual(['5m', 300]);
    expect(six.mEnd).toBe(ctx.slots_5m);
    const week = planSlots(now - 7 * 86_400_000, now, 504, 10, ctx);
    expect([week.source, week.step]).toEqual(['1h', 3600]);
    expect([week.hEnd, week.mEnd]).toEqual([ctx.slots_1h, ctx.slots_5m]);
    // Before any rollup ran, everything is raw.
    expect(planSlots(now - 7 * 86_400_000, now, 504, 10, { now, slots_5m: 0, slots_1h: 0 }).source).toBe('raw');
  });

  test('maintain rolls raw rows into 5m and 1h, drops old raw rows, and a 3-hour view reads the same totals from the tiers', async () => {
    let now = t0;
    const s = await openTestStore(join(tempDir(), 'tiers.duckdb'), { now: () => now });
    try {
      // Slot 10 on A: 10 usec every 10 s for 3 hours (1 usec/s), key count growing by one every minute.
      for (let sec = 10; sec <= 3 * 3600; sec += 10) s.appendSlotStats(batch(A, sec, [[10, 100 + Math.floor(sec / 60), 10, 20, 30]]));
      now = t0 + 3 * 3_600_000 + 120_000;
      await s.maintain();
      const raw = await s.sql('SELECT min(ts) AS first, count(*) AS n FROM slot_stats');
      expect(Number(raw.rows[0]![1])).toBeLessThan(2 * 360 + 40);
      expect(Number((await s.sql('SELECT count(*) FROM slot_stats_1h')).rows[0]![0])).toBe(3);
      const h = await s.slotHeatmap({ metric: 'cpu', from: t0, to: t0 + 3 * 3_600_000, rows: 1, cols: 3, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 });
      expect(h.source).toBe('1h');
      expect(h.step).toBe(3600);
      // The first hour lacks the poll at 0 s (the data starts at 10 s): 359 polls; the others 360.
      expect(h.values[0]).toEqual([359 / 360, 1, 1]);
      const k = await s.slotHeatmap({ metric: 'keys', from: t0, to: t0 + 3 * 3_600_000, rows: 1, cols: 3, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 });
      expect(k.values[0]).toEqual([159, 219, 279]);
      const hot = await s.slotHot({ metric: 'net_in', from: t0, to: t0 + 3 * 3_600_000, limit: 1 });
      // Polls at 10 s .. 3 h - 10 s: 1079 of them (the one at 3 h is outside the window).
      expect(hot[0]!.value).toBe(20 * 1079);
    } finally {
      await s.close();
    }
  });

  test('live owners kept from the rows appended are what a reopened store seeds from its file', async () => {
    let now = t0;
    const path = join(tempDir(), 'owners.duckdb');
    let s = await openTestStore(path, { now: () => now });
    const q = { metric: 'keys' as const, from: t0, to: t0 + 600_001, rows: 4, cols: 10, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 };
    let live;
    try {
      // Slot 10 moves from A to B at 300 s; slot 9000 reports only once, at 300 s (inside the 330 s lookback at 600 s).
      for (let sec = 10; sec <= 600; sec += 10) s.appendSlotStats(batch(sec < 300 ? A : B, sec, [[10, sec, 1, 1, 1]]));
      s.appendSlotStats(batch(B, 300, [[9000, 7, 1, 1, 1]]));
      s.appendSlotStats(batch(A, 600, [[20, 3, 1, 1, 1]]));
      now = t0 + 600_001;
      await s.flush();
      live = await s.slotHeatmap(q);
    } finally {
      await s.close();
    }
    s = await openTestStore(path, { now: () => now });
    try {
      const fromSql = await s.slotHeatmap(q);
      expect(fromSql).toEqual(live);
      expect(live.bands).toEqual([{ slotFrom: 10, slotTo: 10, node: B }, { slotFrom: 20, slotTo: 20, node: A }, { slotFrom: 9000, slotTo: 9000, node: B }]);
      expect(live.values.map((r) => r.at(-1))).toEqual([600 + 3, null, 7, null]);
    } finally {
      await s.close();
    }
  });

  test('rows of whole 16-slot groups read the group tables and answer exactly like the slots summed row by row', async () => {
    let now = t0;
    const s = await openTestStore(join(tempDir(), 'groups.duckdb'), { now: () => now });
    try {
      // Slots in different groups and rows, on two owners, with different loads; every slot reports every poll.
      const load: [string, number, number][] = [[A, 10, 3], [A, 17, 5], [A, 300, 7], [B, 9000, 11], [B, 9001, 13]];
      for (let sec = 10; sec <= 3 * 3600; sec += 10) {
        for (const node of [A, B]) {
          const rows = load.filter((l) => l[0] === node).map(([, slot, k]) => [slot, k * 100 + Math.floor(sec / (60 * k)), k * 10, k * 20, k * 30] as [number, number, number, number, number]);
          s.appendSlotStats(batch(node, sec, rows));
        }
      }
      now = t0 + 3 * 3_600_000 + 120_000;
      await s.maintain();
      expect(Number((await s.sql('SELECT count(*) FROM slot_groups_1h')).rows[0]![0])).toBe(3 * 4);
      for (const [metric, span, cols] of [['cpu', 3, 3], ['keys', 3, 3], ['net_out', 2, 24], ['keys', 2, 24]] as const) {
        const q = { metric, from: t0 + 3_600_000 * (3 - span), to: t0 + 3 * 3_600_000, cols, slotFrom: 0, slotTo: 16383, minStepSeconds: 10 };
        const grouped = await s.slotHeatmap({ ...q, rows: 64 });
        const perSlot = await s.slotHeatmap({ ...q, rows: 16384 });
        expect(grouped.source).toBe(span === 3 ? '1h' : '5m');
        expect([grouped.source, grouped.step]).toEqual([perSlot.source, perSlot.step]);
        expect(grouped.rows[1]).toMatchObject({ slotFrom: 256, slotTo: 511, node: A });
        // Row r holds slots 256r .. 256r + 255: the per-slot rows of the loaded slots, summed.
        const expected = new Map<number, number[]>();
        for (const [, slot] of load) {
          const r = Math.floor(slot / 256);
          const sum = expected.get(r) ?? new Array<number>(perSlot.x.length).fill(0);
          perSlot.values[slot]!.forEach((v, c) => (sum[c]! += v ?? 0));
          expected.set(r, sum);
        }
        for (const [r, sum] of expected) expect(grouped.values[r]).toEqual(sum);
        expect(grouped.values[5]!.every((v) => v === null || v === 0)).toBe(true);
      }
    } finally {
      await s.close();
    }
  });
});
