// Slot statistics queries: the heatmap grid, per-slot totals (hot slots, node balance) and one slot range's series.
import { BIGINT, BOOLEAN, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { slotKeysFullEveryMs } from '../collect/slotCounters.ts';
import { tsParam, type NamedQueries } from './db.ts';
import { slot5mRetentionMs, slotRawRetentionMs, type SlotWatermarks } from './slotMaintain.ts';
import type { Dictionary } from './dictionary.ts';
import type { LatestSlotRows, SlotOwnerRows } from './latestSlotRows.ts';
import { StoreQueryError } from './errors.ts';
import type { SlotBalance, SlotHeatmap, SlotHeatmapQuery, SlotHot, SlotMetric, SlotSeries, SlotSeriesQuery, SlotWindow } from './types.ts';

export const slotMetrics: readonly SlotMetric[] = ['cpu', 'net_in', 'net_out', 'keys'];
const units: Record<SlotMetric, SlotHeatmap['unit']> = { cpu: 'usec/s', net_in: 'bytes/s', net_out: 'bytes/s', keys: 'keys' };
/** Key counts look back this far: every owned slot has a full row at least every slotKeysFullEveryMs (plus a minute's slack). */
export const slotKeysLookbackMs = slotKeysFullEveryMs + 60_000;
const maxRows = 16384;
/** Slots per row of slot_groups_5m / slot_groups_1h (queries/schema/005_slot_groups.sql). */
export const slotGroupSize = 16;
const maxCols = 5000;
/** A series may ask for narrower columns than a heatmap. */
const maxGridCols = 4 * maxCols;
const types = { grouped: BOOLEAN, metric: VARCHAR, from_ms: BIGINT, step: BIGINT, slot_from: INTEGER, slot_to: INTEGER, per_row: INTEGER };

/** DuckDB refuses parameters a statement does not use: each query gets only its own. */
const tiers = ['h_end', 'm_end'];
const queryParams: Record<string, string[]> = {
  slot_cells: ['metric', 'from', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', ...tiers],
  slot_key_cells: ['lookback', 'to', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', ...tiers],
  slot_key_direct: ['from', 'to', 'split', 'from_ms', 'step', 'slot_from', 'slot_to', 'per_row', 'grouped', ...tiers],
  slot_owners: ['lookback', 'to', 'slot_from', 'slot_to', ...tiers],
  slot_polled_cols: ['from', 'to', 'from_ms', 'step', ...tiers],
  slot_totals: ['metric', 'from', 'to', 'lookback', ...tiers],
};

export interface SlotContext extends SlotWatermarks {
  now: number;
  /** Each slot's newest row, kept by the store as it appends: answers a live view's owners without a query. */
  latest?: LatestSlotRows;
}

export interface SlotPlan {
  source: 'raw' | '5m' | '1h';
  /** Column width in seconds (a multiple of the tier's bucket). */
  step: number;
  /** First column start (unix ms), and where key counts start looking back from. */
  lo: number;
  lookback: number;
  /** slot_src(): 1h rows before hEnd, 5m rows before mEnd, raw after. */
  hEnd: number;
  mEnd: number;
}

const tierMs = { raw: 0, '5m': 300_000, '1h': 3_600_000 };

/**
 * Picks the coarsest tier the columns allow, or the one the window's start needs (raw rows are kept 30 min,
 * 5-minute rows 48 h): columns are whole buckets of that tier, and newer data not rolled up yet comes from
 * the finer tiers, so a live 7-day view still ends at now. `wantStepS` 0 means "by age only" (window totals).
 */
export function planSlots(from: number, to: number, wantStepS: number, minStepS: number, ctx: SlotContext): SlotPlan {
  const old5m = from < ctx.now - slot5mRetentionMs;
  const oldRaw = from < ctx.now - slotRawRetentionMs;
  let source: SlotPlan['source'] = 'raw';
  if ((wantStepS >= 3600 || old5m) && ctx.slots_1h > from) source = '1h';
  else if ((wantStepS >= 300 || oldRaw || old5m) && ctx.slots_5m > from) source = '5m';
  const bucketS = source === 'raw' ? minStepS : tierMs[source] / 1000;
  const step = wantStepS > 0 ? Math.ceil(Math.max(wantStepS, minStepS) / bucketS) * bucketS : bucketS;
  const lo = Math.floor(from / (step * 1000)) * step * 1000;
  // Key counts need each slot's last row before lo: one bucket back in a tier, a full snapshot back in raw rows.
  const lookback = lo - Math.max(tierMs[source], slotKeysLookbackMs);
  if (source === 'raw') return { source, step, lo, lookback, hEnd: lookback, mEnd: lookback };
  const hEnd = source === '1h' ? Math.max(lookback, Math.min(ctx.slots_1h, to)) : lookback;
  return { source, step, lo, lookback, hEnd, mEnd: Math.max(hEnd, Math.min(ctx.slots_5m, to)) };
}

function planParams(p: SlotPlan, q: { metric: SlotMetric; to: number }, slotFrom: number, slotTo: number, perRow: number): Record<string, DuckDBValue> {
  return {
    metric: q.metric,
    from: tsParam(p.lo),
    to: tsParam(q.to),
    from_ms: BigInt(p.lo),
    step: BigInt(p.step),
    slot_from: slotFrom,
    slot_to: slotTo,
    per_row: perRow,
    lookback: tsParam(p.lookback),
    h_end: tsParam(p.hEnd),
    m_end: tsParam(p.mEnd),
  };
}
function run(db: NamedQueries, name: keyof typeof queryParams, all: Record<string, DuckDBValue>) {
  return db.read(name, Object.fromEntries(queryParams[name]!.map((k) => [k, all[k]!])), types);
}

function checkWindow(q: SlotWindow): void {
  if (!slotMetrics.includes(q.metric)) throw new StoreQueryError('bad_request', `metric must be one of ${slotMetrics.join(', ')}`);
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from) throw new StoreQueryError('bad_request', 'needs finite from < to');
}

function checkSlots(from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 16383 || from > to) {
    throw new StoreQueryError('bad_request', 'slotFrom and slotTo must be whole numbers with 0 <= slotFrom <= slotTo <= 16383');
  }
}

/** Columns at least one poll apart (an emptier column would only show the polls' rhythm), whole seconds. */
function stepFor(spanMs: number, cols: number, minStepS: number): number {
  const s = Math.max(minStepS, Math.ceil(spanMs / cols / 1000));
  return Math.ceil(s / minStepS) * minStepS;
}

export async function slotHeatmap(db: NamedQueries, dict: Dictionary, q: SlotHeatmapQuery, ctx: SlotContext): Promise<SlotHeatmap> {
  checkWindow(q);
  checkSlots(q.slotFrom, q.slotTo);
  if (!Number.isInteger(q.rows) || q.rows < 1 || q.rows > maxRows) throw new StoreQueryError('bad_request', `rows must be 1..${maxRows}`);
  if (!Number.isInteger(q.cols) || q.cols < 1 || q.cols > maxCols) throw new StoreQueryError('bad_request', `cols must be 1..${maxCols}`);
  return slotGrid(db, dict, q, stepFor(q.to - q.from, q.cols, q.minStepSeconds), ctx);
}

/** One slot range as a single series: the heatmap's grid with one row. */
export async function slotSeries(db: NamedQueries, dict: Dictionary, q: SlotSeriesQuery, ctx: SlotContext): Promise<SlotSeries> {
  checkWindow(q);
  checkSlots(q.slotFrom, q.slotTo);
  const g = await slotGrid(db, dict, { ...q, rows: 1 }, Math.max(q.step, q.minStepSeconds), ctx);
  return { step: g.step, source: g.source, unit: g.unit, series: [{ node: '*', labels: { slots: `${q.slotFrom}-${q.slotTo}` } }], data: [g.x, g.values[0]!] };
}

/** Rows of slots x columns of time (wantStepS wide at least, whole buckets of the tier read); inputs already checked. */
async function slotGrid(
  db: NamedQueries,
  dict: Dictionary,
  q: SlotWindow & { slotFrom: number; slotTo: number; rows: number; minStepSeconds: number },
  wantStepS: number,
  ctx: SlotContext,
): Promise<SlotHeatmap> {
  // Columns are aligned to multiples of step, so a live view's columns stay put as time moves on.
  const plan = planSlots(q.from, q.to, wantStepS, q.minStepSeconds, ctx);
  const { step, lo } = plan;
  const cols = Math.ceil((q.to - lo) / (step * 1000));
  if (cols > maxGridCols) throw new StoreQueryError('bad_request', `step too small for this range: ${cols} columns (at most ${maxGridCols})`);
  const span = q.slotTo - q.slotFrom + 1;
  // A range of whole slot groups gets rows of whole groups when rows are wider than a group (at most the rows asked
  // for), so rollups can be read from the group tables.
  const aligned = q.slotFrom % slotGroupSize === 0 && span % slotGroupSize === 0;
  let perRow = Math.ceil(span / Math.min(q.rows, span));
  if (aligned && perRow > slotGroupSize) perRow = Math.ceil(perRow / slotGroupSize) * slotGroupSize;
  const rowCount = Math.ceil(span / perRow);
  const keys = q.metric === 'keys';
  // Over every slot, the cells themselves tell which columns were polled; a narrower range asks (one more scan).
  const everySlot = q.slotFrom === 0 && q.slotTo === 16383;
  // Key counts from rollups are sums of each slot's last count per column (see slot_key_direct.sql): rollup rows
  // before the tier's watermark are those counts already when a column is exactly one bucket. Raw rows need the
  // change-based query.
  const keySums = keys && plan.source !== 'raw';
  const direct = keySums && step * 1000 === tierMs[plan.source];
  const split = direct ? Math.max(plan.source === '1h' ? plan.hEnd : plan.mEnd, lo) : lo;
  // Group rows stand for 16 slots' sums: right for cpu/net at any step, and for key counts only where a rollup row
  // is the column's value (the direct part); a slot's last count across buckets needs the slots' own rows.
  const grouped = aligned && perRow % slotGroupSize === 0 && plan.source !== 'raw' && (!keys || direct);
  const params = { ...planParams(plan, q, q.slotFrom, q.slotTo, perRow), grouped };
  const [cells, owners, polled] = await Promise.all([
    run(db, keySums ? 'slot_key_direct' : keys ? 'slot_key_cells' : 'slot_cells', { ...params, split: tsParam(split) }),
    slotOwners(db, q.to, q.minStepSeconds, ctx, q.slotFrom, q.slotTo),
    everySlot || keys ? undefined : polledColumns(db, params, cols),
  ]);
  const values: (number | null)[][] = Array.from({ length: rowCount }, () => new Array<number | null>(cols).fill(null));
  const seen = polled ?? new Uint8Array(cols);
  // Columns, not rows: getRows() builds a JS array per row (73 ms instead of 16 for a 7-day grid of 86,528 cells).
  const [rowCol, colCol, totalCol] = cells.getColumns();
  for (let i = 0; i < cells.currentRowCount; i++) {
    const r = rowCol![i] as number;
    const c = colCol![i] as number;
    const total = totalCol![i] as number;
    if (c < 0 || c >= cols || r < 0 || r >= rowCount) continue;
    values[r]![c] = keys ? Number(total) : Number(total) / step;
    if (!polled) seen[c] = 1;
  }
  if (keys) {
    // Accumulated counts exist only where something changed: carry each row's count forward.
    for (const row of values) for (let c = 1; c < cols; c++) if (row[c] === null && row[c - 1] !== null) row[c] = row[c - 1]!;
  } else {
    // In a column where some slot reported, a slot without a row had no activity: 0, not "no data".
    for (const row of values) for (let c = 0; c < cols; c++) if (row[c] === null && seen[c]) row[c] = 0;
  }
  const ownerOf = new Map<number, number>();
  const current = new Array<number>(rowCount).fill(0);
  for (let i = 0; i < owners.slots.length; i++) {
    const slot = owners.slots[i]!;
    ownerOf.set(slot, owners.nodeIds[i]!);
    current[Math.floor((slot - q.slotFrom) / perRow)]! += owners.keys[i]!;
  }
  // The newest column of rollup-based key counts may lack idle slots: it shows the counts as of `to` instead.
  if (keySums && ownerOf.size > 0) for (let r = 0; r < rowCount; r++) values[r]![cols - 1] = current[r]!;
  const rows: SlotHeatmap['rows'] = [];
  for (let r = 0; r < rowCount; r++) {
    const slotFrom = q.slotFrom + r * perRow;
    const slotTo = Math.min(q.slotTo, slotFrom + perRow - 1);
    rows.push({ slotFrom, slotTo, node: majorityOwner(ownerOf, slotFrom, slotTo, dict) });
  }
  let max = 0;
  for (const row of values) for (const v of row) if (v !== null && v > max) max = v;
  return {
    metric: q.metric,
    unit: units[q.metric],
    source: plan.source,
    from: lo / 1000,
    to: q.to / 1000,
    step,
    x: Array.from({ length: cols }, (_, c) => lo / 1000 + c * step),
    rows,
    values,
    max,
    bands: ownerBands(ownerOf, q.slotFrom, q.slotTo, dict),
  };
}

/**
 * Each slot's owner at `to`: its latest row in a short window before it (every owned slot has a raw row at least
 * every slotKeysFullEveryMs, and one per rollup bucket), read from the tier that holds that time.
 */
async function slotOwners(db: NamedQueries, to: number, minStepS: number, ctx: SlotContext, slotFrom: number, slotTo: number): Promise<SlotOwnerRows> {
  const live = ctx.latest?.at(to, slotKeysLookbackMs, slotFrom, slotTo);
  if (live) return live;
  const age = ctx.now - to;
  const back = age < slotRawRetentionMs - slotKeysLookbackMs ? slotKeysLookbackMs : age < slot5mRetentionMs - 2 * tierMs['5m'] ? 2 * tierMs['5m'] + slotKeysLookbackMs : tierMs['1h'] + slotKeysLookbackMs;
  const plan = planSlots(to - back, to, 0, minStepS, ctx);
  const params = { ...planParams(plan, { metric: 'cpu', to }, slotFrom, slotTo, 1), lookback: tsParam(to - back) };
  // Near now, the newest 5-minute bucket (which holds every owned slot) plus the raw rows after it are enough, and
  // fewer rows than the raw lookback on a busy cluster (where every slot reports every poll).
  const bucket = ctx.slots_5m - tierMs['5m'];
  if (ctx.slots_5m <= to && bucket > to - back && bucket >= ctx.now - slot5mRetentionMs) {
    Object.assign(params, { lookback: tsParam(bucket), h_end: tsParam(bucket), m_end: tsParam(ctx.slots_5m) });
  }
  return ownerRows(await run(db, 'slot_owners', params));
}

function ownerRows(reader: Awaited<ReturnType<typeof run>>): SlotOwnerRows & { ts: number[] } {
  // An empty result has no columns at all.
  if (reader.currentRowCount === 0) return { slots: [], nodeIds: [], keys: [], ts: [] };
  const [slots, nodeIds, keys, ts] = reader.getColumns() as number[][];
  return { slots: slots!, nodeIds: nodeIds!, keys: keys!, ts: ts! };
}

/**
 * Seeds what the store keeps of each slot's newest row with the rows before `openedAt` (the last key-count lookback
 * of raw rows only: a rollup row's time is its bucket's start, not when the slot last reported).
 */
export async function seedLatestSlotRows(db: NamedQueries, latest: LatestSlotRows, openedAt: number): Promise<void> {
  const from = openedAt - slotKeysLookbackMs;
  const window = tsParam(from);
  latest.seed(ownerRows(await run(db, 'slot_owners', { lookback: window, to: tsParam(openedAt), h_end: window, m_end: window, slot_from: 0, slot_to: 16383 })), from);
}

async function polledColumns(db: NamedQueries, params: Record<string, DuckDBValue>, cols: number): Promise<Uint8Array> {
  const seen = new Uint8Array(cols);
  const r = await run(db, 'slot_polled_cols', params);
  for (const [col] of r.getRows()) if (Number(col) >= 0 && Number(col) < cols) seen[Number(col)] = 1;
  return seen;
}

function majorityOwner(ownerOf: Map<number, number>, from: number, to: number, dict: Dictionary): string | null {
  const count = new Map<number, number>();
  for (let s = from; s <= to; s++) {
    const n = ownerOf.get(s);
    if (n !== undefined) count.set(n, (count.get(n) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [n, c] of count) if (best === undefined || c > count.get(best)!) best = n;
  return best === undefined ? null : dict.address(best);
}

/** Contiguous runs of slots with the same owner (slots nobody reported end a run). */
function ownerBands(ownerOf: Map<number, number>, from: number, to: number, dict: Dictionary): SlotHeatmap['bands'] {
  const bands: SlotHeatmap['bands'] = [];
  let cur: { id: number; from: number } | undefined;
  for (let s = from; s <= to + 1; s++) {
    const id = s <= to ? ownerOf.get(s) : undefined;
    if (cur && id !== cur.id) {
      bands.push({ node: dict.address(cur.id), slotFrom: cur.from, slotTo: s - 1 });
      cur = undefined;
    }
    if (!cur && id !== undefined) cur = { id, from: s };
  }
  return bands;
}

interface SlotTotal {
  slot: number;
  nodeId: number;
  total: number;
}

async function slotTotals(db: NamedQueries, q: SlotWindow, ctx: SlotContext): Promise<SlotTotal[]> {
  checkWindow(q);
  const plan = planSlots(q.from, q.to, 0, 1, ctx);
  const r = await run(db, 'slot_totals', planParams(plan, q, 0, 16383, 1));
  return r.getRows().map(([slot, nodeId, total]) => ({ slot: Number(slot), nodeId: Number(nodeId), total: Number(total) }));
}

function nodeTotals(totals: SlotTotal[]): Map<number, { total: number; slots: number }> {
  const out = new Map<number, { total: number; slots: number }>();
  for (const t of totals) {
    const n = out.get(t.nodeId) ?? { total: 0, slots: 0 };
    n.total += t.total;
    n.slots++;
    out.set(t.nodeId, n);
  }
  return out;
}

export async function slotHot(db: NamedQueries, dict: Dictionary, q: SlotWindow & { limit: number }, ctx: SlotContext): Promise<SlotHot[]> {
  const totals = await slotTotals(db, q, ctx);
  const byNode = nodeTotals(totals);
  const cluster = totals.reduce((s, t) => s + t.total, 0);
  return totals
    .filter((t) => t.total > 0)
    .sort((a, b) => b.total - a.total || a.slot - b.slot)
    .slice(0, Math.max(0, q.limit))
    .map((t) => ({
      slot: t.slot,
      node: dict.address(t.nodeId),
      value: t.total,
      share: cluster > 0 ? t.total / cluster : 0,
      nodeShare: byNode.get(t.nodeId)!.total > 0 ? t.total / byNode.get(t.nodeId)!.total : 0,
    }));
}

/**
 * How far the busiest primary is above the mean, and whether moving slots would help: it cannot when one
 * slot carries most of the busiest node's load (a hot key or tag: slots move whole).
 */
export async function slotBalance(db: NamedQueries, dict: Dictionary, q: SlotWindow, ctx: SlotContext): Promise<SlotBalance> {
  const totals = await slotTotals(db, q, ctx);
  const byNode = nodeTotals(totals);
  const cluster = totals.reduce((s, t) => s + t.total, 0);
  const nodes = [...byNode]
    .map(([id, n]) => ({ node: dict.address(id), value: n.total, share: cluster > 0 ? n.total / cluster : 0, slots: n.slots }))
    .sort((a, b) => b.value - a.value || a.node.localeCompare(b.node));
  const mean = nodes.length > 0 ? cluster / nodes.length : 0;
  const max = nodes[0]?.value ?? 0;
  const imbalance = mean > 0 ? max / mean - 1 : 0;
  const base = { metric: q.metric, unit: units[q.metric], nodes, mean, max, imbalance };
  if (nodes.length < 2 || cluster === 0) return { ...base, advice: 'Not enough data yet: slot statistics from at least two primaries are needed.' };
  const busiest = nodes[0]!;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (imbalance < 0.2) return { ...base, advice: `Balanced: the busiest primary (${busiest.node}) is ${pct(imbalance)} above the mean; rebalancing would not help.` };
  const busiestId = dict.knownNodeId(busiest.node)!;
  const top = totals.filter((t) => t.nodeId === busiestId).sort((a, b) => b.total - a.total)[0];
  if (top && busiest.value > 0 && top.total / busiest.value >= 0.5) {
    return {
      ...base,
      advice: `${busiest.node} is ${pct(imbalance)} above the mean, but slot ${top.slot} alone carries ${pct(top.total / busiest.value)} of it: moving slots would only move the problem. Look for hot keys in that slot.`,
    };
  }
  const idlest = nodes.at(-1)!;
  return { ...base, advice: `${busiest.node} is ${pct(imbalance)} above the mean and its load is spread over many slots: moving some of its busiest slots to ${idlest.node} would even the load.` };
}
