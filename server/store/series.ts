// series(): picks the source table by step, runs queries/series.sql (or series_minmax.sql for agg=minmax), and pivots
// rows into uPlot's columnar shape.
import { BIGINT, LIST, UINTEGER, USMALLINT, VARCHAR, listValue } from '@duckdb/node-api';
import { tsParam, type NamedQueries } from './db.ts';
import type { Dictionary, MetricEntry } from './dictionary.ts';
import { StoreQueryError } from './errors.ts';
import { labelsInclude } from './labels.ts';
import { hourMs, minuteMs } from './maintain.ts';
import type { SeriesCombine, SeriesQuery, SeriesResult } from './types.ts';

/** A backstop on points per column (buckets, x2 for minmax): the HTTP API limits requests to 20 000 unless the caller raises it (maxPoints, up to 2 000 000 values). */
const maxPointsPerSeries = 2_000_000;
const aggs = new Set<string>(['avg', 'max', 'min', 'last', 'minmax']);
const combines = new Set<string>(['sum', 'avg', 'max', 'min']);

export interface SeriesContext {
  now: number;
  rawRetentionMs: number;
  /** Rollup watermarks: 1m rows exist before rollup_1m, 1h rows before rollup_1h. */
  rollup1m: number;
  rollup1h: number;
}

export interface SeriesPlan {
  source: SeriesResult['source'];
  stepMs: number;
  /** First bucket start; the query reads [lo, hi). */
  lo: number;
  hi: number;
  buckets: number;
  /** [lo, hEnd) comes from samples_1h, [hEnd, mEnd) from samples_1m, [mEnd, hi) from raw. */
  hEnd: number;
  mEnd: number;
}

export function planSeries(q: SeriesQuery, ctx: SeriesContext): SeriesPlan {
  if (![q.from, q.to, q.step].every(Number.isFinite) || q.step <= 0 || q.to < q.from) {
    throw new StoreQueryError('bad_request', 'series needs finite from <= to and a positive step');
  }
  if (!aggs.has(q.agg)) throw new StoreQueryError('bad_request', `agg must be one of ${[...aggs].join(', ')}`);
  if (q.combine !== undefined && !combines.has(q.combine)) {
    throw new StoreQueryError('bad_request', `combine must be one of ${[...combines].join(', ')}`);
  }
  let stepMs = roundUp(Math.max(q.step, 1000), 1000);
  let source: SeriesPlan['source'];
  if (stepMs < minuteMs && q.from >= ctx.now - ctx.rawRetentionMs) source = 'raw';
  else if (stepMs < hourMs) source = '1m';
  else source = '1h';
  // A bucket must hold whole rollup rows, or neighbouring buckets would get uneven shares.
  if (source === '1m') stepMs = roundUp(stepMs, minuteMs);
  if (source === '1h') stepMs = roundUp(stepMs, hourMs);

  const lo = Math.floor(q.from / stepMs) * stepMs;
  const last = Math.floor(q.to / stepMs) * stepMs;
  const buckets = (last - lo) / stepMs + 1;
  const points = q.agg === 'minmax' ? 2 * buckets : buckets;
  if (points > maxPointsPerSeries) {
    throw new StoreQueryError('bad_request', `${points} points per series is more than ${maxPointsPerSeries}; use a larger step`);
  }
  const hi = last + stepMs;
  const clamp = (ms: number, min: number) => Math.min(Math.max(ms, min), hi);
  const hEnd = source === '1h' ? clamp(ctx.rollup1h, lo) : lo;
  const mEnd = source === 'raw' ? lo : clamp(ctx.rollup1m, hEnd);
  return { source, stepMs, lo, hi, buckets, hEnd, mEnd };
}

export async function runSeries(db: NamedQueries, dict: Dictionary, q: SeriesQuery, plan: SeriesPlan): Promise<SeriesResult> {
  const minmax = q.agg === 'minmax';
  // minmax: two points per bucket, at its start and its middle.
  const perBucket = minmax ? 2 : 1;
  const length = plan.buckets * perBucket;
  const xs: number[] = [];
  for (let i = 0; i < plan.buckets; i++) {
    const x = (plan.lo + i * plan.stepMs) / 1000;
    xs.push(x);
    if (minmax) xs.push(x + plan.stepMs / 2000);
  }

  const metrics = dict.metricsNamed(q.metric).filter((m) => labelsInclude(m.labels, q.labels ?? {}));
  const nodeIds =
    q.nodes === 'all' ? dict.allNodeIds() : q.nodes.map((a) => dict.knownNodeId(a)).filter((id) => id !== undefined);

  /** values: what is drawn: one value per bucket, or for minmax the bucket's min and max in time order. */
  const columns = new Map<string, { nodeId: number; metric: MetricEntry; values: (number | null)[] }>();
  if (metrics.length > 0 && nodeIds.length > 0) {
    const reader = await db.read(
      minmax ? 'series_minmax' : 'series',
      {
        lo: tsParam(plan.lo),
        hi: tsParam(plan.hi),
        h_end: tsParam(plan.hEnd),
        m_end: tsParam(plan.mEnd),
        step_ms: plan.stepMs,
        ...(minmax ? {} : { agg: q.agg }),
        metric_ids: listValue(metrics.map((m) => m.id)),
        node_ids: listValue(nodeIds),
      },
      { step_ms: BIGINT, ...(minmax ? {} : { agg: VARCHAR }), metric_ids: LIST(UINTEGER), node_ids: LIST(USMALLINT) },
    );
    const [bucket, nodeCol, metricCol, valueCol, maxCol, minFirstCol] = reader.getColumns();
    for (let r = 0; r < reader.currentRowCount; r++) {
      const nodeId = nodeCol[r] as number;
      const metricId = metricCol[r] as number;
      const key = `${nodeId}/${metricId}`;
      let column = columns.get(key);
      if (!column) {
        const metric = dict.metric(metricId);
        if (!metric) continue;
        column = { nodeId, metric, values: new Array<number | null>(length).fill(null) };
        columns.set(key, column);
      }
      const b = bucket[r] as number;
      if (!minmax) {
        column.values[b] = valueCol[r] as number | null;
        continue;
      }
      const lo = valueCol[r] as number | null;
      const hi = maxCol[r] as number | null;
      const minFirst = minFirstCol[r] !== false;
      column.values[2 * b] = minFirst ? lo : hi;
      column.values[2 * b + 1] = minFirst ? hi : lo;
    }
  }

  const sorted = [...columns.values()].map((c) => ({ ...c, node: dict.address(c.nodeId) }));
  sorted.sort((a, b) => compare(a.node, b.node) || compare(a.metric.canonical, b.metric.canonical));
  const result = {
    step: plan.stepMs / 1000,
    source: plan.source,
    series: sorted.map((c) => ({ node: c.node, labels: c.metric.labels })),
    data: [xs, ...sorted.map((c) => c.values)],
  };
  if (!q.combine) return result;
  let combined: (number | null)[];
  if (minmax) {
    // Fold the mins and the maxes separately and draw the folded min first (see SeriesQuery.combine). A bucket's
    // pair is both null or both set, so its min and max are the smaller and the larger of the two.
    const pick = (values: (number | null)[], which: typeof Math.min) =>
      Array.from({ length: plan.buckets }, (_, b) => (values[2 * b] === null ? null : which(values[2 * b]!, values[2 * b + 1]!)));
    const mins = combineColumns(sorted.map((c) => pick(c.values, Math.min)), plan.buckets, q.combine);
    const maxes = combineColumns(sorted.map((c) => pick(c.values, Math.max)), plan.buckets, q.combine);
    combined = new Array<number | null>(length);
    for (let b = 0; b < plan.buckets; b++) {
      combined[2 * b] = mins[b]!;
      combined[2 * b + 1] = maxes[b]!;
    }
  } else {
    combined = combineColumns(sorted.map((c) => c.values), plan.buckets, q.combine);
  }
  return {
    ...result,
    series: [{ node: '*', labels: { ...q.labels } }],
    data: [xs, combined],
  };
}

/** One column from many: per bucket, combine the non-null values (null when there are none). */
export function combineColumns(columns: (number | null)[][], length: number, how: SeriesCombine): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    let acc: number | null = null;
    let n = 0;
    for (const column of columns) {
      const v = column[i];
      if (v === null || v === undefined) continue;
      n++;
      if (acc === null) acc = v;
      else if (how === 'max') acc = Math.max(acc, v);
      else if (how === 'min') acc = Math.min(acc, v);
      else acc += v;
    }
    out.push(acc !== null && how === 'avg' ? acc / n : acc);
  }
  return out;
}

function roundUp(ms: number, unit: number): number {
  return Math.ceil(ms / unit) * unit;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
