import { describe, expect, test } from 'bun:test';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dayMs, floorTo, hourMs, minuteMs } from './maintain.ts';
import { clock, generate, openTestStore, t0, tempDir } from './testSupport.ts';

const metrics = [{ metric: 'a' }, { metric: 'b' }, { metric: 'c' }];

describe('maintain', () => {
  const dir = tempDir();

  test('floorTo works on whole units', () => {
    expect(floorTo(t0 + 90 * minuteMs + 5, hourMs)).toBe(t0 + hourMs);
  });

  test('retention drops whole hours: raw after rawRetention, rollups and events after retention', async () => {
    const end = t0 + 10 * hourMs;
    const c = clock(end);
    const store = await openTestStore(join(dir, 'retention.duckdb'), { now: c.now, retentionMs: 6 * hourMs, rawRetentionMs: 2 * hourMs + 30 * minuteMs });
    store.appendSamples(generate(t0, end, 30_000, ['a:1'], metrics, (ts) => ts / 1000));
    store.appendEvents([
      { ts: t0 + hourMs, node: 'a:1', kind: 'node_down', detail: {} },
      { ts: end - hourMs, node: 'a:1', kind: 'node_up', detail: {} },
    ]);
    await store.maintain();
    const oldest = async (table: string) => (await store.sql(`SELECT epoch_ms(min(ts)) FROM ${table}`)).rows[0][0];
    // now - 2.5 h = 7.5 h -> whole hours before 7 h go; now - 6 h = 4 h.
    expect(await oldest('samples')).toBe(t0 + 7 * hourMs);
    expect(await oldest('samples_1m')).toBe(t0 + 4 * hourMs);
    expect(await oldest('samples_1h')).toBe(t0 + 4 * hourMs);
    expect((await store.events({ from: t0, to: end })).map((e) => e.kind)).toEqual(['node_up']);
    // Charts over the dropped range are empty, not wrong.
    const r = await store.series({ metric: 'a', nodes: 'all', from: t0, to: end, step: hourMs, agg: 'avg' });
    expect(r.data[1].slice(0, 4)).toEqual([null, null, null, null]);
    expect(r.data[1][5]).not.toBeNull();
    await store.close();
  });

  test('raw samples are kept until the 1m rollup has them, even past raw retention', async () => {
    const c = clock(t0 + 3 * hourMs);
    const store = await openTestStore(join(dir, 'keep.duckdb'), { now: c.now, rawRetentionMs: hourMs });
    store.appendSamples(generate(t0, t0 + 3 * hourMs, 60_000, ['a:1'], metrics, () => 1));
    await store.flush();
    // Rollups have never run: maintain must roll up before it deletes.
    await store.maintain();
    expect((await store.sql('SELECT count(*) FROM samples_1m WHERE ts < TIMESTAMP \'2026-01-01 02:00:00\'')).rows).toEqual([[360]]);
    await store.close();
  });

  test('closed days of samples_1m are rewritten in metric order, with the same rows', async () => {
    const end = t0 + dayMs + 2 * hourMs;
    const c = clock(end);
    const store = await openTestStore(join(dir, 'compact.duckdb'), { now: c.now });
    store.appendSamples(generate(t0, end, 60_000, ['a:1', 'b:2'], metrics, (ts, n, k) => ts / 60_000 + n * 10 + k));
    await store.flush();
    // Late enough that 11:59 is a closed minute (past the grace for late samples).
    c.set(t0 + 12 * hourMs + minuteMs);
    await store.maintain();
    const before = await store.sql('SELECT * FROM samples_1m ORDER BY ALL', { rowLimit: 100_000 });
    c.set(end);
    await store.maintain();
    const dayRows = await store.sql(
      `SELECT metric_id, node_id, ts FROM samples_1m WHERE ts < TIMESTAMP '2026-01-02' ORDER BY rowid`,
      { rowLimit: 100_000 },
    );
    const keys = dayRows.rows.map((r) => `${String(r[0]).padStart(4, '0')}/${String(r[1]).padStart(4, '0')}/${r[2]}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys.length).toBe(24 * 60 * 6);
    const after = await store.sql(`SELECT * FROM samples_1m WHERE ts < TIMESTAMP '2026-01-01 12:00' ORDER BY ALL`, { rowLimit: 100_000 });
    expect(after.rows).toEqual(before.rows.filter((r) => (r[0] as number) < (t0 + 12 * hourMs) / 1000));
    expect((await store.sql("SELECT epoch_ms(watermark) FROM rollup_state WHERE name = 'compact_1m'")).rows).toEqual([[t0 + dayMs]]);
    await store.close();
  });

  test('the maintenance timer runs on its own', async () => {
    const c = clock(t0 + hourMs);
    const store = await openTestStore(join(dir, 'timer.duckdb'), { now: c.now, maintainIntervalMs: 20 });
    store.appendSamples(generate(t0, t0 + 10 * minuteMs, 60_000, ['a:1'], metrics, () => 1));
    await Bun.sleep(300);
    expect((await store.sql('SELECT count(*) FROM samples_1m')).rows).toEqual([[30]]);
    // The timer's other half: the checkpoint has written the rows and rollups out of the WAL.
    const wal = join(dir, 'timer.duckdb.wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    await store.close();
  });

  test('ingest, maintenance and queries overlap without errors or lost rows', async () => {
    const c = clock(t0);
    const logs: string[] = [];
    const store = await openTestStore(join(dir, 'overlap.duckdb'), { now: c.now, flushIntervalMs: 5, log: (m) => logs.push(m) });
    const pending: Promise<unknown>[] = [];
    let appended = 0;
    for (let sec = 0; sec < 1500; sec++) {
      c.set(t0 + sec * 1000);
      const tick = generate(c.now(), c.now() + 1, 1000, ['a:1', 'b:2'], metrics, () => sec);
      store.appendSamples(tick);
      appended += tick.length;
      if (sec % 100 === 99) pending.push(store.maintain());
      if (sec % 50 === 0) pending.push(store.series({ metric: 'a', nodes: 'all', from: t0, to: c.now(), step: minuteMs, agg: 'avg' }));
      if (sec % 10 === 0) await Bun.sleep(1);
    }
    await Promise.all(pending);
    await store.maintain();
    expect(logs.filter((l) => l.includes('failed'))).toEqual([]);
    const [[raw, rolledBelow, rawBelow]] = (
      await store.sql(`WITH w AS (SELECT watermark FROM rollup_state WHERE name = 'rollup_1m')
        SELECT (SELECT count(*) FROM samples),
               (SELECT sum(count) FROM samples_1m, w WHERE ts < w.watermark),
               (SELECT count(*) FROM samples, w WHERE ts < w.watermark)`)
    ).rows as number[][];
    expect(raw).toBe(appended);
    expect(rolledBelow).toBe(rawBelow);
    await store.close();
  });
});
