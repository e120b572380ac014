// `skyscope demo` as a user runs it: a real 6-node cluster, a skewed workload, Skyscope's API and history, and a clean stop.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findValkeyServer, NoServerError } from '../../server/demo/localCluster.ts';
import { Zipf } from '../../server/demo/workload.ts';
import { waitFor } from './harness.ts';

const root = resolve(import.meta.dir, '..', '..');
const bun = join(root, 'node_modules', '.bin', 'bun');
const main = join(root, 'server', 'main.ts');

/** Environment without the user's Skyscope settings, so flags decide. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SKYSCOPE_')) env[k] = v;
  return { ...env, ...extra };
}

/** Pids of processes whose command line mentions `text` (the demo's servers carry their folder in it). */
function pidsMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) out.push(Number(name));
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}

function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = connect({ host: '127.0.0.1', port });
    const finish = (v: boolean) => {
      sock.destroy();
      done(v);
    };
    sock.setTimeout(1000, () => finish(false));
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

describe('skyscope demo', () => {
  let child: ChildProcess;
  let out = '';
  let err = '';
  let exited: Promise<number | null>;
  let work: string;
  let url = '';
  let clusterDir = '';
  let ports: number[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'skyscope-demo-test-'));
    child = spawn(bun, [main, 'demo', '--port', '0', '--db', join(work, 'demo.duckdb'), '--no-open', '--duration', '25s'], {
      cwd: root,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    exited = new Promise((r) => child.on('exit', (code) => r(code)));
    try {
      const printed = waitFor('the printed address', () => /Skyscope is serving (http:\/\/\S+?)\/?(\s|$)/.exec(out)?.[1], 30_000);
      const early = exited.then((code) => Promise.reject(new Error(`skyscope demo exited with code ${code} before printing its address`)));
      url = await Promise.race([printed, early]);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nstdout:\n${out}\nstderr:\n${err}`);
    }
    clusterDir = /\(files in (\S+)\)/.exec(out)?.[1] ?? '';
    const m = /primaries ([\d ]+), replicas ([\d ]+) /.exec(out);
    ports = m ? `${m[1]} ${m[2]}`.trim().split(/\s+/).map(Number) : [];
  }, 60_000);

  afterAll(async () => {
    // Whatever happened: stop the demo (it removes its cluster), and kill what it left only if it could not.
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
    }
    if (clusterDir) {
      for (const pid of pidsMentioning(clusterDir)) process.kill(pid, 'SIGKILL');
      rmSync(clusterDir, { recursive: true, force: true });
    }
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(url + path, init);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as any;
  };

  test('banner: six ports, a temp folder, a URL', () => {
    expect(ports).toHaveLength(6);
    expect(new Set(ports).size).toBe(6);
    expect(clusterDir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(clusterDir)).toBe(true);
    expect(out).toContain('Ctrl-C stops everything');
  });

  test('Skyscope sees 3 primaries and 3 replicas, all up', async () => {
    const nodes = await waitFor('6 nodes up', async () => {
      const n = (await api('/api/nodes')).nodes as { address: string; role: string; state: string; primary?: string }[];
      return n.length === 6 && n.every((x) => x.state === 'up') && n.filter((x) => x.role === 'primary').length === 3 ? n : undefined;
    }, 20_000);
    expect(nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
    expect(nodes.map((n) => Number(n.address.split(':')[1])).sort()).toEqual([...ports].sort());
    for (const r of nodes.filter((n) => n.role === 'replica')) expect(nodes.find((p) => p.address === r.primary)?.role).toBe('primary');
  }, 30_000);

  test('the workload runs at about the asked rate and is skewed across shards and commands', async () => {
    const primaries = ports.slice(0, 3).map((p) => `127.0.0.1:${p}`);
    const rates = new Map<string, number[]>(primaries.map((p) => [p, []]));
    const calls: Record<string, number> = {};
    // Average several 1 s readings per node: one reading alone is noisy.
    for (let i = 0; i < 6; i++) {
      const latest = (await api('/api/latest?metric=valkey_commands_processed_total,valkey_command_calls_total')).values as { node: string; metric: string; labels: Record<string, string>; value: number }[];
      for (const v of latest) {
        if (!primaries.includes(v.node)) continue;
        if (v.metric === 'valkey_commands_processed_total') rates.get(v.node)!.push(v.value);
        else calls[v.labels['cmd']!] = (calls[v.labels['cmd']!] ?? 0) + v.value;
      }
      await Bun.sleep(1000);
    }
    const avg = primaries.map((p) => {
      const xs = rates.get(p)!;
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    });
    const total = avg.reduce((a, b) => a + b, 0);
    // ~1000 commands/s from the workload plus Skyscope's own polling.
    expect(total).toBeGreaterThan(600);
    expect(total).toBeLessThan(2000);
    // The {cart} slot and the hottest keys make one shard clearly busier than the quietest.
    expect(Math.max(...avg) / Math.min(...avg)).toBeGreaterThan(1.5);
    // GET dominates the mix; the other types are there too.
    expect(calls['get']!).toBeGreaterThan(3 * (calls['set'] ?? 0));
    for (const cmd of ['set', 'incr', 'hget', 'hset', 'lpush', 'lrange', 'zadd', 'zrange', 'expire']) expect(calls[cmd] ?? 0).toBeGreaterThan(0);
  }, 30_000);

  test('samples land in the DuckDB history', async () => {
    const r = await api('/api/sql', { method: 'POST', body: JSON.stringify({ sql: 'SELECT count(*) AS n, count(DISTINCT node) AS nodes FROM v_samples' }) });
    expect(Number(r.rows[0][0])).toBeGreaterThan(0);
    expect(Number(r.rows[0][1])).toBe(6);
  });

  test('SIGINT stops everything: exit 0, servers gone, temp folder removed', async () => {
    child.kill('SIGINT');
    const code = await Promise.race([exited, Bun.sleep(20_000).then(() => 'timeout' as const)]);
    expect(code).toBe(0);
    expect(existsSync(clusterDir)).toBe(false);
    expect(pidsMentioning(clusterDir)).toEqual([]);
    for (const p of ports) expect(await answers(p)).toBe(false);
    expect(existsSync(join(work, 'demo.duckdb'))).toBe(true);
    expect(err).not.toMatch(/Z error /);
  }, 30_000);
});

describe('finding a server', () => {
  test('SKYSCOPE_VALKEY_SERVER pointing at a missing file: exit 2, one line on stderr', () => {
    const r = spawnSync(bun, [main, 'demo', '--no-open', '--port', '0'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
      env: cleanEnv({ SKYSCOPE_VALKEY_SERVER: '/nonexistent/valkey-server' }),
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SKYSCOPE_VALKEY_SERVER=/nonexistent/valkey-server');
    expect(lines[0]).toContain('apt install valkey-server');
  });

  test('nothing anywhere: NoServerError saying how to get one', () => {
    expect(() => findValkeyServer({ env: { PATH: '' }, cwd: tmpdir(), serverDirs: [] })).toThrow(NoServerError);
    expect(() => findValkeyServer({ env: { PATH: '' }, cwd: tmpdir(), serverDirs: [] })).toThrow(/npm run demo.*SKYSCOPE_VALKEY_SERVER/);
  });

  test('the test servers are found from the current directory, also after the repository moved', () => {
    const here = findValkeyServer({ env: { PATH: '' }, cwd: root, serverDirs: [join(root, '.servers')] });
    expect(here.serverName).toBe('valkey');
    expect(here.source).toContain('.servers/valkey');
    // A copy of the install whose manifest still names its old place.
    const flavor = here.source.includes('valkey9') ? 'valkey9' : 'valkey8';
    const moved = mkdtempSync(join(tmpdir(), 'skyscope-demo-moved-'));
    try {
      const dir = join(moved, '.servers', flavor);
      mkdirSync(dir, { recursive: true });
      for (const entry of readdirSync(join(root, '.servers', flavor))) {
        if (entry !== 'manifest.json') symlinkSync(join(root, '.servers', flavor, entry), join(dir, entry));
      }
      const manifest = JSON.parse(readFileSync(join(root, '.servers', flavor, 'manifest.json'), 'utf8'));
      manifest.server = (manifest.server as string[]).map((p) => p.split(join(root, '.servers')).join('/old/place/.servers'));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      const found = findValkeyServer({ env: { PATH: '' }, cwd: moved, serverDirs: [join(moved, '.servers')] });
      expect(found.command.filter((p) => p.startsWith('/')).every((p) => p.startsWith(moved))).toBe(true);
      expect(found.version).toBe(here.version);
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });
});

test('Zipf sampling: the hottest rank gets its share, ranks fall off', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const z = new Zipf(3000, 1.1, random);
  const counts = new Array(3000).fill(0);
  for (let i = 0; i < 100_000; i++) counts[z.sample()]++;
  expect(counts[0] / 100_000).toBeCloseTo(z.share(0), 1);
  expect(z.share(0)).toBeGreaterThan(0.1);
  expect(counts[0]).toBeGreaterThan(counts[1]);
  expect(counts[1]).toBeGreaterThan(counts[10]);
  expect(counts.slice(0, 10).reduce((a, b) => a + b, 0) / 100_000).toBeGreaterThan(0.3);
});
