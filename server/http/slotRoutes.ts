// /api/slots/*: slot-statistics status, enabling cpu/network counters, the heatmap, hot slots, balance and one range's series.
import type { Hono } from 'hono';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { SlotMetric, Store } from '../store/types.ts';
import { ApiError, badParam } from './errors.ts';
import { parseEnum, parseLimit, parseStep, parseTime } from './params.ts';

export interface SlotRouteDeps {
  store: Pick<Store, 'slotHeatmap' | 'slotHot' | 'slotBalance' | 'slotSeries'>;
  monitor: { nodes(): NodeSnapshot[]; enableSlotStatsCounters(): Promise<{ address: string; error?: string }[]> };
  readOnly: boolean;
  slotStatsIntervalMs: number;
  now: () => number;
}

const metrics = ['cpu', 'net_in', 'net_out', 'keys'] as const;

/** What the UI needs to explain the heatmap: is SLOT-STATS there, are cpu/network counted, can Skyscope turn them on. */
export function slotStatus(nodes: NodeSnapshot[], readOnly: boolean) {
  const primaries = nodes.filter((n) => n.role === 'primary' && n.clusterNodeId);
  const list = primaries.map((n) => ({
    address: n.address,
    supported: n.capabilities ? n.capabilities.includes('cluster|slot-stats') : false,
    cpuNet: n.slotStatsCounters ?? null,
    lastError: n.sources.slot_stats.state === 'failing' ? n.sources.slot_stats.lastError : undefined,
  }));
  const supported = list.filter((n) => n.supported);
  const on = supported.filter((n) => n.cpuNet === true).length;
  const off = supported.filter((n) => n.cpuNet === false).length;
  const cpuNet = supported.length === 0 ? 'unsupported' : off === 0 && on > 0 ? 'on' : on === 0 && off > 0 ? 'off' : on > 0 ? 'mixed' : 'off';
  let reason: string | undefined;
  if (primaries.length === 0) reason = 'Slot statistics need a Valkey cluster: no cluster primary is being watched.';
  else if (supported.length === 0) reason = 'No primary has CLUSTER SLOT-STATS (Valkey 8.0 or newer). Topology and per-node load still work.';
  else if (supported.length < list.length) reason = `${list.length - supported.length} of ${list.length} primaries lack CLUSTER SLOT-STATS (Valkey 8.0+): their slots stay blank.`;
  else if (cpuNet !== 'on') reason = 'Per-slot CPU and network need cluster-slot-stats-enabled yes on every primary; key counts work without it.';
  return { available: supported.length > 0, cpuNet, readOnly, reason, nodes: list };
}

export function registerSlotRoutes(app: Hono, deps: SlotRouteDeps): void {
  const window = (q: Record<string, string>, fallbackMs = 3_600_000) => {
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - fallbackMs, t);
    if (from >= to) throw badParam('from', 'must be before to');
    if (to - from > 400 * 86_400_000) throw badParam('from', 'the window is longer than 400 days');
    return { from, to, metric: parseEnum('metric', q['metric'], metrics, 'cpu') as SlotMetric };
  };
  const slotBound = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > 16383) throw badParam(name, `must be a slot number from 0 to 16383, got "${text}"`);
    return n;
  };
  const slotRange = (q: Record<string, string>) => {
    const slotFrom = slotBound('slotFrom', q['slotFrom'], 0);
    const slotTo = slotBound('slotTo', q['slotTo'], 16383);
    if (slotFrom > slotTo) throw badParam('slotFrom', 'must not be after slotTo');
    return { slotFrom, slotTo };
  };
  const minStepSeconds = Math.max(1, Math.round(deps.slotStatsIntervalMs / 1000));

  app.get('/api/slots/status', (c) => c.json(slotStatus(deps.monitor.nodes(), deps.readOnly)));

  app.post('/api/slots/enable', async (c) => {
    if (deps.readOnly) throw new ApiError(403, 'read_only', 'Skyscope runs with --read-only: it does not change server configuration');
    const results = await deps.monitor.enableSlotStatsCounters();
    if (results.length === 0) throw new ApiError(409, 'no_primaries', 'no reachable primary with CLUSTER SLOT-STATS to enable');
    return c.json({ ...slotStatus(deps.monitor.nodes(), deps.readOnly), results });
  });

  app.get('/api/slots/heatmap', async (c) => {
    const q = c.req.query();
    const w = window(q);
    const rows = parseLimit('rows', q['rows'], 256, 16384);
    const cols = parseLimit('cols', q['cols'], 300, 5000);
    return c.json(await deps.store.slotHeatmap({ ...w, ...slotRange(q), rows, cols, minStepSeconds }));
  });

  app.get('/api/slots/hot', async (c) => {
    const q = c.req.query();
    return c.json(await deps.store.slotHot({ ...window(q), limit: parseLimit('limit', q['limit'], 20, 1000) }));
  });

  app.get('/api/slots/balance', async (c) => c.json(await deps.store.slotBalance(window(c.req.query()))));

  app.get('/api/slots/series', async (c) => {
    const q = c.req.query();
    const w = window(q);
    const stepMs = parseStep('step', q['step']) ?? Math.ceil((w.to - w.from) / 600 / 1000) * 1000;
    return c.json(await deps.store.slotSeries({ ...w, ...slotRange(q), step: Math.max(1, Math.round(stepMs / 1000)), minStepSeconds }));
  });
}
