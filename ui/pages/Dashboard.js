// The Dashboard: the key metrics as a grid of charts for the cluster (one line per node, or combined) or one node; history plus live points.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { api, getCatalog } from '../lib/api.js';
import { Link, setParams } from '../lib/route.js';
import { rangeFromParams, resolveRange, stepFor } from '../lib/time.js';
import { formatValue, formatSeconds } from '../lib/format.js';
import { useLoad, useWidth } from '../lib/hooks.js';
import { useLive } from '../lib/live.js';
import { Chart, paletteColor, trimZeros } from '../components/Chart.js';
import { RangePicker } from '../components/RangePicker.js';
import { Empty, ErrorBox } from '../components/States.js';

/**
 * The charts, in the order operators read them. combine: how nodes fold into one line (sums for amounts and
 * rates, avg/max for ratios and durations). primaries: replicas hold copies, so cluster totals count primaries only.
 * den: the chart is metric / den (both summed per node), e.g. time per call. group: one line per value of that label.
 * unit/kind override the catalog's for display; empty is the text shown when the range has no value.
 */
const SPECS = [
  { id: 'ops', title: 'Operations', metric: 'valkey_commands_processed_total', combine: 'sum' },
  { id: 'cpu', title: 'CPU (share of one core)', metric: 'valkey_cpu_usage_ratio', combine: 'avg' },
  { id: 'mem', title: 'Memory used', metric: 'valkey_memory_used_bytes', combine: 'sum' },
  { id: 'memratio', title: 'Memory used / maxmemory', metric: 'valkey_memory_used_ratio', combine: 'max', empty: 'No ratio: maxmemory is 0 (no limit) on these nodes' },
  { id: 'clients', title: 'Connected clients', metric: 'valkey_connected_clients', combine: 'sum', integer: true },
  { id: 'hit', title: 'Keyspace hit ratio', metric: 'valkey_keyspace_hit_ratio', combine: 'avg', empty: 'No key lookups in this range' },
  { id: 'netin', title: 'Network in', metric: 'valkey_net_input_bytes_total', combine: 'sum' },
  { id: 'netout', title: 'Network out', metric: 'valkey_net_output_bytes_total', combine: 'sum' },
  { id: 'keys', title: 'Keys', metric: 'valkey_db_keys', combine: 'sum', primaries: true, integer: true },
  { id: 'latency', title: 'Command latency (avg per call)', metric: 'valkey_command_duration_seconds_total', den: 'valkey_command_calls_total', unit: 'seconds', kind: 'gauge', combine: 'ratio' },
  { id: 'topcmd', title: 'Top commands', metric: 'valkey_command_calls_total', group: 'cmd', top: 8, combine: 'sum' },
  { id: 'evicted', title: 'Evictions', metric: 'valkey_evicted_keys_total', combine: 'sum' },
  { id: 'expired', title: 'Expirations', metric: 'valkey_expired_keys_total', combine: 'sum' },
  { id: 'errors', title: 'Error replies', metric: 'valkey_error_replies_total', combine: 'sum' },
  { id: 'lagsec', title: 'Replication lag', metric: 'valkey_replication_lag_seconds', combine: 'max', empty: 'No replica reported lag in this range' },
  { id: 'lagbytes', title: 'Replication lag (bytes)', metric: 'valkey_replication_lag_bytes', combine: 'max', empty: 'No replica reported lag in this range' },
  { id: 'blocked', title: 'Blocked clients', metric: 'valkey_blocked_clients', combine: 'sum', integer: true },
  { id: 'rss', title: 'Memory RSS', metric: 'valkey_memory_rss_bytes', combine: 'sum' },
  { id: 'frag', title: 'Fragmentation (RSS / used)', metric: 'valkey_memory_fragmentation_ratio', combine: 'max', unit: 'count', kind: 'gauge' },
  { id: 'errtype', title: 'Errors by type', metric: 'valkey_errors_total', group: 'error', top: 6, combine: 'sum', empty: 'No error replies in this range' },
  { id: 'conns', title: 'New connections', metric: 'valkey_connections_received_total', combine: 'sum' },
  { id: 'replicas', title: 'Connected replicas', metric: 'valkey_connected_replicas', combine: 'sum', primaries: true, integer: true },
  { id: 'fork', title: 'Latest fork duration', metric: 'valkey_latest_fork_seconds', combine: 'max' },
  { id: 'up', title: 'Nodes up', metric: 'skyscope_node_up', combine: 'sum', unit: 'count', kind: 'gauge', integer: true },
];

const LIVE_METRICS = [...new Set(SPECS.flatMap((s) => (s.den ? [s.metric, s.den] : [s.metric])))];
const COMBINE_WORD = { sum: 'total', avg: 'avg', max: 'max', ratio: 'avg' };
/** Chart requests in flight at once: enough to keep the server busy, few enough that the first charts come back first. */
const HISTORY_REQUESTS_IN_FLIGHT = 3;
const GAP = 10;
const MIN_CHART = 420;

/** Primaries by address, each followed by its replicas: the order of the node chips and of line colours. */
function orderNodes(nodes) {
  const primaries = nodes.filter((n) => n.role !== 'replica').sort((a, b) => cmp(a.address, b.address));
  const out = [];
  for (const p of primaries) {
    out.push(p);
    for (const r of nodes.filter((n) => n.role === 'replica' && n.primary === p.address).sort((a, b) => cmp(a.address, b.address))) out.push(r);
  }
  for (const n of nodes) if (!out.includes(n)) out.push(n);
  return out;
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Folds a /api/series reply into one column per key (node, label value or '*'), summing columns that share a key.
 * Columns are reused as they are unless two must be added, so large replies are not copied.
 */
function groupColumns(resp, keyOf) {
  const keys = [];
  const cols = new Map();
  const owned = new Set();
  resp.series.forEach((s, i) => {
    const k = keyOf(s);
    const src = resp.data[i + 1];
    const col = cols.get(k);
    if (!col) {
      cols.set(k, src);
      keys.push(k);
      return;
    }
    const sum = owned.has(k) ? col : col.slice();
    owned.add(k);
    for (let j = 0; j < src.length; j++) if (src[j] !== null) sum[j] = (sum[j] ?? 0) + src[j];
    cols.set(k, sum);
  });
  return { keys, cols };
}

function columnTotal(col) {
  let t = 0;
  for (const v of col) if (v !== null) t += v;
  return t;
}

/** Fetches one chart's history: [xs, ...one column per key] plus the keys, the step and the source table used. */
async function loadChart(spec, ctx, signal) {
  const { from, to, step, agg, node, combined, primaries } = ctx;
  const get = (metric, extra = {}) => api('/api/series', { params: { metric, node, from, to, step, agg, ...extra }, signal });
  const byNode = (s) => s.node;
  if (spec.den) {
    const extra = combined ? { combine: 'sum' } : {};
    const [n, d] = await Promise.all([get(spec.metric, extra), get(spec.den, extra)]);
    const keyOf = combined ? () => '*' : byNode;
    const N = groupColumns(n, keyOf);
    const D = groupColumns(d, keyOf);
    const keys = N.keys.filter((k) => D.cols.has(k));
    const cols = keys.map((k) => {
      const a = N.cols.get(k);
      const b = D.cols.get(k);
      return a.map((v, i) => (v !== null && b[i] ? v / b[i] : null));
    });
    return { xs: n.data[0], keys, cols, step: n.step, source: n.source };
  }
  if (spec.group) {
    const r = await get(spec.metric);
    const g = groupColumns(r, (s) => s.labels?.[spec.group] ?? '?');
    const ranked = g.keys.map((k) => ({ k, t: columnTotal(g.cols.get(k)) })).sort((a, b) => b.t - a.t).slice(0, spec.top);
    return { xs: r.data[0], keys: ranked.map((x) => x.k), cols: ranked.map((x) => g.cols.get(x.k)), step: r.step, source: r.source };
  }
  if (combined) {
    const only = spec.primaries && primaries.length > 0 ? primaries.join(',') : node;
    const r = await get(spec.metric, { combine: spec.combine, node: only });
    const has = r.series.length > 0;
    return { xs: r.data[0], keys: has ? ['*'] : [], cols: has ? [r.data[1]] : [], step: r.step, source: r.source };
  }
  const r = await get(spec.metric);
  const g = groupColumns(r, byNode);
  return { xs: r.data[0], keys: g.keys, cols: g.keys.map((k) => g.cols.get(k)), step: r.step, source: r.source };
}

/** Folds values into one: within a bucket (agg: avg, max, min, last) or across nodes (sum, avg, max, min). */
function fold(values, how) {
  if (values.length === 0) return null;
  if (how === 'max') return Math.max(...values);
  if (how === 'min') return Math.min(...values);
  if (how === 'last') return values[values.length - 1];
  let s = 0;
  for (const v of values) s += v;
  return how === 'avg' ? s / values.length : s;
}

/**
 * Live points are folded exactly as the server folds history: per node and timestamp the label values are summed,
 * per node the timestamps in a bucket are aggregated (agg), then nodes are combined. acc keeps the raw parts of the
 * newest buckets so a bucket that fills over several batches is recomputed whole each time.
 */
function accumulate(acc, spec, s, ctx, step) {
  const isDen = spec.den === s.metric;
  if (s.metric !== spec.metric && !isDen) return undefined;
  if (spec.primaries && ctx.combined && !ctx.primarySet.has(s.node)) return undefined;
  const key = spec.group ? s.labels?.[spec.group] : ctx.combined ? '*' : s.node;
  if (key === undefined) return undefined;
  const bucket = Math.floor(s.ts / step) * step;
  let byKey = acc.get(bucket);
  if (!byKey) acc.set(bucket, (byKey = new Map()));
  let byNode = byKey.get(key);
  if (!byNode) byKey.set(key, (byNode = new Map()));
  let parts = byNode.get(s.node);
  if (!parts) byNode.set(s.node, (parts = { num: new Map(), den: new Map() }));
  const m = isDen ? parts.den : parts.num;
  const t = s.ts;
  m.set(t, (m.get(t) ?? 0) + s.value);
  return bucket;
}

function bucketValue(spec, byNode, agg, combined) {
  if (spec.den) {
    let n = 0;
    let d = 0;
    for (const p of byNode.values()) {
      for (const [t, v] of p.num) if (p.den.has(t)) {
        n += v;
        d += p.den.get(t);
      }
    }
    return d > 0 ? n / d : null;
  }
  const perNode = [];
  for (const p of byNode.values()) if (p.num.size > 0) perNode.push(fold([...p.num.values()], agg));
  return fold(perNode, spec.group ? 'sum' : combined ? spec.combine : 'sum');
}

/** A copy of chart state with xs extended to `bucket` (null-filled) and trimmed to start at `lo`. */
function slide(st, bucket, lo) {
  let xs = st.xs;
  let cols = st.cols;
  const step = st.step;
  if (xs.length === 0) {
    xs = [bucket];
    cols = cols.map(() => [null]);
  } else if (bucket > xs[xs.length - 1]) {
    xs = xs.slice();
    cols = cols.map((c) => c.slice());
    for (let x = xs[xs.length - 1] + step; x <= bucket; x += step) {
      xs.push(x);
      for (const c of cols) c.push(null);
    }
  }
  let cut = 0;
  while (cut < xs.length - 1 && xs[cut] < lo) cut++;
  if (cut > 0) {
    xs = xs.slice(cut);
    cols = cols.map((c) => c.slice(cut));
  }
  return xs === st.xs ? st : { ...st, xs, cols };
}

/** The newest non-null value of a column (the current bucket is often still empty). */
function lastValue(col) {
  for (let i = col.length - 1, n = 0; i >= 0 && n < 10; i--, n++) if (col[i] !== null && col[i] !== undefined) return col[i];
  return null;
}

export function Dashboard({ route }) {
  const params = route.params;
  const range = rangeFromParams(params, '1h');
  const node = params.get('node') || 'all';
  const combined = node === 'all' && params.get('view') === 'combined';
  const agg = ['max', 'min', 'last'].includes(params.get('agg')) ? params.get('agg') : 'avg';
  const rangeKey = range.live ? range.id : `${range.from}-${range.to}`;

  const catalog = useLoad(() => getCatalog(), []);
  const nodesLoad = useLoad((signal) => api('/api/nodes', { signal }), [], { everyMs: 10_000 });
  const health = useLoad((signal) => api('/api/health', { signal }), []);
  const nodes = useMemo(() => orderNodes(nodesLoad.data?.nodes ?? []), [nodesLoad.data]);
  const nodesKey = nodes.map((n) => n.address + ':' + n.role).join(',');
  const primaries = nodes.filter((n) => n.role === 'primary').map((n) => n.address);
  const nodesReady = nodesLoad.data !== undefined || nodesLoad.error !== undefined;

  // Remember the last live preset, so "back to live" after a zoom returns to it.
  const lastLive = useRef('1h');
  if (range.live) lastLive.current = range.id;

  const gridRef = useRef(null);
  const gridWidth = useWidth(gridRef);
  const perRow = Math.max(1, Math.floor((gridWidth + GAP) / (MIN_CHART + GAP)));
  const plotWidth = Math.max(200, (gridWidth - (perRow - 1) * GAP) / perRow - 70);
  const { from: fromNow, to: toNow } = resolveRange(range);
  const step = gridWidth > 0 ? stepFor(fromNow, toNow, plotWidth, 1) : 0;

  const [charts, setCharts] = useState({});
  const chartsRef = useRef(charts);
  chartsRef.current = charts;
  const ctxRef = useRef({});
  const accRef = useRef(new Map());

  const live = useLive({ metrics: LIVE_METRICS, nodes: node, enabled: range.live }, (samples) => onSamples(samples), (evs) => onLiveEvents(evs));

  // History: requests go out in the order the charts are read, a few at a time, and each chart draws as soon as its
  // own data lands. Sent all at once, they would share the server's cores and all come back at the end together.
  // Only the combined view needs the node list first (cluster totals count primaries only).
  const needNodes = combined;
  useEffect(() => {
    if (!step || (needNodes && !nodesReady)) return;
    const ctrl = new AbortController();
    const { from, to } = resolveRange(range);
    const ctx = { from, to, step, agg, node, combined, primaries, primarySet: new Set(primaries), range };
    ctxRef.current = ctx;
    accRef.current = new Map();
    setCharts((old) => {
      const next = {};
      for (const s of SPECS) next[s.id] = { ...(old[s.id] ?? { xs: [], keys: [], cols: [] }), loading: true, error: undefined };
      return next;
    });
    const queue = [...SPECS];
    const next = () => {
      const spec = queue.shift();
      if (!spec || ctrl.signal.aborted) return;
      loadChart(spec, ctx, ctrl.signal)
        .then(
          (r) => {
            if (ctrl.signal.aborted) return;
            setCharts((old) => ({ ...old, [spec.id]: { ...r, loading: false, error: undefined } }));
          },
          (e) => {
            if (e.name === 'AbortError' || ctrl.signal.aborted) return;
            setCharts((old) => ({ ...old, [spec.id]: { ...(old[spec.id] ?? { xs: [], keys: [], cols: [] }), loading: false, error: e } }));
          },
        )
        .finally(next);
    };
    for (let i = 0; i < HISTORY_REQUESTS_IN_FLIGHT; i++) next();
    return () => ctrl.abort();
  }, [rangeKey, node, combined, agg, step, needNodes && nodesReady, needNodes ? nodesKey : '', live.reconnects]);

  // Events for the range (markers on every chart); live events are appended as they come.
  const [events, setEvents] = useState([]);
  useEffect(() => {
    const ctrl = new AbortController();
    const { from, to } = resolveRange(range);
    api('/api/events', { params: { from, to, node: node === 'all' ? undefined : node, limit: 1000 }, signal: ctrl.signal }).then(
      (r) => setEvents(r.events),
      () => {},
    );
    return () => ctrl.abort();
  }, [rangeKey, node]);

  function onLiveEvents(evs) {
    setEvents((old) => [...old, ...evs]);
  }

  function onSamples(samples) {
    const ctx = ctxRef.current;
    if (!ctx.step || !range.live) return;
    const now = Date.now() / 1000;
    const acc = accRef.current;
    const next = { ...chartsRef.current };
    for (const spec of SPECS) {
      let specAcc = acc.get(spec.id);
      if (!specAcc) acc.set(spec.id, (specAcc = new Map()));
      let st = next[spec.id];
      // The server may round the step up (rollup tables hold whole minutes); live buckets follow what it returned.
      const step = st?.step || ctx.step;
      const lo = Math.floor((now - range.seconds) / step) * step;
      const current = Math.floor(now / step) * step;
      const touched = new Set();
      for (const s of samples) {
        const b = accumulate(specAcc, spec, s, ctx, step);
        if (b !== undefined) touched.add(b);
      }
      if (!st || st.loading || !st.step) continue;
      st = slide(st, current, lo);
      for (const b of [...touched].sort((a, c) => a - c)) st = applyBucket(st, spec, specAcc.get(b), b, ctx, current, lo);
      // Keep the raw parts of only the newest buckets: older ones are complete.
      for (const b of specAcc.keys()) if (b < current - 2 * step) specAcc.delete(b);
      next[spec.id] = st;
    }
    setCharts(next);
  }

  function applyBucket(st, spec, byKey, bucket, ctx, current, lo) {
    if (!byKey || bucket < lo) return st;
    st = slide(st, Math.max(bucket, current), lo);
    const i = Math.round((bucket - st.xs[0]) / st.step);
    if (i < 0 || i >= st.xs.length) return st;
    let keys = st.keys;
    let cols = st.cols === chartsRef.current[spec.id]?.cols ? st.cols.map((c) => c.slice()) : st.cols;
    for (const [key, byNode] of byKey) {
      let k = keys.indexOf(key);
      if (k < 0) {
        // A node (or command) that had no history yet: give it a column rather than dropping its live points.
        if (spec.group && keys.length >= spec.top) continue;
        keys = [...keys, key];
        cols = [...cols, new Array(st.xs.length).fill(null)];
        k = keys.length - 1;
      }
      cols[k][i] = bucketValue(spec, byNode, ctx.agg, ctx.combined);
    }
    return { ...st, keys, cols };
  }

  const zoom = (from, to) => {
    if (from === null || from === undefined) setParams({ from: null, to: null, range: lastLive.current });
    else setParams({ from, to, range: null });
  };

  const colorOf = (key, i) => {
    if (key === '*') return paletteColor(0);
    const n = nodes.findIndex((x) => x.address === key);
    return paletteColor(n >= 0 ? n : i);
  };

  const cat = catalog.data?.byName;
  // Uptime as of now, not as of the one /api/health call.
  const startedAt = useMemo(() => (health.data ? Date.now() / 1000 - health.data.uptimeSeconds : undefined), [health.data]);
  const uptime = startedAt === undefined ? undefined : Math.max(0, Math.round(Date.now() / 1000 - startedAt));
  const anyData = Object.values(charts).some((c) => c.cols?.some((col) => lastValue(col) !== null));
  const allLoaded = SPECS.every((s) => charts[s.id] && !charts[s.id].loading);
  const firstStep = Object.values(charts).find((c) => c.step)?.step;
  const firstSource = Object.values(charts).find((c) => c.source)?.source;

  return html`<section class="page dashboard" data-testid="dashboard">
    <div class="page-head">
      <h1>Dashboard</h1>
      <${RangePicker} range=${range} />
      ${range.live
        ? html`<span class=${'live-status ' + (live.status === 'live' ? 'good' : 'warn')} data-testid="live-status" data-status=${live.status}
            title="Live stream of new samples">${live.status === 'live' ? 'streaming' : live.status + '…'}</span>`
        : html`<button type="button" data-testid="back-live" onClick=${() => zoom(null)} title="Drop the zoom and follow now again (double-click a chart does the same)">↺ Back to live ${lastLive.current}</button>`}
      <span class="spacer"></span>
      <label class="ctl-group"><span class="ctl-label">agg</span>
        <select value=${agg} onChange=${(e) => setParams({ agg: e.target.value === 'avg' ? null : e.target.value })} aria-label="Aggregation within a bucket" data-testid="agg">
          ${['avg', 'max', 'min', 'last'].map((a) => html`<option value=${a}>${a}</option>`)}
        </select>
      </label>
      <span class="muted step-info" data-testid="step-info" data-step=${firstStep ?? ''} data-source=${firstSource ?? ''}
        title="Bucket width (about one per pixel) and the table it came from">${firstStep ? `step ${trimZeros(formatSeconds(firstStep))} · ${firstSource}` : ''}</span>
    </div>
    <${NodeBar} nodes=${nodes} node=${node} combined=${combined} colorOf=${colorOf} />
    <${ErrorBox} error=${nodesLoad.error} stale=${nodesLoad.data !== undefined} />
    ${nodesLoad.data && nodes.length === 0
      ? html`<${Empty} title="No nodes yet">Skyscope is still connecting to its targets${nodesLoad.data.targets?.map((t) => (t.lastError ? ` (${t.url}: ${t.lastError})` : ''))}. See the <${Link} href="/">overview</${Link}> for details.</${Empty}>`
      : null}
    ${allLoaded && !anyData && nodes.length > 0
      ? range.live
        ? html`<${Empty} title="No data yet">${uptime !== undefined ? `Skyscope started ${formatSeconds(uptime)} ago; ` : ''}the first points appear within one collection interval.</${Empty}>`
        : html`<${Empty} title="No data in this range">Skyscope has no samples between these times. <button type="button" class="link" onClick=${() => zoom(null)}>Back to live</button></${Empty}>`
      : null}
    <div class="charts dash-charts" ref=${gridRef} data-step=${firstStep ?? ''}>
      ${SPECS.map((spec) => {
        const st = charts[spec.id] ?? { xs: [], keys: [], cols: [], loading: true };
        const def = cat?.get(spec.metric);
        const unit = spec.unit ?? def?.unit;
        const kind = spec.kind ?? def?.kind;
        const series = st.keys.map((k, i) => ({ label: k === '*' ? COMBINE_WORD[spec.combine] + ' of nodes' : k, color: spec.group ? paletteColor(i) : colorOf(k, i) }));
        return html`<${DashChart} key=${spec.id} spec=${spec} st=${st} unit=${unit} kind=${kind} series=${series} def=${def}
          combined=${combined} node=${node} primaries=${primaries} events=${events} onSelectRange=${zoom} uptime=${range.live ? uptime : undefined} />`;
      })}
    </div>
  </section>`;
}

/** One chart of the grid; data arrays are rebuilt only when the chart's own state changes. */
function DashChart({ spec, st, unit, kind, series, def, combined, node, primaries, events, onSelectRange, uptime }) {
  const data = useMemo(() => [st.xs, ...st.cols], [st.xs, st.cols]);
  const value = headerValue(spec, st, unit, kind, combined, node, primaries);
  const labels = spec.group ? `, one line per ${spec.group} (top ${spec.top})` : '';
  const hint = (def?.description ?? spec.title) + labels;
  const emptyText =
    spec.empty ??
    (uptime !== undefined && uptime < 120
      ? `No data yet: Skyscope started ${formatSeconds(uptime)} ago; the first points appear within one interval`
      : 'No data in this range');
  return html`<${Chart} title=${spec.title} metric=${spec.metric} unit=${unit} kind=${kind} data=${data} series=${series}
    height=${150} events=${events} onSelectRange=${onSelectRange} syncKey="dashboard" loading=${st.loading} error=${st.error}
    emptyText=${emptyText} value=${value} hint=${hint} legend=${!!spec.group} integer=${spec.integer} />`;
}

/** The header number: the newest value folded over nodes (a total, average or maximum), or the one node's. */
function headerValue(spec, st, unit, kind, combined, node, primaries) {
  if (!st.cols || st.cols.length === 0) return null;
  let how = spec.combine === 'ratio' ? 'avg' : spec.combine;
  let vals = [];
  st.keys.forEach((k, i) => {
    if (!combined && node === 'all' && spec.primaries && !spec.group && primaries.length > 0 && !primaries.includes(k)) return;
    const v = lastValue(st.cols[i]);
    if (v !== null) vals.push(v);
  });
  if (spec.group) how = 'sum';
  const v = fold(vals, how);
  if (v === null) return null;
  const word = node !== 'all' && !spec.group ? '' : spec.group ? 'total' : COMBINE_WORD[spec.combine];
  return html`${word ? html`<span class="muted">${word} </span>` : null}${trimZeros(formatValue(v, unit, kind))}`;
}

/** Node chips: the whole cluster or one node, each chip in the colour of its line; plus the per node / combined switch. */
function NodeBar({ nodes, node, combined, colorOf }) {
  if (nodes.length === 0) return null;
  return html`<div class="node-bar" data-testid="node-bar">
    <span class="ctl-label">Nodes</span>
    <button type="button" class=${'chip' + (node === 'all' ? ' on' : '')} data-node="all" onClick=${() => setParams({ node: null })}>All (${nodes.length})</button>
    ${nodes.map(
      (n, i) => html`<button type="button" class=${'chip' + (node === n.address ? ' on' : '') + (n.state === 'down' ? ' down' : '')} data-node=${n.address}
        title=${`${n.address} ${n.role}${n.primary ? ' of ' + n.primary : ''}, ${n.state}`} onClick=${() => setParams({ node: n.address, view: null })}>
        <span class="ct-sw" style=${`background:${colorOf(n.address, i)}`}></span>${n.address}
        <span class=${'role-tag ' + n.role}>${n.role === 'primary' ? 'P' : n.role === 'replica' ? 'R' : '?'}</span>
        ${n.state !== 'up' ? html`<span class=${n.state === 'down' ? 'bad' : 'warn'}>${n.state}</span>` : null}
      </button>`,
    )}
    ${node === 'all'
      ? html`<span class="ctl-group view-toggle">
          <button type="button" class=${!combined ? 'on' : ''} data-view="nodes" onClick=${() => setParams({ view: null })} title="One line per node">Per node</button>
          <button type="button" class=${combined ? 'on' : ''} data-view="combined" onClick=${() => setParams({ view: 'combined' })} title="One line for the cluster: totals for amounts and rates, averages or maxima for ratios">Combined</button>
        </span>`
      : null}
  </div>`;
}
