// Runs Skyscope as its own process (server/main.ts) for benchmarks: pinned, pausable, with API helpers; always stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasTaskset } from './procStats.ts';

const root = resolve(import.meta.dir, '..', '..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** Every source at 1 s: the heaviest supported schedule, as the benchmarks ask for. */
export const everySourceEverySecond = ['--interval', '1s', '--interval', 'memory_stats=1s', '--interval', 'topology=1s'];

export interface SkyscopeOptions {
  targets: string[];
  /** Skyscope flags after --db/--port/--headless; default: every source at 1 s ([] = Skyscope's default intervals). */
  flags?: string[];
  /** Pin to this CPU with taskset (when available). */
  cpu?: number;
  /** Extra Bun flags, e.g. ['--cpu-prof-md', '--cpu-prof-dir=DIR']. */
  bunFlags?: string[];
  /** Run this compiled executable (scripts/build.ts) instead of Bun + server/main.ts. */
  executable?: string;
  /** The child's whole environment; default this process's environment without SKYSCOPE_TARGETS. */
  env?: Record<string, string>;
  /** Working directory; default the repository. */
  cwd?: string;
  /** A DuckDB file the caller owns (kept on stop); default a new file in a temp directory removed on stop. */
  db?: string;
  /** Serve the UI too; default --headless. */
  ui?: boolean;
}

export interface SkyscopeProcess {
  pid: number;
  /** http://127.0.0.1:PORT (no trailing slash). */
  base: string;
  dbPath: string;
  pinned: boolean;
  /** performance.now() just before the spawn, and when the "serving" line arrived (the HTTP server is listening). */
  spawnedAt: number;
  servingAt: number;
  getJson<T = any>(path: string): Promise<T>;
  /** POST /api/sql; rows as arrays in column order. */
  sql(sql: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  /** SIGSTOP: the process uses no CPU and sends nothing; its connections stay open and idle. */
  pause(): void;
  resume(): void;
  /** SIGTERM (or SIGINT: both flush and close the DuckDB file), SIGKILL after a timeout; removes its directory. Idempotent. */
  stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<void>;
  /** Last lines of stderr (the log), for error messages. */
  logTail(): string;
}

/** Running Skyscope processes and their directories, for the last-resort cleanup. */
const running = new Map<ChildProcess, string>();

export async function startSkyscopeProcess(opts: SkyscopeOptions): Promise<SkyscopeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-sky-'));
  const dbPath = opts.db ?? join(dir, 'skyscope.duckdb');
  const skyArgs = ['--db', dbPath, '--port', '0', '--host', '127.0.0.1', ...(opts.ui ? [] : ['--headless']), ...(opts.flags ?? everySourceEverySecond), ...opts.targets];
  const command = opts.executable ? [opts.executable, ...skyArgs] : [process.execPath, ...(opts.bunFlags ?? []), join(root, 'server', 'main.ts'), ...skyArgs];
  const pinned = opts.cpu !== undefined && hasTaskset;
  // taskset execs the program, so the child's pid is Skyscope's own.
  const [program, ...argv] = pinned ? ['taskset', '-c', String(opts.cpu), ...command] : command;
  const env = opts.env ?? { ...process.env, SKYSCOPE_TARGETS: '' };
  const spawnedAt = performance.now();
  const child = spawn(program, argv, { cwd: opts.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'], env });
  running.set(child, dir);
  let out = '';
  let servingAt = 0;
  let onOutput: (() => void) | undefined;
  const err: string[] = [];
  child.stdout!.on('data', (d) => {
    out += String(d);
    if (!servingAt && out.includes('Skyscope is serving')) servingAt = performance.now();
    onOutput?.();
  });
  child.stderr!.on('data', (d) => {
    err.push(...String(d).split('\n').filter(Boolean));
    if (err.length > 200) err.splice(0, err.length - 200);
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const logTail = () => err.slice(-20).join('\n');
  let stopped = false;

  const stop = async (signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM') => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill(signal);
      const done = await Promise.race([exited.then(() => true), Bun.sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!done) child.kill('SIGKILL');
      await exited;
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let base = '';
  while (!base) {
    base = /Skyscope is serving (http:\/\/\S+?)\/?(\s|$)/.exec(out)?.[1] ?? '';
    if (base) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Skyscope did not start (${child.exitCode !== null ? `exit ${child.exitCode}` : 'timeout'}):\n${logTail()}`);
    }
    // Woken by the next output (so start-up times are not rounded to the poll), or after 50 ms at the latest.
    await new Promise<void>((res) => {
      const timer = setTimeout(res, 50);
      onOutput = () => {
        clearTimeout(timer);
        res();
      };
    });
    onOutput = undefined;
  }

  const getJson = async (path: string) => {
    const res = await fetch(base + path);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    pid: child.pid!,
    base,
    dbPath,
    pinned,
    spawnedAt,
    servingAt,
    getJson,
    async sql(sql) {
      const res = await fetch(base + '/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
      const body = (await res.json()) as any;
      if (!res.ok) throw new Error(`POST /api/sql: ${res.status} ${JSON.stringify(body)}`);
      return { columns: body.columns, rows: body.rows };
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
    logTail,
  };
}

/** Waits until /api/nodes lists `count` nodes, all up. */
export async function waitForNodesUp(sky: SkyscopeProcess, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { nodes } = await sky.getJson<{ nodes: { address: string; state: string }[] }>('/api/nodes');
      last = nodes.map((n) => `${n.address}=${n.state}`).join(' ');
      if (nodes.length >= count && nodes.every((n) => n.state === 'up')) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await Bun.sleep(200);
  }
  throw new Error(`Skyscope did not see ${count} nodes up within ${timeoutMs / 1000} s (last: ${last})\n${sky.logTail()}`);
}

/** Synchronous last resort (process exit, signals): Skyscope processes must not outlive the benchmark. */
export function killAllSkyscopes(): void {
  for (const [child, dir] of running) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  }
  running.clear();
}

/** Temp directories that must not outlive the benchmark (a built binary is 180 MB), removed on exit, even after Ctrl-C. */
const tempDirs = new Set<string>();

/** mkdtemp under the system temp folder; remove() deletes it now, and process exit deletes it anyway. */
export function benchTempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      tempDirs.delete(path);
    },
  };
}

process.on('exit', () => {
  killAllSkyscopes();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
