// Latency, command log and command statistics for display: units, filters to and from the URL, links, chart columns, sorting.
import { formatBytes, formatSeconds, trimZeros } from './format.js';
import { cmpAddress } from './hotkeys.js';
import { href } from './route.js';

/** The command log's entry types, in the order the page offers them; unit of their value as the API sends it. */
export const LOG_TYPES = [
  { type: 'slow', label: 'slow', unit: 'us', what: 'took longer than the threshold to run' },
  { type: 'large-request', label: 'large request', unit: 'bytes', what: 'arrived with more bytes than the threshold' },
  { type: 'large-reply', label: 'large reply', unit: 'bytes', what: 'replied with more bytes than the threshold' },
];

export function logTypeLabel(type) {
  return LOG_TYPES.find((t) => t.type === type)?.label ?? String(type);
}

/** Microseconds as µs, ms or s. */
export function formatMicros(us) {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  if (us === 0) return '0 µs';
  return trimZeros(formatSeconds(us / 1e6));
}

/** Milliseconds (the latency monitor's unit) as µs, ms or s. */
export function formatMillis(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return formatMicros(ms * 1000);
}

/** A command log value in its unit: 'us' for slow entries, 'bytes' for large requests and replies. */
export function formatLogValue(v, unit) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return unit === 'bytes' ? formatBytes(v) : formatMicros(v);
}

/** Units a filter bound may carry. Sizes follow the server's config syntax: k = 1000, kb = 1024. */
const AMOUNT_UNITS = {
  us: ['us', 1], 'µs': ['us', 1], ms: ['us', 1e3], s: ['us', 1e6], sec: ['us', 1e6],
  b: ['bytes', 1], k: ['bytes', 1e3], kb: ['bytes', 1024], kib: ['bytes', 1024], m: ['bytes', 1e6], mb: ['bytes', 1024 ** 2],
  mib: ['bytes', 1024 ** 2], g: ['bytes', 1e9], gb: ['bytes', 1024 ** 3], gib: ['bytes', 1024 ** 3],
};

/**
 * A min/max bound as typed ("10ms", "1.5 s", "64kb", "5000"): {value, unit} with value in the API's units
 * (µs or bytes) and unit null for a bare number; undefined for empty; {error} when it cannot be read.
 */
export function parseAmount(text) {
  const s = String(text ?? '').trim().toLowerCase();
  if (s === '') return undefined;
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ]*)$/.exec(s);
  if (!m) return { error: `"${text}" is not a number with an optional unit (µs, ms, s, B, KB, MB)` };
  const n = Number(m[1]);
  if (m[2] === '') return { value: n, unit: null };
  const u = AMOUNT_UNITS[m[2]];
  if (!u) return { error: `"${m[2]}" is not a unit: use µs, ms or s for durations, B, KB or MB for sizes` };
  return { value: Math.round(n * u[1]), unit: u[0] };
}

const csv = (s) => (s ? String(s).split(',').map((x) => x.trim()).filter(Boolean) : []);

/** The command log page's filters as they are in the URL (texts kept as typed, so a shared link reads the same). */
export function commandlogFilters(params) {
  const get = (k) => params.get(k) ?? '';
  const known = new Set(LOG_TYPES.map((t) => t.type));
  const group = get('group');
  return {
    node: get('node') || 'all',
    types: csv(get('type')).filter((t) => known.has(t)),
    cmd: get('cmd'),
    client: get('client'),
    q: get('q'),
    min: get('min'),
    max: get('max'),
    group: group === 'command' || group === 'pattern' ? group : 'none',
  };
}

/**
 * API parameters for /api/commandlog and /api/commandlog/groups from the page filters and a resolved range;
 * errors lists the bounds that could not be read (they are left out rather than sent wrong).
 */
export function commandlogQuery(f, { from, to }) {
  const params = { from, to };
  if (f.node && f.node !== 'all') params.node = f.node;
  if (f.types.length > 0 && f.types.length < LOG_TYPES.length) params.type = f.types.join(',');
  if (f.cmd.trim()) params.cmd = f.cmd.trim().toLowerCase();
  if (f.client.trim()) params.client = f.client.trim();
  if (f.q.trim()) params.q = f.q.trim();
  const errors = {};
  for (const k of ['min', 'max']) {
    const a = parseAmount(f[k]);
    if (!a) continue;
    if (a.error) errors[k] = a.error;
    else params[k] = a.value;
  }
  return { params, errors };
}

/**
 * When a min/max bound means different things for the chosen types: a duration unit while size types are shown,
 * a size unit while slow entries are, or a bare number over both. The API compares value whatever its unit.
 */
export function boundsNote(f) {
  const types = f.types.length ? f.types : LOG_TYPES.map((t) => t.type);
  const slow = types.includes('slow');
  const large = types.some((t) => t !== 'slow');
  const units = ['min', 'max'].map((k) => parseAmount(f[k])).filter((a) => a && !a.error).map((a) => a.unit);
  if (units.length === 0) return null;
  if (slow && large) return 'Min and max compare µs for slow entries and bytes for large requests and replies; pick one kind of type to bound only durations or only sizes.';
  if (slow && units.includes('bytes')) return 'A size bound on slow entries compares their duration in µs.';
  if (large && units.includes('us')) return 'A duration bound on large requests and replies compares their size in bytes.';
  return null;
}

/** An entry's identity across pages and refreshes. */
export function entryKey(e) {
  return `${e.node}|${e.type}|${e.id}|${e.ts}`;
}

/** Pages of entries (newest first each) as one list, without the entries two pages share. */
export function mergePages(pages) {
  const seen = new Set();
  const out = [];
  for (const p of pages) {
    for (const e of p.entries ?? []) {
      const k = entryKey(e);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

/** Characters of one argument put in the DOM; the server already cuts long ones, this keeps a row cheap whatever arrives. */
export const ARG_CHARS = 200;
/** Arguments put in a row. */
export const ROW_ARGS = 12;

/**
 * The arguments a row shows: at most `max` (the command name is args[0] and is shown apart), each with its text
 * capped at `chars`; cut is how many bytes the server itself left out of that argument (argsCut, 0 when whole);
 * hidden counts the arguments left out here plus the ones the server dropped (argsMore).
 */
export function shownArgs(entry, max = ROW_ARGS, chars = ARG_CHARS) {
  const all = (entry.args ?? []).slice(1);
  const args = all.slice(0, max).map((k, i) => ({
    k: k.text.length > chars ? { ...k, text: k.text.slice(0, chars), truncated: true } : k,
    cut: entry.argsCut?.[i + 1] ?? 0,
  }));
  return { args, hidden: all.length - args.length + (entry.argsMore ?? 0), dropped: entry.argsMore ?? 0 };
}

/** The dashboard for one node around a moment: pad seconds either side. */
export function dashboardHref(node, ts, pad = 300) {
  return href('/dashboard', { node, from: Math.floor(ts - pad), to: Math.ceil(ts + pad) });
}

/** URL parameters that open the spike correlation panel for a node at a time (whole seconds). */
export function correlationParams(node, ts) {
  return { corr: Math.round(ts), corrNode: node };
}

/** The correlation panel's state from the URL, or null when it is closed. */
export function readCorrelation(params) {
  const ts = Number(params.get('corr'));
  const node = params.get('corrNode');
  if (!node || !Number.isFinite(ts) || ts <= 0) return null;
  const before = Number(params.get('corrBefore'));
  return { node, ts, before: Number.isFinite(before) && before > 0 ? before : 60 };
}

/** The command log page filtered to one node and a window around a moment (e.g. from a latency spike). */
export function commandlogHref(node, ts, pad = 300) {
  return href('/commandlog', { node, from: Math.floor(ts - pad), to: Math.ceil(ts + pad) });
}

/**
 * /api/latency's columns split into one chart per event: {event, nodes, data} with the event's node columns and
 * only the x values where one of them has a sample (the reply's x is every sample of any series). The reply's from
 * and to are added as empty x values at the ends, so a chart spans the range asked for, not just its first to last spike.
 */
export function latencyCharts(resp) {
  const byEvent = new Map();
  (resp?.series ?? []).forEach((s, i) => {
    if (!byEvent.has(s.event)) byEvent.set(s.event, []);
    byEvent.get(s.event).push({ node: s.node, col: resp.data[i + 1] });
  });
  const xs = resp?.data?.[0] ?? [];
  const out = [];
  for (const event of [...byEvent.keys()].sort()) {
    const list = byEvent.get(event).sort((a, b) => cmpAddress(a.node, b.node));
    const keep = [];
    for (let i = 0; i < xs.length; i++) if (list.some((s) => s.col[i] !== null && s.col[i] !== undefined)) keep.push(i);
    const x = keep.map((i) => xs[i]);
    const cols = list.map((s) => keep.map((i) => s.col[i] ?? null));
    const from = Number.isFinite(resp.from) ? Math.floor(resp.from) : undefined;
    const to = Number.isFinite(resp.to) ? Math.ceil(resp.to) : undefined;
    if (from !== undefined && (x.length === 0 || from < x[0])) {
      x.unshift(from);
      for (const c of cols) c.unshift(null);
    }
    if (to !== undefined && to > x[x.length - 1]) {
      x.push(to);
      for (const c of cols) c.push(null);
    }
    out.push({ event, nodes: list.map((s) => s.node), data: [x, ...cols] });
  }
  return out;
}

/** "99.9" -> "p99.9"; the percentile label as the server names it. */
export function percentileLabel(p) {
  return 'p' + String(p).replace(/^p/, '');
}

/**
 * A per-command latency reply from /api/series (one series per node and percentile) as chart columns: series ordered
 * by node then percentile, labelled "p99" for one node and "host:port p99" for several; values in seconds.
 */
export function commandLatencyChart(resp) {
  const list = (resp?.series ?? []).map((s, i) => ({ node: s.node, p: s.labels?.percentile ?? '?', col: resp.data[i + 1] }));
  list.sort((a, b) => cmpAddress(a.node, b.node) || Number(a.p) - Number(b.p));
  const many = new Set(list.map((s) => s.node)).size > 1;
  return {
    series: list.map((s) => ({ label: many ? `${s.node} ${percentileLabel(s.p)}` : percentileLabel(s.p), node: s.node, percentile: s.p })),
    data: [resp?.data?.[0] ?? [], ...list.map((s) => s.col)],
  };
}

/** The commandstats table's columns: key, header, how a value reads, and the default direction when first sorted. */
export const COMMANDSTATS_COLUMNS = [
  { key: 'cmd', label: 'Command', desc: false },
  { key: 'callsPerSec', label: 'Calls/s', desc: true },
  { key: 'usecPerCall', label: 'µs per call', desc: true },
  { key: 'usecPerSec', label: 'µs/s', desc: true, title: 'Time the server spent on the command per second: calls/s × µs per call' },
  { key: 'rejectedPerSec', label: 'Rejected/s', desc: true, title: 'Calls refused before they ran (ACL, OOM, wrong arity, ...)' },
  { key: 'failedPerSec', label: 'Failed/s', desc: true, title: 'Calls that ran and returned an error' },
];

/** Rows sorted by a key, numbers or text; missing values last whatever the direction; ties by cmd/error/key name. */
export function sortRows(rows, key, desc) {
  const name = (r) => String(r.cmd ?? r.error ?? r.key ?? '');
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const xm = x === null || x === undefined || (typeof x === 'number' && !Number.isFinite(x));
    const ym = y === null || y === undefined || (typeof y === 'number' && !Number.isFinite(y));
    if (xm !== ym) return xm ? 1 : -1;
    let c = 0;
    if (!xm) c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (desc) c = -c;
    return c || name(a).localeCompare(name(b));
  });
}

/** The sort a table shows, from "key" or "-key" in the URL (minus: descending); unknown keys fall back to def. */
export function readSort(value, columns, def) {
  const v = value ?? '';
  const desc = v.startsWith('-');
  const key = desc ? v.slice(1) : v;
  if (columns.some((c) => c.key === key)) return { key, desc };
  return def;
}

/** The URL value for clicking a column: the same column flips direction, another starts in its usual one. */
export function nextSort(current, col) {
  const desc = current.key === col.key ? !current.desc : col.desc;
  return (desc ? '-' : '') + col.key;
}

/** Command log groups by type, in the page's type order (the API sorts by sum within a type: units differ). */
export function groupsByType(groups) {
  const order = LOG_TYPES.map((t) => t.type);
  const by = new Map();
  for (const g of groups ?? []) {
    if (!by.has(g.type)) by.set(g.type, []);
    by.get(g.type).push(g);
  }
  const types = [...by.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || (a < b ? -1 : 1));
  return types.map((type) => ({ type, groups: by.get(type) }));
}

/** Server settings that turn each log on and set its length, by source. */
const LOG_CONFIG = {
  commandlog: {
    slow: ['commandlog-execution-slower-than', 'commandlog-slow-execution-max-len', '10000 (µs)'],
    'large-request': ['commandlog-request-larger-than', 'commandlog-large-request-max-len', '1048576 (bytes)'],
    'large-reply': ['commandlog-reply-larger-than', 'commandlog-large-reply-max-len', '1048576 (bytes)'],
  },
  slowlog: { slow: ['slowlog-log-slower-than', 'slowlog-max-len', '10000 (µs)'] },
};

export function logConfigNames(source, type) {
  const c = LOG_CONFIG[source]?.[type];
  return c ? { threshold: c[0], maxLen: c[1], example: c[2] } : undefined;
}

/**
 * What the header says about one node's logs beyond the numbers: {level: 'bad'|'warn'|'info', text} lines saying what is
 * off, unsupported or losing entries and what to do about it.
 */
export function logStatusNotes(n) {
  const notes = [];
  if (n.error) notes.push({ level: 'bad', text: `Reading the log failed: ${n.error}` });
  // Not read yet (the reply's sourceState, beyond the contract): nothing to say until the first read.
  if (!n.source && n.sourceState === 'pending') return notes;
  if (!n.source) {
    notes.push({
      level: 'bad',
      text: 'Neither COMMANDLOG nor SLOWLOG answers on this node (renamed or blocked by ACL?). Allow the command for Skyscope\'s user, e.g. ACL SETUSER <user> +slowlog or +commandlog.',
    });
    return notes;
  }
  for (const l of n.logs ?? []) {
    const cfg = logConfigNames(n.source, l.type);
    const label = logTypeLabel(l.type);
    if (l.threshold < 0) {
      notes.push({
        level: 'warn',
        text: `The ${label} log is off (threshold -1).${cfg ? ` Turn it on with CONFIG SET ${cfg.threshold} ${cfg.example.split(' ')[0]}.` : ''}`,
      });
    } else if (l.maxLen === 0) {
      notes.push({ level: 'warn', text: `The ${label} log keeps no entries (max length 0).${cfg ? ` Set ${cfg.maxLen} to e.g. 128.` : ''}` });
    }
    if (l.lost > 0) {
      notes.push({
        level: 'warn',
        text: `${l.lost} ${label} ${l.lost === 1 ? 'entry was' : 'entries were'} dropped by the server before Skyscope read ${l.lost === 1 ? 'it' : 'them'} (log reset or full).${cfg ? ` A longer ${cfg.maxLen} keeps more between reads.` : ''}`,
      });
    }
  }
  return notes;
}

/** What the latency page says about a node's monitor. */
export function monitorNote(n) {
  if (n.error) return { level: 'bad', text: `The latency monitor could not be read: ${n.error}` };
  if (n.sourceState === 'unsupported')
    return { level: 'bad', text: 'This server does not answer LATENCY commands (renamed or refused by ACL): allow LATENCY for Skyscope\'s user, e.g. ACL SETUSER <user> +latency.' };
  // Not read yet: the threshold is unknown, not 0.
  if (n.thresholdMs === null || n.thresholdMs === undefined) return null;
  if (!(n.thresholdMs > 0))
    return {
      level: 'warn',
      text: 'The latency monitor is off (latency-monitor-threshold is 0). Turning it on costs nearly nothing: the server only records events slower than the threshold, one sample per event and second.',
    };
  return null;
}

/** Traffic rows of the correlation panel: change during the window against the baseline, as a ratio (null when there is no baseline). */
export function changeRatio(during, baseline) {
  if (during === null || during === undefined || baseline === null || baseline === undefined) return null;
  if (baseline === 0) return during === 0 ? 1 : null;
  return during / baseline;
}

/** "×3.2", "−40%", "+12%" for a ratio during/baseline; '' for no change to speak of. */
export function formatChange(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '';
  if (ratio >= 2) return `×${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}`;
  const pct = Math.round((ratio - 1) * 100);
  if (Math.abs(pct) < 5) return '';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct)}%`;
}
