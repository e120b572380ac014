import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { hourMs } from './maintain.ts';
import { clock, openTestStore, t0, tempDir } from './testSupport.ts';

describe('audit and CLI history', () => {
  const dir = tempDir();

  test('rows come back newest first, survive reopening, and go with retention', async () => {
    const path = join(dir, 'audit.duckdb');
    const c = clock(t0 + 10 * hourMs);
    let store = await openTestStore(path, { now: c.now, retentionMs: 5 * hourMs });
    await store.recordAudit({ ts: t0 + hourMs, source: 'cli', node: 'a:6379', command: 'FLUSHDB', target: 'a:6379', ok: true });
    await store.recordAudit({ source: 'browser', node: 'a:6379', command: 'UNLINK k', target: 'k', ok: false, error: 'NOPERM' });
    await store.recordCliHistory({ ts: t0 + hourMs, node: 'a:6379', command: 'GET k', ok: true, ms: 0.4 });
    await store.recordCliHistory({ node: null, command: 'x'.repeat(5000), ok: false, ms: 1 });
    await store.close();

    store = await openTestStore(path, { now: c.now, retentionMs: 5 * hourMs });
    const audit = await store.audit({ from: t0, to: t0 + 11 * hourMs, limit: 10 });
    expect(audit.map((r) => [r.ts, r.source, r.command, r.ok, r.error])).toEqual([
      [t0 + 10 * hourMs, 'browser', 'UNLINK k', false, 'NOPERM'],
      [t0 + hourMs, 'cli', 'FLUSHDB', true, null],
    ]);
    const history = await store.cliHistory(10);
    expect(history.map((r) => r.command.length)).toEqual([1024, 5]);
    expect(history[1]).toEqual({ ts: t0 + hourMs, node: 'a:6379', command: 'GET k', ok: true, ms: 0.4 });

    await store.maintain();
    expect((await store.audit({ from: t0, to: t0 + 11 * hourMs, limit: 10 })).length).toBe(1);
    expect((await store.cliHistory(10)).length).toBe(1);
    await store.close();
  });

  test('a failed write is logged, not thrown', async () => {
    const lines: string[] = [];
    const store = await openTestStore(join(dir, 'fail.duckdb'), { log: (m) => lines.push(m) });
    await store.recordAudit({ source: 'nope' as 'cli', node: null, command: 'SET k v', ok: true, ts: Number.NaN });
    expect(lines.some((l) => l.includes('audit write failed'))).toBe(true);
    await store.close();
  });
});
