// Runs one user SQL statement read-only: own connection, read-only transaction, row limit, and a timeout that interrupts it.
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { namedQueries } from './db.ts';
import { StoreQueryError } from './errors.ts';
import { toJsonValue } from './jsonValues.ts';
import type { QueryTexts } from './queries.ts';
import { normalizeSql, screenSql } from './sqlGuard.ts';
import type { SqlOptions, SqlResult } from './types.ts';

export const defaultRowLimit = 10_000;
export const defaultTimeoutMs = 10_000;

/**
 * running holds the connections of queries in flight, so that closing the store can interrupt them.
 */
export async function runUserSql(
  instance: DuckDBInstance,
  queries: QueryTexts,
  running: Set<DuckDBConnection>,
  text: string,
  opts: SqlOptions = {},
): Promise<SqlResult> {
  const rowLimit = Math.max(0, Math.floor(opts.rowLimit ?? defaultRowLimit));
  const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
  // A connection of its own: interrupting it stops only this query, and nothing it does outlives it.
  const conn = await instance.connect();
  running.add(conn);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, timeoutMs);
  const db = namedQueries(conn, queries);
  try {
    // The transaction is the guard that cannot be talked around: DuckDB refuses any write inside it.
    await db.run('begin_read_only');
    const statement = await prepareOne(conn, text);
    const reader = await statement.streamAndReadUntil(rowLimit + 1);
    const truncated = reader.currentRowCount > rowLimit;
    const rows: unknown[][] = [];
    const count = Math.min(reader.currentRowCount, rowLimit);
    for (let r = 0; r < count; r++) {
      const row: unknown[] = [];
      for (let c = 0; c < reader.columnCount; c++) row.push(toJsonValue(reader.value(c, r)));
      rows.push(row);
    }
    const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    return { columns, rows, truncated };
  } catch (err) {
    throw asQueryError(err, timedOut, timeoutMs);
  } finally {
    clearTimeout(timer);
    // End the transaction explicitly: a streamed result keeps its connection (and transaction) alive
    // until garbage collection, and an old open transaction blocks CHECKPOINT after later writes.
    await db.run('rollback').catch(() => undefined);
    running.delete(conn);
    conn.closeSync();
  }
}

async function prepareOne(conn: DuckDBConnection, text: string) {
  if (normalizeSql(text).trim() === '') throw new StoreQueryError('syntax', 'no SQL statement');
  let extracted;
  try {
    extracted = await conn.extractStatements(text);
  } catch (err) {
    throw new StoreQueryError('syntax', cleanMessage(err), { cause: err });
  }
  if (extracted.count === 0) throw new StoreQueryError('syntax', 'no SQL statement');
  if (extracted.count > 1) throw new StoreQueryError('too_many_statements', `one statement at a time (got ${extracted.count})`);
  screenSql(text);
  const statement = await extracted.prepare(0);
  const type = statement.statementType;
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
    throw new StoreQueryError('not_read_only', `${StatementType[type] ?? type} statements are not allowed`);
  }
  return statement;
}

function asQueryError(err: unknown, timedOut: boolean, timeoutMs: number): StoreQueryError {
  if (err instanceof StoreQueryError) return err;
  const message = cleanMessage(err);
  if (timedOut) return new StoreQueryError('timeout', `query took longer than ${timeoutMs} ms and was stopped`, { cause: err });
  if (/^INTERRUPT Error/i.test(message)) return new StoreQueryError('query_failed', 'query was stopped: the store is closing', { cause: err });
  if (/^Parser Error/i.test(message)) return new StoreQueryError('syntax', message, { cause: err });
  if (/^Permission Error|read-only mode|^TransactionContext Error: Cannot write/i.test(message)) {
    return new StoreQueryError('not_read_only', message, { cause: err });
  }
  return new StoreQueryError('query_failed', message, { cause: err });
}

/** DuckDB's message without the binding's "Error: " prefix or a "Failed to extract statements:" wrapper. */
function cleanMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw.replace(/^Error:\s*/, '').replace(/^Failed to (extract statements|prepare statement):\s*/i, '');
}
