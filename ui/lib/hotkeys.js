// Hot-key results for display: metric units, method names, one cluster-wide ranking from per-node rows, run detail as text, and a cache of stored runs.
import { api } from './api.js';
import { formatBytes, formatNumber, formatSeconds } from './format.js';

/**
 * The metrics a run can report, in the order the page offers them. chart: how a history chart shows values
 * (factor applied, then the Chart component's unit and kind).
 */
export const HOTKEY_METRICS = [
  { id: 'cpu', label: 'CPU', title: 'CPU time', unitText: 'server CPU time spent on the key', chart: { factor: 1e-6, unit: 'seconds', kind: 'gauge' } },
  { id: 'net', label: 'Network', title: 'Network', unitText: 'bytes in and out for the key', chart: { factor: 1, unit: 'bytes', kind: 'gauge' } },
  { id: 'ops', label: 'Accesses', title: 'Accesses', unitText: 'commands that touched the key during the run', chart: { factor: 1, unit: 'count', kind: 'gauge' } },
  { id: 'qps', label: 'Accesses/s', title: 'Accesses per second', unitText: 'commands per second that touched the key', chart: { factor: 1, unit: 'count', kind: 'counter' } },
  { id: 'lfu', label: 'LFU', title: 'LFU counter', unitText: 'the LFU counter (OBJECT FREQ, logarithmic)', chart: { factor: 1, unit: 'count', kind: 'gauge' } },
];

export function metricInfo(id) {
  return HOTKEY_METRICS.find((m) => m.id === id) ?? { id, label: id, title: id, unitText: id, chart: { factor: 1, unit: 'count', kind: 'gauge' } };
}

export const METHOD_LABELS = {
  redis_hotkeys: 'Redis HOTKEYS',
  valkey_hotkeys: 'Valkey HOTKEYS',
  slot_scan: 'two-phase slot scan',
  monitor: 'MONITOR sampling',
};

export function methodLabel(m) {
  return METHOD_LABELS[m] ?? m;
}

/** Methods that only read what the server already keeps; every other method loads the server while it runs. */
export const READ_ONLY_METHODS = new Set(['valkey_hotkeys']);

/** A value of a metric with its unit: CPU arrives in µs and is shown as µs/ms/s, network in binary bytes. */
export function formatHotValue(metric, v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (metric) {
    case 'cpu':
      return formatSeconds(v / 1e6);
    case 'net':
      return formatBytes(v);
    case 'ops':
      return formatNumber(v) + ' ops';
    case 'qps':
      return formatNumber(v) + ' ops/s';
    default:
      return formatNumber(v);
  }
}

/** The metrics present in rows, known ones in the page's order, unknown ones after (a newer server may add some). */
export function metricsIn(rows) {
  const present = new Set(rows.map((r) => r.metric));
  const known = HOTKEY_METRICS.map((m) => m.id).filter((m) => present.has(m));
  return [...known, ...[...present].filter((m) => !known.includes(m)).sort()];
}

/** "host:port" strings compared by host, then port as a number (7010 after 7002). */
export function cmpAddress(a, b) {
  const [ha, pa] = String(a).split(/:(?=\d+$)/);
  const [hb, pb] = String(b).split(/:(?=\d+$)/);
  return ha < hb ? -1 : ha > hb ? 1 : Number(pa) - Number(pb);
}

/** The rows of one metric grouped by node (nodes in address order), each list by rank. */
export function groupByNode(rows, metric) {
  const by = new Map();
  for (const r of rows) {
    if (r.metric !== metric) continue;
    if (!by.has(r.node)) by.set(r.node, []);
    by.get(r.node).push(r);
  }
  return [...by.keys()].sort(cmpAddress).map((node) => ({ node, rows: by.get(node).sort((a, b) => a.rank - b.rank) }));
}

/**
 * One ranking over every node for a metric: a key's values on several nodes are summed (in a cluster a key lives on
 * one primary, so this is a union there). Error bounds add up; a key exact everywhere stays exact (error null).
 * share becomes the share of the cluster's total, known only when every node's total is: a node's total is
 * value / share of any of its rows. Rows keep `nodes` (every node the key was found on); `node` is set when it is one.
 */
export function rankClusterWide(rows, metric) {
  const mine = rows.filter((r) => r.metric === metric);
  const totals = new Map();
  for (const r of mine) if (r.share > 0 && !totals.has(r.node)) totals.set(r.node, r.value / r.share);
  const nodes = new Set(mine.map((r) => r.node));
  const clusterTotal = [...nodes].every((n) => totals.has(n)) ? [...totals.values()].reduce((a, b) => a + b, 0) : null;
  const byKey = new Map();
  for (const r of mine) {
    const m = byKey.get(r.key.hex);
    if (!m) {
      byKey.set(r.key.hex, { ...r, nodes: [r.node] });
      continue;
    }
    m.value += r.value;
    m.error = m.error === null && r.error === null ? null : (m.error ?? 0) + (r.error ?? 0);
    m.memoryBytes = m.memoryBytes === null || r.memoryBytes === null ? (m.memoryBytes ?? r.memoryBytes) : m.memoryBytes + r.memoryBytes;
    m.type ??= r.type;
    m.ttlMs ??= r.ttlMs;
    m.slot ??= r.slot;
    m.nodes.push(r.node);
  }
  const out = [...byKey.values()].sort((a, b) => b.value - a.value || (a.key.hex < b.key.hex ? -1 : 1));
  out.forEach((r, i) => {
    r.rank = i + 1;
    r.share = clusterTotal > 0 ? r.value / clusterTotal : null;
    r.nodes.sort(cmpAddress);
    r.node = r.nodes.length === 1 ? r.nodes[0] : null;
  });
  return out;
}

/**
 * A key's history points of one metric in uPlot's shape: x = run times (unix s, ascending), one column per node,
 * values times factor, null where the node did not report the key in that run.
 */
export function historySeries(points, metric, factor = 1) {
  const mine = points.filter((p) => p.metric === metric);
  const xs = [...new Set(mine.map((p) => p.ts))].sort((a, b) => a - b);
  const nodes = [...new Set(mine.map((p) => p.node))].sort(cmpAddress);
  const at = new Map(xs.map((x, i) => [x, i]));
  const cols = nodes.map(() => new Array(xs.length).fill(null));
  for (const p of mine) cols[nodes.indexOf(p.node)][at.get(p.ts)] = p.value * factor;
  return { nodes, data: [xs, ...cols] };
}

/** A run-detail field name as words, without its unit suffix (shown by formatDetailValue): "monitorOnMs" -> "monitor on". */
export function humanizeField(name) {
  const base = String(name).replace(/(?<=[a-z0-9])(Ms|S|Bytes|Usec)$/, '');
  return base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
}

/** A run-detail value as short text; the field name's suffix says its unit (…Ms, …S, …Bytes, …Usec). */
export function formatDetailValue(name, v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') {
    if (/[a-z0-9]Ms$/.test(name)) return formatSeconds(v / 1000);
    if (/[a-z0-9]S$/.test(name)) return formatSeconds(v);
    if (/[a-z0-9]Usec$/.test(name)) return formatSeconds(v / 1e6);
    if (/[a-z0-9]Bytes$/.test(name)) return formatBytes(v);
    return formatNumber(v);
  }
  if (typeof v === 'string') return v;
  const scalar = (x) => x === null || typeof x !== 'object';
  if (Array.isArray(v)) {
    if (v.length === 0) return 'none';
    if (v.every(scalar)) return v.join('; ');
  } else if (Object.values(v).every(scalar)) {
    const e = Object.entries(v);
    return e.length === 0 ? 'none' : e.map(([k, x]) => `${k} ${typeof x === 'number' ? formatNumber(x) : x}`).join(', ');
  }
  const json = JSON.stringify(v);
  return json.length > 300 ? json.slice(0, 300) + '…' : json;
}

/** Stored runs never change: each is fetched once per page load (a failed fetch is forgotten so it can be retried). */
const runCache = new Map();
export function loadRun(id) {
  let p = runCache.get(id);
  if (!p) {
    p = api(`/api/hotkeys/runs/${id}`);
    runCache.set(id, p);
    p.catch(() => runCache.delete(id));
  }
  return p;
}
