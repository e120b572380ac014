import { beforeAll, afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { Sample } from '../collect/sink.ts';
import { StoreQueryError } from './errors.ts';
import { hourMs, minuteMs } from './maintain.ts';
import { combineColumns, planSeries, type SeriesContext } from './series.ts';
import { clock, generate, openTestStore, seeded, t0, tempDir } from './testSupport.ts';
import type { SeriesAgg, SeriesQuery, Store } from './types.ts';

const s = (sec: number) => t0 + sec * 1000;
const x = (sec: number) => (t0 + sec * 1000) / 1000;

describe('planSeries', () => {
  const ctx: SeriesContext = { now: t0 + 10 * 86_400_000, rawRetentionMs: 86_400_000, rollup1m: 0, rollup1h: 0 };
  const q = (over: Partial<SeriesQuery>): SeriesQuery => ({ metric: 'm', nodes: 'all', from: ctx.now - hourMs, to: ctx.now, step: 10_000, agg: 'avg', ...over });

  test('raw for steps under a minute within raw retention', () => {
    expect(planSeries(q({}), ctx)).toMatchObject({ source: 'raw', stepMs: 10_000, buckets: 361 });
  });
  test('1m when the range reaches past raw retention, with the step rounded up to whole minutes', () => {
    expect(planSeries(q({ from: ctx.now - 2 * 86_400_000, step: 10_000 }), ctx)).toMatchObject({ source: '1m', stepMs: minuteMs });
    expect(planSeries(q({ step: 90_000 }), ctx)).toMatchObject({ source: '1m', stepMs: 2 * minuteMs });
  });
  test('1h from a one-hour step, rounded up to whole hours', () => {
    expect(planSeries(q({ step: hourMs }), ctx)).toMatchObject({ source: '1h', stepMs: hourMs });
    expect(planSeries(q({ step: 1.5 * hourMs }), ctx)).toMatchObject({ source: '1h', stepMs: 2 * hourMs });
  });
  test('sub-second steps become one second', () => {
    expect(planSeries(q({ step: 1 }), ctx).stepMs).toBe(1000);
  });
  test('buckets cover from..to on step boundaries', () => {
    const p = planSeries(q({ from: s(3), to: s(14), step: 5000 }), { ...ctx, now: s(20) });
    expect(p).toMatchObject({ lo: s(0), hi: s(15), buckets: 3 });
  });
  test('each part reads only up to its watermark', () => {
    const c = { ...ctx, rollup1h: ctx.now - 3 * hourMs, rollup1m: ctx.now - 10 * minuteMs };
    const p = planSeries(q({ from: ctx.now - 86_400_000, step: hourMs }), c);
    expect(p).toMatchObject({ source: '1h', hEnd: c.rollup1h, mEnd: c.rollup1m });
    const m = planSeries(q({ from: ctx.now - 86_400_000, step: 5 * minuteMs }), c);
    expect(m).toMatchObject({ source: '1m', hEnd: m.lo, mEnd: c.rollup1m });
    const r = planSeries(q({}), c);
    expect(r).toMatchObject({ source: 'raw', hEnd: r.lo, mEnd: r.lo });
  });
  test('bad arguments are a bad_request', () => {
    const bad: Partial<SeriesQuery>[] = [
      { step: 0 },
      { from: ctx.now, to: ctx.now - 1 },
      { from: Number.NaN },
      { from: 0, step: 1000 },
      { agg: 'median' as SeriesAgg },
      { combine: 'product' as SeriesQuery['combine'] },
    ];
    for (const over of bad) {
      const err = (() => {
        try {
          planSeries(q(over), ctx);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(StoreQueryError);
      expect((err as StoreQueryError).code).toBe('bad_request');
    }
  });
});

describe('combineColumns', () => {
  test('combines non-null values per bucket; all-null stays null', () => {
    const cols = [
      [1, null, 4],
      [3, null, null],
    ];
    expect(combineColumns(cols, 3, 'sum')).toEqual([4, null, 4]);
    expect(combineColumns(cols, 3, 'avg')).toEqual([2, null, 4]);
    expect(combineColumns(cols, 3, 'max')).toEqual([3, null, 4]);
    expect(combineColumns(cols, 3, 'min')).toEqual([1, null, 4]);
  });
});

describe('series() on fixture data', () => {
  const dir = tempDir();
  let store: Store;
  const c = clock(s(60));

  beforeAll(async () => {
    store = await openTestStore(join(dir, 'series.duckdb'), { now: c.now });
    // Buckets of 5 s from t0: a:1 has buckets 0 and 2, b:2 has 1 and 2; nobody has bucket 3.
    store.appendSamples([
      { ts: s(0), node: 'a:1', metric: 'm', value: 1 },
      { ts: s(1), node: 'a:1', metric: 'm', value: 3 },
      { ts: s(2), node: 'a:1', metric: 'm', value: 5 },
      { ts: s(6), node: 'b:2', metric: 'm', value: 4 },
      { ts: s(7), node: 'b:2', metric: 'm', value: 8 },
      { ts: s(11), node: 'b:2', metric: 'm', value: 2 },
      { ts: s(12), node: 'a:1', metric: 'm', value: 10 },
      { ts: s(1), node: 'a:1', metric: 'calls', labels: { cmd: 'set' }, value: 20 },
      { ts: s(1), node: 'a:1', metric: 'calls', labels: { cmd: 'get' }, value: 10 },
      { ts: s(1), node: 'b:2', metric: 'calls', labels: { cmd: 'get' }, value: 30 },
    ]);
    await store.flush();
  });
  afterAll(() => store.close());

  const query = (over: Partial<SeriesQuery>) =>
    store.series({ metric: 'm', nodes: 'all', from: s(0), to: s(19), step: 5000, agg: 'avg', ...over });

  test('every bucket is present, with null where a series has no data', async () => {
    const r = await query({});
    expect(r.step).toBe(5);
    expect(r.source).toBe('raw');
    expect(r.series).toEqual([
      { node: 'a:1', labels: {} },
      { node: 'b:2', labels: {} },
    ]);
    expect(r.data).toEqual([
      [x(0), x(5), x(10), x(15)],
      [3, null, 10, null],
      [null, 6, 2, null],
    ]);
  });

  const byAgg: [SeriesAgg, (number | null)[], (number | null)[]][] = [
    ['max', [5, null, 10, null], [null, 8, 2, null]],
    ['min', [1, null, 10, null], [null, 4, 2, null]],
    ['last', [5, null, 10, null], [null, 8, 2, null]],
  ];
  for (const [agg, a, b] of byAgg) {
    test(`agg ${agg}`, async () => {
      expect((await query({ agg })).data.slice(1)).toEqual([a, b]);
    });
  }

  test('combine folds every series into one column', async () => {
    const expected = { sum: [3, 6, 12, null], avg: [3, 6, 6, null], max: [3, 6, 10, null], min: [3, 6, 2, null] };
    for (const [combine, values] of Object.entries(expected)) {
      const r = await query({ combine: combine as keyof typeof expected });
      expect(r.series).toEqual([{ node: '*', labels: {} }]);
      expect(r.data).toEqual([[x(0), x(5), x(10), x(15)], values]);
    }
  });

  test('nodes limit the columns; unknown nodes and metrics give no columns', async () => {
    expect((await query({ nodes: ['b:2', 'zz:9'] })).series).toEqual([{ node: 'b:2', labels: {} }]);
    expect((await query({ metric: 'nope' })).data).toEqual([[x(0), x(5), x(10), x(15)]]);
  });

  test('labels select label sets; columns sort by node, then labels', async () => {
    const all = await query({ metric: 'calls', agg: 'last' });
    expect(all.series).toEqual([
      { node: 'a:1', labels: { cmd: 'get' } },
      { node: 'a:1', labels: { cmd: 'set' } },
      { node: 'b:2', labels: { cmd: 'get' } },
    ]);
    expect(all.data.slice(1).map((col) => col[0])).toEqual([10, 20, 30]);
    const gets = await query({ metric: 'calls', labels: { cmd: 'get' }, agg: 'last', combine: 'sum' });
    expect(gets.series).toEqual([{ node: '*', labels: { cmd: 'get' } }]);
    expect(gets.data[1][0]).toBe(40);
  });
});

describe('rollups answer like raw', () => {
  const dir = tempDir();
  const nodes = ['a:1', 'b:2'];
  const metrics = [{ metric: 'ops' }, { metric: 'calls', labels: { cmd: 'get' } }];
  const start = t0;
  const end = t0 + 3 * 86_400_000 + 5 * hourMs + 17 * minuteMs;
  const rand = seeded(42);
  const samples = generate(start, end, 10_000, nodes, metrics, () => Math.round(rand() * 1000) / 10);

  /** The expected chart computed from the samples themselves. */
  function expected(q: SeriesQuery, stepMs: number): (number | null)[][] {
    const lo = Math.floor(q.from / stepMs) * stepMs;
    const n = Math.floor(q.to / stepMs) - Math.floor(q.from / stepMs) + 1;
    const cols: (number | null)[][] = [];
    for (const node of nodes) {
      const groups: Sample[][] = Array.from({ length: n }, () => []);
      for (const smp of samples) {
        if (smp.node !== node || smp.metric !== q.metric) continue;
        const i = Math.floor((smp.ts - lo) / stepMs);
        if (i >= 0 && i < n) groups[i].push(smp);
      }
      cols.push(
        groups.map((g) => {
          if (g.length === 0) return null;
          const vs = g.map((v) => v.value);
          if (q.agg === 'avg') return vs.reduce((a, b) => a + b, 0) / vs.length;
          if (q.agg === 'max') return Math.max(...vs);
          if (q.agg === 'min') return Math.min(...vs);
          return g.reduce((a, b) => (b.ts >= a.ts ? b : a)).value;
        }),
      );
    }
    return cols;
  }

  function expectClose(actual: (number | null)[][], want: (number | null)[][]) {
    expect(actual.length).toBe(want.length);
    actual.forEach((col, i) =>
      col.forEach((v, j) => {
        if (want[i][j] === null) expect(v).toBeNull();
        else expect(v).toBeCloseTo(want[i][j]!, 9);
      }),
    );
  }

  const cases: { name: string; step: number; source: string }[] = [
    { name: '10 min buckets', step: 10 * minuteMs, source: '1m' },
    { name: '7 min buckets (not a divisor of an hour)', step: 7 * minuteMs, source: '1m' },
    { name: '3 h buckets', step: 3 * hourMs, source: '1h' },
  ];

  test('before maintenance (all raw), partway through, and after: the same answers', async () => {
    const c = clock(end + minuteMs);
    const store = await openTestStore(join(dir, 'rollups.duckdb'), { now: c.now, rawRetentionMs: 30 * 86_400_000 });
    store.appendSamples(samples);
    await store.flush();
    const check = async (label: string) => {
      for (const { step, source } of cases) {
        for (const agg of ['avg', 'max', 'min', 'last'] as const) {
          const q: SeriesQuery = { metric: 'ops', nodes: 'all', from: start + 13 * minuteMs, to: end, step, agg };
          const r = await store.series(q);
          expect(r.source, label).toBe(source as typeof r.source);
          expectClose(r.data.slice(1), expected(q, r.step * 1000));
        }
      }
    };
    await check('raw only');
    // Maintain as if it were halfway: the later half is still raw, and a bucket straddles the watermarks.
    c.set(start + 1.5 * 86_400_000 + 23 * minuteMs);
    await store.maintain();
    c.set(end + minuteMs);
    await check('partly rolled up');
    await store.maintain();
    expect((await store.sql("SELECT epoch_ms(watermark) FROM rollup_state WHERE name = 'rollup_1m'")).rows[0][0]).toBeGreaterThan(
      end - 2 * minuteMs,
    );
    await check('rolled up');
    await store.close();
  });

  // About 15 maintenance runs, each ending in a checkpoint: 5-6 s on a loaded machine, over the default 5 s timeout.
  test('maintaining in many small steps gives the same rollups as one big step, and repeating changes nothing', async () => {
    const dump = (st: Store, table: string) =>
      st.sql(`SELECT ts, node_id, metric_id, min, max, sum, count, last FROM ${table} ORDER BY ALL`, { rowLimit: 1_000_000 });
    const c1 = clock(end + hourMs);
    const once = await openTestStore(join(dir, 'once.duckdb'), { now: c1.now, rawRetentionMs: 30 * 86_400_000 });
    once.appendSamples(samples);
    await once.maintain();
    await once.maintain();

    const c2 = clock(start);
    const steps = await openTestStore(join(dir, 'steps.duckdb'), { now: c2.now, rawRetentionMs: 30 * 86_400_000 });
    steps.appendSamples(samples);
    await steps.flush();
    for (let t = start; t <= end + hourMs; t += 7 * hourMs + 13 * minuteMs) {
      c2.set(t);
      await steps.maintain();
    }
    c2.set(end + hourMs);
    await steps.maintain();
    for (const table of ['samples_1m', 'samples_1h']) {
      const [a, b] = await Promise.all([dump(once, table), dump(steps, table)]);
      expect(a.rows.length).toBeGreaterThan(0);
      expect(b.rows).toEqual(a.rows);
    }
    await once.close();
    await steps.close();
  }, 60_000);
});

describe('agg=minmax (per-pixel min/max decimation)', () => {
  const dir = tempDir();
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore(join(dir, 'minmax.duckdb'), { now: clock(s(60)).now });
    // Buckets of 5 s from t0. a:1: bucket 0 dips to 1 at s(3) after a 10 at s(0); bucket 1 is flat 10 with one
    // 100 spike at s(7); bucket 2 is empty; bucket 3 goes up to 20 at s(16), then down to 2 at s(18).
    const a = [10, 10, 10, 1, 10, 10, 10, 100, 10, 10];
    store.appendSamples([
      ...a.map((value, sec) => ({ ts: s(sec), node: 'a:1', metric: 'lat', value })),
      { ts: s(15), node: 'a:1', metric: 'lat', value: 5 },
      { ts: s(16), node: 'a:1', metric: 'lat', value: 20 },
      { ts: s(18), node: 'a:1', metric: 'lat', value: 2 },
      // b:2 has one sample, in bucket 2: its own min and max.
      { ts: s(11), node: 'b:2', metric: 'lat', value: 7 },
    ]);
    await store.flush();
  });
  afterAll(() => store.close());

  const query = (over: Partial<SeriesQuery>) =>
    store.series({ metric: 'lat', nodes: 'all', from: s(0), to: s(19), step: 5000, agg: 'minmax', ...over });

  test('two x per bucket (start, start + step/2), ascending; step stays the bucket width', async () => {
    const r = await query({});
    expect(r.step).toBe(5);
    expect(r.source).toBe('raw');
    expect(r.data[0]).toEqual([x(0), x(2.5), x(5), x(7.5), x(10), x(12.5), x(15), x(17.5)]);
    expect(r.series).toEqual([
      { node: 'a:1', labels: {} },
      { node: 'b:2', labels: {} },
    ]);
  });

  test('min and max in the order they happened; null, null for a bucket without data', async () => {
    const r = await query({});
    expect(r.data.slice(1)).toEqual([
      [10, 1, 10, 100, null, null, 20, 2],
      [null, null, null, null, 7, 7, null, null],
    ]);
  });

  test('a one-sample spike survives where avg flattens it', async () => {
    const avg = await query({ agg: 'avg', nodes: ['a:1'] });
    const avgMax = Math.max(...(avg.data[1] as (number | null)[]).filter((v): v is number => v !== null));
    expect(avgMax).toBe(28);
    const mm = await query({ nodes: ['a:1'] });
    const values = (mm.data[1] as (number | null)[]).filter((v): v is number => v !== null);
    expect(Math.max(...values)).toBe(100);
    expect(Math.min(...values)).toBe(1);
  });

  test('with an odd step the middle point is at half a second', async () => {
    const r = await query({ step: 3000, to: s(5) });
    expect(r.data[0]).toEqual([x(0), x(1.5), x(3), x(4.5)]);
    expect(r.data[1]).toEqual([10, 10, 1, 10]);
  });

  test('combine folds the mins and the maxes separately, min first', async () => {
    const r = await query({ combine: 'sum' });
    expect(r.series).toEqual([{ node: '*', labels: {} }]);
    expect(r.data[1]).toEqual([1, 10, 10, 100, 7, 7, 2, 20]);
    const max = await query({ combine: 'max' });
    expect(max.data[1]).toEqual([1, 10, 10, 100, 7, 7, 2, 20]);
  });

  test('minmax counts two points per bucket against the backstop', () => {
    const ctx: SeriesContext = { now: t0 + 10 * 86_400_000, rawRetentionMs: 30 * 86_400_000, rollup1m: 0, rollup1h: 0 };
    const q: SeriesQuery = { metric: 'm', nodes: 'all', from: t0, to: t0 + 1_500_000_000 - 1000, step: 1000, agg: 'avg' };
    expect(planSeries(q, ctx).buckets).toBe(1_500_000);
    expect(() => planSeries({ ...q, agg: 'minmax' }, ctx)).toThrow(StoreQueryError);
  });

  test('unknown metrics give no columns, only the doubled xs', async () => {
    expect((await query({ metric: 'nope', to: s(4) })).data).toEqual([[x(0), x(2.5)]]);
  });
});

describe('agg=minmax from rollups', () => {
  const dir = tempDir();
  const nodes = ['a:1', 'b:2'];
  const start = t0;
  const end = t0 + 2 * 86_400_000 + 3 * hourMs + 17 * minuteMs;
  const rand = seeded(7);
  // Noise with rare spikes up and down, so min and max are single samples somewhere inside a bucket.
  const samples = generate(start, end, 10_000, nodes, [{ metric: 'ops' }], () => {
    const r = rand();
    return r < 0.002 ? 1000 + Math.round(rand() * 1000) : r > 0.998 ? -Math.round(rand() * 1000) : Math.round(rand() * 1000) / 10;
  });

  /**
   * What minmax must answer: per bucket the samples' min and max, ordered by when they happened at the granularity
   * the store has there (the rollup row's start before a watermark, the sample's own ts after it); earliest
   * occurrence on ties; min first when both fall in the same row.
   */
  function expected(q: SeriesQuery, stepMs: number, rowStart: (ts: number) => number): (number | null)[][] {
    const lo = Math.floor(q.from / stepMs) * stepMs;
    const n = Math.floor(q.to / stepMs) - Math.floor(q.from / stepMs) + 1;
    return nodes.map((node) => {
      const groups: Sample[][] = Array.from({ length: n }, () => []);
      for (const smp of samples) {
        const b = Math.floor((smp.ts - lo) / stepMs);
        if (smp.node === node && b >= 0 && b < n) groups[b]!.push(smp);
      }
      const col: (number | null)[] = [];
      for (const g of groups) {
        if (g.length === 0) {
          col.push(null, null);
          continue;
        }
        const min = Math.min(...g.map((v) => v.value));
        const max = Math.max(...g.map((v) => v.value));
        const minAt = rowStart(g.find((v) => v.value === min)!.ts);
        const maxAt = rowStart(g.find((v) => v.value === max)!.ts);
        col.push(...(minAt <= maxAt ? [min, max] : [max, min]));
      }
      return col;
    });
  }

  test('raw, then from the 1m and 1h rollups: exact min and max, ordered at the row granularity', async () => {
    const c = clock(end + minuteMs);
    const store = await openTestStore(join(dir, 'minmax-rollups.duckdb'), { now: c.now, rawRetentionMs: 30 * 86_400_000 });
    store.appendSamples(samples);
    await store.flush();
    const floor = (ts: number, unit: number) => Math.floor(ts / unit) * unit;
    const check = async (label: string, wm: { rollup_1m: number; rollup_1h: number }) => {
      let swapped = 0;
      for (const { step, source } of [
        { step: 10 * minuteMs, source: '1m' },
        { step: 3 * hourMs, source: '1h' },
      ]) {
        const q: SeriesQuery = { metric: 'ops', nodes: 'all', from: start + 13 * minuteMs, to: end, step, agg: 'minmax' };
        const r = await store.series(q);
        expect(r.source, label).toBe(source as typeof r.source);
        // A 1m-sourced query reads 1m rows before rollup_1m; a 1h-sourced one 1h rows before rollup_1h, then 1m rows; raw after.
        const rowStart = (ts: number) =>
          source === '1h' && ts < wm.rollup_1h ? floor(ts, hourMs) : ts < wm.rollup_1m ? floor(ts, minuteMs) : ts;
        const want = expected(q, r.step * 1000, rowStart);
        expect(r.data[0].length).toBe(want[0]!.length);
        expect(r.data.slice(1), `${label}, step ${step / minuteMs} min`).toEqual(want);
        for (const col of r.data.slice(1)) for (let i = 0; i + 1 < col.length; i += 2) if (col[i] !== null && col[i]! > col[i + 1]!) swapped++;
      }
      // Both orders occur: the test would notice a store that always put the min first.
      expect(swapped, label).toBeGreaterThan(0);
    };
    await check('raw only', { rollup_1m: 0, rollup_1h: 0 });
    await store.maintain();
    const wm = Object.fromEntries(
      (await store.sql('SELECT name, epoch_ms(watermark) FROM rollup_state')).rows.map(([name, ms]) => [name as string, Number(ms)]),
    ) as { rollup_1m: number; rollup_1h: number };
    expect(wm.rollup_1h).toBeGreaterThan(start + 86_400_000);
    await check('rolled up', wm);
    await store.close();
  });
});
