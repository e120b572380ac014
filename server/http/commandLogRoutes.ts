// /api/commandlog*: search, groups and per-node status of the command log (COMMANDLOG or SLOWLOG).
import type { Hono } from 'hono';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { CommandLogType } from '../collect/sink.ts';
import { commandLogTypes, type CommandLogCursor, type CommandLogFilter, type StoredCommandLogEntry } from '../store/logs.ts';
import type { Store } from '../store/types.ts';
import { badParam } from './errors.ts';
import { keyBlob } from '../keys/blobs.ts';
import { parseEnum, parseLimit, parseNodes, parseTime } from './params.ts';

const nodesOrAll = (n: string[] | 'all'): string[] | undefined => (n === 'all' ? undefined : n);

export interface CommandLogRouteDeps {
  store: Pick<Store, 'searchCommandLog' | 'groupCommandLog'>;
  nodes: () => NodeSnapshot[];
  now: () => number;
}

const maxWindowMs = 400 * 86_400_000;

/** An entry as the API shows it: unix seconds, arguments binary-safe, the value's unit spelled out. */
export function entryJson(e: StoredCommandLogEntry) {
  return {
    ts: e.ts / 1000,
    node: e.node,
    type: e.type,
    id: e.id,
    value: e.value,
    unit: e.type === 'slow' ? 'us' : 'bytes',
    cmd: e.cmd,
    args: e.args.map((a) => keyBlob(a)),
    argsCut: e.argsCut,
    argsMore: e.argsMore,
    line: e.line,
    pattern: e.pattern,
    client: e.client,
    clientName: e.clientName,
  };
}

function bound(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw badParam(name, `must be a number of microseconds or bytes (0 or more), got "${text}"`);
  return n;
}

/** The filter every command log route shares, from query parameters. */
export function commandLogFilter(q: Record<string, string>, now: number, fallbackMs = 86_400_000): CommandLogFilter {
  const to = parseTime('to', q['to'], now, now);
  const from = parseTime('from', q['from'], to - fallbackMs, now);
  if (from > to) throw badParam('from', 'must not be after to');
  if (to - from > maxWindowMs) throw badParam('from', 'the window is longer than 400 days');
  let types: CommandLogType[] | undefined;
  if (q['type']) {
    types = q['type'].split(',').filter(Boolean) as CommandLogType[];
    for (const t of types) if (!commandLogTypes.includes(t)) throw badParam('type', `must be one or more of ${commandLogTypes.join(', ')}, got "${t}"`);
  }
  const min = bound('min', q['min']);
  const max = bound('max', q['max']);
  if (min !== undefined && max !== undefined && min > max) throw badParam('min', 'must not be above max');
  const text = (name: string, maxLength: number) => {
    const v = q[name];
    if (v !== undefined && v.length > maxLength) throw badParam(name, `is longer than ${maxLength} characters`);
    return v || undefined;
  };
  return { from, to, types, nodes: nodesOrAll(parseNodes('node', q['node'] || undefined)), cmd: text('cmd', 200), pattern: text('pattern', 1000), client: text('client', 200), q: text('q', 1000), min, max };
}

export function encodeCursor(c: CommandLogCursor): string {
  return `${c.ts}.${c.nodeId}.${commandLogTypes.indexOf(c.type)}.${c.id}`;
}

export function decodeCursor(text: string | undefined): CommandLogCursor | undefined {
  if (text === undefined || text === '') return undefined;
  const m = /^(\d{1,15})\.(\d{1,5})\.([0-2])\.(\d{1,18})$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw badParam('before', `"${text}" is not a cursor from a previous reply's "next"`);
  return { ts: Number(m[1]), nodeId: Number(m[2]), type: commandLogTypes[Number(m[3])]!, id: Number(m[4]) };
}

export function registerCommandLogRoutes(app: Hono, deps: CommandLogRouteDeps): void {
  app.get('/api/commandlog', async (c) => {
    const q = c.req.query();
    const filter = commandLogFilter(q, deps.now());
    const limit = parseLimit('limit', q['limit'], 200, 1000);
    const page = await deps.store.searchCommandLog(filter, { limit, before: decodeCursor(q['before']) });
    return c.json({ entries: page.entries.map(entryJson), total: page.total, next: page.next ? encodeCursor(page.next) : null });
  });

  app.get('/api/commandlog/groups', async (c) => {
    const q = c.req.query();
    const filter = commandLogFilter(q, deps.now());
    const by = parseEnum('by', q['by'], ['command', 'pattern'] as const, 'command')!;
    const limit = parseLimit('limit', q['limit'], 200, 1000);
    const groups = await deps.store.groupCommandLog(filter, by, limit);
    return c.json({
      by,
      groups: groups.map((g) => ({ ...g, unit: g.type === 'slow' ? 'us' : 'bytes', first: g.first / 1000, last: g.last / 1000, example: entryJson(g.example) })),
    });
  });

  app.get('/api/commandlog/status', (c) =>
    c.json({
      nodes: deps.nodes().map((n) => ({
        node: n.address,
        state: n.state,
        source: n.commandLog?.source ?? null,
        sourceState: n.sources.commandlog.state,
        error: n.sources.commandlog.state === 'failing' ? n.sources.commandlog.lastError : undefined,
        logs: (n.commandLog?.logs ?? []).map((l) => ({ ...l, thresholdUnit: l.type === 'slow' ? 'us' : 'bytes' })),
      })),
    }),
  );
}
