// The skyscope command as users run it: flags and exit codes, the sql subcommand, SIGTERM and SIGKILL during ingest.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../../server/store/index.ts';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { waitFor } from './harness.ts';

const root = resolve(import.meta.dir, '..', '..');
const bun = process.execPath;
const main = join(root, 'server', 'main.ts');

function runCli(args: string[]) {
  const r = spawnSync(bun, [main, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SKYSCOPE_TARGETS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('command line', () => {
  test('--help prints usage and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: skyscope');
    expect(r.stdout).toContain('--retention');
  });

  test('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^skyscope \d+\.\d+\.\d+$/);
  });

  test.each([
    [['--no-such-flag'], 'unknown option --no-such-flag'],
    [['--port', 'eighty'], '--port must be a number'],
    [['ftp://example:21'], 'unsupported scheme'],
    [['redis://:secret-pw@127.0.0.1:notaport'], 'invalid target URL'],
    [['--interval', 'often'], 'not a duration'],
  ])('bad input %p: one line on stderr, exit 2', (args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('secret-pw');
    expect(r.stdout).toBe('');
  });
});

/** Starts `skyscope` as a child process and resolves once it printed its address. */
async function startProcess(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(bun, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await waitFor('the printed address', () => /Skyscope is serving (http:\/\/\S+?)\/?(\s|$)/.exec(out)?.[1], 20_000);
  return { child, url, stderr: () => err, exited };
}

describe('running process', () => {
  let server: ServerHandle;
  let dir: string;
  beforeAll(async () => {
    server = await startStandalone('valkey9');
    dir = mkdtempSync(join(tmpdir(), 'skyscope-proc-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const countSamples = async (url: string) => {
    const res = await fetch(`${url}/api/sql`, { method: 'POST', body: JSON.stringify({ sql: 'SELECT count(*) AS n, epoch_ms(max(ts)) AS last FROM samples' }) });
    const body = (await res.json()) as { rows: [number, number][] };
    return { n: body.rows[0]![0], last: body.rows[0]![1] };
  };

  test('headless: API up, UI off; `skyscope sql` queries the running instance', async () => {
    const db = join(dir, 'sql.duckdb');
    const p = await startProcess([server.url, '--db', db, '--port', '0', '--headless', '--interval', '250ms']);
    try {
      const health = await (await fetch(`${p.url}/api/health`)).json();
      expect(health).toMatchObject({ status: 'ok', version: expect.any(String) });
      const ui = await fetch(`${p.url}/`);
      expect(ui.status).toBe(404);
      expect(((await ui.json()) as any).error.message).toContain('headless');
      await waitFor('samples', async () => (await countSamples(p.url)).n > 0);
      const port = new URL(p.url).port;
      const ok = spawnSync(bun, [main, 'sql', '--port', port, `SELECT DISTINCT node, 'x|y' AS pipe FROM v_samples`], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain(`node`);
      expect(ok.stdout).toContain(`127.0.0.1:${server.port}`);
      expect(ok.stdout).toContain('(1 row)');
      const refused = spawnSync(bun, [main, 'sql', '--port', port, 'DELETE FROM samples'], { encoding: 'utf8' });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('not_read_only');
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  test('without --headless the UI is served', async () => {
    const p = await startProcess([server.url, '--db', join(dir, 'ui.duckdb'), '--port', '0']);
    try {
      const res = await fetch(`${p.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('Skyscope');
    } finally {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s flushes and closes: exit 0, the last second of samples is in the file', async (signal) => {
    const db = join(dir, `${signal}.duckdb`);
    const p = await startProcess([server.url, '--db', db, '--port', '0', '--headless', '--interval', '200ms']);
    await waitFor('a few polls', async () => (await countSamples(p.url)).n > 300);
    const termAt = Date.now();
    p.child.kill(signal);
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toContain(`${signal}: flushing and closing`);
    const store = await openStore({ path: db, maintainIntervalMs: 0 });
    try {
      const r = await store.sql('SELECT epoch_ms(max(ts)) FROM samples');
      // the last poll before the signal made it to disk (polls are 200 ms apart)
      expect(termAt - (r.rows[0]![0] as number)).toBeLessThan(700);
    } finally {
      await store.close();
    }
  });

  test('SIGKILL during ingest loses at most the last batch; the file reopens, and a restart keeps history', async () => {
    const db = join(dir, 'kill.duckdb');
    const p = await startProcess([server.url, '--db', db, '--port', '0', '--headless', '--interval', '200ms']);
    await waitFor('a few flushes', async () => (await countSamples(p.url)).n > 300);
    const seen = await countSamples(p.url);
    await Bun.sleep(600);
    const killAt = Date.now();
    p.child.kill('SIGKILL');
    await p.exited;
    const store = await openStore({ path: db, maintainIntervalMs: 0 });
    let kept: { n: number; last: number };
    try {
      const r = await store.sql('SELECT count(*), epoch_ms(max(ts)) FROM samples');
      kept = { n: r.rows[0]![0] as number, last: r.rows[0]![1] as number };
    } finally {
      await store.close();
    }
    expect(kept.n).toBeGreaterThanOrEqual(seen.n);
    // batches are flushed every second: at most about one second plus one poll is lost
    expect(killAt - kept.last).toBeLessThan(1500);

    const again = await startProcess([server.url, '--db', db, '--port', '0', '--headless', '--interval', '200ms']);
    try {
      await waitFor('new samples after restart', async () => (await countSamples(again.url)).n > kept.n);
      expect((await countSamples(again.url)).n).toBeGreaterThan(kept.n);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
  });
});
