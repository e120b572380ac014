// /api/hotkeys/*: what detection would use here, starting and cancelling a run, stored runs with their keys, a key's history.
import type { Hono } from 'hono';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import { chooseMethod, HotkeyRunError, type HotkeyRunner } from '../hotkeys/runner.ts';
import type { HotkeySchedule } from '../hotkeys/schedule.ts';
import { hotkeyMethods, hotkeyMetrics, type HotkeyMethod } from '../hotkeys/types.ts';
import type { Store } from '../store/types.ts';
import { keyBlob } from '../keys/blobs.ts';
import { ApiError, badParam } from './errors.ts';
import { parseEnum, parseLimit, parseTime } from './params.ts';

export interface HotkeyRouteDeps {
  store: Pick<Store, 'hotkeyRuns' | 'hotkeyRun' | 'hotkeyHistory'>;
  runner: Pick<HotkeyRunner, 'start' | 'cancel' | 'status'>;
  /** Absent: no schedule (the schedule routes answer 404). */
  schedule?: Pick<HotkeySchedule, 'state' | 'set'>;
  nodes(): NodeSnapshot[];
  now: () => number;
}

const maxDurationS = 300;

/** What each method costs the server, in words the UI shows before a run starts. */
const costs: Partial<Record<HotkeyMethod, string>> = {
  monitor:
    'MONITOR makes the server copy every command to Skyscope while it is on: it is switched on 10% of the time (250 ms every 2.5 s) and never left running; expect a few % less throughput during the run, nothing after.',
  redis_hotkeys:
    'HOTKEYS tracks every command for the run (Redis measured up to 15% less throughput in its worst case); the session is stopped and reset at the end, and the server ends it by itself if Skyscope goes away.',
  valkey_hotkeys: "Reads the server's own HOTKEYS results: nothing is started or reconfigured.",
  slot_scan:
    'Two CLUSTER SLOT-STATS calls per primary (a few ms each), then only the hot slots\' keys are read (CLUSTERSCAN or GETKEYSINSLOT, paced to 50,000 keys/s per node, at most 200 slots) with OBJECT FREQ under an LFU policy; without LFU a duty-cycled MONITOR sample (on 10% of the time) ranks them.',
};

function parseDuration(text: string | undefined | unknown): number {
  if (text === undefined) return 30;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1 || n > maxDurationS) throw badParam('durationS', `must be 1..${maxDurationS} seconds`);
  return Math.round(n);
}

/** The request's JSON object body ({} when empty), or a JSON 400 showing `example`. */
async function jsonBody(req: Request, example: string): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw badParam('body', `must be a JSON object like ${example}`);
  }
}

export function registerHotkeyRoutes(app: Hono, deps: HotkeyRouteDeps): void {
  app.get('/api/hotkeys/status', (c) => {
    const choice = chooseMethod(deps.nodes());
    return c.json({
      auto: choice.method,
      why: choice.why,
      available: choice.available,
      notes: choice.notes,
      // What the user must know before starting: MONITOR slows the server while it is on.
      cost: costs[choice.method],
      // The same for every method available here, for when the user overrides auto.
      costs: Object.fromEntries(choice.available.map((m) => [m, costs[m] ?? null])),
      run: deps.runner.status() ?? null,
      schedule: deps.schedule?.state() ?? null,
    });
  });

  app.get('/api/hotkeys/schedule', (c) => {
    if (!deps.schedule) throw new ApiError(404, 'not_found', 'no hot-key schedule here');
    return c.json(deps.schedule.state());
  });

  // {everyS: 3600 | null, method?, durationS?, top?}: replaces the schedule (kept until Skyscope stops; --hotkeys-every sets it at start).
  app.put('/api/hotkeys/schedule', async (c) => {
    if (!deps.schedule) throw new ApiError(404, 'not_found', 'no hot-key schedule here');
    const body = await jsonBody(c.req.raw, '{"everyS": 3600, "method": "auto", "durationS": 30}');
    const every = body['everyS'];
    if (every !== null && (typeof every !== 'number' || !Number.isFinite(every))) throw badParam('everyS', 'must be a number of seconds (at least 60) or null to turn the schedule off');
    const method = body['method'] === undefined ? 'auto' : String(body['method']);
    if (method !== 'auto' && !hotkeyMethods.includes(method as HotkeyMethod)) throw badParam('method', `must be auto or one of ${hotkeyMethods.join(', ')}`);
    const durationS = parseDuration(body['durationS']);
    const top = parseLimit('top', body['top'] === undefined ? undefined : String(body['top']), 100, 1000);
    try {
      return c.json(deps.schedule.set({ everyMs: every === null ? null : Math.round(every * 1000), method: method as HotkeyMethod | 'auto', durationS, top }));
    } catch (e) {
      if (e instanceof RangeError) throw badParam('everyS', e.message);
      throw e;
    }
  });

  app.post('/api/hotkeys/runs', async (c) => {
    const body = await jsonBody(c.req.raw, '{"method": "auto", "durationS": 30}');
    const method = body['method'] === undefined ? 'auto' : String(body['method']);
    if (method !== 'auto' && !hotkeyMethods.includes(method as HotkeyMethod)) throw badParam('method', `must be auto or one of ${hotkeyMethods.join(', ')}`);
    const durationS = parseDuration(body['durationS']);
    const top = parseLimit('top', body['top'] === undefined ? undefined : String(body['top']), 100, 1000);
    try {
      const progress = deps.runner.start({ method: method as HotkeyMethod | 'auto', durationS, top, trigger: 'manual' });
      return c.json(progress, 202);
    } catch (e) {
      if (e instanceof HotkeyRunError) throw new ApiError(e.code === 'busy' ? 409 : e.code === 'no_nodes' ? 409 : 400, e.code, e.message);
      throw e;
    }
  });

  app.delete('/api/hotkeys/runs/current', async (c) => c.json((await deps.runner.cancel()) ?? null));

  app.get('/api/hotkeys/runs', async (c) => {
    const q = c.req.query();
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 7 * 86_400_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const runs = await deps.store.hotkeyRuns({ from, to: to + 1, limit: parseLimit('limit', q['limit'], 50, 1000) });
    return c.json({ runs: runs.map((r) => ({ ...r, started: r.started / 1000, finished: r.finished / 1000 })) });
  });

  app.get('/api/hotkeys/runs/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id < 1) throw badParam('id', 'must be a run id (a positive whole number)');
    const metric = parseEnum('metric', c.req.query('metric'), hotkeyMetrics, undefined);
    const run = await deps.store.hotkeyRun(id);
    if (!run) throw new ApiError(404, 'not_found', `no hot-key run ${id}`);
    const rows = run.rows.filter((r) => !metric || r.metric === metric);
    return c.json({ ...run, started: run.started / 1000, finished: run.finished / 1000, rows: rows.map((r) => ({ ...r, key: keyBlob(r.key) })) });
  });

  app.get('/api/hotkeys/history', async (c) => {
    const q = c.req.query();
    const hex = q['key'] ?? '';
    if (hex === '' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw badParam('key', 'must be the key as hex (the "hex" field of a run row)');
    const t = deps.now();
    const to = parseTime('to', q['to'], t, t);
    const from = parseTime('from', q['from'], to - 7 * 86_400_000, t);
    if (from >= to) throw badParam('from', 'must be before to');
    const points = await deps.store.hotkeyHistory({ key: Buffer.from(hex, 'hex'), from, to: to + 1 });
    return c.json({ key: keyBlob(Buffer.from(hex, 'hex')), points: points.map((p) => ({ ...p, ts: p.ts / 1000 })) });
  });
}
