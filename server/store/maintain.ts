// Incremental rollups (raw -> 1m -> 1h), day compaction of 1m, and retention by whole hours; idempotent and resumable.
import type { DuckDBValue } from '@duckdb/node-api';
import { tsParam, tsToMs, type NamedQueries } from './db.ts';

export const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

export interface MaintainOptions {
  db: NamedQueries;
  now: number;
  retentionMs: number;
  rawRetentionMs: number;
  /** A minute is closed (rolled up) only once now is this far past its end: room for late samples. */
  graceMs: number;
}

/** The watermarks after a run: every bucket before them is done. */
export interface Watermarks {
  rollup_1m: number;
  rollup_1h: number;
  compact_1m: number;
}

/** Bounds the work (and memory) of one transaction when maintenance has fallen behind. */
const rollup1mChunkMs = hourMs;
const rollup1hChunkMs = dayMs;

/** Brings 1m, 1h and compaction up to date; returns the new watermarks. */
export async function rollUp(o: MaintainOptions): Promise<Watermarks> {
  const { db } = o;
  const marks = await loadWatermarks(db);
  const closedMinute = floorTo(o.now - o.graceMs, minuteMs);

  // Each step moves its watermark in the same transaction as its work, so a crash repeats nothing and skips nothing.
  // A file never maintained starts every level at its oldest sample.
  const origin =
    marks.rollup_1m !== undefined && marks.rollup_1h !== undefined && marks.compact_1m !== undefined
      ? 0
      : floorTo((await oldestSample(db)) ?? closedMinute, minuteMs);
  const w1m = await advanceRollup(db, 'rollup_1m', marks.rollup_1m, origin, closedMinute, rollup1mChunkMs);
  const w1h = await advanceRollup(db, 'rollup_1h', marks.rollup_1h, floorTo(origin, hourMs), floorTo(w1m, hourMs), rollup1hChunkMs);

  // Rewrite each closed day of samples_1m in metric order so a one-metric query reads few row groups.
  const closedDay = floorTo(w1m, dayMs);
  let wc = marks.compact_1m ?? floorTo(origin, dayMs);
  while (wc < closedDay) {
    const range = { from: tsParam(wc), to: tsParam(wc + dayMs) };
    await inTransaction(db, async () => {
      await db.run('compact_1m_stage', range);
      await db.run('compact_1m_delete', range);
      await db.run('compact_1m_insert');
      await db.run('compact_1m_drop');
      await saveWatermark(db, 'compact_1m', wc + dayMs);
    });
    wc += dayMs;
  }
  if (marks.compact_1m === undefined) await saveWatermark(db, 'compact_1m', wc);
  return { rollup_1m: w1m, rollup_1h: w1h, compact_1m: wc };
}

/** Retention by whole hours; never drops data that the next coarser level has not absorbed yet. */
export async function dropExpired(o: MaintainOptions, marks: Watermarks): Promise<void> {
  const { db } = o;
  const rollupBefore = floorTo(o.now - o.retentionMs, hourMs);
  const rawBefore = Math.min(floorTo(o.now - o.rawRetentionMs, hourMs), marks.rollup_1m);
  await db.run('retention_samples', { before: tsParam(rawBefore) });
  await db.run('retention_samples_1m', { before: tsParam(Math.min(rollupBefore, marks.rollup_1h)) });
  await db.run('retention_samples_1h', { before: tsParam(rollupBefore) });
  await db.run('retention_events', { before: tsParam(rollupBefore) });
  await db.run('retention_hotkeys', { before: tsParam(rollupBefore) });
  await db.run('retention_hotkey_runs', { before: tsParam(rollupBefore) });
  await db.run('retention_commandlog', { before: tsParam(rollupBefore) });
  await db.run('retention_latency', { before: tsParam(rollupBefore) });
  await db.run('retention_audit', { before: tsParam(rollupBefore) });
  await db.run('retention_cli_history', { before: tsParam(rollupBefore) });
}

export async function loadWatermarks(db: NamedQueries): Promise<Partial<Watermarks>> {
  const out: Record<string, number> = {};
  for (const [name, watermark] of (await db.read('rollup_state_load')).getRows()) {
    const ms = tsToMs(watermark);
    if (typeof name === 'string' && ms !== null) out[name] = ms;
  }
  return out as Partial<Watermarks>;
}

export function floorTo(ms: number, unit: number): number {
  return Math.floor(ms / unit) * unit;
}

async function oldestSample(db: NamedQueries): Promise<number | null> {
  const value: DuckDBValue = (await db.read('samples_min_ts')).getRows()[0]?.[0] ?? null;
  return tsToMs(value);
}

async function saveWatermark(db: NamedQueries, name: keyof Watermarks, ms: number): Promise<void> {
  await db.run('rollup_state_save', { name, watermark: tsParam(ms) });
}

export async function inTransaction(db: NamedQueries, work: () => Promise<void>): Promise<void> {
  await db.run('begin');
  try {
    await work();
    await db.run('commit');
  } catch (err) {
    await db.run('rollback').catch(() => undefined);
    throw err;
  }
}

/**
 * Runs one rollup query chunk by chunk from its watermark up to `until`, moving the watermark in the same
 * transaction as each chunk so a crash neither repeats nor skips work. Returns the new watermark.
 */
async function advanceRollup(db: NamedQueries, name: 'rollup_1m' | 'rollup_1h', mark: number | undefined, origin: number, until: number, chunkMs: number): Promise<number> {
  let w = mark ?? origin;
  while (w < until) {
    const from = w;
    const to = Math.min(until, floorTo(w, chunkMs) + chunkMs);
    await inTransaction(db, async () => {
      await db.run(name, { from: tsParam(from), to: tsParam(to) });
      await saveWatermark(db, name, to);
    });
    w = to;
  }
  if (mark === undefined) await saveWatermark(db, name, w);
  return w;
}
