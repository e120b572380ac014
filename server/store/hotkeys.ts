// Hot-key runs in DuckDB: saving a finished run with its keys, listing runs, one run's keys, one key's history.
import { BLOB, DuckDBBlobValue, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { hotkeyUnits, type HotkeyMetric, type HotkeyRow, type HotkeyRun, type HotkeyRunStatus, type HotkeyMethod, type HotkeyUnit } from '../hotkeys/types.ts';
import { tsParam, tsToMs, type NamedQueries } from './db.ts';
import type { Dictionary } from './dictionary.ts';
import { StoreQueryError } from './errors.ts';

export interface StoredHotkeyRun extends Omit<HotkeyRun, 'rows'> {
  id: number;
  /** Key rows the run found. */
  keys: number;
}

export type StoredHotkeyRow = HotkeyRow;

export interface HotkeyHistoryPoint {
  ts: number;
  node: string;
  metric: HotkeyMetric;
  value: number;
  unit: HotkeyUnit;
  error: number | null;
  share: number | null;
  rank: number;
  method: HotkeyMethod;
  runId: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Writes the run, then its key rows with the run's id; the caller runs this in a transaction on the writer. */
export async function saveHotkeyRun(db: NamedQueries, dict: Dictionary, run: HotkeyRun): Promise<number> {
  const reader = await db.read(
    'hotkey_run_insert',
    { started: tsParam(run.started), finished: tsParam(run.finished), method: run.method, status: run.status, trigger: run.trigger, detail: JSON.stringify(run.detail) },
    { method: VARCHAR, status: VARCHAR, trigger: VARCHAR, detail: VARCHAR },
  );
  const id = Number(reader.getRows()[0]![0]);
  if (run.rows.length === 0) return id;
  const appender = await db.conn.createAppender('hotkeys');
  try {
    const ts = tsParam(run.finished);
    const optionalInt = (v: number | null, append: (n: number) => void) => (v === null || !Number.isFinite(v) ? appender.appendNull() : append(v));
    for (const r of run.rows) {
      appender.appendInteger(id);
      appender.appendTimestamp(ts);
      appender.appendUSmallInt(dict.nodeId(r.node));
      appender.appendBlob(r.key);
      appender.appendVarchar(r.metric);
      appender.appendDouble(r.value);
      appender.appendVarchar(hotkeyUnits[r.metric]);
      optionalInt(r.error, (n) => appender.appendDouble(n));
      optionalInt(r.share, (n) => appender.appendDouble(n));
      optionalInt(r.memoryBytes, (n) => appender.appendBigInt(BigInt(Math.round(n))));
      optionalInt(r.slot, (n) => appender.appendUSmallInt(n));
      if (r.type === null) appender.appendNull();
      else appender.appendVarchar(r.type);
      optionalInt(r.ttlMs, (n) => appender.appendBigInt(BigInt(Math.round(n))));
      appender.appendUSmallInt(Math.min(65535, Math.max(0, r.rank)));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return id;
}

export async function listHotkeyRuns(db: NamedQueries, q: { from: number; to: number; limit: number }): Promise<StoredHotkeyRun[]> {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from) throw new StoreQueryError('bad_request', 'needs finite from < to');
  const reader = await db.read('hotkey_runs_list', { from: tsParam(q.from), to: tsParam(q.to), limit: Math.max(0, Math.floor(q.limit)) }, { limit: INTEGER });
  return reader.getRows().map(runFromRow);
}

export async function hotkeyRunById(db: NamedQueries, runId: number): Promise<StoredHotkeyRun | undefined> {
  if (!Number.isInteger(runId) || runId < 1 || runId > 2 ** 31 - 1) return undefined;
  const rows = (await db.read('hotkey_run_get', { run_id: runId }, { run_id: INTEGER })).getRows();
  return rows.length === 0 ? undefined : runFromRow(rows[0]!);
}

function runFromRow([id, started, finished, method, status, trigger, detail, keys]: unknown[]): StoredHotkeyRun {
  return {
    id: Number(id),
    started: tsToMs(started as DuckDBValue)!,
    finished: tsToMs(finished as DuckDBValue)!,
    method: String(method) as HotkeyMethod,
    status: String(status) as HotkeyRunStatus,
    trigger: String(trigger) as 'manual' | 'schedule',
    detail: JSON.parse(String(detail)) as Record<string, unknown>,
    keys: Number(keys),
  };
}

export async function hotkeyRunKeys(db: NamedQueries, dict: Dictionary, runId: number): Promise<StoredHotkeyRow[]> {
  const reader = await db.read('hotkey_run_keys', { run_id: runId }, { run_id: INTEGER });
  return reader.getRows().map(([nodeId, key, metric, value, , error, share, memoryBytes, slot, type, ttlMs, rank]) => ({
    node: dict.address(Number(nodeId)),
    key: (key as DuckDBBlobValue).bytes,
    metric: String(metric) as HotkeyMetric,
    value: Number(value),
    error: num(error),
    share: num(share),
    memoryBytes: num(memoryBytes),
    slot: num(slot),
    type: type === null ? null : String(type),
    ttlMs: num(ttlMs),
    rank: Number(rank),
  }));
}

export async function hotkeyHistory(db: NamedQueries, dict: Dictionary, q: { key: Uint8Array; from: number; to: number }): Promise<HotkeyHistoryPoint[]> {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.to <= q.from) throw new StoreQueryError('bad_request', 'needs finite from < to');
  const reader = await db.read('hotkey_history', { key: new DuckDBBlobValue(q.key), from: tsParam(q.from), to: tsParam(q.to) }, { key: BLOB });
  return reader.getRows().map(([ts, nodeId, metric, value, unit, error, share, rank, method, runId]) => ({
    ts: tsToMs(ts)!,
    node: dict.address(Number(nodeId)),
    metric: String(metric) as HotkeyMetric,
    value: Number(value),
    unit: String(unit) as HotkeyUnit,
    error: num(error),
    share: num(share),
    rank: Number(rank),
    method: String(method) as HotkeyMethod,
    runId: Number(runId),
  }));
}
