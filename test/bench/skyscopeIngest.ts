// Skyscope's own cost while it watches servers: process CPU (whole and per thread), RSS, samples landing in DuckDB,
// the RSS floor under it, and (optionally) a CPU profile of where its JS thread spends its time.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuMs, memory, rssSampler, threadCpuMs, threadDelta, type RssStats } from './procStats.ts';
import { startSkyscopeProcess, waitForNodesUp, type SkyscopeProcess } from './skyscopeProcess.ts';

export interface WindowUsage {
  seconds: number;
  cpuPercent: number;
  /** Per thread name, % of one core; the main JS thread vs DuckDB and Bun helpers. */
  threads: { name: string; cpuPercent: number }[];
  rss: RssStats;
  /** VmHWM at the end of the window: the peak since the process started. */
  hwmMb: number;
  threadCount: number;
}

/** Measures Skyscope's CPU and RSS over `seconds`. */
export async function measureWindow(sky: SkyscopeProcess, seconds: number): Promise<WindowUsage> {
  const c0 = cpuMs(sky.pid);
  const th0 = threadCpuMs(sky.pid);
  const t0 = performance.now();
  const rss = rssSampler(sky.pid, 1000);
  await Bun.sleep(seconds * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpu = ((cpuMs(sky.pid) - c0) / 1000 / wall) * 100;
  const threads = [...threadDelta(th0, threadCpuMs(sky.pid))]
    .map(([name, ms]) => ({ name, cpuPercent: (ms / 1000 / wall) * 100 }))
    .filter((t) => t.cpuPercent > 0)
    .sort((a, b) => b.cpuPercent - a.cpuPercent);
  const mem = memory(sky.pid);
  return { seconds: wall, cpuPercent: cpu, threads, rss: rss.stop(), hwmMb: mem.hwmMb, threadCount: mem.threads };
}

export interface LandedSamples {
  total: number;
  perSecond: number;
  perNodePerSecond: number;
  nodes: number;
  /** Distinct (metric, labels) per node, averaged. */
  seriesPerNode: number;
  pollSeconds: { source: string; avgMs: number; maxMs: number }[];
  /** DuckDB's own accounting (duckdb_memory()): what part of the RSS is the database's buffers. */
  duckdbMemory: { totalMb: number; byTag: { tag: string; mb: number }[]; walSize: string };
}

/** Counts the samples stamped inside [fromMs, toMs) as Skyscope's own SQL endpoint sees them. */
export async function landedSamples(sky: SkyscopeProcess, fromMs: number, toMs: number): Promise<LandedSamples> {
  const range = `ts >= make_timestamp(${Math.round(fromMs)}::BIGINT * 1000) AND ts < make_timestamp(${Math.round(toMs)}::BIGINT * 1000)`;
  const perNode = await sky.sql(`SELECT node, count(*) AS n, count(DISTINCT (metric, labels)) AS series FROM v_samples WHERE ${range} GROUP BY node`);
  const rows = perNode.rows.map((r) => ({ n: Number(r[1]), series: Number(r[2]) }));
  const total = rows.reduce((s, r) => s + r.n, 0);
  const seconds = (toMs - fromMs) / 1000;
  const polls = await sky.sql(
    `SELECT labels, avg(value) * 1000, max(value) * 1000 FROM v_samples WHERE metric = 'skyscope_poll_duration_seconds' AND ${range} GROUP BY labels ORDER BY labels`,
  );
  const mem = await sky.sql('SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY 2 DESC');
  const byTag = mem.rows.map((r) => ({ tag: String(r[0]), mb: Number(r[1]) / 2 ** 20 }));
  const size = await sky.sql('SELECT wal_size FROM pragma_database_size()');
  return {
    duckdbMemory: { totalMb: byTag.reduce((s, t) => s + t.mb, 0), byTag, walSize: String(size.rows[0]?.[0] ?? '') },
    total,
    perSecond: total / seconds,
    perNodePerSecond: total / seconds / Math.max(1, rows.length),
    nodes: rows.length,
    seriesPerNode: rows.reduce((s, r) => s + r.series, 0) / Math.max(1, rows.length),
    pollSeconds: polls.rows.map((r) => ({ source: String(r[0]).replace(/^.*source="?([^",}]+)"?.*$/, '$1'), avgMs: Number(r[1]), maxMs: Number(r[2]) })),
  };
}

export interface RssFloor {
  bareMb: number;
  modulesMb: number;
  storeMb: number;
  storeAnonMb: number;
  storeFileMb: number;
}

/** RSS of a Bun process that only loads Skyscope's modules and opens an empty store (see rssBaseline.ts). */
export function rssFloor(): RssFloor {
  const r = spawnSync(process.execPath, [join(import.meta.dir, 'rssBaseline.ts')], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`rssBaseline.ts failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RssFloor;
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  /** Samples taken (about one per millisecond of JS-thread CPU). */
  samples: number;
  /** Share of samples by area of code; native frames count for the nearest JS caller's area. */
  byArea: { area: string; percent: number }[];
  /** Functions by share of samples in which they are on the stack (inclusive). */
  topInclusive: { fn: string; where: string; percent: number }[];
  /** Functions (native included) by share of samples in which they are the leaf (self). */
  topSelf: { fn: string; where: string; percent: number }[];
}

/**
 * Runs a second Skyscope under `bun --cpu-prof` for `seconds` against the same targets and summarizes the
 * profile by sample counts. It covers the JS thread only (DuckDB's own threads show in the per-thread CPU).
 */
export async function profileSkyscope(targets: string[], nodes: number, seconds: number, keepAs: string): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'skyscope-bench-prof-'));
  try {
    const spawned = performance.now();
    const sky = await startSkyscopeProcess({ targets, bunFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    // Only the steady state counts: from 2 s after every node is up until just before SIGTERM.
    let window = { fromMs: 0, toMs: Number.POSITIVE_INFINITY };
    try {
      await waitForNodesUp(sky, nodes);
      await Bun.sleep(2000);
      const fromMs = performance.now() - spawned;
      await Bun.sleep(seconds * 1000);
      window = { fromMs, toMs: performance.now() - spawned };
    } finally {
      await sky.stop();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('bun --cpu-prof wrote no profile');
    mkdirSync(resolve(keepAs, '..'), { recursive: true });
    copyFileSync(join(dir, file), keepAs);
    return { file: keepAs, seconds, ...summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, window) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

const root = resolve(import.meta.dir, '..', '..') + '/';

/** Which part of Skyscope (or which library) a script URL belongs to; '' for native code and runtime internals. */
function areaOf(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  if (!path.startsWith('/')) return '';
  const rel = path.replace(root, '');
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (lib) return lib[1]!;
  return rel.split('/').slice(0, 2).join('/');
}

/**
 * Sample counts, not the profile's time weights: Bun weights a sample by the time since the previous one, which
 * in a mostly idle process charges whole idle gaps to whatever ran next.
 */
export function summarizeProfile(p: CpuProfile, window = { fromMs: 0, toMs: Number.POSITIVE_INFINITY }): Omit<ProfileSummary, 'file' | 'seconds'> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const idle = new Set(['(idle)', '(program)', '(root)', '(garbage collector)']);
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const url = f.url.replace(/^file:\/\//, '').replace(root, '');
    return `${f.functionName || '(anonymous)'}\t${url || '[native]'}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let counted = 0;
  let t = 0;
  for (const [i, leaf] of p.samples.entries()) {
    // The profile starts with the process, which is (close enough to) when the caller spawned it.
    t += (p.timeDeltas[i] ?? 0) / 1000;
    if (t < window.fromMs || t > window.toMs) continue;
    const fn = byId.get(leaf)?.callFrame.functionName ?? '';
    if (idle.has(fn)) continue;
    counted++;
    self.set(key(leaf), (self.get(key(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    let area = '';
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id)!;
      if (!area) area = areaOf(node.callFrame.url);
      const k = key(id);
      if (node.callFrame.functionName === '(root)' || seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
    }
    area ||= '(runtime, no JS caller)';
    areas.set(area, (areas.get(area) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, n: number, keep: (where: string) => boolean = () => true) =>
    [...m]
      .map(([k, count]) => {
        const [fn, where] = k.split('\t') as [string, string];
        return { fn, where, percent: (count / Math.max(1, counted)) * 100 };
      })
      .filter((e) => keep(e.where))
      .sort((a, b) => b.percent - a.percent)
      .slice(0, n);
  return {
    samples: counted,
    byArea: [...areas].map(([area, c]) => ({ area, percent: (c / Math.max(1, counted)) * 100 })).sort((a, b) => b.percent - a.percent),
    topInclusive: top(inclusive, 25, (where) => where.startsWith('server/')),
    topSelf: top(self, 15),
  };
}

export interface MemoryBreakdown {
  seconds: number;
  rss: { avgMb: number; maxMb: number; atEndMb: number; afterFullGcMb: number };
  jsHeap: { avgMb: number; maxMb: number; capacityMaxMb: number; extraMaxMb: number; atEndMb: number; afterFullGcMb: number; objectsAfterGc: number };
  topObjectTypes: { type: string; count: number }[];
}

/** Skyscope in a child process that reports its JS heap next to its RSS (see skyscopeMemory.ts). */
export function memoryBreakdown(targets: string[], seconds: number): MemoryBreakdown {
  const r = spawnSync(process.execPath, [join(import.meta.dir, 'skyscopeMemory.ts'), String(seconds), ...targets], { encoding: 'utf8', timeout: (seconds + 40) * 1000 });
  if (r.status !== 0) throw new Error(`skyscopeMemory.ts failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as MemoryBreakdown;
}
