// Benchmarks for slot statistics (issue 4): the heatmap query over a week of a busy cluster's history, the bytes the
// slot tiers take on disk, and what CLUSTER SLOT-STATS every 10 s costs a real Valkey 9.1 primary.
// Run through test/bench/run.ts (`--only slots`), or alone: `bun test/bench/slots.ts [--quick]`.
//
// The "busy cluster" everywhere: 3 primaries owning a third of the 16384 slots each, every slot active in every
// 10 s poll (16384 rows per poll, the worst case: the collector writes only slots that changed).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { openStore, type Store } from '../../server/store/index.ts';
import { slot5mRetentionMs, slotRawRetentionMs } from '../../server/store/slotMaintain.ts';
import type { SlotMetric } from '../../server/store/types.ts';
import { startCluster, type ClusterHandle } from '../servers/servers.ts';
import { cpuMs } from './procStats.ts';

const slotCount = 16384;
const pollMs = 10_000;
const minuteMs = 60_000;
const fiveMinutesMs = 5 * minuteMs;
const hourMs = 3_600_000;
const dayMs = 86_400_000;
/** What the store keeps per tier (server/store/slotMaintain.ts): raw rows, 5-minute rows, 1-hour rows the retention (default 7 days). */
export const tierRetention = { rawMs: slotRawRetentionMs, fiveMinuteMs: slot5mRetentionMs, hourMs: 7 * dayMs };
/** The store closes a bucket only this long after its end (lateSampleGraceMs in store.ts). */
const graceMs = 10_000;
/** Rollup watermarks in rollup_state (server/store/slotMaintain.ts). */
const mark5m = 'slots_5m';
const mark1h = 'slots_1h';
const nodes = ['10.0.0.1:6379', '10.0.0.2:6379', '10.0.0.3:6379'];
/** Slot ranges of the 3 primaries, as valkey-cli --cluster create splits them. */
const ranges: [number, number][] = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

type Log = (line: string) => void;

// ---------- shared ----------

function stats(ms: number[]): { medianMs: number; p95Ms: number; minMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: s[0]!, maxMs: s.at(-1)! };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => bytes / 2 ** 20;

/** The file plus its WAL (nothing after a clean close, which checkpoints). */
function fileBytes(path: string): number {
  return (existsSync(path) ? statSync(path).size : 0) + (existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0);
}

async function nodeIds(c: DuckDBConnection): Promise<number[]> {
  const rows = (await c.runAndReadAll('SELECT address, node_id FROM nodes')).getRows();
  const byAddress = new Map(rows.map(([a, id]) => [String(a), Number(id)]));
  return nodes.map((n) => {
    const id = byAddress.get(n);
    if (id === undefined) throw new Error(`node ${n} missing from the nodes table`);
    return id;
  });
}

const hasTable = async (c: DuckDBConnection, name: string) =>
  Number((await c.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = '${name}'`)).getRows()[0]![0]) > 0;

// ---------- 1: heatmap query time ----------

export interface HeatmapTiming {
  label: string;
  metric: SlotMetric;
  window: '6h' | '7d';
  rows: number;
  cols: number;
  /** The targeted screen-resolution case (512 x 1200); 16384 x 300 is context. */
  targeted: boolean;
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  /** What came back: tier, step, grid and how many cells have data. */
  source: string;
  step: number;
  grid: string;
  cellsWithData: number;
}

export interface HeatmapResult {
  now: string;
  generateSeconds: number;
  /** Rows per table as generated. */
  rows: { raw: number; fiveMinute: number; hour: number };
  watermarks: Record<string, string>;
  fileMb: number;
  /** Whether the store has the 5m/1h tiers (migration 004) and reads them (its slot queries use slot_src()). */
  tiers: { tables: boolean; queriesUseTiers: boolean };
  timings: HeatmapTiming[];
}

/** Values that look like a busy cluster's: a per-slot level plus noise, cpu 50-2000 usec and net 100-50000 bytes per slot per poll. */
// Every hash is brought to BIGINT at once: UBIGINT mixed with BIGINT is computed in HUGEINT, 10x slower.
const h = (args: string, mod: number) => `(hash(${args}) % ${mod})::BIGINT`;
const cpuSql = (polls: number, salt: string) => `${polls} * (50 + ${h('slot', 1000)}) + ${h(`slot, ${salt}, 1`, polls * 950 + 1)}`;
const netInSql = (polls: number, salt: string) => `${polls} * (100 + ${h('slot, 7', 25000)}) + ${h(`slot, ${salt}, 2`, polls * 24900 + 1)}`;
const netOutSql = (polls: number, salt: string) => `${polls} * (100 + ${h('slot, 8', 25000)}) + ${h(`slot, ${salt}, 3`, polls * 24900 + 1)}`;
/** Key counts grow slowly: about one key per slot every 10 minutes. */
const keysSql = (tsMs: string, originMs: number) => `1000 + ${h('slot, 9', 5000)} + ((${tsMs}) - ${originMs}) // 600000`;
/** Index 0..2 of the slot's owner (its reply arrives a few ms after the previous one's). */
const indexSql = `CASE WHEN slot <= ${ranges[0]![1]} THEN 0 WHEN slot <= ${ranges[1]![1]} THEN 1 ELSE 2 END`;
const ownerSql = (ids: number[]) => `CASE WHEN slot <= ${ranges[0]![1]} THEN ${ids[0]} WHEN slot <= ${ranges[1]![1]} THEN ${ids[1]} ELSE ${ids[2]} END`;

/**
 * A week of a busy 3-primary cluster as the store holds it: 1-hour rows for 7 days up to the slots_1h watermark,
 * 5-minute rows for the last 48 h up to slots_5m, raw rows (every slot every 10 s) for the raw retention. Written with
 * set-based SQL on a plain DuckDB connection between two opens of the store (the first creates the schema and the
 * node dictionary); rows in time order, as the store appends them (one range() per statement, whose order an INSERT
 * keeps: DuckDB preserves insertion order).
 */
async function generateHistory(path: string, now: number, log: Log): Promise<Omit<HeatmapResult, 'timings' | 'tiers'> & { tables: boolean }> {
  const seed = await openStore({ path, now: () => now, maintainIntervalMs: 0 });
  for (const address of nodes) seed.recordNode({ address, role: 'primary', seenAt: now });
  await seed.close();

  const t0 = performance.now();
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    const ids = await nodeIds(c);
    const tables = (await hasTable(c, 'slot_stats_5m')) && (await hasTable(c, 'slot_stats_1h'));
    const m5 = Math.floor((now - graceMs) / fiveMinutesMs) * fiveMinutesMs;
    const h1 = Math.floor(m5 / hourMs) * hourMs;
    const origin = now - tierRetention.hourMs;
    const owner = ownerSql(ids);
    // Raw: polls over the raw retention up to now, each primary's reply a few ms apart; one hour per statement.
    const rawFrom = now - tierRetention.rawMs;
    for (let hr = rawFrom; hr < now; hr += hourMs) {
      const polls = Math.min(hourMs, now - hr) / pollMs;
      await c.run(`INSERT INTO slot_stats
        SELECT make_timestamp((${hr}::BIGINT + p * ${pollMs} + ${indexSql} * 7) * 1000), ${owner}, slot,
               ${keysSql(`${hr}::BIGINT + p * ${pollMs}`, origin)}, ${cpuSql(1, 'p')}, ${netInSql(1, 'p')}, ${netOutSql(1, 'p')}
        FROM (SELECT i // ${slotCount} AS p, i % ${slotCount} AS slot FROM range(${polls * slotCount}) g(i))`);
    }
    if (tables) {
      // 5-minute rows: [now - 48 h, slots_5m), sums of 30 polls; one day per statement.
      const m5From = Math.floor((now - tierRetention.fiveMinuteMs) / fiveMinutesMs) * fiveMinutesMs;
      for (let d = m5From; d < m5; d += dayMs) {
        const buckets = Math.min(dayMs, m5 - d) / fiveMinutesMs;
        await c.run(`INSERT INTO slot_stats_5m
          SELECT make_timestamp((${d}::BIGINT + b * ${fiveMinutesMs}) * 1000), ${owner}, slot,
                 ${keysSql(`${d}::BIGINT + b * ${fiveMinutesMs} + ${fiveMinutesMs - pollMs}`, origin)}, ${cpuSql(30, 'b')}, ${netInSql(30, 'b')}, ${netOutSql(30, 'b')}
          FROM (SELECT i // ${slotCount} AS b, i % ${slotCount} AS slot FROM range(${buckets * slotCount}) g(i))`);
      }
      // 1-hour rows: [now - 7 d, slots_1h), sums of 360 polls.
      const h1From = Math.floor(origin / hourMs) * hourMs;
      const buckets = (h1 - h1From) / hourMs;
      await c.run(`INSERT INTO slot_stats_1h
        SELECT make_timestamp((${h1From}::BIGINT + b * ${hourMs}) * 1000), ${owner}, slot,
               ${keysSql(`${h1From}::BIGINT + b * ${hourMs} + ${hourMs - pollMs}`, origin)}, ${cpuSql(360, 'b')}, ${netInSql(360, 'b')}, ${netOutSql(360, 'b')}
        FROM (SELECT i // ${slotCount} AS b, i % ${slotCount} AS slot FROM range(${buckets * slotCount}) g(i))`);
      // Their 16-slot group sums (migration 005), as the rollups write them next to each tier.
      if (await hasTable(c, 'slot_groups_1h')) {
        for (const t of ['5m', '1h']) {
          await c.run(`INSERT INTO slot_groups_${t} SELECT ts, slot // 16 AS grp, sum(keys), sum(cpu_usec), sum(net_in), sum(net_out)
            FROM slot_stats_${t} GROUP BY ts, grp ORDER BY ts, grp`);
        }
      }
      await c.run(`INSERT OR REPLACE INTO rollup_state VALUES
        ('${mark5m}', make_timestamp(${m5}::BIGINT * 1000)), ('${mark1h}', make_timestamp(${h1}::BIGINT * 1000))`);
    }
    await c.run('CHECKPOINT');
    const count = async (t: string) => (tables || t === 'slot_stats' ? Number((await c.runAndReadAll(`SELECT count(*) FROM ${t}`)).getRows()[0]![0]) : 0);
    const rows = { raw: await count('slot_stats'), fiveMinute: await count('slot_stats_5m'), hour: await count('slot_stats_1h') };
    const generateSeconds = (performance.now() - t0) / 1000;
    log(`generated in ${generateSeconds.toFixed(0)} s (INSERT ... SELECT from range() on a DuckDB connection, between two opens of the store):`);
    log(`  slot_stats     ${fmt(rows.raw).padStart(11)} rows  (last ${tierRetention.rawMs / minuteMs} min: ${tierRetention.rawMs / pollMs} polls x ${fmt(slotCount)} slots)`);
    if (tables) {
      log(`  slot_stats_5m  ${fmt(rows.fiveMinute).padStart(11)} rows  (48 h up to the slots_5m watermark ${new Date(m5).toISOString()})`);
      log(`  slot_stats_1h  ${fmt(rows.hour).padStart(11)} rows  (7 days up to the slots_1h watermark ${new Date(h1).toISOString()})`);
    } else log('  (no slot_stats_5m / slot_stats_1h tables in this schema: raw rows only)');
    c.closeSync();
    db.closeSync();
    const fileMb = mb(fileBytes(path));
    log(`  file           ${fileMb.toFixed(0)} MB`);
    return {
      now: new Date(now).toISOString(),
      generateSeconds,
      rows,
      watermarks: tables ? { [mark5m]: new Date(m5).toISOString(), [mark1h]: new Date(h1).toISOString() } : {},
      fileMb,
      tables,
    };
  } catch (e) {
    c.closeSync();
    db.closeSync();
    throw e;
  }
}

export interface HeatmapOptions {
  runs: number;
  /** A case stops after this many seconds of runs (at least 3 runs), so a slow query cannot stall the bench. */
  maxSecondsPerCase?: number;
  log: Log;
}

export async function runSlotHeatmap(opts: HeatmapOptions): Promise<HeatmapResult> {
  const { log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-slots-'));
  const path = join(dir, 'history.duckdb');
  // "now": a few minutes past a 5-minute boundary, as a live view would be.
  const now = Date.UTC(2026, 0, 8, 0, 37, 5);
  try {
    const gen = await generateHistory(path, now, log);
    const { readFileSync } = await import('node:fs');
    const slotQueriesUseTiers = /slot_src/.test(readFileSync(join(import.meta.dir, '..', '..', 'server', 'store', 'slots.ts'), 'utf8')) ||
      /slot_src/.test(readFileSync(join(import.meta.dir, '..', '..', 'queries', 'slot_cells.sql'), 'utf8'));
    if (!slotQueriesUseTiers) log('  NOTE: the slot queries do not read through slot_src() yet: every window is answered from raw rows only');
    const store = await openStore({ path, now: () => now, maintainIntervalMs: 0 });
    const timings: HeatmapTiming[] = [];
    try {
      const cases: { metric: SlotMetric; window: '6h' | '7d'; rows: number; cols: number }[] = [];
      for (const [rows, cols] of [
        [512, 1200],
        [16384, 300],
      ] as const) {
        for (const window of ['6h', '7d'] as const) for (const metric of ['cpu', 'keys'] as const) cases.push({ metric, window, rows, cols });
      }
      log(`\nstore.slotHeatmap(), windows ending now, 1 warm-up run + up to ${opts.runs} timed runs per case:`);
      for (const k of cases) {
        const span = k.window === '6h' ? 6 * hourMs : 7 * dayMs;
        const q = { metric: k.metric, from: now - span, to: now, rows: k.rows, cols: k.cols, slotFrom: 0, slotTo: slotCount - 1, minStepSeconds: pollMs / 1000 };
        const ms: number[] = [];
        let last = await store.slotHeatmap(q);
        const budget = performance.now() + (opts.maxSecondsPerCase ?? 20) * 1000;
        for (let i = 0; i < opts.runs; i++) {
          const t0 = performance.now();
          last = await store.slotHeatmap(q);
          ms.push(performance.now() - t0);
          if (ms.length >= 3 && performance.now() > budget) break;
        }
        let cellsWithData = 0;
        for (const row of last.values) for (const v of row) if (v !== null) cellsWithData++;
        const s = stats(ms);
        const label = `${k.metric}, ${k.window}, ${k.rows} rows x ${k.cols} cols`;
        const grid = `${last.values.length} x ${last.x.length}`;
        const t: HeatmapTiming = { label, ...k, targeted: k.rows === 512, runs: ms.length, ...s, source: String(last.source), step: last.step, grid, cellsWithData };
        timings.push(t);
        log(`  ${label.padEnd(34)} median ${s.medianMs.toFixed(1).padStart(7)} ms  p95 ${s.p95Ms.toFixed(1).padStart(7)} ms  (${ms.length} runs; source ${t.source}, step ${t.step} s, ${grid} cells, ${fmt(cellsWithData)} with data)`);
      }
    } finally {
      await store.close();
    }
    const { tables, ...rest } = gen;
    return { ...rest, tiers: { tables, queriesUseTiers: slotQueriesUseTiers }, timings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- 2: storage ----------

export interface TierSize {
  rows: number;
  /** Bytes per row of the table copied alone into a fresh DuckDB file (minus an empty file with the same table). */
  bytesPerRow: number;
}

export interface StorageResult {
  minutes: number;
  polls: number;
  rawRows: number;
  appendSeconds: number;
  appendRowsPerSecond: number;
  /** File growth (checkpointed, no WAL) over the appended raw rows. */
  fileGrowthBytes: number;
  rawBytesPerRowByGrowth: number;
  maintainSeconds: number;
  tiers: Record<'raw' | 'fiveMinute' | 'hour' | 'fiveMinuteGroups' | 'hourGroups', TierSize & { copies: number }>;
  fileMbAfterMaintain: number;
  /** Rows and MB a busy 3-primary cluster keeps: after one day, and at the 7-day default retention (steady state). */
  oneDay: { rows: TierRows; mb: number };
  sevenDays: { rows: TierRows; mb: number };
}

/** Rows a busy cluster keeps per table: the slot tiers and their 16-slot group sums (migration 005). */
type TierRows = { raw: number; fiveMinute: number; hour: number; fiveMinuteGroups: number; hourGroups: number };

/** mulberry32: deterministic, fast. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows each tier is measured over: 256 KB blocks make a small table's size meaningless (16384 rows fill one block). */
const measureRows = 2_000_000;

/**
 * Bytes per row of a tier: the table copied alone into a fresh DuckDB file (minus the same file with the table
 * empty). A tier with fewer than measureRows rows (the 1-hour tier has 16384 per hour) is copied several times,
 * each copy shifted in time by the table's span, so the file is large enough for its block size not to matter; the
 * integer encodings DuckDB uses here (bit-packing, RLE, per vector of 1024-2048 values) gain nothing from repeats.
 */
async function tierBytesPerRow(c: DuckDBConnection, dir: string, table: string, stepMs: number): Promise<TierSize & { copies: number }> {
  const [count, lo, hi] = (await c.runAndReadAll(`SELECT count(*), epoch_ms(min(ts)), epoch_ms(max(ts)) FROM ${table}`)).getRows()[0]!;
  const rows = Number(count);
  if (rows === 0) return { rows, bytesPerRow: 0, copies: 0 };
  const copies = Math.ceil(measureRows / rows);
  const spanMs = Number(hi) - Number(lo) + stepMs;
  const copy = async (name: string, select: string) => {
    const file = join(dir, `${name}.duckdb`);
    await c.run(`ATTACH '${file}' AS tier_copy`);
    await c.run(`CREATE TABLE tier_copy.t AS ${select}`);
    await c.run('DETACH tier_copy');
    const size = fileBytes(file);
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
    return size;
  };
  const empty = await copy(`${table}-empty`, `SELECT * FROM ${table} LIMIT 0`);
  const full = await copy(
    `${table}-copy`,
    `SELECT * EXCLUDE (r, k) REPLACE (ts + to_milliseconds(k * ${spanMs}) AS ts)
     FROM (SELECT *, rowid AS r FROM ${table}), range(${copies}) x(k) ORDER BY k, r`,
  );
  return { rows, bytesPerRow: (full - empty) / (rows * copies), copies };
}

export interface StorageOptions {
  minutes: number;
  log: Log;
}

export async function runSlotStorage(opts: StorageOptions): Promise<StorageResult> {
  const { log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-slots-'));
  const path = join(dir, 'storage.duckdb');
  const start = Date.UTC(2026, 0, 8);
  let clock = start;
  const now = () => clock;
  try {
    // The empty store (schema, no rows) is the baseline the growth is measured from.
    const empty = await openStore({ path, now, maintainIntervalMs: 0 });
    for (const address of nodes) empty.recordNode({ address, role: 'primary', seenAt: start });
    await empty.close();
    const before = fileBytes(path);

    const polls = (opts.minutes * minuteMs) / pollMs;
    const rnd = prng(42);
    const cpuLevel = Float64Array.from({ length: slotCount }, () => 50 + rnd() * 1000);
    const netInLevel = Float64Array.from({ length: slotCount }, () => 100 + rnd() * 25_000);
    const netOutLevel = Float64Array.from({ length: slotCount }, () => 100 + rnd() * 25_000);
    const keys = Float64Array.from({ length: slotCount }, () => 1000 + Math.floor(rnd() * 5000));
    const store: Store = await openStore({ path, now, maintainIntervalMs: 0 });
    let rawRows = 0;
    const t0 = performance.now();
    try {
      for (let p = 0; p < polls; p++) {
        clock = start + p * pollMs;
        for (let n = 0; n < nodes.length; n++) {
          const [lo, hi] = ranges[n]!;
          const count = hi - lo + 1;
          const batch = { ts: clock + n * 7, node: nodes[n]!, slots: new Array<number>(count), keys: new Array<number>(count), cpuUsec: new Array<number | null>(count), netIn: new Array<number | null>(count), netOut: new Array<number | null>(count) };
          for (let i = 0; i < count; i++) {
            const s = lo + i;
            // About one new key per slot every 10 minutes.
            if (rnd() < 1 / 60) keys[s]!++;
            batch.slots[i] = s;
            batch.keys[i] = keys[s]!;
            batch.cpuUsec[i] = Math.round(cpuLevel[s]! + rnd() * 950);
            batch.netIn[i] = Math.round(netInLevel[s]! + rnd() * 24_900);
            batch.netOut[i] = Math.round(netOutLevel[s]! + rnd() * 24_900);
          }
          store.appendSlotStats(batch);
          rawRows += count;
        }
        // The store flushes every second on its own; a poll a flush keeps the buffer as small as it is live.
        await store.flush();
      }
    } finally {
      clock = start + polls * pollMs;
      await store.close();
    }
    const appendSeconds = (performance.now() - t0) / 1000;
    const after = fileBytes(path);
    const growth = after - before;
    log(`appended ${opts.minutes} min of a busy cluster (${polls} polls x 3 primaries, ${fmt(rawRows)} rows) through store.appendSlotStats() in ${appendSeconds.toFixed(1)} s (${fmt(rawRows / appendSeconds)} rows/s, a flush per poll)`);
    log(`  file ${mb(before).toFixed(2)} MB empty -> ${mb(after).toFixed(2)} MB after close (checkpoint): ${(growth / rawRows).toFixed(2)} bytes per raw slot-interval`);

    // Move the clock past the hour so every 5-minute and the 1-hour bucket is closed, then let maintain() roll up.
    clock = Math.ceil((start + polls * pollMs) / hourMs) * hourMs + minuteMs;
    const m = await openStore({ path, now, maintainIntervalMs: 0 });
    const t1 = performance.now();
    try {
      await m.maintain();
    } finally {
      await m.close();
    }
    const maintainSeconds = (performance.now() - t1) / 1000;
    const fileMbAfterMaintain = mb(fileBytes(path));

    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    let tiers: StorageResult['tiers'];
    try {
      for (const t of ['slot_stats_5m', 'slot_stats_1h', 'slot_groups_5m', 'slot_groups_1h']) {
        if (!(await hasTable(c, t))) throw new Error(`no ${t} table: the rollup tiers are not in this schema`);
      }
      tiers = {
        raw: await tierBytesPerRow(c, dir, 'slot_stats', pollMs),
        fiveMinute: await tierBytesPerRow(c, dir, 'slot_stats_5m', fiveMinutesMs),
        hour: await tierBytesPerRow(c, dir, 'slot_stats_1h', hourMs),
        fiveMinuteGroups: await tierBytesPerRow(c, dir, 'slot_groups_5m', fiveMinutesMs),
        hourGroups: await tierBytesPerRow(c, dir, 'slot_groups_1h', hourMs),
      };
    } finally {
      c.closeSync();
      db.closeSync();
    }
    log(`maintain() with the clock at ${new Date(clock).toISOString()}: ${maintainSeconds.toFixed(1)} s; file ${fileMbAfterMaintain.toFixed(2)} MB`);
    log(`  rows and bytes per row, each tier copied alone into a fresh DuckDB file (repeated, shifted in time, to at least ${fmt(measureRows)} rows):`);
    log(`    slot_stats     ${fmt(tiers.raw.rows).padStart(10)} rows  ${tiers.raw.bytesPerRow.toFixed(2).padStart(6)} bytes/row (measured over ${tiers.raw.copies} cop${tiers.raw.copies === 1 ? 'y' : 'ies'})`);
    log(`    slot_stats_5m  ${fmt(tiers.fiveMinute.rows).padStart(10)} rows  ${tiers.fiveMinute.bytesPerRow.toFixed(2).padStart(6)} bytes/row (measured over ${tiers.fiveMinute.copies} cop${tiers.fiveMinute.copies === 1 ? 'y' : 'ies'})`);
    log(`    slot_stats_1h  ${fmt(tiers.hour.rows).padStart(10)} rows  ${tiers.hour.bytesPerRow.toFixed(2).padStart(6)} bytes/row (measured over ${tiers.hour.copies} cop${tiers.hour.copies === 1 ? 'y' : 'ies'})`);
    log(`    slot_groups_5m ${fmt(tiers.fiveMinuteGroups.rows).padStart(10)} rows  ${tiers.fiveMinuteGroups.bytesPerRow.toFixed(2).padStart(6)} bytes/row (measured over ${tiers.fiveMinuteGroups.copies} copies)`);
    log(`    slot_groups_1h ${fmt(tiers.hourGroups.rows).padStart(10)} rows  ${tiers.hourGroups.bytesPerRow.toFixed(2).padStart(6)} bytes/row (measured over ${tiers.hourGroups.copies} copies)`);

    const perHour = slotCount * (hourMs / pollMs);
    // Raw rows at what they take in the store (appended poll by poll, as live), the rollups as measured above.
    const rawBytes = Math.max(growth / rawRows, tiers.raw.bytesPerRow);
    const groupsMb = (r: TierRows) => mb(r.fiveMinuteGroups * tiers.fiveMinuteGroups.bytesPerRow + r.hourGroups * tiers.hourGroups.bytesPerRow);
    const size = (r: TierRows) => mb(r.raw * rawBytes + r.fiveMinute * tiers.fiveMinute.bytesPerRow + r.hour * tiers.hour.bytesPerRow) + groupsMb(r);
    const withGroups = (r: Omit<TierRows, 'fiveMinuteGroups' | 'hourGroups'>): TierRows => ({ ...r, fiveMinuteGroups: r.fiveMinute / 16, hourGroups: r.hour / 16 });
    const day = withGroups({ raw: perHour * (tierRetention.rawMs / hourMs), fiveMinute: slotCount * 12 * 24, hour: slotCount * 24 });
    const week = withGroups({ raw: day.raw, fiveMinute: slotCount * 12 * (tierRetention.fiveMinuteMs / hourMs), hour: slotCount * (tierRetention.hourMs / hourMs) });
    const oneDay = { rows: day, mb: size(day) };
    const sevenDays = { rows: week, mb: size(week) };
    const line = (label: string, r: typeof day, total: number) =>
      log(`  ${label}: raw ${fmt(r.raw)} + 5m ${fmt(r.fiveMinute)} + 1h ${fmt(r.hour)} + groups ${fmt(r.fiveMinuteGroups + r.hourGroups)} rows = ${total.toFixed(1)} MB (raw ${mb(r.raw * rawBytes).toFixed(1)}, 5m ${mb(r.fiveMinute * tiers.fiveMinute.bytesPerRow).toFixed(1)}, 1h ${mb(r.hour * tiers.hour.bytesPerRow).toFixed(1)}, groups ${groupsMb(r).toFixed(1)})`);
    log(`busy 3-primary cluster (every slot every 10 s), rows x bytes/row per tier (raw ${rawBytes.toFixed(2)}: the larger of file growth and copy); raw kept ${tierRetention.rawMs / minuteMs} min, 5m ${tierRetention.fiveMinuteMs / hourMs} h, 1h the retention:`);
    line('after one day      ', day, oneDay.mb);
    line('steady state, 7 d  ', week, sevenDays.mb);
    return {
      minutes: opts.minutes,
      polls,
      rawRows,
      appendSeconds,
      appendRowsPerSecond: rawRows / appendSeconds,
      fileGrowthBytes: growth,
      rawBytesPerRowByGrowth: growth / rawRows,
      maintainSeconds,
      tiers,
      fileMbAfterMaintain,
      oneDay,
      sevenDays,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- 3: server cost of CLUSTER SLOT-STATS every 10 s ----------

export interface SlotStatsCostNode {
  node: string;
  calls: number;
  usec: number;
  usecPerCall: number;
  usecPerSecond: number;
  percentOfCore: number;
  replyBytes: number;
  /** Request -> last byte of the reply, seen by the client (loopback). */
  replyMsMedian: number;
  /** utime + stime of the server process over the window (everything: cron, cluster bus, our INFO calls). */
  serverCpuPercent: number;
}

export interface SlotStatsCostResult {
  version: string;
  windowSeconds: number;
  keysPerSlot: number;
  nodes: SlotStatsCostNode[];
  usecPerSecondPerPrimary: number;
  percentOfCorePerPrimary: number;
  replyBytesPerPrimary: number;
}

/** CRC16/XMODEM, the cluster's key hash. */
function crc16(s: string): number {
  let crc = 0;
  for (const b of Buffer.from(s)) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A hash tag for every slot. */
function tagsForEverySlot(): string[] {
  const tags = new Array<string>(slotCount);
  let found = 0;
  for (let i = 0; found < slotCount; i++) {
    const tag = `t${i}`;
    const slot = crc16(tag) % slotCount;
    if (tags[slot] === undefined) {
      tags[slot] = tag;
      found++;
    }
  }
  return tags;
}

const resp = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** One raw connection: sends SLOT-STATS then PING and counts the reply's bytes (everything before +PONG). */
class RawPoller {
  private buf: Buffer[] = [];
  private size = 0;
  private wake: (() => void) | null = null;
  private constructor(private readonly sock: ReturnType<typeof netConnect>) {
    sock.on('data', (d: Buffer) => {
      this.buf.push(d);
      this.size += d.length;
      this.wake?.();
    });
    sock.on('error', () => this.wake?.());
  }

  static open(port: number): Promise<RawPoller> {
    return new Promise((resolve, reject) => {
      const sock = netConnect({ host: '127.0.0.1', port }, () => resolve(new RawPoller(sock)));
      sock.once('error', reject);
    });
  }

  private endsWithPong(): boolean {
    const last = Buffer.concat(this.buf.slice(-2));
    return last.length >= 7 && last.subarray(last.length - 7).toString() === '+PONG\r\n';
  }

  async poll(): Promise<{ bytes: number; ms: number }> {
    this.buf = [];
    this.size = 0;
    const t0 = performance.now();
    this.sock.write(resp(['CLUSTER', 'SLOT-STATS', 'SLOTSRANGE', '0', String(slotCount - 1)]) + resp(['PING']));
    const deadline = Date.now() + 10_000;
    while (!this.endsWithPong()) {
      if (Date.now() > deadline || this.sock.destroyed) throw new Error('no reply to CLUSTER SLOT-STATS');
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
    const ms = performance.now() - t0;
    const text = Buffer.concat(this.buf);
    if (text[0] === 0x2d /* '-' */) throw new Error(`CLUSTER SLOT-STATS: ${text.toString().split('\r\n')[0]}`);
    return { bytes: this.size - 7, ms };
  }

  close(): void {
    this.sock.destroy();
  }
}

async function slotStatsUsec(c: Redis): Promise<{ calls: number; usec: number }> {
  const text = String(await c.info('commandstats'));
  const m = /^cmdstat_cluster\|slot-stats:calls=(\d+),usec=(\d+)/m.exec(text);
  return m ? { calls: Number(m[1]), usec: Number(m[2]) } : { calls: 0, usec: 0 };
}

export interface ServerCostOptions {
  windowSeconds: number;
  /** Keys written to every slot before measuring. */
  keysPerSlot?: number;
  log: Log;
  /** Called with the cluster right after it starts, so the caller can stop it on a signal. */
  onCluster?: (c: ClusterHandle) => void;
}

export async function runSlotStatsCost(opts: ServerCostOptions): Promise<SlotStatsCostResult> {
  const { log } = opts;
  const keysPerSlot = opts.keysPerSlot ?? 3;
  const cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0, config: { 'cluster-slot-stats-enabled': 'yes' } });
  opts.onCluster?.(cluster);
  const clients: Redis[] = [];
  const pollers: RawPoller[] = [];
  try {
    const primaries = await cluster.primaries();
    const version = cluster.nodes[0]!.version;
    const client = (port: number) => {
      const c = new Redis({ host: '127.0.0.1', port, lazyConnect: false, maxRetriesPerRequest: 1, connectionName: 'skyscope-bench-slots' });
      c.on('error', () => {});
      clients.push(c);
      return c;
    };
    const byPort = new Map(primaries.map((p) => [p.port, client(p.port)]));
    // Keys in every slot, each written to its slot's owner.
    const owners = new Array<number>(slotCount);
    for (const r of (await byPort.values().next().value!.call('CLUSTER', 'SLOTS')) as any[]) for (let s = Number(r[0]); s <= Number(r[1]); s++) owners[s] = Number(r[2][1]);
    const tags = tagsForEverySlot();
    const t0 = performance.now();
    const pipes = new Map([...byPort].map(([port, c]) => [port, c.pipeline()]));
    for (let s = 0; s < slotCount; s++) for (let k = 0; k < keysPerSlot; k++) pipes.get(owners[s]!)!.set(`{${tags[s]}}:${k}`, `value-${s}-${k}`);
    for (const res of await Promise.all([...pipes.values()].map((p) => p.exec()))) for (const [err] of res ?? []) if (err) throw err;
    const dbsize = (await Promise.all([...byPort.values()].map((c) => c.dbsize()))).map(Number);
    log(`Valkey ${version} cluster, 3 primaries, no replicas, cluster-slot-stats-enabled yes; ${fmt(keysPerSlot * slotCount)} keys (${keysPerSlot} in every slot: ${dbsize.map(fmt).join(' / ')} per primary), written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    for (const p of primaries) pollers.push(await RawPoller.open(p.port));
    // One uncounted poll per primary (first reply allocations), then the window.
    await Promise.all(pollers.map((p) => p.poll()));
    const before = await Promise.all(primaries.map((p) => slotStatsUsec(byPort.get(p.port)!)));
    const cpuBefore = primaries.map((p) => cpuMs(p.pid));
    const w0 = performance.now();
    const replies: { bytes: number; ms: number }[][] = primaries.map(() => []);
    const calls = Math.max(1, Math.floor(opts.windowSeconds / (pollMs / 1000)));
    for (let i = 0; i < calls; i++) {
      const due = w0 + i * pollMs;
      if (due > performance.now()) await Bun.sleep(due - performance.now());
      // Like the collector: every primary polled at the same moment on its own connection.
      const got = await Promise.all(pollers.map((p) => p.poll()));
      got.forEach((g, k) => replies[k]!.push(g));
    }
    const end = w0 + opts.windowSeconds * 1000;
    if (end > performance.now()) await Bun.sleep(end - performance.now());
    const seconds = (performance.now() - w0) / 1000;
    const after = await Promise.all(primaries.map((p) => slotStatsUsec(byPort.get(p.port)!)));
    const cpuAfter = primaries.map((p) => cpuMs(p.pid));

    const out: SlotStatsCostNode[] = primaries.map((p, k) => {
      const usec = after[k]!.usec - before[k]!.usec;
      const n = after[k]!.calls - before[k]!.calls;
      const ms = replies[k]!.map((r) => r.ms).sort((a, b) => a - b);
      return {
        node: `127.0.0.1:${p.port}`,
        calls: n,
        usec,
        usecPerCall: n > 0 ? usec / n : 0,
        usecPerSecond: usec / seconds,
        percentOfCore: usec / seconds / 1e4,
        replyBytes: replies[k]![0]!.bytes,
        replyMsMedian: ms[Math.floor(ms.length / 2)]!,
        serverCpuPercent: ((cpuAfter[k]! - cpuBefore[k]!) / (seconds * 1000)) * 100,
      };
    });
    log(`CLUSTER SLOT-STATS SLOTSRANGE 0 16383 on every primary every 10 s for ${seconds.toFixed(0)} s (INFO commandstats cmdstat_cluster|slot-stats before and after):`);
    for (const n of out) {
      log(`  ${n.node}  ${n.calls} calls x ${n.usecPerCall.toFixed(0)} usec = ${n.usecPerSecond.toFixed(1)} usec/s = ${n.percentOfCore.toFixed(4)}% of a core; reply ${fmt(n.replyBytes)} bytes in ${n.replyMsMedian.toFixed(1)} ms; process CPU over the window ${n.serverCpuPercent.toFixed(2)}% (all work: cron, bus, INFO)`);
    }
    const avg = (f: (n: SlotStatsCostNode) => number) => out.reduce((s, n) => s + f(n), 0) / out.length;
    return {
      version,
      windowSeconds: seconds,
      keysPerSlot,
      nodes: out,
      usecPerSecondPerPrimary: avg((n) => n.usecPerSecond),
      percentOfCorePerPrimary: avg((n) => n.percentOfCore),
      replyBytesPerPrimary: avg((n) => n.replyBytes),
    };
  } finally {
    pollers.forEach((p) => p.close());
    clients.forEach((c) => c.disconnect());
    await cluster.stop();
  }
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const log = (line: string) => console.log(line);
  await runSlotHeatmap({ runs: quick ? 5 : 15, log });
  await runSlotStorage({ minutes: quick ? 20 : 60, log });
  await runSlotStatsCost({ windowSeconds: quick ? 20 : 60, log });
  process.exit(0);
}
