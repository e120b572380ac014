import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { StoreQueryError } from './errors.ts';
import { clock, openTestStore, t0, tempDir } from './testSupport.ts';

describe('store ingest', () => {
  const dir = tempDir();

  test('samples land in time order within and across flushes', async () => {
    const store = await openTestStore(join(dir, 'order.duckdb'));
    store.appendSamples([
      { ts: t0 + 2000, node: 'a:1', metric: 'm', value: 2 },
      { ts: t0 + 1000, node: 'a:1', metric: 'm', value: 1 },
      { ts: t0 + 3000, node: 'b:2', metric: 'm', value: 3 },
    ]);
    await store.flush();
    store.appendSamples([{ ts: t0 + 4000, node: 'a:1', metric: 'm', value: 4 }]);
    await store.flush();
    const rows = await store.sql('SELECT s.ts, n.address, s.value FROM samples s JOIN nodes n USING (node_id) ORDER BY s.rowid');
    expect(rows.rows).toEqual([
      [(t0 + 1000) / 1000, 'a:1', 1],
      [(t0 + 2000) / 1000, 'a:1', 2],
      [(t0 + 3000) / 1000, 'b:2', 3],
      [(t0 + 4000) / 1000, 'a:1', 4],
    ]);
    expect(store.stats()).toMatchObject({ rowsWritten: 4, batches: 2, pendingRows: 0 });
    await store.close();
  });

  test('samples wait in memory until a flush', async () => {
    const store = await openTestStore(join(dir, 'pending.duckdb'));
    store.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', value: 1 }]);
    expect(store.stats().pendingRows).toBe(1);
    expect((await store.sql('SELECT count(*) FROM samples')).rows).toEqual([[0]]);
    await store.flush();
    expect((await store.sql('SELECT count(*) FROM samples')).rows).toEqual([[1]]);
    await store.close();
  });

  test('the flush timer writes on its own', async () => {
    const store = await openTestStore(join(dir, 'timer.duckdb'), { flushIntervalMs: 20 });
    store.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', value: 1 }]);
    await Bun.sleep(200);
    expect(store.stats()).toMatchObject({ rowsWritten: 1, pendingRows: 0 });
    await store.close();
  });

  test('non-finite values are skipped', async () => {
    const store = await openTestStore(join(dir, 'nan.duckdb'));
    store.appendSamples([
      { ts: t0, node: 'a:1', metric: 'm', value: Number.NaN },
      { ts: t0, node: 'a:1', metric: 'm', value: Number.POSITIVE_INFINITY },
      { ts: t0, node: 'a:1', metric: 'm', value: 5 },
    ]);
    await store.flush();
    expect((await store.sql('SELECT value FROM samples')).rows).toEqual([[5]]);
    await store.close();
  });

  test('ids are stable across re-open, so new samples join the same series', async () => {
    const path = join(dir, 'ids.duckdb');
    let store = await openTestStore(path);
    store.appendSamples([
      { ts: t0, node: 'a:1', metric: 'calls', labels: { cmd: 'get' }, value: 1 },
      { ts: t0, node: 'b:2', metric: 'calls', labels: { cmd: 'set' }, value: 2 },
    ]);
    await store.close();
    store = await openTestStore(path);
    store.appendSamples([
      { ts: t0 + 1000, node: 'b:2', metric: 'calls', labels: { cmd: 'set' }, value: 3 },
      { ts: t0 + 1000, node: 'c:3', metric: 'calls', labels: { cmd: 'get' }, value: 4 },
    ]);
    await store.flush();
    expect((await store.sql('SELECT count(*), count(DISTINCT node_id), count(DISTINCT metric_id) FROM samples')).rows).toEqual([
      [4, 3, 2],
    ]);
    expect((await store.sql('SELECT count(*) FROM nodes')).rows).toEqual([[3]]);
    expect((await store.sql('SELECT count(*) FROM metrics')).rows).toEqual([[2]]);
    expect(await store.seriesKeys()).toEqual([
      { metric: 'calls', labels: { cmd: 'get' }, nodes: ['a:1', 'c:3'] },
      { metric: 'calls', labels: { cmd: 'set' }, nodes: ['b:2'] },
    ]);
    await store.close();
  });

  test('recordNode upserts metadata; absent fields keep what was known', async () => {
    const c = clock(t0);
    const store = await openTestStore(join(dir, 'nodes.duckdb'), { now: c.now });
    store.recordNode({ address: 'r:2', role: 'replica', primaryAddress: 'p:1', flavor: 'valkey', version: '8.0.2', clusterNodeId: 'abc' });
    await store.flush();
    c.set(t0 + 60_000);
    store.recordNode({ address: 'r:2', version: '8.0.3' });
    store.recordNode({ address: 'p:1', role: 'primary', primaryAddress: null });
    await store.flush();
    const rows = await store.sql(
      'SELECT address, cluster_node_id, role, primary_address, flavor, version, first_seen, last_seen FROM v_nodes ORDER BY address',
    );
    expect(rows.rows).toEqual([
      ['p:1', null, 'primary', null, null, null, (t0 + 60_000) / 1000, (t0 + 60_000) / 1000],
      ['r:2', 'abc', 'replica', 'p:1', 'valkey', '8.0.3', t0 / 1000, (t0 + 60_000) / 1000],
    ]);
    await store.close();
  });

  test('events round-trip with their details, filtered by time and node', async () => {
    const store = await openTestStore(join(dir, 'events.duckdb'));
    store.appendEvents([
      { ts: t0 + 2000, node: 'b:2', kind: 'role_change', detail: { from: 'replica', to: 'primary' } },
      { ts: t0 + 1000, node: 'a:1', kind: 'node_down', detail: { error: 'ECONNREFUSED' } },
      { ts: t0 + 9000, node: 'a:1', kind: 'node_up', detail: {} },
    ]);
    await store.flush();
    expect(await store.events({ from: t0, to: t0 + 5000 })).toEqual([
      { ts: t0 + 1000, node: 'a:1', kind: 'node_down', detail: { error: 'ECONNREFUSED' } },
      { ts: t0 + 2000, node: 'b:2', kind: 'role_change', detail: { from: 'replica', to: 'primary' } },
    ]);
    expect((await store.events({ from: t0, to: t0 + 10_000, node: 'a:1' })).map((e) => e.kind)).toEqual(['node_down', 'node_up']);
    expect(await store.events({ from: t0, to: t0 + 10_000, limit: 1 })).toHaveLength(1);
    await store.close();
  });

  test('close flushes what is buffered and checkpoints (no WAL left)', async () => {
    const path = join(dir, 'close.duckdb');
    const store = await openTestStore(path);
    store.appendSamples([{ ts: t0, node: 'a:1', metric: 'm', value: 1 }]);
    await store.close();
    await store.close();
    expect(await Bun.file(`${path}.wal`).exists()).toBe(false);
    const again = await openTestStore(path);
    expect((await again.sql('SELECT count(*) FROM samples')).rows).toEqual([[1]]);
    await again.close();
  });

  test('close stops a running user query instead of waiting for it, and later calls are refused', async () => {
    const store = await openTestStore(join(dir, 'busy.duckdb'));
    const slow = store
      .sql('SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE a.range + b.range = 7', { timeoutMs: 30_000 })
      .catch((e: unknown) => e);
    await Bun.sleep(100);
    const started = performance.now();
    await store.close();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(((await slow) as StoreQueryError).code).toBe('query_failed');
    await expect(store.sql('SELECT 1')).rejects.toThrow('closed');
    await expect(store.series({ metric: 'm', nodes: 'all', from: t0, to: t0, step: 1000, agg: 'avg' })).rejects.toThrow('closed');
  });
});
