// The compiled executable as a user runs it: built with scripts/build.ts, copied alone into an empty folder and
// started with nothing but PATH=/nonexistent and HOME (no Node, no Bun, no node_modules). Two benchmarks:
//   binary-start  spawn -> first 200 from /api/health: the first start (unpacks libduckdb.so into $HOME/.cache/skyscope,
//                 creates the DuckDB file) and warm starts (SIGINT and wait for exit between runs)
//   binary-rss    the binary watching servers with its default intervals: RSS (VmRSS every second) and CPU
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchTempDir, startSkyscopeProcess, waitForNodesUp, type SkyscopeProcess } from './skyscopeProcess.ts';
import { measureWindow, type WindowUsage } from './skyscopeIngest.ts';
import { memory, type Memory } from './procStats.ts';

const root = resolve(import.meta.dir, '..', '..');

export interface BuiltBinary {
  /** The executable, alone in its folder (its working directory when run). */
  path: string;
  runDir: string;
  /** The user's home: DuckDB's library is unpacked into $HOME/.cache/skyscope on the first start. */
  home: string;
  sizeMb: number;
  buildSeconds: number;
  /** Removes everything (the binary, its home and DuckDB files). */
  remove(): void;
}

/** Builds the executable into a temp folder and copies it into an empty one next to an empty home. */
export function buildBinary(): BuiltBinary {
  const { path: work, remove } = benchTempDir('skyscope-bench-bin-');
  try {
    const built = join(work, 'build', 'skyscope');
    const t0 = performance.now();
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), built], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    if (b.status !== 0) throw new Error(`scripts/build.ts failed: ${(b.stderr || b.stdout).trim()}`);
    const buildSeconds = (performance.now() - t0) / 1000;
    const runDir = join(work, 'run');
    const home = join(work, 'home');
    mkdirSync(runDir);
    mkdirSync(home);
    const path = join(runDir, 'skyscope');
    copyFileSync(built, path);
    chmodSync(path, 0o755);
    rmSync(join(work, 'build'), { recursive: true, force: true });
    return { path, runDir, home, sizeMb: statSync(path).size / 1e6, buildSeconds, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** Nothing on PATH: a binary that shelled out to node or bun would fail. */
const userEnv = (bin: BuiltBinary) => ({ PATH: '/nonexistent', HOME: bin.home });

export interface StartRun {
  /** spawn -> first 200 from /api/health. */
  ms: number;
  /** spawn -> "Skyscope is serving" on stdout (the HTTP server is listening). */
  servingMs: number;
  /** SIGINT -> exit (flush and close the DuckDB file). */
  stopMs: number;
  /** Memory once every node is up and a few seconds more (first start only). */
  memory?: Memory & { afterSeconds: number };
}

export interface BinaryStartResult {
  sizeMb: number;
  buildSeconds: number;
  first: StartRun;
  /** What the first start left in $HOME/.cache/skyscope. */
  cacheFiles: string[];
  warm: StartRun[];
  warmMedianMs: number;
  warmMinMs: number;
  warmMaxMs: number;
}

/** One start of the binary: spawn, wait for a 200 from /api/health, SIGINT, wait for exit. */
async function startOnce(bin: BuiltBinary, targets: string[], db: string, register: (sky: SkyscopeProcess) => void, hold?: { nodes: number; seconds: number }): Promise<StartRun> {
  const sky = await startSkyscopeProcess({ executable: bin.path, cwd: bin.runDir, env: userEnv(bin), db, flags: [], ui: true, targets });
  register(sky);
  try {
    // The serving line is printed once the server listens, so the first request normally answers; poll anyway.
    let ok = false;
    for (let i = 0; !ok && i < 2000; i++) {
      ok = await fetch(`${sky.base}/api/health`).then((r) => r.status === 200, () => false);
      if (!ok) await Bun.sleep(2);
    }
    const healthAt = performance.now();
    if (!ok) throw new Error(`/api/health never answered 200\n${sky.logTail()}`);
    let mem: StartRun['memory'];
    if (hold) {
      await waitForNodesUp(sky, hold.nodes);
      await Bun.sleep(hold.seconds * 1000);
      mem = { ...memory(sky.pid), afterSeconds: (performance.now() - sky.spawnedAt) / 1000 };
    }
    const t = performance.now();
    await sky.stop('SIGINT');
    return { ms: healthAt - sky.spawnedAt, servingMs: sky.servingAt - sky.spawnedAt, stopMs: performance.now() - t, memory: mem };
  } finally {
    await sky.stop();
  }
}

export async function runBinaryStart(opts: { bin: BuiltBinary; targets: string[]; nodes: number; warmRuns: number; register: (sky: SkyscopeProcess) => void; log: (line: string) => void }): Promise<BinaryStartResult> {
  const { bin, log } = opts;
  const db = join(bin.runDir, 'skyscope.duckdb');
  // First start: an empty home (DuckDB's library is unpacked) and no DuckDB file yet (created and migrated).
  // It runs on a little after the timing, for its memory: unpacking reads the embedded library through the executable's mapping.
  const first = await startOnce(bin, opts.targets, db, opts.register, { nodes: opts.nodes, seconds: 5 });
  const cacheDir = join(bin.home, '.cache', 'skyscope');
  const cacheFiles = existsSync(cacheDir) ? readdirSync(cacheDir) : [];
  log(`first start  ${first.ms.toFixed(0)} ms to a 200 from /api/health (serving line at ${first.servingMs.toFixed(0)} ms; unpacked ${cacheFiles.join(', ') || 'nothing'} into $HOME/.cache/skyscope; exit after SIGINT ${first.stopMs.toFixed(0)} ms)`);
  const m = first.memory!;
  log(`             its RSS ${first.memory!.afterSeconds.toFixed(0)} s after spawn: ${m.rssMb.toFixed(0)} MB (private ${m.anonMb.toFixed(0)}, file-backed ${m.fileMb.toFixed(0)}: the library was read through the executable's mapping to unpack it)`);
  // Warm starts: the library is cached and the DuckDB file exists, as on every later start.
  const warm: StartRun[] = [];
  for (let i = 0; i < opts.warmRuns; i++) warm.push(await startOnce(bin, opts.targets, db, opts.register));
  const ms = warm.map((w) => w.ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  log(`warm starts  median ${median.toFixed(0)} ms (min ${ms[0]!.toFixed(0)}, max ${ms.at(-1)!.toFixed(0)}; ${warm.length} runs: ${warm.map((w) => w.ms.toFixed(0)).join(' ')} ms; serving line median ${medianOf(warm.map((w) => w.servingMs)).toFixed(0)} ms)`);
  return { sizeMb: bin.sizeMb, buildSeconds: bin.buildSeconds, first, cacheFiles, warm, warmMedianMs: median, warmMinMs: ms[0]!, warmMaxMs: ms.at(-1)! };
}

export interface BinaryRssResult {
  nodes: number;
  warmupSeconds: number;
  usage: WindowUsage;
}

/**
 * The binary watching `targets` with its default intervals (INFO 1 s, MEMORY STATS 5 s, ...): RSS sampled
 * every second from /proc/<pid>/status and CPU from /proc/<pid>/stat over `seconds` after a warm-up.
 * The DuckDB file is `db` (kept, so later steps can use the history).
 */
export async function runBinaryRss(opts: {
  bin: BuiltBinary;
  targets: string[];
  nodes: number;
  db: string;
  warmupSeconds: number;
  seconds: number;
  register: (sky: SkyscopeProcess) => void;
  log: (line: string) => void;
  /** Runs after the window, with the binary still running (e.g. the dashboard in Chromium against its embedded UI). */
  after?: (sky: SkyscopeProcess) => Promise<void>;
}): Promise<BinaryRssResult> {
  const { bin, log } = opts;
  // Not the first start: that one reads the embedded libduckdb.so to unpack it and keeps those pages (binary-start reports it).
  const v = spawnSync(bin.path, ['--version'], { cwd: bin.runDir, env: userEnv(bin), encoding: 'utf8', timeout: 30_000 });
  if (v.status !== 0) throw new Error(`${bin.path} --version failed: ${v.stderr}`);
  const sky = await startSkyscopeProcess({ executable: bin.path, cwd: bin.runDir, env: userEnv(bin), db: opts.db, flags: [], ui: true, targets: opts.targets });
  opts.register(sky);
  try {
    await waitForNodesUp(sky, opts.nodes);
    await Bun.sleep(opts.warmupSeconds * 1000);
    const usage = await measureWindow(sky, opts.seconds);
    const r = usage.rss;
    log(`watching ${opts.nodes} nodes with default intervals (pid ${sky.pid}, ${usage.threadCount} threads), ${usage.seconds.toFixed(0)} s window after ${opts.warmupSeconds} s warm-up`);
    log(`RSS        min ${r.minMb.toFixed(0)} MB  avg ${r.avgMb.toFixed(0)} MB  max ${r.maxMb.toFixed(0)} MB  p99 ${r.p99Mb.toFixed(0)} MB (start ${r.firstMb.toFixed(0)} -> end ${r.lastMb.toFixed(0)}, trend ${r.slopeMbPerMinute >= 0 ? '+' : ''}${r.slopeMbPerMinute.toFixed(1)} MB/min); peak VmHWM ${usage.hwmMb.toFixed(0)} MB; private (RssAnon) up to ${r.anonMaxMb.toFixed(0)} MB, file-backed (RssFile: the executable, libduckdb.so) up to ${r.fileMaxMb.toFixed(0)} MB`);
    log(`per minute ${r.perMinute.map((m, i) => `${i + 1}: ${m.avgMb.toFixed(0)}/${m.maxMb.toFixed(0)}`).join('  ')} (MB, average/highest)`);
    log(`CPU        ${usage.cpuPercent.toFixed(2)}% of one core; threads ${usage.threads.slice(0, 5).map((t) => `${t.name} ${t.cpuPercent.toFixed(2)}%`).join(', ')}`);
    await opts.after?.(sky);
    return { nodes: opts.nodes, warmupSeconds: opts.warmupSeconds, usage };
  } finally {
    await sky.stop('SIGINT');
  }
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
