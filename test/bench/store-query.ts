// Benchmark: series() latency on 7 days of history for 6 nodes x 200 series at 1 s; run with `bun test/bench/store-query.ts`
// or through test/bench/run.ts, which calls runStoreQuery().
// History is generated straight into the tables (raw for the raw-retention day, 1m and 1h for 7 days) because
// ingesting 7 days through the Appender would take minutes; then the store's own maintain() compacts the 1m days.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../server/store/index.ts';
import type { SeriesQuery, Store } from '../../server/store/index.ts';

const nodes = 6;
const metrics = 200;
const dayMs = 86_400_000;
const hourMs = 3_600_000;
const end = Date.UTC(2026, 0, 8);
const start = end - 7 * dayMs;
const now = () => end + 5_000;

export interface StoreQueryOptions {
  /** Hours of raw 1 s history before `end` (the store's raw retention is 24 h); fewer makes generation faster. */
  rawHours?: number;
  /** Timed runs per query (after two warm-up runs). */
  runs?: number;
  log?: (line: string) => void;
}

export interface QueryTiming {
  label: string;
  medianMs: number;
  p95Ms: number;
  shape: string;
}

export interface StoreQueryResult {
  rawHours: number;
  generateSeconds: number;
  rows: { raw: number; rollup1m: number; rollup1h: number };
  fileGb: number;
  runs: number;
  beforeCompaction: QueryTiming[];
  maintainSeconds: number;
  afterCompaction: QueryTiming[];
}

/** The headline query: 7 days, ~1000 buckets, 1 metric x 6 nodes. */
export const weekQueryLabel = '7 days, ~1000 buckets, 1 metric x 6 nodes';

/** Values that move like real gauges (smooth, a few significant digits), so compression is realistic. */
const valueSql = (t: string, n: string, m: string) => `round(100 + 50 * sin((${t} + ${m} * 37) / 300.0) + ${n} * 3 + ${m}, 1)`;

async function generate(path: string, rawHours: number, log: (line: string) => void, result: StoreQueryResult): Promise<void> {
  const rawStart = end - rawHours * hourMs;
  // The store creates the schema and the dictionaries (node ids 1..6, metric ids 1..200).
  const store = await openStore({ path, now, maintainIntervalMs: 0 });
  const seed = [];
  for (let n = 0; n < nodes; n++) for (let m = 0; m < metrics; m++) seed.push({ ts: start, node: `10.0.0.${n + 1}:6379`, metric: m < 50 ? `valkey_gauge_${m}` : 'valkey_command_calls_per_second', labels: m < 50 ? undefined : { cmd: `cmd${m}` }, value: 0 });
  store.appendSamples(seed);
  await store.close();

  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  await c.run('DELETE FROM samples');
  const t0 = performance.now();
  // Raw: one hour per statement, in time order like the Appender writes it.
  for (let h = rawStart; h < end; h += hourMs) {
    await c.run(`INSERT INTO samples
      SELECT make_timestamp((${h}::BIGINT + t * 1000) * 1000), n + 1, m + 1, ${valueSql('t', 'n', 'm')}
      FROM range(3600) r(t), range(${nodes}) a(n), range(${metrics}) b(m) ORDER BY t, n, m`);
  }
  const rawS = (performance.now() - t0) / 1000;
  // 1m and 1h rollups in arrival order (time, then series), as maintain() appends them, one day per statement.
  for (let d = start; d < end; d += dayMs) {
    await c.run(`INSERT INTO samples_1m
      SELECT make_timestamp((${d}::BIGINT + t * 60000) * 1000), n + 1, m + 1,
             ${valueSql('t * 60', 'n', 'm')} - 40, ${valueSql('t * 60', 'n', 'm')} + 40, 60 * ${valueSql('t * 60', 'n', 'm')}, 60, ${valueSql('t * 60 + 59', 'n', 'm')}
      FROM range(1440) r(t), range(${nodes}) a(n), range(${metrics}) b(m) ORDER BY t, m, n`);
  }
  await c.run(`INSERT INTO samples_1h
    SELECT time_bucket(INTERVAL 1 HOUR, ts) AS h, node_id, metric_id, min(min), max(max), sum(sum), sum(count), arg_max(last, ts)
    FROM samples_1m GROUP BY ALL ORDER BY h, metric_id, node_id`);
  // Everything is rolled up to end; compaction starts at the first day, so the store's maintain() does it.
  await c.run(`INSERT OR REPLACE INTO rollup_state VALUES
    ('rollup_1m', make_timestamp(${end}::BIGINT * 1000)), ('rollup_1h', make_timestamp(${end}::BIGINT * 1000)),
    ('compact_1m', make_timestamp(${start}::BIGINT * 1000))`);
  await c.run('CHECKPOINT');
  const counts = (await c.runAndReadAll(`SELECT (SELECT count(*) FROM samples), (SELECT count(*) FROM samples_1m), (SELECT count(*) FROM samples_1h)`)).getRows()[0];
  result.generateSeconds = (performance.now() - t0) / 1000;
  result.rows = { raw: Number(counts[0]), rollup1m: Number(counts[1]), rollup1h: Number(counts[2]) };
  log(`generated in ${result.generateSeconds.toFixed(0)} s (raw ${rawS.toFixed(0)} s):`);
  log(`  samples     ${Number(counts[0]).toLocaleString()} rows  (${rawHours} h raw history x ${nodes} nodes x ${metrics} series x 1 s)`);
  log(`  samples_1m  ${Number(counts[1]).toLocaleString()} rows  (7 days x 1440 min x ${nodes * metrics} series)`);
  log(`  samples_1h  ${Number(counts[2]).toLocaleString()} rows  (7 days x 24 h x ${nodes * metrics} series)`);
  c.closeSync();
  db.closeSync();
  result.fileGb = statSync(path).size / 2 ** 30;
  log(`  file        ${result.fileGb.toFixed(2)} GB`);
}

async function timeOne(store: Store, runs: number, log: (line: string) => void, label: string, q: SeriesQuery): Promise<QueryTiming> {
  const ms: number[] = [];
  let shape = '';
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const r = await store.series(q);
    // The first two runs warm caches and are not counted.
    if (i >= 2) ms.push(performance.now() - t0);
    shape = `${r.source}, step ${r.step} s, ${r.data[0].length} buckets x ${r.series.length} series`;
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  log(`  ${label.padEnd(44)} median ${p(0.5).toFixed(1).padStart(6)} ms  p95 ${p(0.95).toFixed(1).padStart(6)} ms  (${shape})`);
  return { label, medianMs: p(0.5), p95Ms: p(0.95), shape };
}

async function queries(store: Store, runs: number, log: (line: string) => void): Promise<QueryTiming[]> {
  const time = (label: string, q: SeriesQuery) => timeOne(store, runs, log, label, q);
  const week: SeriesQuery = { metric: 'valkey_gauge_7', nodes: 'all', from: start, to: end, step: (end - start) / 1000, agg: 'avg' };
  const out: QueryTiming[] = [];
  out.push(await time(weekQueryLabel, week));
  out.push(await time('7 days, same, agg last', { ...week, agg: 'last' }));
  out.push(await time('7 days, 1 h step (1h rollup)', { ...week, step: hourMs }));
  out.push(await time('7 days, 150 label sets, combine sum', { ...week, metric: 'valkey_command_calls_per_second', nodes: ['10.0.0.1:6379'], combine: 'sum' }));
  out.push(await time('1 hour raw, 1 s step, 1 metric x 6 nodes', { ...week, from: end - hourMs, to: end - 1000, step: 1000 }));
  out.push(await time('1 hour raw, 10 s step, max', { ...week, from: end - hourMs, to: end - 1000, step: 10_000, agg: 'max' }));
  out.push(await time('24 hours, 1 min step (1m + raw tail)', { ...week, from: end - dayMs, to: end, step: 60_000 }));
  return out;
}

export async function runStoreQuery(opts: StoreQueryOptions = {}): Promise<StoreQueryResult> {
  const rawHours = opts.rawHours ?? 24;
  const runs = opts.runs ?? 20;
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!(rawHours >= 1 && rawHours <= 24)) throw new Error('rawHours must be between 1 and 24');
  const result = { rawHours, runs } as StoreQueryResult;
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-'));
  const path = join(dir, 'history.duckdb');
  try {
    await generate(path, rawHours, log, result);
    const store = await openStore({ path, now, maintainIntervalMs: 0 });
    try {
      log(`\nseries() before compaction (1m rows in arrival order), ${runs} runs each:`);
      result.beforeCompaction = await queries(store, runs, log);
      const t0 = performance.now();
      await store.maintain();
      result.maintainSeconds = (performance.now() - t0) / 1000;
      log(`\nmaintain(): compacted 7 days of samples_1m in ${result.maintainSeconds.toFixed(1)} s`);
      log(`\nseries() after compaction (each closed day of 1m sorted by metric), ${runs} runs each:`);
      result.afterCompaction = await queries(store, runs, log);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

if (import.meta.main) await runStoreQuery();
