import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { listMigrations } from './migrate.ts';
import { queriesFromDir, queriesFromMap } from './queries.ts';
import { openTestStore, t0, tempDir } from './testSupport.ts';

const all = queriesFromDir();
/** The query set as an older Skyscope had it: only the first migration. */
function withMigrations(keep: (name: string) => boolean, extra: Record<string, string> = {}) {
  const texts: Record<string, string> = { ...extra };
  for (const name of all.names()) if (!name.startsWith('schema/') || keep(name)) texts[name] = all.get(name);
  return queriesFromMap(texts);
}

describe('migrations', () => {
  const dir = tempDir();

  test('are listed in numeric order', () => {
    const ms = listMigrations(all);
    expect(ms.map((m) => m.version)).toEqual([...ms.map((m) => m.version)].sort((a, b) => a - b));
    expect(ms[0]).toEqual({ version: 1, name: 'schema/001_init' });
  });

  test('apply on a new file, and re-opening keeps data and applies nothing', async () => {
    const path = join(dir, 'fresh.duckdb');
    const logs: string[] = [];
    let store = await openTestStore(path, { log: (m) => logs.push(m) });
    store.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', value: 1 }]);
    await store.close();
    expect(logs.some((l) => l.includes('schema/001_init'))).toBe(true);

    logs.length = 0;
    store = await openTestStore(path, { log: (m) => logs.push(m) });
    expect(logs.filter((l) => l.includes('migrations'))).toEqual([]);
    const applied = await store.sql('SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.rows.map((r) => r[0])).toEqual(listMigrations(all).map((m) => m.version));
    expect((await store.sql('SELECT count(*) FROM samples')).rows).toEqual([[1]]);
    await store.close();
  });

  test('a file written by an older schema is migrated and keeps its data', async () => {
    const path = join(dir, 'old.duckdb');
    let store = await openTestStore(path, { queries: withMigrations((n) => n === 'schema/001_init') });
    store.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', labels: { k: 'v' }, value: 7 }]);
    await store.close();

    store = await openTestStore(path);
    const rows = await store.sql('SELECT node, metric, labels, value FROM v_samples');
    expect(rows.rows).toEqual([['a:1', 'm', 'k="v"', 7]]);
    await store.close();
  });

  test('a failing migration rolls back entirely and is not recorded', async () => {
    const path = join(dir, 'broken.duckdb');
    const broken = withMigrations(() => true, {
      'schema/999_broken': 'CREATE TABLE half_done (a INTEGER);\nSELECT no_such_column FROM half_done;',
    });
    await expect(openTestStore(path, { queries: broken })).rejects.toThrow('schema/999_broken');
    const store = await openTestStore(path);
    expect((await store.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half_done'")).rows).toEqual([[0]]);
    expect((await store.sql('SELECT max(version) FROM schema_migrations')).rows).toEqual([[listMigrations(all).at(-1)!.version]]);
    await store.close();
  });

  test('a file from a newer Skyscope is refused rather than misread', async () => {
    const path = join(dir, 'newer.duckdb');
    const newer = withMigrations(() => true, { 'schema/998_future': 'CREATE TABLE future (a INTEGER);' });
    await (await openTestStore(path, { queries: newer })).close();
    await expect(openTestStore(path)).rejects.toThrow('newer than this Skyscope');
  });
});
