import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { StoreQueryError, type StoreQueryErrorCode } from './errors.ts';
import { normalizeSql } from './sqlGuard.ts';
import { openTestStore, t0, tempDir } from './testSupport.ts';
import type { Store } from './types.ts';

describe('normalizeSql', () => {
  test('drops comments, empties strings, unquotes identifiers', () => {
    expect(normalizeSql(`SELECT 'a; DROP' -- x\n, "Read_CSV"('f') /* y */ FROM $$z$$`)).toBe(`select ''  \n, read_csv('')   from ''`);
  });
});

describe('store.sql()', () => {
  const dir = tempDir();
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(join(dir, 'sql.duckdb'), { now: () => t0 + 60_000 });
    store.appendSamples([
      { ts: t0, node: 'a:1', metric: 'm', value: 1 },
      { ts: t0 + 1000, node: 'a:1', metric: 'm', value: 2 },
    ]);
    await store.flush();
  });
  afterAll(() => store.close());

  const refused: [StoreQueryErrorCode, string][] = [
    ['not_read_only', "INSERT INTO nodes VALUES (9, 'x:1', NULL, NULL, NULL, NULL, NULL, now(), now())"],
    ['not_read_only', 'UPDATE samples SET value = 0'],
    ['not_read_only', 'DELETE FROM samples'],
    ['not_read_only', 'WITH x AS (SELECT 1) DELETE FROM samples'],
    ['not_read_only', 'CREATE TABLE x (a INTEGER)'],
    ['not_read_only', 'DROP TABLE samples'],
    ['not_read_only', "COPY samples TO '/tmp/skyscope-leak.csv'"],
    ['not_read_only', "COPY (SELECT 1) TO '/tmp/skyscope-leak.csv'"],
    ['not_read_only', "ATTACH '/tmp/skyscope-other.duckdb' AS other"],
    ['not_read_only', 'DETACH other'],
    ['not_read_only', "EXPORT DATABASE '/tmp/skyscope-export'"],
    ['not_read_only', 'PRAGMA database_size'],
    ['not_read_only', 'SET threads = 1'],
    ['not_read_only', "SET enable_external_access = true"],
    // The configuration is not locked (maintenance lowers memory_limit for a moment), so no setting may be reachable.
    ['not_read_only', "SET memory_limit = '1MB'"],
    ['not_read_only', "SET GLOBAL memory_limit = '1MB'"],
    ['not_read_only', 'RESET memory_limit'],
    ['not_read_only', "PRAGMA memory_limit = '1MB'"],
    ['too_many_statements', "SELECT 1; SET memory_limit = '1MB'"],
    ['not_read_only', 'INSTALL httpfs'],
    ['not_read_only', 'LOAD httpfs'],
    ['not_read_only', 'CALL pragma_version()'],
    ['not_read_only', 'CHECKPOINT'],
    ['not_read_only', 'VACUUM'],
    ['not_read_only', 'BEGIN TRANSACTION'],
    ['not_read_only', 'USE memory'],
    ['not_read_only', "SELECT * FROM read_csv('/etc/passwd')"],
    ['not_read_only', "SELECT * FROM read_csv_auto('/etc/passwd')"],
    ['not_read_only', "SELECT * FROM read_parquet('/tmp/x.parquet')"],
    ['not_read_only', "SELECT * FROM read_json('/tmp/x.json')"],
    ['not_read_only', "SELECT * FROM glob('/etc/*')"],
    ['not_read_only', "SELECT * FROM read_text('/etc/hostname')"],
    ['not_read_only', "SELECT * FROM read_blob('/etc/hostname')"],
    ['not_read_only', "SELECT getenv('HOME')"],
    ['not_read_only', `SELECT * FROM "read_csv"('/etc/passwd')`],
    ['not_read_only', "SELECT * FROM '/etc/passwd'"],
    ['not_read_only', "SELECT * FROM query('SELECT 1')"],
    ['not_read_only', "EXPLAIN ANALYZE DELETE FROM samples"],
    ['not_read_only', 'SELECT * FROM checkpoint()'],
    ['not_read_only', "SELECT * FROM json_execute_serialized_sql('x')"],
    ['too_many_statements', 'SELECT 1; SELECT 2'],
    ['too_many_statements', 'SELECT 1; DROP TABLE samples'],
    ['syntax', 'SELEC 1'],
    ['syntax', ''],
    ['syntax', '  -- only a comment'],
    ['query_failed', 'SELECT no_such_column FROM samples'],
  ];
  for (const [code, text] of refused) {
    test(`refuses ${JSON.stringify(text)} with ${code}`, async () => {
      const err = await store.sql(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreQueryError);
      expect((err as StoreQueryError).code).toBe(code);
    });
  }

  test('nothing was changed or written by the refused statements', async () => {
    expect((await store.sql('SELECT count(*), sum(value) FROM samples')).rows).toEqual([[2, 3]]);
    expect((await store.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'x'")).rows).toEqual([[0]]);
    expect(await Bun.file('/tmp/skyscope-leak.csv').exists()).toBe(false);
  });

  const allowed = [
    'SELECT 1 AS one',
    'WITH t AS (SELECT 1 AS one) SELECT one FROM t',
    'FROM samples SELECT value LIMIT 1',
    'EXPLAIN SELECT * FROM samples',
    'EXPLAIN ANALYZE SELECT count(*) FROM samples',
    'DESCRIBE samples',
    'SUMMARIZE nodes',
    'SHOW TABLES',
    'VALUES (1, 2)',
    "SELECT 'insert into x; drop table y' AS text",
    'SELECT 1 -- ; DROP TABLE samples',
    '(SELECT 1) UNION ALL (SELECT 2)',
    'SELECT * FROM v_samples',
  ];
  for (const text of allowed) {
    test(`allows ${JSON.stringify(text)}`, async () => {
      const r = await store.sql(text);
      expect(r.columns.length).toBeGreaterThan(0);
    });
  }

  test('row limit truncates and says so', async () => {
    const r = await store.sql('SELECT * FROM range(100)', { rowLimit: 10 });
    expect(r.rows.length).toBe(10);
    expect(r.truncated).toBe(true);
    const all = await store.sql('SELECT * FROM range(100)', { rowLimit: 100 });
    expect(all.rows.length).toBe(100);
    expect(all.truncated).toBe(false);
  });

  test('a huge result is not materialized to apply the limit', async () => {
    const started = performance.now();
    const r = await store.sql('SELECT * FROM range(10000000000)', { rowLimit: 5 });
    expect(r.rows).toEqual([[0], [1], [2], [3], [4]]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('a long query is interrupted at the timeout', async () => {
    const started = performance.now();
    const err = await store
      .sql('SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = 7', { timeoutMs: 200 })
      .catch((e: unknown) => e);
    expect((err as StoreQueryError).code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
    // Ingest and other queries still work afterwards.
    expect((await store.sql('SELECT count(*) FROM samples')).rows).toEqual([[2]]);
  });

  test('ingest is not blocked by a running user query', async () => {
    const slow = store.sql('SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = 7', { timeoutMs: 1500 });
    const started = performance.now();
    store.appendSamples([{ ts: t0 + 2000, node: 'a:1', metric: 'm', value: 3 }]);
    await store.flush();
    const r = await store.series({ metric: 'm', nodes: 'all', from: t0, to: t0 + 2000, step: 1000, agg: 'avg' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.data[1]).toEqual([1, 2, 3]);
    await slow.catch(() => undefined);
  });

  test('values come back JSON-safe', async () => {
    const r = await store.sql(`SELECT
      42::BIGINT AS small, 9007199254740993::BIGINT AS big, 170141183460469231731687303715884105727::HUGEINT AS huge,
      TIMESTAMP '2026-01-01 00:00:01.5' AS ts, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS tstz, DATE '2026-01-02' AS d,
      1.25::DECIMAL(6,2) AS dec, 'nan'::DOUBLE AS nan, [1, 2] AS list, {'x': 1} AS struct, MAP {'k': 'v'} AS map,
      NULL AS nothing, true AS yes, 'infinity'::TIMESTAMP AS forever`);
    expect(r.columns.map((c) => c.type)).toEqual([
      'BIGINT', 'BIGINT', 'HUGEINT', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'DATE', 'DECIMAL(6,2)', 'DOUBLE',
      'INTEGER[]', 'STRUCT("x" INTEGER)', 'MAP(VARCHAR, VARCHAR)', 'INTEGER', 'BOOLEAN', 'TIMESTAMP',
    ]);
    expect(r.rows[0]).toEqual([
      42, '9007199254740993', '170141183460469231731687303715884105727', (t0 + 1500) / 1000, t0 / 1000, '2026-01-02',
      1.25, 'NaN', [1, 2], { x: 1 }, { k: 'v' }, null, true, 'infinity',
    ]);
    expect(() => JSON.stringify(r)).not.toThrow();
  });

  test('a user query leaves no transaction open behind it (CHECKPOINT on close would fail)', async () => {
    const path = join(dir, 'leftover.duckdb');
    const other = await openTestStore(path, { now: () => t0 + 2 * 86_400_000 });
    other.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', value: 1 }]);
    await other.flush();
    // Stopped at the row limit, the result is still streaming when sql() returns.
    await other.sql('SELECT * FROM range(10000000)', { rowLimit: 1 });
    // Writes that delete rows (rollups, compaction, retention) and then the checkpoint in close().
    await other.maintain();
    await other.close();
  });
});
