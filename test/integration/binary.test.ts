// The compiled executable as a user gets it: built, copied alone into an empty folder, run with no Node, Bun or node_modules.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStandalone, type ServerHandle } from '../servers/servers.ts';
import { waitFor } from './harness.ts';

const root = resolve(import.meta.dir, '..', '..');

describe('compiled binary', () => {
  let work: string;
  let runDir: string;
  let home: string;
  let server: ServerHandle;
  let child: ChildProcess | undefined;
  let out = '';
  let exitCode: Promise<number | null>;
  // Nothing on PATH: a binary that shelled out to node or bun would fail here.
  const env = () => ({ PATH: join(work, 'empty-path'), HOME: home });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'skyscope-bin-'));
    mkdirSync(join(work, 'empty-path'));
    home = join(work, 'home');
    mkdirSync(home);
    const built = join(work, 'build', 'skyscope');
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), built], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}${b.stdout}`);
    // An empty folder far from the repository, holding nothing but the executable.
    runDir = join(work, 'run');
    mkdirSync(runDir);
    copyFileSync(built, join(runDir, 'skyscope'));
    spawnSync('chmod', ['+x', join(runDir, 'skyscope')]);
    server = await startStandalone('valkey9');
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('--version and a bad flag behave like the source version', () => {
    const v = spawnSync(join(runDir, 'skyscope'), ['--version'], { cwd: runDir, env: env(), encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^skyscope \d+\.\d+\.\d+$/);
    const bad = spawnSync(join(runDir, 'skyscope'), ['--port', 'eighty'], { cwd: runDir, env: env(), encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('runs from an empty folder: creates its DuckDB file, collects, serves the UI and the API', async () => {
    child = spawn(join(runDir, 'skyscope'), [server.url, '--port', '0', '--interval', '250ms'], { cwd: runDir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    exitCode = new Promise((r) => child!.once('exit', (code) => r(code)));
    try {
      await checkRunning();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exitCode).toBe(0);
    expect(readdirSync(runDir).sort()).toEqual(['skyscope', 'skyscope.duckdb']);
    // DuckDB's library was unpacked once into the user's cache, not next to the binary.
    expect(readdirSync(join(home, '.cache', 'skyscope')).some((f) => /^libduckdb-[0-9a-f]+\.so$/.test(f))).toBe(true);
  }, 90_000);

  async function checkRunning(): Promise<void> {
    const url = await waitFor('the serving line', () => /Skyscope is serving (http:\S+)/.exec(out)?.[1], 20_000);
    const base = url.replace(/\/$/, '');

    const health = await (await fetch(`${base}/api/health`)).json();
    expect(health.status).toBe('ok');
    await waitFor('the node to be up', async () => (await (await fetch(`${base}/api/nodes`)).json()).nodes[0]?.state === 'up', 20_000);

    // The embedded UI: the page, its bundle (Preact, htm and uPlot inside) and a client-side route.
    const page = await fetch(`${base}/dashboard?range=1h`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    const js = await fetch(`${base}/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    // uPlot's plot-area class: the chart library is inside the bundle, not fetched from a CDN.
    expect((await js.text()).includes('u-over')).toBe(true);
    expect((await fetch(`${base}/app.css`)).status).toBe(200);

    // The embedded SQL files and DuckDB library: history lands in the file and can be queried.
    const rows = await waitFor('samples in DuckDB', async () => {
      const r = await fetch(`${base}/api/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: "SELECT count(*) FROM v_samples WHERE metric = 'valkey_connected_clients'" }) });
      const n = (await r.json()).rows?.[0]?.[0];
      return n > 2 && n;
    }, 20_000);
    expect(rows).toBeGreaterThan(2);
    const series = await (await fetch(`${base}/api/series?metric=valkey_connected_clients&from=now-5m`)).json();
    expect(series.series[0].node).toBe(`127.0.0.1:${server.port}`);
  }

  test('a second start reuses the unpacked library and reopens the same history', async () => {
    const second = spawnSync(join(runDir, 'skyscope'), ['sql', 'SELECT count(*) AS n FROM v_samples'], { cwd: runDir, env: env(), encoding: 'utf8' });
    // `skyscope sql` talks to a running instance; none runs now, so it must say so in one line, exit 1 or 2.
    expect(second.status).not.toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    let out2 = '';
    const again = spawn(join(runDir, 'skyscope'), [server.url, '--port', '0', '--headless'], { cwd: runDir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child = again;
    again.stdout!.on('data', (d) => (out2 += d));
    again.stderr!.on('data', (d) => (out2 += d));
    const done = new Promise((r) => again.once('exit', (code) => r(code)));
    const url = await waitFor('the serving line', () => /Skyscope is serving (http:\S+)/.exec(out2)?.[1], 20_000);
    try {
      const r = await fetch(`${url.replace(/\/$/, '')}/api/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT count(*) FROM v_samples' }) });
      expect((await r.json()).rows[0][0]).toBeGreaterThan(2);
      expect(out2).not.toContain('applied migrations');
    } finally {
      again.kill('SIGINT');
    }
    expect(await done).toBe(0);
  }, 60_000);
});
