// Tests hot-key runs in the store: saved with their keys (binary keys exact), listed, read back, one key's history.
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { HotkeyRow, HotkeyRun } from '../hotkeys/types.ts';
import { openTestStore, t0, tempDir } from './testSupport.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const row = (node: string, key: Uint8Array, metric: HotkeyRow['metric'], value: number, rank: number): HotkeyRow => ({
  node, key, metric, value, error: null, share: null, memoryBytes: null, slot: null, type: null, ttlMs: null, rank,
});
const run = (started: number, rows: HotkeyRow[], over: Partial<HotkeyRun> = {}): HotkeyRun => ({
  started, finished: started + 10_000, method: 'monitor', status: 'ok', trigger: 'manual', detail: { keysRead: 0 }, rows, ...over,
});

describe('hot-key runs', () => {
  test('a run and its keys round-trip; binary keys stay byte-exact; runs list newest first', async () => {
    let now = t0;
    const s = await openTestStore(join(tempDir(), 'h.duckdb'), { now: () => now });
    try {
      const binary = new Uint8Array([0x00, 0xff, 0x80, 0x0a]);
      const first = await s.saveHotkeyRun(run(t0, [row('n1:1', enc('hot'), 'ops', 100, 1), row('n2:2', binary, 'ops', 50, 1)]));
      const second = await s.saveHotkeyRun(run(t0 + 60_000, [row('n1:1', enc('hot'), 'ops', 70, 1)], { method: 'slot_scan', status: 'partial', detail: { errors: { 'n2:2': 'timeout' } } }));
      expect(second).toBe(first + 1);
      now = t0 + 120_000;
      const listed = await s.hotkeyRuns({ from: t0, to: now, limit: 10 });
      expect(listed.map((r) => [r.id, r.method, r.status, r.keys])).toEqual([[second, 'slot_scan', 'partial', 1], [first, 'monitor', 'ok', 2]]);
      expect(listed[0]!.detail).toEqual({ errors: { 'n2:2': 'timeout' } });
      const got = await s.hotkeyRun(first);
      expect(got!.rows.map((r) => [r.node, Buffer.from(r.key).toString('hex'), r.value])).toEqual([['n1:1', '686f74', 100], ['n2:2', '00ff800a', 50]]);
      expect(await s.hotkeyRun(999)).toBeUndefined();
      expect(await s.hotkeyRun(-1)).toBeUndefined();
      const history = await s.hotkeyHistory({ key: enc('hot'), from: t0, to: now });
      expect(history.map((p) => [p.ts, p.value, p.method, p.runId])).toEqual([[t0 + 10_000, 100, 'monitor', first], [t0 + 70_000, 70, 'slot_scan', second]]);
      expect((await s.hotkeyHistory({ key: binary, from: t0, to: now })).map((p) => p.node)).toEqual(['n2:2']);
      // The nodes a run names are in the nodes table, so the SQL view shows them.
      expect((await s.sql('SELECT DISTINCT node FROM v_hotkeys ORDER BY node')).rows).toEqual([['n1:1'], ['n2:2']]);
    } finally {
      await s.close();
    }
  });

  test('bad windows are a bad_request', async () => {
    const s = await openTestStore(join(tempDir(), 'h2.duckdb'), { now: () => t0 });
    try {
      await expect(s.hotkeyRuns({ from: t0, to: t0, limit: 5 })).rejects.toThrow('from < to');
      await expect(s.hotkeyHistory({ key: enc('x'), from: Number.NaN, to: t0 })).rejects.toThrow('from < to');
    } finally {
      await s.close();
    }
  });
});
