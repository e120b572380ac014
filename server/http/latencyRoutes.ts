// /api/latency*, /api/commandstats and /api/correlate: the latency monitor, per-command statistics and what happened around a spike.
import type { Hono } from 'hono';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import { families, metricDef } from '../metrics/catalog.ts';
import type { Store } from '../store/types.ts';
import { entryJson } from './commandLogRoutes.ts';
import { ApiError, badParam } from './errors.ts';
import { eventMessage } from './eventText.ts';
import { parseLimit, parseNodes, parseTime } from './params.ts';

export interface LatencyRouteDeps {
  store: Pick<Store, 'latencyRange' | 'latencyTotals' | 'series' | 'searchCommandLog' | 'events'>;
  monitor: {
    nodes(): NodeSnapshot[];
    setLatencyThreshold(ms: number, addresses?: string[]): Promise<{ address: string; error?: string }[]>;
    latencyDoctor(address: string): Promise<string>;
  };
  readOnly: boolean;
  now: () => number;
}

const maxLatencyRows = 200_000;
/** Traffic compared in the correlation view: what changed on the node around the spike. */
const trafficMetrics = [
  'valkey_commands_processed_total',
  'valkey_cpu_usage_ratio',
  'valkey_net_input_bytes_total',
  'valkey_net_output_bytes_total',
  'valkey_connected_clients',
  'valkey_blocked_clients',
  'valkey_memory_used_bytes',
  'valkey_expired_keys_total',
  'valkey_evicted_keys_total',
  'valkey_keyspace_misses_total',
];
const baselineMs = 10 * 60_000;

type SeriesStore = Pick<Store, 'series'>;

export interface Window {
  from: number;
  to: number;
}

/**
 * The average of a metric over each window [from, to) per label set, summed over the chosen nodes: counters are
 * stored as per-second rates, so this is calls/s, bytes/s... One read of up to 400 buckets spanning every window;
 * empty buckets (a node down) are left out of the average.
 */
export async function averagesOver(store: SeriesStore, metric: string, nodes: string[] | 'all', windows: Window[], labelKey?: string): Promise<Map<string, number>[]> {
  const from = Math.min(...windows.map((w) => w.from));
  const to = Math.max(...windows.map((w) => w.to));
  const step = Math.max(1000, Math.ceil((to - from) / 400 / 1000) * 1000);
  const r = await store.series({ metric, nodes, from, to, step, agg: 'avg' });
  const xs = r.data[0] as number[];
  return windows.map((w) => {
    const out = new Map<string, number>();
    r.series.forEach((s, i) => {
      const column = r.data[i + 1] as (number | null)[];
      let sum = 0;
      let n = 0;
      column.forEach((v, j) => {
        // Buckets start at multiples of the step; take those whose start lies in the window.
        if (v === null || xs[j]! * 1000 < w.from - step || xs[j]! * 1000 >= w.to) return;
        sum += v;
        n++;
      });
      if (n === 0) return;
      const key = labelKey ? (s.labels[labelKey] ?? '') : '';
      out.set(key, (out.get(key) ?? 0) + sum / n);
    });
    return out;
  });
}

/** calls/s, µs per call, rejected and failed calls/s per command, and error replies/s per error type, for each window. */
export async function commandStats(store: SeriesStore, nodes: string[] | 'all', windows: Window[]) {
  const [calls, seconds, rejected, failed, errors] = await Promise.all(
    [families.commandCalls, families.commandDuration, families.commandRejected, families.commandFailed].map((m) => averagesOver(store, m.name, nodes, windows, 'cmd')).concat(averagesOver(store, families.errors.name, nodes, windows, 'error')),
  );
  return windows.map((_, i) => statsOf(calls![i]!, seconds![i]!, rejected![i]!, failed![i]!, errors![i]!));
}

function statsOf(calls: Map<string, number>, seconds: Map<string, number>, rejected: Map<string, number>, failed: Map<string, number>, errors: Map<string, number>) {
  const commands = [...new Set([...calls.keys(), ...seconds.keys(), ...rejected.keys(), ...failed.keys()])].map((cmd) => {
    const c = calls.get(cmd) ?? 0;
    const usecPerSec = (seconds.get(cmd) ?? 0) * 1e6;
    return { cmd, callsPerSec: c, usecPerSec, usecPerCall: c > 0 ? usecPerSec / c : null, rejectedPerSec: rejected.get(cmd) ?? 0, failedPerSec: failed.get(cmd) ?? 0 };
  });
  commands.sort((a, b) => b.usecPerSec - a.usecPerSec || b.callsPerSec - a.callsPerSec);
  const errorList = [...errors.entries()].map(([error, perSec]) => ({ error, perSec })).sort((a, b) => b.perSec - a.perSec);
  return { commands, errors: errorList };
}

function seconds(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > max) throw badParam(name, `must be seconds from 0 to ${max}, got "${text}"`);
  return n;
}

export function registerLatencyRoutes(app: Hono, deps: LatencyRouteDeps): void {
  const watched = (address: string | undefined, name = 'node'): NodeSnapshot => {
    if (!address) throw badParam(name, 'is required: a node address host:port');
    const n = deps.monitor.nodes().find((x) => x.address === address);
    if (!n) throw new ApiError(404, 'not_found', `${address} is not a watched node`);
    return n;
  };

  app.get('/api/latency/status', async (c) => {
    const totals = await deps.store.latencyTotals();
    const nodes = deps.monitor.nodes().map((n) => {
      const stored = totals.filter((t) => t.node === n.address);
      const live = n.latency?.events ?? [];
      const names = [...new Set([...live.map((e) => e.event), ...stored.map((t) => t.event)])].sort();
      return {
        node: n.address,
        state: n.state,
        sourceState: n.sources.latency.state,
        error: n.sources.latency.state === 'failing' ? n.sources.latency.lastError : undefined,
        thresholdMs: n.latency?.thresholdMs ?? null,
        enabled: n.latency?.thresholdMs === null || n.latency?.thresholdMs === undefined ? null : n.latency.thresholdMs > 0,
        histogram: n.latency?.histogram ?? false,
        events: names.map((event) => {
          const e = live.find((x) => x.event === event);
          const t = stored.find((x) => x.event === event);
          return {
            event,
            latestTs: e?.ts ?? (t ? t.lastTs / 1000 : null),
            latestMs: e?.latestMs ?? null,
            maxMs: e?.maxMs ?? null,
            allTimeMaxMs: Math.max(t?.maxMs ?? 0, e?.maxMs ?? 0) || null,
            stored: t?.samples ?? 0,
          };
        }),
      };
    });
    const cost = 'The latency monitor only records an event when it took longer than the threshold: a check of the clock per event, nothing when the server is fast. 0 turns it off.';
    return c.json({ readOnly: deps.readOnly, cost, nodes });
  });

  app.get('/api/latency', async (c) => {
    const q = c.req.query();
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 3_600_000, t);
    if (from > to) throw badParam('from', 'must not be after to');
    const nodes = parseNodes('node', q['node']);
    const events = q['event'] && q['event'] !== 'all' ? q['event'].split(',').filter(Boolean) : undefined;
    const rows = await deps.store.latencyRange({ from, to, nodes: nodes === 'all' ? undefined : nodes, events, limit: maxLatencyRows + 1 });
    if (rows.length > maxLatencyRows) throw badParam('from', `more than ${maxLatencyRows} samples in this range: choose a shorter range, a node or an event`);
    const keys: string[] = [];
    const index = new Map<string, number>();
    const xs: number[] = [];
    for (const r of rows) {
      const k = `${r.node}\u0000${r.event}`;
      if (!index.has(k)) {
        index.set(k, keys.length);
        keys.push(k);
      }
      if (xs.at(-1) !== r.ts / 1000) xs.push(r.ts / 1000);
    }
    const columns = keys.map(() => new Array<number | null>(xs.length).fill(null));
    let xi = -1;
    let lastTs = -1;
    for (const r of rows) {
      if (r.ts !== lastTs) {
        xi++;
        lastTs = r.ts;
      }
      columns[index.get(`${r.node}\u0000${r.event}`)!]![xi] = r.ms;
    }
    const series = keys.map((k) => {
      const [node, event] = k.split('\u0000');
      return { node: node!, event: event! };
    });
    return c.json({ from: from / 1000, to: to / 1000, series, data: [xs, ...columns] });
  });

  app.get('/api/latency/doctor', async (c) => {
    const n = watched(c.req.query('node'));
    try {
      return c.json({ node: n.address, text: await deps.monitor.latencyDoctor(n.address) });
    } catch (e) {
      throw new ApiError(502, 'node_error', `LATENCY DOCTOR on ${n.address} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  app.put('/api/latency/threshold', async (c) => {
    if (deps.readOnly) throw new ApiError(403, 'read_only', 'Skyscope runs with --read-only: it does not change server configuration');
    let body: { node?: unknown; ms?: unknown };
    try {
      body = (await c.req.json()) as typeof body;
    } catch {
      throw badParam('body', 'must be JSON like {"node": "all", "ms": 100}');
    }
    const ms = body?.ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 2 ** 31 - 1) throw badParam('ms', 'must be a whole number of milliseconds, 0 (off) or more');
    const node = body.node ?? 'all';
    if (typeof node !== 'string') throw badParam('node', 'must be "all" or a node address');
    const addresses = node === 'all' ? undefined : [watched(node).address];
    const results = await deps.monitor.setLatencyThreshold(ms, addresses);
    return c.json({ nodes: results.map((r) => ({ node: r.address, thresholdMs: r.error ? null : ms, ...(r.error ? { error: r.error } : {}) })) });
  });

  app.get('/api/commandstats', async (c) => {
    const q = c.req.query();
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 300_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const [stats] = await commandStats(deps.store, parseNodes('node', q['node']), [{ from, to }]);
    return c.json({ from: from / 1000, to: to / 1000, ...stats });
  });

  app.get('/api/correlate', async (c) => {
    const q = c.req.query();
    const n = watched(q['node']);
    const t = deps.now();
    const ts = parseTime('ts', q['ts'], Number.NaN, t);
    if (!Number.isFinite(ts)) throw badParam('ts', 'is required: the moment to look around (unix seconds or ISO 8601)');
    const before = seconds('before', q['before'], 60, 86_400);
    const after = seconds('after', q['after'], 10, 86_400);
    const from = ts - before * 1000;
    const to = ts + after * 1000;
    const limit = parseLimit('limit', q['limit'], 100, 1000);
    const nodes = [n.address];
    // The window and the 10 minutes before it, read together: one series query per metric for both.
    const windows = [{ from, to }, { from: from - baselineMs, to: from }];
    const [log, latency, events, traffic, [during, baseline]] = await Promise.all([
      deps.store.searchCommandLog({ from, to, nodes }, { limit }),
      deps.store.latencyRange({ from, to, nodes, limit: 10_000 }),
      deps.store.events({ from, to, node: n.address, limit: 1000 }),
      Promise.all(
        trafficMetrics.map(async (metric) => {
          const [d, b] = await averagesOver(deps.store, metric, nodes, windows);
          const def = metricDef(metric)!;
          return { metric, unit: def.unit, kind: def.kind, during: d.get('') ?? null, baseline: b.get('') ?? null };
        }),
      ),
      commandStats(deps.store, nodes, windows),
    ]);
    const commands = during!.commands.slice(0, 20).map((cmd) => {
      const b = baseline!.commands.find((x) => x.cmd === cmd.cmd);
      return { cmd: cmd.cmd, usecPerSec: cmd.usecPerSec, callsPerSec: cmd.callsPerSec, usecPerCall: cmd.usecPerCall, baselineUsecPerSec: b?.usecPerSec ?? null, baselineCallsPerSec: b?.callsPerSec ?? null };
    });
    return c.json({
      node: n.address,
      ts: ts / 1000,
      from: from / 1000,
      to: to / 1000,
      baselineFrom: (from - baselineMs) / 1000,
      commandlog: log.entries.map(entryJson),
      commandlogTotal: log.total,
      latency: latency.map((r) => ({ ts: r.ts / 1000, event: r.event, ms: r.ms })),
      events: events.map((e) => ({ ...e, ts: e.ts / 1000, type: e.kind, message: eventMessage(e) })),
      traffic: traffic.filter((x) => x.during !== null || x.baseline !== null),
      commands,
    });
  });
}
