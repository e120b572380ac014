// The audit trail (every write made through Skyscope) and the CLI's history in DuckDB: recording and reading back.
import { BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import { tsParam, tsToMs, type NamedQueries } from './db.ts';
import { StoreQueryError } from './errors.ts';

export type AuditSource = 'cli' | 'browser' | 'bulk';

/** One write as the caller records it; `command` must already be redacted (see server/valkey/redact.ts). */
export interface AuditRow {
  /** Unix ms; default now. */
  ts?: number;
  source: AuditSource;
  /** host:port the command went to; null when it never reached a node. */
  node: string | null;
  command: string;
  /** What it changed: a key, a pattern, "db", "server" ... */
  target?: string | null;
  ok: boolean;
  error?: string | null;
}

export interface StoredAuditRow {
  ts: number;
  source: AuditSource;
  node: string | null;
  command: string;
  target: string | null;
  ok: boolean;
  error: string | null;
}

export interface CliHistoryRow {
  ts?: number;
  node: string | null;
  /** Redacted. */
  command: string;
  ok: boolean;
  ms: number;
}

export type StoredCliHistoryRow = Required<CliHistoryRow>;

/** Commands are display text: cut so one pasted megabyte does not land in the file. */
const maxCommandChars = 1024;
const maxErrorChars = 1024;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const nullableText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function insertAudit(db: NamedQueries, row: AuditRow, now: number): Promise<void> {
  await db.run(
    'audit_insert',
    {
      ts: tsParam(row.ts ?? now),
      source: row.source,
      node: row.node,
      command: cut(row.command, maxCommandChars),
      target: row.target === undefined || row.target === null ? null : cut(row.target, maxCommandChars),
      ok: row.ok,
      error: row.error === undefined || row.error === null ? null : cut(row.error, maxErrorChars),
    },
    { source: VARCHAR, node: VARCHAR, command: VARCHAR, target: VARCHAR, ok: BOOLEAN, error: VARCHAR },
  );
}

export async function auditRange(db: NamedQueries, q: { from: number; to: number; limit: number }): Promise<StoredAuditRow[]> {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from) throw new StoreQueryError('bad_request', 'needs finite from < to');
  const reader = await db.read('audit_range', { from: tsParam(q.from), to: tsParam(q.to), limit: Math.max(0, Math.floor(q.limit)) }, { limit: INTEGER });
  return reader.getRows().map(([ts, source, node, command, target, ok, error]) => ({
    ts: tsToMs(ts)!,
    source: String(source) as AuditSource,
    node: nullableText(node),
    command: String(command),
    target: nullableText(target),
    ok: ok === true,
    error: nullableText(error),
  }));
}

export async function insertCliHistory(db: NamedQueries, row: CliHistoryRow, now: number): Promise<void> {
  await db.run(
    'cli_history_insert',
    { ts: tsParam(row.ts ?? now), node: row.node, command: cut(row.command, maxCommandChars), ok: row.ok, ms: row.ms },
    { node: VARCHAR, command: VARCHAR, ok: BOOLEAN, ms: DOUBLE },
  );
}

export async function cliHistory(db: NamedQueries, limit: number): Promise<StoredCliHistoryRow[]> {
  const reader = await db.read('cli_history_list', { limit: Math.max(0, Math.floor(limit)) }, { limit: INTEGER });
  return reader.getRows().map(([ts, node, command, ok, ms]) => ({ ts: tsToMs(ts)!, node: nullableText(node), command: String(command), ok: ok === true, ms: Number(ms) }));
}
