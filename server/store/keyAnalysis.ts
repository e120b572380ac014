// Memory-analysis runs in DuckDB: a run row at start, its groups and biggest keys at the end, listing and reading runs back.
import { BIGINT, DuckDBBlobValue, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { tsParam, tsToMs, type NamedQueries } from './db.ts';

export interface KeyAnalysisGroup {
  dimension: 'type' | 'prefix' | 'ttl';
  name: string;
  keys: number;
  bytes: number;
  estKeys: number;
  estBytes: number;
  estBytesLow: number;
  estBytesHigh: number;
}

export interface KeyAnalysisBig {
  node: string;
  key: Uint8Array;
  type: string;
  bytes: number;
  length: number | null;
}

export interface KeyAnalysisEnd {
  ended: number;
  state: 'done' | 'cancelled' | 'failed';
  totalKeys: number;
  sampled: number;
  detail: Record<string, unknown>;
  groups: KeyAnalysisGroup[];
  biggest: KeyAnalysisBig[];
}

export interface StoredKeyAnalysis {
  id: number;
  started: number;
  ended: number | null;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  match: string | null;
  sampleKeys: number;
  totalKeys: number | null;
  sampled: number | null;
  /** The list's sum of estimated bytes over types; the detail in a single run. */
  estBytes?: number | null;
  detail?: Record<string, unknown>;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function startKeyAnalysis(db: NamedQueries, r: { started: number; match: string | null; sampleKeys: number }): Promise<number> {
  const reader = await db.read('key_analysis_insert', { started: tsParam(r.started), match: r.match, sample_keys: r.sampleKeys }, { match: VARCHAR, sample_keys: INTEGER });
  return Number(reader.getRows()[0]![0]);
}

/** The caller runs this in a transaction on the writer. */
export async function finishKeyAnalysis(db: NamedQueries, id: number, end: KeyAnalysisEnd): Promise<void> {
  await db.run(
    'key_analysis_finish',
    { run_id: id, ended: tsParam(end.ended), state: end.state, total_keys: BigInt(end.totalKeys), sampled: BigInt(end.sampled), detail: JSON.stringify(end.detail) },
    { run_id: INTEGER, state: VARCHAR, total_keys: BIGINT, sampled: BIGINT, detail: VARCHAR },
  );
  const big = (n: number) => BigInt(Math.round(n));
  if (end.groups.length > 0) {
    const a = await db.conn.createAppender('key_analysis_groups');
    try {
      for (const g of end.groups) {
        a.appendInteger(id);
        a.appendVarchar(g.dimension);
        a.appendVarchar(g.name);
        for (const v of [g.keys, g.bytes, g.estKeys, g.estBytes, g.estBytesLow, g.estBytesHigh]) a.appendBigInt(big(v));
        a.endRow();
      }
      a.flushSync();
    } finally {
      a.closeSync();
    }
  }
  if (end.biggest.length > 0) {
    const a = await db.conn.createAppender('key_analysis_biggest');
    try {
      end.biggest.forEach((b, i) => {
        a.appendInteger(id);
        a.appendUSmallInt(i + 1);
        a.appendVarchar(b.node);
        a.appendBlob(b.key);
        a.appendVarchar(b.type);
        a.appendBigInt(big(b.bytes));
        if (b.length === null) a.appendNull();
        else a.appendBigInt(big(b.length));
        a.endRow();
      });
      a.flushSync();
    } finally {
      a.closeSync();
    }
  }
}

export async function listKeyAnalyses(db: NamedQueries, limit: number): Promise<StoredKeyAnalysis[]> {
  const rows = (await db.read('key_analysis_list', { limit: Math.max(0, Math.floor(limit)) }, { limit: INTEGER })).getRows();
  return rows.map((r) => ({ ...runFrom(r), estBytes: num(r[8]) }));
}

/** The run columns key_analysis_list and key_analysis_get both start with. */
function runFrom([id, started, ended, state, match, sampleKeys, totalKeys, sampled]: unknown[]): Omit<StoredKeyAnalysis, 'estBytes'> {
  return {
    id: Number(id),
    started: tsToMs(started as DuckDBValue)!,
    ended: tsToMs(ended as DuckDBValue),
    state: String(state) as StoredKeyAnalysis['state'],
    match: match === null ? null : String(match),
    sampleKeys: Number(sampleKeys),
    totalKeys: num(totalKeys),
    sampled: num(sampled),
  };
}

export async function keyAnalysisById(db: NamedQueries, id: number): Promise<(StoredKeyAnalysis & { groups: KeyAnalysisGroup[]; biggest: KeyAnalysisBig[] }) | undefined> {
  if (!Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1) return undefined;
  const rows = (await db.read('key_analysis_get', { run_id: id }, { run_id: INTEGER })).getRows();
  if (rows.length === 0) return undefined;
  const row = rows[0]!;
  const detail = row[8];
  const groups = (await db.read('key_analysis_groups', { run_id: id }, { run_id: INTEGER })).getRows().map(([dimension, name, keys, bytes, estKeys, estBytes, lo, hi]) => ({
    dimension: String(dimension) as KeyAnalysisGroup['dimension'],
    name: String(name),
    keys: Number(keys),
    bytes: Number(bytes),
    estKeys: Number(estKeys),
    estBytes: Number(estBytes),
    estBytesLow: Number(lo),
    estBytesHigh: Number(hi),
  }));
  const biggest = (await db.read('key_analysis_biggest', { run_id: id }, { run_id: INTEGER })).getRows().map(([, node, key, type, bytes, length]) => ({
    node: String(node),
    key: (key as DuckDBBlobValue).bytes,
    type: String(type),
    bytes: Number(bytes),
    length: num(length),
  }));
  return {
    ...runFrom(row),
    id,
    detail: detail === null ? {} : (JSON.parse(String(detail)) as Record<string, unknown>),
    groups,
    biggest,
  };
}
