// The Hono app: /api routes, the live stream, Prometheus /metrics and the UI; the only code that speaks HTTP.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Sample, NodeEvent } from '../collect/sink.ts';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { TargetStatus } from '../collect/monitor.ts';
import type { Topology } from '../collect/clusterTopology.ts';
import { catalog, metricDef } from '../metrics/catalog.ts';
import type { LatestValues } from '../metrics/latestValues.ts';
import type { LatestSamples } from '../metrics/latestSamples.ts';
import type { LiveHub } from '../metrics/liveHub.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { ApiError, badParam, errorResponse } from './errors.ts';
import { eventMessage } from './eventText.ts';
import { parseEnum, parseLimit, parseNodes, parseSelector, parseStep, parseTime } from './params.ts';
import { renderPrometheus } from './prometheusText.ts';
import { securityMiddleware } from './security.ts';
import { registerCommandLogRoutes } from './commandLogRoutes.ts';
import { registerLatencyRoutes, type LatencyRouteDeps } from './latencyRoutes.ts';
import { registerHotkeyRoutes, type HotkeyRouteDeps } from './hotkeyRoutes.ts';
import { registerSlotRoutes } from './slotRoutes.ts';
import { registerKeyRoutes, type KeyRouteDeps } from './keyRoutes.ts';
import { registerCliRoutes, type CliRouteDeps } from './cliRoutes.ts';

export interface AppDeps {
  store: Pick<Store, 'series' | 'events' | 'sql' | 'stats' | 'slotHeatmap' | 'slotHot' | 'slotBalance' | 'slotSeries' | 'hotkeyRuns' | 'hotkeyRun' | 'hotkeyHistory' | 'searchCommandLog' | 'groupCommandLog' | 'latencyRange' | 'latencyTotals' | 'cliHistory' | 'audit'>;
  monitor: { nodes(): NodeSnapshot[]; targets(): TargetStatus[]; topology(): Topology; enableSlotStatsCounters(): Promise<{ address: string; error?: string }[]> } & LatencyRouteDeps['monitor'];
  latest: LatestValues;
  /** Newest stored sample per series (rates for counters), for /api/latest. */
  latestSamples: LatestSamples;
  live: LiveHub;
  server: { host: string; port: number; token?: string; readOnly: boolean; infoIntervalMs: number; slotStatsIntervalMs?: number };
  version: string;
  startedAt: number;
  log: Logger;
  now?: () => number;
  /** Hot-key detection; absent where a test does not need it. */
  hotkeys?: HotkeyRouteDeps['runner'];
  hotkeySchedule?: HotkeyRouteDeps['schedule'];
  /** The key browser (browse, edit, bulk delete, memory analysis); absent where a test does not need it. */
  keys?: { browser: KeyRouteDeps['keys']; store: KeyRouteDeps['store'] };
  /** The integrated CLI; absent where a test does not need it. */
  cli?: CliRouteDeps['runner'];
  /** Serves UI files; absent in --headless mode. */
  ui?: (path: string) => Response | undefined;
  /** How often the live stream sends a keep-alive comment. */
  heartbeatMs?: number;
  /** The port actually bound (when 0 was asked for), for the Host check. */
  portRef?: () => number | undefined;
}

/** Charts ask for about one bucket per pixel; more points than this (2 per bucket with agg=minmax) is a wrong step, unless the caller raises it with maxPoints. */
const maxBuckets = 20_000;
/** The most values (buckets x requested nodes) a caller may ask for with maxPoints, e.g. every raw sample of a week. */
const maxPointsCap = 2_000_000;
const maxSparklines = 200;

/** Totals make sense for rates and amounts; for ratios, durations and flags an average does. */
function sparklineCombine(def: { kind: string; unit: string }): 'sum' | 'avg' {
  if (def.kind === 'counter') return 'sum';
  return ['bytes', 'keys', 'clients', 'connections', 'count', 'commands', 'calls', 'errors'].includes(def.unit) ? 'sum' : 'avg';
}

/** "a,b,c" -> known metric names; undefined when absent; 400 for unknown names or too many. */
function parseMetricList(name: string, raw: string | undefined, max: number): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const list = [...new Set(raw.split(',').map((m) => m.trim()).filter(Boolean))];
  if (list.length > max) throw badParam(name, `at most ${max} metrics per request`);
  for (const m of list) if (!metricDef(m)) throw badParam(name, `unknown metric "${m}" (see /api/metrics)`);
  return list;
}
const sqlRowLimit = 10_000;
const sqlTimeoutMs = 10_000;

export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.onError((e, c) => errorResponse(c, e, deps.log.error));
  app.use('*', securityMiddleware({ ...deps.server, port: () => deps.portRef?.() ?? deps.server.port }));

  app.get('/api/health', (c) => {
    const nodes = deps.monitor.nodes();
    return c.json({
      status: 'ok',
      version: deps.version,
      db: deps.store.stats(),
      nodes: { total: nodes.length, up: nodes.filter((n) => n.state === 'up').length, down: nodes.filter((n) => n.state === 'down').length },
      readOnly: deps.server.readOnly,
      uptimeSeconds: Math.round((now() - deps.startedAt) / 1000),
    });
  });

  app.get('/api/nodes', (c) =>
    c.json({
      nodes: deps.monitor.nodes().map((n) => ({ id: n.address, ...n })),
      targets: deps.monitor.targets(),
    }),
  );

  // As last discovered (every topology interval, sooner after a failover): see docs/slots-api.md.
  app.get('/api/topology', (c) => c.json(deps.monitor.topology()));

  app.get('/api/metrics', (c) =>
    c.json({
      metrics: catalog.map((d) => ({ name: d.name, unit: d.unit, kind: d.kind, description: d.help, labels: d.labels ?? [], source: d.source, key: d.key ?? false, stored: d.name !== 'valkey_node_info' })),
    }),
  );

  app.get('/api/series', async (c) => {
    const q = c.req.query();
    const { metric, labels } = parseSelector('metric', q['metric']);
    const def = metricDef(metric);
    if (!def) throw badParam('metric', `unknown metric "${metric}" (see /api/metrics)`);
    const t = now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 3_600_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const step = parseStep('step', q['step']) ?? Math.max(deps.server.infoIntervalMs, Math.ceil((to - from) / 1000 / 1000) * 1000);
    // minmax: per-pixel min/max decimation, two points per bucket (see SeriesAgg).
    const agg = parseEnum('agg', q['agg'], ['avg', 'max', 'min', 'last', 'minmax'] as const, 'avg')!;
    const combine = parseEnum('combine', q['combine'], ['sum', 'avg', 'max', 'min'] as const, undefined);
    const format = parseEnum('format', q['format'], ['json', 'f64'] as const, 'json')!;
    const nodes = parseNodes('node', q['node']);
    // Points per series: one per bucket, two with agg=minmax.
    const perBucket = agg === 'minmax' ? 2 : 1;
    const points = ((to - from) / step) * perBucket;
    const unit = perBucket === 2 ? 'points (2 per bucket with agg=minmax)' : 'buckets';
    if (q['maxPoints']) {
      const maxPoints = parseLimit('maxPoints', q['maxPoints'], maxBuckets, maxPointsCap);
      const columns = nodes === 'all' ? Math.max(1, deps.monitor.nodes().length) : nodes.length;
      if (points * columns > maxPoints) throw badParam('step', `too small for this range: ${Math.ceil(points)} ${unit} x ${columns} node(s) is more than maxPoints=${maxPoints}`);
    } else if (points > maxBuckets) {
      throw badParam('step', `too small for this range: at most ${maxBuckets} ${unit} (maxPoints=N raises the limit to N ${unit} x nodes, at most ${maxPointsCap})`);
    }
    const result = await deps.store.series({ metric, labels, nodes, from, to, step, agg, combine });
    if (format === 'f64') return f64Response({ metric, unit: def.unit, kind: def.kind, step: result.step, source: result.source, series: result.series }, result.data);
    return c.json({ metric, unit: def.unit, kind: def.kind, ...result });
  });

  app.get('/api/latest', (c) => {
    const q = c.req.query();
    const metrics = parseMetricList('metric', q['metric'], 1000);
    const nodes = q['node'] && q['node'] !== 'all' ? new Set(q['node'].split(',').filter(Boolean)) : undefined;
    const values = deps.latestSamples.query(metrics && new Set(metrics), nodes);
    return c.json({ values: values.map((s) => ({ node: s.node, metric: s.metric, labels: s.labels ?? {}, value: s.value, ts: s.ts / 1000 })) });
  });

  // Many small trend lines at once for the metrics explorer: each metric folded over nodes and labels.
  app.get('/api/sparklines', async (c) => {
    const q = c.req.query();
    const metrics = parseMetricList('metric', q['metric'], maxSparklines);
    if (!metrics) throw badParam('metric', `give one or more metric names separated by commas (at most ${maxSparklines})`);
    const t = now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 3_600_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const points = parseLimit('points', q['points'], 60, 500);
    const step = Math.max(deps.server.infoIntervalMs, Math.ceil((to - from) / points / 1000) * 1000);
    const nodeParam = q['node'] ?? 'all';
    const nodes = nodeParam === 'all' ? ('all' as const) : nodeParam.split(',').filter(Boolean);
    let x: number[] | undefined;
    let stepSeconds = step / 1000;
    const series: Record<string, (number | null)[]> = {};
    // One query per metric; queued on the store's read connections together rather than one after another.
    const results = await Promise.all(metrics.map((metric) => deps.store.series({ metric, nodes, from, to, step, agg: 'avg', combine: sparklineCombine(metricDef(metric)!) })));
    metrics.forEach((metric, i) => {
      const r = results[i]!;
      x ??= r.data[0] as number[];
      stepSeconds = r.step;
      series[metric] = (r.data[1] as (number | null)[] | undefined) ?? x.map(() => null);
    });
    return c.json({ from: from / 1000, to: to / 1000, step: stepSeconds, x: x ?? [], series });
  });

  app.get('/api/events', async (c) => {
    const q = c.req.query();
    const t = now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 86_400_000, t);
    if (from > to) throw badParam('from', 'must not be after to');
    const limit = parseLimit('limit', q['limit'], 1000, 100_000);
    const events = await deps.store.events({ from, to, node: q['node'] || undefined, limit });
    return c.json({ events: events.map((e) => ({ ...e, ts: e.ts / 1000, type: e.kind, message: eventMessage(e) })) });
  });

  registerSlotRoutes(app, { store: deps.store, monitor: deps.monitor, readOnly: deps.server.readOnly, slotStatsIntervalMs: deps.server.slotStatsIntervalMs ?? 10_000, now });
  registerCommandLogRoutes(app, { store: deps.store, nodes: () => deps.monitor.nodes(), now });
  registerLatencyRoutes(app, { store: deps.store, monitor: deps.monitor, readOnly: deps.server.readOnly, now });
  if (deps.cli) registerCliRoutes(app, { runner: deps.cli, store: deps.store, readOnly: deps.server.readOnly, now });
  if (deps.keys) registerKeyRoutes(app, { keys: deps.keys.browser, store: deps.keys.store, readOnly: deps.server.readOnly });
  if (deps.hotkeys) registerHotkeyRoutes(app, { store: deps.store, runner: deps.hotkeys, schedule: deps.hotkeySchedule, nodes: () => deps.monitor.nodes(), now });

  app.post('/api/sql', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw badParam('body', 'must be JSON like {"sql": "SELECT ..."}');
    }
    const sql = (body as { sql?: unknown } | null)?.sql;
    if (typeof sql !== 'string' || sql.trim() === '') throw badParam('sql', 'is required: a single read-only statement');
    const started = performance.now();
    const result = await deps.store.sql(sql, { rowLimit: sqlRowLimit, timeoutMs: sqlTimeoutMs });
    return c.json({ ...result, rowLimit: sqlRowLimit, elapsedMs: Math.round(performance.now() - started) });
  });

  app.get('/api/live', (c) => {
    const q = c.req.query();
    const metrics = q['metric'] ? new Set(q['metric'].split(',')) : undefined;
    for (const m of metrics ?? []) if (!metricDef(m)) throw badParam('metric', `unknown metric "${m}"`);
    const nodes = q['node'] && q['node'] !== 'all' ? new Set(q['node'].split(',')) : undefined;
    return streamSSE(c, async (stream) => {
      const queue: { event: string; data: string }[] = [];
      let wake: (() => void) | undefined;
      const push = (event: string, data: unknown) => {
        // A slow browser must not grow memory without bound: keep the newest messages.
        if (queue.length > 1000) queue.splice(0, queue.length - 1000);
        queue.push({ event, data: JSON.stringify(data) });
        wake?.();
      };
      const unsubscribe = deps.live.subscribe({
        filter: { metrics, nodes },
        onSamples: (s: Sample[]) => push('samples', s.map((x) => ({ ts: x.ts / 1000, node: x.node, metric: x.metric, labels: x.labels ?? {}, value: x.value }))),
        onEvents: (e: NodeEvent[]) => push('events', e.map((x) => ({ ...x, ts: x.ts / 1000, type: x.kind, message: eventMessage(x) }))),
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ version: deps.version, nodes: deps.monitor.nodes().map((n) => n.address) }) });
      const heartbeat = setInterval(() => push('ping', { ts: now() / 1000 }), deps.heartbeatMs ?? 5000);
      try {
        while (!stream.aborted) {
          while (queue.length > 0 && !stream.aborted) await stream.writeSSE(queue.shift()!);
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });

  app.get('/metrics', (c) => {
    const body = renderPrometheus(
      deps.latest,
      deps.monitor.nodes().map((n) => ({ address: n.address, flavor: n.flavor, version: n.version, role: n.role })),
    );
    return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.all('/api/*', () => {
    throw new ApiError(404, 'not_found', 'no such API route');
  });

  app.get('*', (c) => {
    if (!deps.ui) throw new ApiError(404, 'not_found', 'running --headless: the UI is off; the API is under /api');
    const res = deps.ui(c.req.path);
    if (!res) throw new ApiError(404, 'not_found', `no such page: ${c.req.path}`);
    return res;
  });

  return app;
}

/**
 * format=f64: the same series as a compact binary body for very long charts, where JSON's text is the
 * bottleneck. Layout: uint32 (little-endian) length of a UTF-8 JSON header {metric, unit, kind, step, source,
 * series, rows, columns}; the header; zero padding to a multiple of 8 bytes; then `columns` columns of
 * `rows` little-endian float64 each: x (unix seconds) first, then one per entry of series, NaN for null.
 */
function f64Response(head: Record<string, unknown>, data: (number | null)[][]): Response {
  const rows = data[0]?.length ?? 0;
  const header = new TextEncoder().encode(JSON.stringify({ ...head, rows, columns: data.length }));
  const offset = Math.ceil((4 + header.length) / 8) * 8;
  const body = new ArrayBuffer(offset + data.length * rows * 8);
  new DataView(body).setUint32(0, header.length, true);
  new Uint8Array(body, 4, header.length).set(header);
  const values = new Float64Array(body, offset);
  for (let c = 0; c < data.length; c++) {
    const column = data[c]!;
    const base = c * rows;
    for (let r = 0; r < rows; r++) values[base + r] = column[r] ?? Number.NaN;
  }
  return new Response(body, { headers: { 'content-type': 'application/octet-stream' } });
}
