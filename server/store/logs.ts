// The command log and latency monitor history in DuckDB: appending, resume points, search, groups and ranges.
import {
  BIGINT,
  BLOB,
  DuckDBBlobValue,
  DuckDBListValue,
  INTEGER,
  LIST,
  TIMESTAMP,
  UINTEGER,
  USMALLINT,
  VARCHAR,
  listValue,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { CommandLogEntry, CommandLogType, LatencySample, LogResumePoints } from '../collect/sink.ts';
import { tsParam, type NamedQueries, type ParamTypes, type Params } from './db.ts';
import type { Dictionary } from './dictionary.ts';
import { StoreQueryError } from './errors.ts';

export const commandLogTypes: readonly CommandLogType[] = ['slow', 'large-request', 'large-reply'];

export interface CommandLogFilter {
  from: number;
  to: number;
  types?: CommandLogType[];
  nodes?: string[];
  cmd?: string;
  /** Exact argument pattern, e.g. "GET user:#". */
  pattern?: string;
  client?: string;
  q?: string;
  min?: number;
  max?: number;
}

export interface CommandLogCursor {
  ts: number;
  nodeId: number;
  type: CommandLogType;
  id: number;
}

/** An entry as read back; `ts` unix ms. */
export type StoredCommandLogEntry = Omit<CommandLogEntry, 'runId'>;

export interface CommandLogPage {
  entries: StoredCommandLogEntry[];
  total: number;
  /** Where the next (older) page starts; null when this page ended the matches. */
  next: CommandLogCursor | null;
}

export interface CommandLogGroup {
  type: CommandLogType;
  key: string;
  count: number;
  sum: number;
  max: number;
  avg: number;
  nodes: string[];
  first: number;
  last: number;
  /** The group's biggest entry. */
  example: StoredCommandLogEntry;
}

export interface LatencyRow {
  ts: number;
  node: string;
  event: string;
  ms: number;
}

export interface LatencyTotals {
  node: string;
  event: string;
  maxMs: number;
  samples: number;
  lastTs: number;
}

/** Appends entries in time order, row by row (lists of blobs are not in the data-chunk API's reach). */
export async function appendCommandLogRows(conn: DuckDBConnection, dict: Dictionary, entries: CommandLogEntry[], collected: number): Promise<void> {
  const rows = [...entries].sort((a, b) => a.ts - b.ts || a.id - b.id);
  const appender = await conn.createAppender('commandlog');
  try {
    const at = tsParam(collected);
    for (const e of rows) {
      appender.appendTimestamp(tsParam(e.ts));
      appender.appendUSmallInt(dict.nodeId(e.node));
      appender.appendVarchar(e.type);
      appender.appendBigInt(BigInt(e.id));
      appender.appendVarchar(e.runId);
      appender.appendBigInt(BigInt(Math.max(0, Math.round(e.value))));
      appender.appendVarchar(e.cmd);
      appender.appendList(listValue(e.args.map((a) => new DuckDBBlobValue(a))), LIST(BLOB));
      appender.appendList(listValue(e.argsCut.map((n) => Math.max(0, Math.round(n)))), LIST(UINTEGER));
      appender.appendUInteger(Math.max(0, e.argsMore));
      appender.appendVarchar(e.line);
      appender.appendVarchar(e.line.toLowerCase());
      appender.appendVarchar(e.pattern);
      appender.appendVarchar(e.client);
      appender.appendVarchar(e.clientName);
      appender.appendTimestamp(at);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

export async function appendLatencyRows(conn: DuckDBConnection, dict: Dictionary, samples: LatencySample[]): Promise<void> {
  const rows = [...samples].sort((a, b) => a.ts - b.ts);
  const appender = await conn.createAppender('latency_samples');
  try {
    for (const s of rows) {
      appender.appendTimestamp(tsParam(s.ts));
      appender.appendUSmallInt(dict.nodeId(s.node));
      appender.appendVarchar(s.event);
      appender.appendUInteger(Math.max(0, Math.round(s.ms)));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

export async function logResumePoints(db: NamedQueries): Promise<LogResumePoints> {
  const commandLog = (await db.read('commandlog_resume')).getRows().map(([node, type, runId, lastId]) => ({
    node: String(node),
    type: String(type) as CommandLogType,
    runId: String(runId),
    lastId: Number(lastId),
  }));
  const latency = (await db.read('latency_resume')).getRows().map(([node, event, lastTs]) => ({ node: String(node), event: String(event), lastTs: Number(lastTs) / 1000 }));
  return { commandLog, latency };
}

function checkRange(q: { from: number; to: number }): void {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to < q.from) throw new StoreQueryError('bad_request', 'needs finite from <= to');
}

/** Filter parameters shared by search and groups; text filters are matched case-insensitively. */
function filterParams(f: CommandLogFilter): { params: Params; types: ParamTypes } {
  checkRange(f);
  // Every type is no filter at all (NULL): the query then skips the per-row test.
  const types = f.types && f.types.length > 0 && commandLogTypes.some((t) => !f.types!.includes(t)) ? f.types : null;
  const opt = (v: string | undefined) => (v === undefined || v === '' ? null : v);
  const optNum = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : BigInt(Math.round(v)));
  return {
    params: {
      from: tsParam(f.from),
      to: tsParam(f.to),
      types: types ? listValue([...types]) : null,
      nodes: f.nodes && f.nodes.length > 0 ? listValue(f.nodes) : null,
      cmd: opt(f.cmd?.toLowerCase()),
      pattern: opt(f.pattern),
      client: opt(f.client?.toLowerCase()),
      q: opt(f.q?.toLowerCase()),
      min: optNum(f.min),
      max: optNum(f.max),
    },
    types: { types: LIST(VARCHAR), nodes: LIST(VARCHAR), cmd: VARCHAR, pattern: VARCHAR, client: VARCHAR, q: VARCHAR, min: BIGINT, max: BIGINT },
  };
}

function blobs(v: unknown): Uint8Array[] {
  return v instanceof DuckDBListValue ? v.items.map((b) => (b as DuckDBBlobValue).bytes) : [];
}

function numbers(v: unknown): number[] {
  return v instanceof DuckDBListValue ? v.items.map((n) => Number(n)) : [];
}

function entryFrom(r: unknown[]): StoredCommandLogEntry {
  const [ts, node, type, id, value, cmd, args, argsCut, argsMore, line, pattern, client, clientName] = r;
  return {
    ts: Number(ts),
    node: String(node),
    type: String(type) as CommandLogType,
    id: Number(id),
    value: Number(value),
    cmd: String(cmd),
    args: blobs(args),
    argsCut: numbers(argsCut),
    argsMore: Number(argsMore),
    line: String(line),
    pattern: String(pattern),
    client: String(client),
    clientName: String(clientName),
  };
}

/** Every match of the filter in its range (the page's `total`). */
export async function countCommandLog(db: NamedQueries, f: CommandLogFilter): Promise<number> {
  const { params, types } = filterParams(f);
  return Number((await db.read('commandlog_count', params, types)).getRows()[0]![0]);
}

/** One page of matches, newest first; `total` is filled in by the caller (countCommandLog, run beside it). */
export async function searchCommandLog(db: NamedQueries, f: CommandLogFilter, page: { limit: number; before?: CommandLogCursor }): Promise<Omit<CommandLogPage, 'total'>> {
  const { entries, next } = await readPage(db, 'commandlog_search', f, page);
  return { entries, next };
}

/** Whether a filter searches text: then one scan that keeps the matches serves both page and count (searchCommandLogCounted). */
export function searchesText(f: CommandLogFilter): boolean {
  return Boolean(f.q || f.client);
}

/** The page and the number of matches from one scan; for text filters, whose matches are few and whose scan is the cost. */
export async function searchCommandLogCounted(db: NamedQueries, f: CommandLogFilter, page: { limit: number; before?: CommandLogCursor }): Promise<CommandLogPage> {
  const { entries, next, rows } = await readPage(db, 'commandlog_search_counted', f, page);
  return { entries, next, total: Number(rows[0]?.[14] ?? 0) };
}

async function readPage(db: NamedQueries, query: 'commandlog_search' | 'commandlog_search_counted', f: CommandLogFilter, page: { limit: number; before?: CommandLogCursor }) {
  const { params, types } = filterParams(f);
  const limit = Math.max(1, Math.floor(page.limit));
  const b = page.before;
  const reader = await db.read(
    query,
    {
      ...params,
      before_ts: b ? tsParam(b.ts) : null,
      before_node: b ? b.nodeId : null,
      before_type: b ? b.type : null,
      before_id: b ? BigInt(b.id) : null,
      limit,
    },
    { ...types, before_ts: TIMESTAMP, before_node: USMALLINT, before_type: VARCHAR, before_id: BIGINT, limit: INTEGER },
  );
  const rows = reader.getRows();
  // The counted form answers one row with a NULL entry when the page is empty.
  const found = rows.filter((r) => r[0] !== null);
  const entries = found.map(entryFrom);
  const last = found.at(-1);
  const next = last && found.length === limit ? { ts: Number(last[0]), nodeId: Number(last[13]), type: String(last[2]) as CommandLogType, id: Number(last[3]) } : null;
  return { entries, next, rows };
}

export async function groupCommandLog(db: NamedQueries, f: CommandLogFilter, by: 'command' | 'pattern', limit: number): Promise<CommandLogGroup[]> {
  const { params, types } = filterParams(f);
  const reader = await db.read('commandlog_groups', { ...params, by, limit: Math.max(1, Math.floor(limit)) }, { ...types, by: VARCHAR, limit: INTEGER });
  return reader.getRows().map((r) => {
    const [type, key, count, sum, max, avg, nodes, first, last, ...ex] = r;
    const [exTs, exNode, exId, exCmd, exArgs, exCut, exMore, exLine, exPattern, exClient, exClientName] = ex;
    return {
      type: String(type) as CommandLogType,
      key: String(key),
      count: Number(count),
      sum: Number(sum),
      max: Number(max),
      avg: Number(avg),
      nodes: nodes instanceof DuckDBListValue ? nodes.items.map(String) : [],
      first: Number(first),
      last: Number(last),
      example: entryFrom([exTs, exNode, type, exId, max, exCmd, exArgs, exCut, exMore, exLine, exPattern, exClient, exClientName]),
    };
  });
}

export async function latencyRange(db: NamedQueries, q: { from: number; to: number; nodes?: string[]; events?: string[]; limit: number }): Promise<LatencyRow[]> {
  checkRange(q);
  const reader = await db.read(
    'latency_range',
    {
      from: tsParam(q.from),
      to: tsParam(q.to),
      nodes: q.nodes && q.nodes.length > 0 ? listValue(q.nodes) : null,
      events: q.events && q.events.length > 0 ? listValue(q.events) : null,
      limit: Math.max(1, Math.floor(q.limit)),
    },
    { nodes: LIST(VARCHAR), events: LIST(VARCHAR), limit: INTEGER },
  );
  return reader.getRows().map(([ts, node, event, ms]) => ({ ts: Number(ts), node: String(node), event: String(event), ms: Number(ms) }));
}

export async function latencyTotals(db: NamedQueries): Promise<LatencyTotals[]> {
  return (await db.read('latency_totals')).getRows().map(([node, event, maxMs, samples, lastTs]) => ({
    node: String(node),
    event: String(event),
    maxMs: Number(maxMs),
    samples: Number(samples),
    lastTs: Number(lastTs),
  }));
}
