// Benchmarks for hot-key detection: what each method reads and costs the server, on real servers, through Skyscope's API.
// Run through test/bench/run.ts (`--only hotkeys`), or alone: `bun test/bench/hotkeys.ts [--quick]`.
//
//  [1] keys touched and wall time to an answer, Skyscope's slot_scan vs `valkey-cli --hotkeys`, on one Valkey 9.1 cluster
//      (3 primaries, no replicas, allkeys-lfu, cluster-slot-stats-enabled yes) holding 1,000,000 keys (200,000 with
//      --quick) under a paced Zipf load (exponent 1.1) that runs throughout. Keys touched are counted on the server:
//      INFO commandstats deltas on every primary, minus Skyscope's own background polling (a control window before).
//      Both answers are scored against the load's ground truth (top 10), so the faster one is not a wrong one.
//  [2] throughput cost while a run is in progress vs idle (and right after it): one valkey-benchmark/redis-benchmark
//      GET load for the whole measurement, pinned like serverOverhead.ts (server CPU 0; benchmark and Skyscope CPU 1),
//      GETs counted by the server in back-to-back windows (idle / running / after, several blocks, medians and paired
//      ratios): monitor on a Valkey 9.1 standalone (the targets), slot_scan on the cluster of [1], redis_hotkeys on a
//      Redis 8.6 standalone (info).
//
// Everything listens on 127.0.0.1; every server, Skyscope and child process started here is stopped on success,
// failure, Ctrl-C or SIGTERM.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { join, resolve } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { benchmarkCommand, cliCommand, serverInfo, startCluster, startStandalone, type ClusterHandle, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { precisionRecall, type Accuracy } from '../workload/accuracy.ts';
import { loadKeyspace, runWorkload, type GroundTruth } from '../workload/zipf.ts';
import { cpuMs, hasTaskset, pinProcess } from './procStats.ts';
import { parseCommandStats, type CommandCost } from './serverCost.ts';
import { fmtOps, spread, type Spread } from './serverOverhead.ts';
import { killAllSkyscopes, startSkyscopeProcess, waitForNodesUp, type SkyscopeProcess } from './skyscopeProcess.ts';

type Log = (line: string) => void;
type Register = (cleanup: () => Promise<void>) => void;
type Method = 'monitor' | 'slot_scan' | 'redis_hotkeys';

const root = resolve(import.meta.dir, '..', '..');
const ZIPF_EXPONENT = 1.1;
const ZIPF_SEED = 11;
/** Keys kept per node and metric by a Skyscope run (the API's default). */
const RUN_TOP = 100;

// ---------- plan and targets ----------

export interface HotkeysPlan {
  quick: boolean;
  keys: number;
  /** The Zipf load's pace (ops/s): high enough for clear hot slots, low enough to leave CPU for the servers on 2 cores. */
  zipfOpsPerSecond: number;
  /** Zipf load before measuring (LFU counters and slot statistics build up). */
  warmupS: number;
  /** Control window: Skyscope's background polling per primary, with no run in progress. */
  controlS: number;
  /** slot_scan's durationS: its phase-1 window (two CLUSTER SLOT-STATS snapshots this far apart). */
  slotScanDurationS: number;
  /** Per method: blocks of idle / running / after, and seconds per window. */
  cost: Record<Method, { blocks: number; windowSeconds: number }>;
}

export function hotkeysPlan(quick: boolean): HotkeysPlan {
  return quick
    ? {
        quick,
        keys: 200_000,
        zipfOpsPerSecond: 20_000,
        warmupS: 5,
        controlS: 3,
        slotScanDurationS: 5,
        // monitor's windows are a whole number of its duty cycles (2.5 s).
        cost: { monitor: { blocks: 2, windowSeconds: 5 }, slot_scan: { blocks: 2, windowSeconds: 3 }, redis_hotkeys: { blocks: 2, windowSeconds: 3 } },
      }
    : {
        quick,
        keys: 1_000_000,
        zipfOpsPerSecond: 20_000,
        warmupS: 7,
        controlS: 5,
        slotScanDurationS: 10,
        cost: { monitor: { blocks: 6, windowSeconds: 5 }, slot_scan: { blocks: 3, windowSeconds: 4 }, redis_hotkeys: { blocks: 3, windowSeconds: 4 } },
      };
}

export const hotkeysTargets = {
  /** valkey-cli --hotkeys reads every key; slot_scan at least this many times fewer on the 1M-key cluster. */
  keysReadRatio: 50,
  /** ops/s while a monitor run is in progress: at most this much (%) lower than idle. */
  monitorRunningLossPercent: 10,
  /** After a monitor run: no lower than idle by more than one idle window's robust sigma (at least this much, %). */
  afterNoiseFloorPercent: 1,
};

// ---------- output helpers ----------

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const signed = (x: number, digits = 2) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}%`;

/** Left-aligned first column, the rest right-aligned (all left-aligned with `left`); widths from the content. */
function table(log: Log, header: string[], rows: string[][], left = false): void {
  const width = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === 0 || left ? c.padEnd(width[k]!) : c.padStart(width[k]!))).join('  ').trimEnd();
  log(line(header));
  log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) log(line(r));
}

// ---------- child processes (valkey-cli, benchmarks): never outlive us ----------

const children = new Set<ReturnType<typeof Bun.spawn>>();
process.on('exit', () => {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

async function runChild(cmd: string[], timeoutMs: number): Promise<{ out: string; err: string; code: number; ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe', cwd: root });
  children.add(proc);
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  try {
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const usage = proc.resourceUsage();
    return { out, err, code, ms: performance.now() - t0, cpuMs: usage ? Number(usage.cpuTime.total) / 1000 : Number.NaN };
  } finally {
    clearTimeout(timer);
    children.delete(proc);
  }
}

// ---------- Skyscope's hot-key API ----------

interface RunStatus {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  method: string;
  id?: number;
  error?: string;
}

async function apiStatus(sky: SkyscopeProcess): Promise<{ available: string[]; run: RunStatus | null }> {
  return sky.getJson('/api/hotkeys/status');
}

async function startRun(sky: SkyscopeProcess, method: Method, durationS: number): Promise<void> {
  const res = await fetch(`${sky.base}/api/hotkeys/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, durationS, top: RUN_TOP }) });
  if (res.status !== 202) throw new Error(`POST /api/hotkeys/runs ${method}: ${res.status} ${await res.text()}`);
}

async function waitAvailable(sky: SkyscopeProcess, method: Method, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = (await apiStatus(sky)).available ?? [];
    if (last.includes(method)) return;
    await Bun.sleep(200);
  }
  throw new Error(`${method} did not become available within ${timeoutMs / 1000} s (available: ${last.join(', ') || 'none'})\n${sky.logTail()}`);
}

/** Polls the status until the run is no longer running; returns it and when that was seen (performance.now()). */
async function waitRunDone(sky: SkyscopeProcess, timeoutMs: number, everyMs = 50): Promise<{ status: RunStatus; seenAt: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = (await apiStatus(sky)).run;
    if (s && s.state !== 'running') return { status: s, seenAt: performance.now() };
    if (Date.now() > deadline) throw new Error(`hot-key run still running after ${timeoutMs / 1000} s\n${sky.logTail()}`);
    await Bun.sleep(everyMs);
  }
}

interface StoredRun {
  id: number;
  method: string;
  status: string;
  /** Unix seconds. */
  started: number;
  finished: number;
  detail: { windowMs?: number; hotSlots?: unknown[]; nodes?: Record<string, Record<string, unknown>>; errors?: Record<string, string> };
  rows: { node: string; metric: string; value: number; key: { text: string } }[];
}

async function storedRun(sky: SkyscopeProcess, id: number): Promise<StoredRun> {
  return sky.getJson(`/api/hotkeys/runs/${id}`);
}

// ---------- INFO commandstats per primary ----------

type Stats = Map<string, CommandCost>;

async function commandStats(c: Redis): Promise<Stats> {
  return parseCommandStats(String(await c.info('commandstats')));
}

/** Calls per command between two snapshots. */
function callDeltas(a: Stats, b: Stats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, after] of b) {
    const d = after.calls - (a.get(name)?.calls ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

/** The Zipf load's own commands: never counted as a method's. */
const workloadCommands = new Set(['get', 'set', 'mset']);
/** Commands that read keys (or list them): what "keys touched" is made of. */
const keyCommands = ['scan', 'clusterscan', 'cluster|getkeysinslot', 'object|freq', 'type', 'pttl', 'memory|usage'];

interface CommandRow {
  command: string;
  calls: number;
  /** Expected from Skyscope's background polling over the same time (control window rate x seconds). */
  background: number;
  /** calls - background, rounded; what the method itself sent. */
  net: number;
}

function netCommands(delta: Record<string, number>, backgroundPerSecond: Record<string, number>, seconds: number): CommandRow[] {
  const rows: CommandRow[] = [];
  for (const command of Object.keys(delta)) {
    if (workloadCommands.has(command)) continue;
    const calls = delta[command] ?? 0;
    const background = (backgroundPerSecond[command] ?? 0) * seconds;
    rows.push({ command, calls, background: Math.round(background * 10) / 10, net: Math.max(0, Math.round(calls - background)) });
  }
  return rows.sort((a, b) => b.net - a.net);
}

const netOf = (rows: CommandRow[], command: string) => rows.find((r) => r.command === command)?.net ?? 0;

// ---------- [1] keys touched and time to an answer ----------

export interface CompareNode {
  node: string;
  /** slot_scan's own account (run detail) and valkey-cli's ("Sampled N keys"). */
  slotScan: { hotSlots: number; keysScanned: number; keysRead: number; scanCalls: number; truncatedSlots: number; commands: CommandRow[] };
  cli: { sampled: number; wallMs: number; cpuMs: number; commands: CommandRow[]; top: { key: string; counter: number }[] };
}

export interface CompareResult {
  version: string;
  keys: number;
  loadSeconds: number;
  zipf: { exponent: number; pacedOpsPerSecond: number; achievedOpsPerSecond: number; totalOps: number; errors: number; seconds: number };
  controlSeconds: number;
  /** Skyscope's background commands per second, all primaries together (control window, no run). */
  backgroundPerSecond: Record<string, number>;
  slotScan: {
    runId: number;
    status: string;
    durationS: number;
    /** POST -> status no longer running, seen by the benchmark (50 ms polls). */
    wallMs: number;
    /** The run's own started -> finished. */
    runMs: number;
    windowMs: number;
    /** After the phase-1 window: reading the hot slots' keys, ranking, describing the top keys. */
    afterWindowMs: number;
    hotSlots: number;
    keysScanned: number;
    keysRead: number;
    scanCalls: number;
    /** From INFO commandstats, net of background: OBJECT FREQ calls (one per key scanned) + TYPE calls (one per key described). */
    keysByCommandstats: number;
    commands: CommandRow[];
    top10: Accuracy;
    reported: string[];
  };
  cli: {
    command: string;
    mode: 'parallel';
    /** Spawn of the three -> the last one's exit (its answer). */
    wallMs: number;
    sampled: number;
    /** OBJECT FREQ calls net of background: valkey-cli reads every key SCAN returns with one. */
    keysByCommandstats: number;
    scanCalls: number;
    commands: CommandRow[];
    top10: Accuracy;
    reported: string[];
  };
  nodes: CompareNode[];
  /** valkey-cli's keys read / slot_scan's keys read (each by its own account, and by commandstats). */
  ratio: number;
  ratioByCommandstats: number;
}

/** One line of valkey-cli's summary: `hot key found with counter: 72\tkeyname: "zk:26386"`. */
export function parseCliHotkeys(text: string): { sampled: number; top: { key: string; counter: number }[] } {
  // Progress lines ("[12.34%] Hot key ... found so far") come first; the answer follows "-------- Summary --------".
  const at = text.toLowerCase().lastIndexOf('-------- summary');
  const body = at >= 0 ? text.slice(at) : '';
  const sampled = Number(/Sampled (\d+) keys/.exec(body)?.[1] ?? Number.NaN);
  const top: { key: string; counter: number }[] = [];
  for (const line of body.split('\n')) {
    const m = /^hot key found with counter: (\d+)\s+keyname: (.*)$/.exec(line.trimEnd());
    if (m) top.push({ counter: Number(m[1]), key: unquoteRepr(m[2]!) });
  }
  return { sampled, top };
}

/** Undoes sdscatrepr(): "..." with \\ \" \n \r \t \a \b and \xHH escapes. */
function unquoteRepr(s: string): string {
  if (!(s.startsWith('"') && s.endsWith('"'))) return s;
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch));
      continue;
    }
    const n = body[++i];
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 };
    if (n === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n !== undefined && simple[n] !== undefined) bytes.push(simple[n]!);
    else if (n !== undefined) bytes.push(...Buffer.from(n));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface ClusterPartOptions {
  plan: HotkeysPlan;
  log: Log;
  register: Register;
  into: HotkeysResult;
}

/** [1] on a fresh cluster, then [2] slot_scan's throughput cost on the same cluster (the Zipf load stopped first). */
export async function runHotkeysCluster(o: ClusterPartOptions): Promise<void> {
  const { plan, log } = o;
  const config = { 'cluster-slot-stats-enabled': 'yes', 'maxmemory-policy': 'allkeys-lfu' };
  const cluster: ClusterHandle = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0, config });
  o.register(() => cluster.stop());
  const client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 0 } });
  client.on('error', () => {});
  const probes: { node: string; port: number; pid: number; c: Redis }[] = [];
  const load = new AbortController();
  let workload: Promise<GroundTruth> | undefined;
  let sky: SkyscopeProcess | undefined;
  try {
    const version = cluster.nodes[0]!.version;
    const primaries = await cluster.primaries();
    for (const p of primaries) {
      const c = new Redis({ host: '127.0.0.1', port: p.port, maxRetriesPerRequest: 1, connectionName: 'skyscope-bench-probe' });
      c.on('error', () => {});
      probes.push({ node: `127.0.0.1:${p.port}`, port: p.port, pid: p.pid, c });
    }
    const loaded = await loadKeyspace(client, plan.keys);
    const sizes = (await Promise.all(probes.map((p) => p.c.dbsize()))).map(Number);
    log(`Valkey ${version} cluster, 3 primaries, no replicas, maxmemory-policy allkeys-lfu, cluster-slot-stats-enabled yes`);
    log(`  ${fmt(plan.keys)} keys (16-byte strings) loaded in ${(loaded.durationMs / 1000).toFixed(1)} s: ${sizes.map(fmt).join(' / ')} per primary`);
    const zipfStart = performance.now();
    workload = runWorkload(client, { keys: plan.keys, exponent: ZIPF_EXPONENT, seed: ZIPF_SEED, opsPerSecond: plan.zipfOpsPerSecond, signal: load.signal });
    workload.catch(() => undefined);
    log(`  Zipf load (exponent ${ZIPF_EXPONENT}, seed ${ZIPF_SEED}, 90% GET / 10% SET) paced to ${fmt(plan.zipfOpsPerSecond)} ops/s from the benchmark process, running until both answers are in`);

    sky = await startSkyscopeProcess({ targets: [cluster.seedUrl], flags: ['--interval', 'slot_stats=1s'] });
    o.register(() => sky!.stop());
    await waitForNodesUp(sky, 3);
    await waitAvailable(sky, 'slot_scan');
    log(`  Skyscope (server/main.ts, default intervals, slot_stats every 1 s so slot_scan is available at once), unpinned like everything in [1]`);
    const warm = plan.warmupS * 1000 - (performance.now() - zipfStart);
    if (warm > 0) await Bun.sleep(warm);

    // Control: Skyscope's background polling (INFO, SLOT-STATS every 1 s, ...) with no run in progress.
    const snap = () => Promise.all(probes.map((p) => commandStats(p.c)));
    const c0 = await snap();
    const ct0 = performance.now();
    await Bun.sleep(plan.controlS * 1000);
    const c1 = await snap();
    const controlSeconds = (performance.now() - ct0) / 1000;
    const backgroundByNode = probes.map((_, k) => {
      const d = callDeltas(c0[k]!, c1[k]!);
      return Object.fromEntries(Object.entries(d).filter(([n]) => !workloadCommands.has(n)).map(([n, calls]) => [n, calls / controlSeconds]));
    });
    const backgroundPerSecond: Record<string, number> = {};
    for (const b of backgroundByNode) for (const [n, r] of Object.entries(b)) backgroundPerSecond[n] = (backgroundPerSecond[n] ?? 0) + r;

    // slot_scan through the API.
    const s0 = await snap();
    const st0 = performance.now();
    await startRun(sky, 'slot_scan', plan.slotScanDurationS);
    const done = await waitRunDone(sky, (plan.slotScanDurationS + 90) * 1000);
    const slotWallMs = done.seenAt - st0;
    const s1 = await snap();
    const slotSeconds = (performance.now() - st0) / 1000;
    if (done.status.state !== 'done' || done.status.id === undefined) throw new Error(`slot_scan run ended ${done.status.state}: ${done.status.error ?? ''}`);
    const run = await storedRun(sky, done.status.id);

    // valkey-cli --hotkeys on every primary at once: the quickest a user gets a cluster-wide answer from it.
    const cli = cliCommand('valkey9');
    const k0 = await snap();
    const kt0 = performance.now();
    const cliRuns = await Promise.all(probes.map((p) => runChild([...cli, '-h', '127.0.0.1', '-p', String(p.port), '--hotkeys'], 300_000)));
    const cliWallMs = performance.now() - kt0;
    const k1 = await snap();
    const cliSeconds = (performance.now() - kt0) / 1000;
    for (const r of cliRuns) if (r.code !== 0 || !/summary/i.test(r.out)) throw new Error(`valkey-cli --hotkeys failed (exit ${r.code}): ${(r.err || r.out).trim().split('\n').slice(-3).join(' ')}`);

    load.abort();
    const truth = await workload;
    const zipfSeconds = truth.durationMs / 1000;

    // Per node: the run's own account, valkey-cli's, and commandstats net of background.
    const nodes: CompareNode[] = probes.map((p, k) => {
      const d = (run.detail.nodes?.[p.node] ?? {}) as Record<string, number>;
      const parsed = parseCliHotkeys(cliRuns[k]!.out);
      return {
        node: p.node,
        slotScan: {
          hotSlots: Number(d['hotSlots'] ?? 0),
          keysScanned: Number(d['keysScanned'] ?? 0),
          keysRead: Number(d['keysRead'] ?? 0),
          scanCalls: Number(d['scanCalls'] ?? 0),
          truncatedSlots: Number(d['truncatedSlots'] ?? 0),
          commands: netCommands(callDeltas(s0[k]!, s1[k]!), backgroundByNode[k]!, slotSeconds),
        },
        cli: { sampled: parsed.sampled, wallMs: cliRuns[k]!.ms, cpuMs: cliRuns[k]!.cpuMs, commands: netCommands(callDeltas(k0[k]!, k1[k]!), backgroundByNode[k]!, cliSeconds), top: parsed.top },
      };
    });
    const sumCommands = (pick: (n: CompareNode) => CommandRow[]): CommandRow[] => {
      const by = new Map<string, CommandRow>();
      for (const n of nodes) {
        for (const r of pick(n)) {
          const t = by.get(r.command) ?? { command: r.command, calls: 0, background: 0, net: 0 };
          t.calls += r.calls;
          t.background = Math.round((t.background + r.background) * 10) / 10;
          t.net += r.net;
          by.set(r.command, t);
        }
      }
      return [...by.values()].sort((a, b) => b.net - a.net);
    };
    const slotCommands = sumCommands((n) => n.slotScan.commands);
    const cliCommands = sumCommands((n) => n.cli.commands);

    // Cluster-wide rankings: Skyscope's net rows by value; valkey-cli's three lists merged by LFU counter.
    const slotReported = run.rows.filter((r) => r.metric === 'net').sort((a, b) => b.value - a.value).map((r) => r.key.text);
    const cliReported = nodes.flatMap((n) => n.cli.top).sort((a, b) => b.counter - a.counter).map((t) => t.key);
    const sum = (f: (n: CompareNode) => number) => nodes.reduce((s, n) => s + f(n), 0);
    const slotKeysRead = sum((n) => n.slotScan.keysRead);
    const cliSampled = sum((n) => n.cli.sampled);
    const slotByStats = netOf(slotCommands, 'object|freq') + netOf(slotCommands, 'type');
    const cliByStats = netOf(cliCommands, 'object|freq');
    const windowMs = Number(run.detail.windowMs ?? 0);
    const runMs = (run.finished - run.started) * 1000;
    const r: CompareResult = {
      version,
      keys: plan.keys,
      loadSeconds: loaded.durationMs / 1000,
      zipf: { exponent: ZIPF_EXPONENT, pacedOpsPerSecond: plan.zipfOpsPerSecond, achievedOpsPerSecond: truth.opsPerSecond, totalOps: truth.totalOps, errors: truth.errors, seconds: zipfSeconds },
      controlSeconds,
      backgroundPerSecond,
      slotScan: {
        runId: run.id,
        status: run.status,
        durationS: plan.slotScanDurationS,
        wallMs: slotWallMs,
        runMs,
        windowMs,
        afterWindowMs: runMs - windowMs,
        hotSlots: Array.isArray(run.detail.hotSlots) ? run.detail.hotSlots.length : 0,
        keysScanned: sum((n) => n.slotScan.keysScanned),
        keysRead: slotKeysRead,
        scanCalls: sum((n) => n.slotScan.scanCalls),
        keysByCommandstats: slotByStats,
        commands: slotCommands,
        top10: precisionRecall(slotReported, truth, 10),
        reported: slotReported.slice(0, 10),
      },
      cli: {
        command: `valkey-cli -h 127.0.0.1 -p PORT --hotkeys (default SCAN COUNT 10, one per primary, all three at once)`,
        mode: 'parallel',
        wallMs: cliWallMs,
        sampled: cliSampled,
        keysByCommandstats: cliByStats,
        scanCalls: netOf(cliCommands, 'scan'),
        commands: cliCommands,
        top10: precisionRecall(cliReported, truth, 10),
        reported: cliReported.slice(0, 10),
      },
      nodes,
      ratio: cliSampled / Math.max(1, slotKeysRead),
      ratioByCommandstats: cliByStats / Math.max(1, slotByStats),
    };
    o.into.compare = r;
    printCompare(r, log);

    // ---- [2b] slot_scan's throughput cost on this cluster: the Zipf load is stopped; servers on CPU 0, the rest on CPU 1.
    // A fresh Skyscope with its default intervals (slot stats every 10 s): polling slot stats every second costs
    // Skyscope itself about 15% of a core on 3 primaries, which on CPU 1 would come out of the benchmark client.
    await sky.stop();
    const serversPinned = probes.every((p) => pinProcess(p.pid, 0));
    sky = await startSkyscopeProcess({ targets: [cluster.seedUrl], flags: [], cpu: serversPinned ? 1 : undefined });
    o.register(() => sky!.stop());
    await waitForNodesUp(sky, 3);
    log('');
    log(`[2b] slot_scan on the same cluster (${fmt(plan.keys)} keys, Zipf load stopped): throughput while a run is in progress vs idle`);
    log(`    Skyscope restarted with its default intervals (slot stats every 10 s: slot_scan is available after its first poll, waited for while the benchmark fills its keys)`);
    const pinned = serversPinned && sky.pinned;
    const ready = waitAvailable(sky, 'slot_scan', 30_000);
    ready.catch(() => undefined); // awaited by costBlocks; this only keeps an early failure from being unhandled
    o.into.cost.slot_scan = await costBlocks({
      method: 'slot_scan',
      flavor: 'valkey9',
      version,
      setup: `Valkey ${version} cluster, 3 primaries (allkeys-lfu, slot stats on), ${fmt(plan.keys)} keys; valkey-benchmark --cluster`,
      port: probes[0]!.port,
      cluster: true,
      serverPids: probes.map((p) => p.pid),
      serverPorts: probes.map((p) => p.port),
      sky,
      pinned,
      ready,
      ...plan.cost.slot_scan,
      log,
    });
  } finally {
    load.abort();
    await workload?.catch(() => undefined);
    client.disconnect();
    probes.forEach((p) => p.c.disconnect());
    await sky?.stop();
    await cluster.stop();
  }
}

function printCompare(r: CompareResult, log: Log): void {
  const s = r.slotScan;
  const c = r.cli;
  log('');
  log(`[1] keys touched and wall time to an answer, same cluster and data, Zipf load running (${fmt(r.zipf.achievedOpsPerSecond)} ops/s achieved over ${r.zipf.seconds.toFixed(0)} s, ${r.zipf.errors} errors)`);
  log(`    slot_scan: POST /api/hotkeys/runs {method: slot_scan, durationS: ${s.durationS}, top: ${RUN_TOP}} -> status no longer running (polled every 50 ms)`);
  log(`    valkey-cli: ${c.command}; wall time = spawn -> the last of the three answers`);
  log(`    keys touched = INFO commandstats deltas on every primary, minus Skyscope's background polling (rates from a ${r.controlSeconds.toFixed(1)} s control window with no run)`);
  log('');
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : '-');
  table(
    (l) => log(`    ${l}`),
    ['', 'slot_scan (Skyscope)', 'valkey-cli --hotkeys', 'cli / slot_scan'],
    [
      ['wall time to the answer', sec(s.wallMs), sec(c.wallMs), ratio(c.wallMs, s.wallMs)],
      ['  of which measuring (phase 1)', sec(s.windowMs), '-', ''],
      ['  of which reading keys and ranking', sec(s.afterWindowMs), sec(c.wallMs), ratio(c.wallMs, s.afterWindowMs)],
      ['keys read, by its own account', fmt(s.keysRead), fmt(c.sampled), ratio(c.sampled, s.keysRead)],
      ['  keys scanned (returned by the scans)', fmt(s.keysScanned), fmt(c.sampled), ratio(c.sampled, s.keysScanned)],
      ['keys read, by commandstats (net)', fmt(s.keysByCommandstats), fmt(c.keysByCommandstats), ratio(c.keysByCommandstats, s.keysByCommandstats)],
      ['scan calls (clusterscan / scan)', fmt(s.scanCalls), fmt(c.scanCalls), ratio(c.scanCalls, s.scanCalls)],
      ['hot slots read', fmt(s.hotSlots), 'all 16384', ''],
      ['top-10 agreement with ground truth', `${s.top10.hits}/10`, `${c.top10.hits}/10`, ''],
    ],
  );
  log('');
  log(`    server-side commands (calls in the window - background expected = net), all primaries:`);
  const cmdLine = (rows: CommandRow[]) => rows.filter((x) => x.net > 0 || keyCommands.includes(x.command)).map((x) => `${x.command} ${fmt(x.calls)}${x.background > 0 ? ` - ${x.background.toFixed(1)} = ${fmt(x.net)}` : ''}`).join('; ');
  log(`      slot_scan   ${cmdLine(s.commands)}`);
  log(`      valkey-cli  ${cmdLine(c.commands)}`);
  log(`      background (Skyscope polling, no run) per second, all primaries: ${Object.entries(r.backgroundPerSecond).sort((a, b) => b[1] - a[1]).map(([n, x]) => `${n} ${x.toFixed(2)}`).join(', ')}`);
  log('');
  log('    per primary:');
  table(
    (l) => log(`      ${l}`),
    ['node', 'hot slots', 'scanned', 'read', 'clusterscan', 'object|freq', 'type', '|', 'cli sampled', 'scan', 'object|freq', 'cli wall', 'cli CPU'],
    r.nodes.map((n) => [
      n.node,
      fmt(n.slotScan.hotSlots),
      fmt(n.slotScan.keysScanned),
      fmt(n.slotScan.keysRead),
      fmt(netOf(n.slotScan.commands, 'clusterscan')),
      fmt(netOf(n.slotScan.commands, 'object|freq')),
      fmt(netOf(n.slotScan.commands, 'type')),
      '|',
      fmt(n.cli.sampled),
      fmt(netOf(n.cli.commands, 'scan')),
      fmt(netOf(n.cli.commands, 'object|freq')),
      sec(n.cli.wallMs),
      sec(n.cli.cpuMs),
    ]),
  );
  log('');
  log(`    top 10, cluster-wide (Skyscope: 'net' rows by value; valkey-cli: the three lists merged by LFU counter):`);
  log(`      slot_scan   ${s.top10.hits}/10 (precision ${s.top10.precision.toFixed(2)}, recall ${s.top10.recall.toFixed(2)})${s.top10.wrong.length ? `; not in the true top 10: ${s.top10.wrong.join(', ')}` : ''}`);
  log(`      valkey-cli  ${c.top10.hits}/10 (precision ${c.top10.precision.toFixed(2)}, recall ${c.top10.recall.toFixed(2)})${c.top10.wrong.length ? `; not in the true top 10: ${c.top10.wrong.join(', ')}` : ''}`);
  log(`    keys read: valkey-cli / slot_scan = ${r.ratio.toFixed(1)}x by their own accounts, ${r.ratioByCommandstats.toFixed(1)}x by commandstats (target >= ${hotkeysTargets.keysReadRatio}x)`);
}

// ---------- [2] throughput cost while a run is in progress ----------

export type CostCondition = 'idle' | 'running' | 'after';
const conditions: CostCondition[] = ['idle', 'running', 'after'];

/** Where Skyscope runs during [2] (serverOverhead.ts's 'on'): its CPU competes with the benchmark client, the bottleneck. */
const skyscopePlacement = 'Skyscope on CPU 1 at normal priority, beside the benchmark client: its own CPU (parsing a MONITOR stream, reading keys) comes out of the client, so the loss is an upper bound on what the server loses';

export interface CostRun {
  block: number;
  condition: CostCondition;
  /** GETs the servers executed per second of the window (INFO commandstats cmdstat_get, all servers). */
  opsPerSecond: number;
  wallSeconds: number;
  serverCpuPercent: number;
  /** Server CPU (utime + stime, all servers) per GET: the server's own cost, whoever the bottleneck is. */
  serverUsecPerRequest: number;
  /** Server time (commandstats usec, all servers) on every command but GET (Skyscope's polling, the run's commands), % of a core. */
  otherCommandsPercent: number;
  benchmarkCpuPercent: number;
  skyscopeCpuPercent: number;
  /** running: how much of the window the run covered (0..1), and the run's own times relative to the window start. */
  coverage?: number;
  runFromS?: number;
  runToS?: number;
  runStatus?: string;
  /** What the run reported it did, summed over nodes (keys read, MONITOR time, HOTKEYS tracking time, ...). */
  runDetail?: Record<string, number>;
}

const runCostFields = ['hotSlots', 'keysScanned', 'keysRead', 'scanCalls', 'truncatedSlots', 'windows', 'monitorOnMs', 'wallMs', 'commandsSeen', 'keyAccesses', 'lagged', 'commandsTotal', 'trackingCpuMs', 'sessionMs'];

/** The numeric cost fields of a stored run's detail, summed over its nodes. */
function runCost(run: StoredRun): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of Object.values(run.detail.nodes ?? {})) {
    for (const f of runCostFields) {
      const v = n[f];
      if (typeof v === 'number' && Number.isFinite(v)) out[f] = (out[f] ?? 0) + v;
    }
  }
  if (typeof run.detail.windowMs === 'number') out['windowMs'] = run.detail.windowMs;
  return out;
}

export interface CostConditionResult {
  name: CostCondition;
  ops: Spread;
  /** median / idle median. */
  ratio: number;
  /** Median over blocks of this / idle within the block. */
  pairedRatio: number;
  pairedRatios: number[];
  /** (max - min) / median of this condition's windows. */
  noisePercent: number;
  /** A robust standard deviation of this condition's windows: 1.4826 x median absolute deviation / median, in %. */
  sigmaPercent: number;
  serverUsecPerRequest: number;
  otherCommandsPercent: number;
  serverCpuPercent: number;
  benchmarkCpuPercent: number;
  skyscopeCpuPercent: number;
}

export interface CostResult {
  method: Method;
  setup: string;
  command: string;
  pinning: string;
  windowSeconds: number;
  runDurationS: number;
  runs: CostRun[];
  conditions: CostConditionResult[];
  /** The lowest share of a running window any run covered. */
  minCoverage: number;
}

interface CostOptions {
  method: Method;
  flavor: Flavor;
  version: string;
  setup: string;
  port: number;
  cluster: boolean;
  serverPids: number[];
  /** Every server's port, for INFO commandstats at each window's edges. */
  serverPorts: number[];
  sky: SkyscopeProcess;
  pinned: boolean;
  blocks: number;
  windowSeconds: number;
  /** Resolves when the method can be run (awaited after the benchmark's fill, before the first window). */
  ready?: Promise<void>;
  log: Log;
}

/**
 * One benchmark process runs GETs for the whole measurement (no start-up in the windows, windows back to back); the
 * servers count them (commandstats cmdstat_get at each window's edges). Blocks of three windows: idle (no run),
 * running (a run started through the API 200 ms before the window; it lasts the whole window), after (from the moment
 * the run has ended). The next block's idle follows the previous after, so idle windows alternate with the others.
 */
async function costBlocks(o: CostOptions): Promise<CostResult> {
  const { log } = o;
  const pin = o.pinned && hasTaskset ? ['taskset', '-c', '1'] : [];
  const bench = benchmarkCommand(o.flavor);
  const common = ['-h', '127.0.0.1', '-p', String(o.port), ...(o.cluster ? ['--cluster'] : []), '-c', '50', '-P', '1', '-r', '100000', '-d', '3'];
  const loadArgs = [...common, '-t', 'get', '-n', '1000000000', '-q'];
  const name = `${o.flavor.startsWith('redis') ? 'redis' : 'valkey'}-benchmark`;
  const command = `${pin.join(' ')}${pin.length ? ' ' : ''}${name} ${loadArgs.join(' ')}`;
  const pinning = o.pinned ? `server process${o.serverPids.length > 1 ? 'es' : ''} on CPU 0; the benchmark and Skyscope on CPU 1 (taskset)` : 'not pinned (taskset unavailable)';
  const serverCpu = () => o.serverPids.reduce((s, pid) => s + cpuMs(pid), 0);
  const statClients = o.serverPorts.map((port) => {
    const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, connectionName: 'skyscope-bench-probe' });
    c.on('error', () => {});
    return c;
  });
  let load: ReturnType<typeof Bun.spawn> | undefined;
  try {
    // The keys the GETs read (so they hit), then the load for the whole measurement.
    const fill = await runChild([...pin, ...bench, ...common, '-t', 'set', '-n', '200000', '-q'], 120_000);
    if (fill.code !== 0) throw new Error(`${name} -t set exited with ${fill.code}: ${(fill.err || fill.out).trim().split('\n').slice(-3).join(' ')}`);
    load = Bun.spawn([...pin, ...bench, ...loadArgs], { stdout: 'ignore', stderr: 'pipe', cwd: root });
    children.add(load);
    const benchPid = load.pid;
    await Bun.sleep(2000);
    await o.ready;

    const snapshot = async () => {
      const stats = await Promise.all(statClients.map(commandStats));
      let gets = 0;
      let other = 0;
      for (const st of stats) for (const [cmd, c] of st) (cmd === 'get' ? (gets += c.calls) : (other += c.usec));
      return { at: performance.now(), gets, other, server: serverCpu(), sky: cpuMs(o.sky.pid), bench: cpuMs(benchPid) };
    };
    type Snap = Awaited<ReturnType<typeof snapshot>>;
    const measure = (a: Snap, b: Snap) => {
      if (load!.exitCode !== null) throw new Error(`${name} ended early (exit ${load!.exitCode})`);
      const wall = (b.at - a.at) / 1000;
      const gets = b.gets - a.gets;
      return {
        opsPerSecond: gets / wall,
        wallSeconds: wall,
        serverCpuPercent: ((b.server - a.server) / 1000 / wall) * 100,
        serverUsecPerRequest: ((b.server - a.server) * 1000) / Math.max(1, gets),
        otherCommandsPercent: ((b.other - a.other) / 1e6 / wall) * 100,
        benchmarkCpuPercent: ((b.bench - a.bench) / 1000 / wall) * 100,
        skyscopeCpuPercent: ((b.sky - a.sky) / 1000 / wall) * 100,
      };
    };
    const window = async () => {
      const a = await snapshot();
      await Bun.sleep(o.windowSeconds * 1000);
      return measure(a, await snapshot());
    };

    // monitor and redis_hotkeys: the run outlasts the window; slot_scan: the whole run, phase 1 (durationS) and
    // phase 2 (reading the hot slots' keys), inside the window.
    const runDurationS = o.method === 'slot_scan' ? Math.max(1, Math.floor(o.windowSeconds - 2)) : Math.ceil(o.windowSeconds + 0.5);
    log(`    ${o.setup}`);
    log(`    load: ${command} (one process for the whole measurement, killed at the end), after ${name} -t set -n 200000 filled its keys; ${pinning}`);
    log(`    ${o.blocks} blocks of idle / running / after, ${o.windowSeconds} s windows; GET/s counted by the server${o.serverPorts.length > 1 ? 's' : ''} (commandstats); running = POST {method: ${o.method}, durationS: ${runDurationS}, top: ${RUN_TOP}} 200 ms before the window${o.method === 'slot_scan' ? ' (phase 1 and phase 2 inside it)' : ' (the run outlasts it)'}; after = from the moment the run has ended`);
    if (o.pinned) log(`    ${skyscopePlacement}`);

    const runs: CostRun[] = [];
    const record = (block: number, condition: CostCondition, m: ReturnType<typeof measure>, extra: Partial<CostRun> = {}) => {
      const run: CostRun = { block, condition, ...m, ...extra };
      runs.push(run);
      const cover = run.coverage !== undefined ? `  run ${run.runFromS!.toFixed(1)}..${run.runToS!.toFixed(1)} s of the window (covers ${(run.coverage * 100).toFixed(0)}%, ${run.runStatus})` : '';
      log(
        `    block ${block + 1} ${condition.padEnd(8)} ${fmtOps(run.opsPerSecond).padStart(8)} GET/s  server ${run.serverUsecPerRequest.toFixed(2)} us/req, other commands ${run.otherCommandsPercent.toFixed(2)}% core, CPU server ${run.serverCpuPercent.toFixed(0)}%, benchmark ${run.benchmarkCpuPercent.toFixed(0)}%, Skyscope ${run.skyscopeCpuPercent.toFixed(1)}%${cover}`,
      );
    };
    for (let b = 0; b < o.blocks; b++) {
      record(b, 'idle', await window());
      const startedAt = Date.now();
      await startRun(o.sky, o.method, runDurationS);
      // Let the run get going (connections opened, MONITOR/HOTKEYS started, the first SLOT-STATS snapshot taken).
      await Bun.sleep(200);
      const w0 = Date.now();
      const running = await window();
      const w1 = Date.now();
      const done = await waitRunDone(o.sky, (runDurationS + 90) * 1000, 20);
      const after = await window();
      if (done.status.id === undefined) throw new Error(`${o.method} run ended ${done.status.state} without a stored run: ${done.status.error ?? ''}`);
      const stored = await storedRun(o.sky, done.status.id);
      const from = Math.max(stored.started * 1000, startedAt);
      const to = stored.finished * 1000;
      const coverage = Math.max(0, Math.min(to, w1) - Math.max(from, w0)) / (w1 - w0);
      record(b, 'running', running, { coverage, runFromS: (from - w0) / 1000, runToS: (to - w0) / 1000, runStatus: `${stored.status}${stored.detail.errors ? `: ${Object.values(stored.detail.errors).join('; ')}` : ''}`, runDetail: runCost(stored) });
      log(`      the run: ${Object.entries(runs.at(-1)!.runDetail ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
      record(b, 'after', after);
    }

    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
    const of = (c: CostCondition) => runs.filter((r) => r.condition === c);
    const base = spread(of('idle').map((r) => r.opsPerSecond));
    const results = conditions.map((cond): CostConditionResult => {
      const mine = of(cond);
      const ops = spread(mine.map((r) => r.opsPerSecond));
      const pairedRatios: number[] = [];
      for (let b = 0; b < o.blocks; b++) {
        const x = runs.find((r) => r.block === b && r.condition === cond);
        const y = runs.find((r) => r.block === b && r.condition === 'idle');
        if (x && y) pairedRatios.push(x.opsPerSecond / y.opsPerSecond);
      }
      return {
        name: cond,
        ops,
        ratio: ops.median / base.median,
        pairedRatio: spread(pairedRatios).median,
        pairedRatios,
        noisePercent: ((ops.max - ops.min) / ops.median) * 100,
        sigmaPercent: ((1.4826 * spread(mine.map((r) => Math.abs(r.opsPerSecond - ops.median))).median) / ops.median) * 100,
        serverUsecPerRequest: spread(mine.map((r) => r.serverUsecPerRequest)).median,
        otherCommandsPercent: mean(mine.map((r) => r.otherCommandsPercent)),
        serverCpuPercent: mean(mine.map((r) => r.serverCpuPercent)),
        benchmarkCpuPercent: mean(mine.map((r) => r.benchmarkCpuPercent)),
        skyscopeCpuPercent: mean(mine.map((r) => r.skyscopeCpuPercent)),
      };
    });
    const minCoverage = Math.min(...of('running').map((r) => r.coverage ?? 0));
    const result: CostResult = { method: o.method, setup: o.setup, command, pinning, windowSeconds: o.windowSeconds, runDurationS, runs, conditions: results, minCoverage };
    printCost(result, log);
    return result;
  } finally {
    if (load) {
      load.kill('SIGKILL');
      await load.exited;
      children.delete(load);
    }
    statClients.forEach((c) => c.disconnect());
  }
}

function printCost(r: CostResult, log: Log): void {
  log('');
  const idle = r.conditions[0]!;
  table(
    (l) => log(`    ${l}`),
    ['GET/s', 'min', 'median', 'max', 'spread', 'sigma', 'vs idle: median', 'paired', 'server us/req', 'vs idle', 'other cmds', 'CPU: server', 'benchmark', 'Skyscope'],
    r.conditions.map((c) => [
      c.name,
      fmtOps(c.ops.min),
      fmtOps(c.ops.median),
      fmtOps(c.ops.max),
      `${c.noisePercent.toFixed(1)}%`,
      `${c.sigmaPercent.toFixed(1)}%`,
      c.name === 'idle' ? '' : signed((c.ratio - 1) * 100),
      c.name === 'idle' ? '' : signed((c.pairedRatio - 1) * 100),
      c.serverUsecPerRequest.toFixed(2),
      c.name === 'idle' ? '' : signed((c.serverUsecPerRequest / idle.serverUsecPerRequest - 1) * 100, 1),
      `${c.otherCommandsPercent.toFixed(2)}%`,
      `${c.serverCpuPercent.toFixed(0)}%`,
      `${c.benchmarkCpuPercent.toFixed(0)}%`,
      `${c.skyscopeCpuPercent.toFixed(1)}%`,
    ]),
  );
  log(`    spread = (max - min) / median; sigma = 1.4826 x median absolute deviation / median (a robust standard deviation of one window)`);
  log(`    server us/req = server process CPU (utime + stime) / GETs; other cmds = commandstats usec of every command but GET (Skyscope's polling, the run's commands) as % of a core (MONITOR's copying and HOTKEYS' tracking are not in it)`);
  log(`    paired ratios per block: ${r.conditions.slice(1).map((c) => `${c.name} ${c.pairedRatios.map((x) => x.toFixed(3)).join(' ')}`).join('; ')}; the run covered at least ${(r.minCoverage * 100).toFixed(0)}% of every running window`);
}

export interface StandaloneCostOptions {
  plan: HotkeysPlan;
  log: Log;
  register: Register;
  into: HotkeysResult;
}

/** [2a] monitor on a Valkey 9.1 standalone, [2c] redis_hotkeys on a Redis 8.6 standalone. */
export async function runHotkeysStandalone(method: 'monitor' | 'redis_hotkeys', o: StandaloneCostOptions): Promise<void> {
  const flavor: Flavor = method === 'monitor' ? 'valkey9' : 'redis8';
  const server: ServerHandle = await startStandalone(flavor);
  o.register(() => server.stop());
  let sky: SkyscopeProcess | undefined;
  try {
    const pinnedServer = pinProcess(server.pid, 0);
    sky = await startSkyscopeProcess({ targets: [server.url], flags: [], cpu: pinnedServer ? 1 : undefined });
    o.register(() => sky!.stop());
    await waitForNodesUp(sky, 1);
    await waitAvailable(sky, method);
    const name = flavor === 'valkey9' ? 'Valkey' : 'Redis';
    o.into.cost[method] = await costBlocks({
      method,
      flavor,
      version: server.version,
      setup: `${name} ${server.version} standalone; Skyscope (server/main.ts, default intervals) watching it`,
      port: server.port,
      cluster: false,
      serverPids: [server.pid],
      serverPorts: [server.port],
      sky,
      pinned: pinnedServer && sky.pinned,
      ...o.plan.cost[method],
      log: o.log,
    });
  } finally {
    await sky?.stop();
    await server.stop();
  }
}

// ---------- all of it, and the summary rows ----------

export interface HotkeysResult {
  plan: HotkeysPlan;
  compare?: CompareResult;
  cost: Partial<Record<Method, CostResult>>;
}

export interface HotkeysSummaryRow {
  bench: string;
  what: string;
  target: string;
  measured: string;
  result: 'PASS' | 'MISS' | 'info' | 'ERROR';
}

export function hotkeysSummaryRows(r: HotkeysResult | undefined): HotkeysSummaryRow[] {
  const rows: HotkeysSummaryRow[] = [];
  const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');
  const bench = 'hotkeys';
  const c = r?.compare;
  if (c) {
    const k = c.keys >= 1_000_000 ? `${c.keys / 1_000_000}M` : `${c.keys / 1000}K`;
    rows.push({
      bench,
      what: `keys read to an answer: valkey-cli --hotkeys / slot_scan, 3 primaries, ${k} keys`,
      target: `>= ${hotkeysTargets.keysReadRatio}x fewer${c.keys < 1_000_000 ? ' (set at 1M)' : ''}`,
      measured: `${c.ratio.toFixed(0)}x (${fmt(c.cli.sampled)} vs ${fmt(c.slotScan.keysRead)}; commandstats ${fmt(c.cli.keysByCommandstats)} vs ${fmt(c.slotScan.keysByCommandstats)} = ${c.ratioByCommandstats.toFixed(0)}x)`,
      // Both accounts must agree: the methods' own counts and the servers' commandstats.
      result: verdict(c.ratio >= hotkeysTargets.keysReadRatio && c.ratioByCommandstats >= hotkeysTargets.keysReadRatio),
    });
    rows.push({
      bench,
      what: `wall time to an answer: slot_scan (durationS ${c.slotScan.durationS}) vs valkey-cli x3 in parallel`,
      target: '-',
      measured: `${sec(c.slotScan.wallMs)} (${sec(c.slotScan.windowMs)} window + ${sec(c.slotScan.afterWindowMs)} reading) vs ${sec(c.cli.wallMs)}`,
      result: 'info',
    });
    rows.push({ bench, what: 'top-10 agreement with ground truth: slot_scan / valkey-cli', target: '-', measured: `${c.slotScan.top10.hits}/10 / ${c.cli.top10.hits}/10`, result: 'info' });
  }
  const line = (x: CostConditionResult, idle: CostConditionResult) =>
    `${signed((x.pairedRatio - 1) * 100)} paired (medians ${signed((x.ratio - 1) * 100)}; lower in ${x.pairedRatios.filter((y) => y < 1).length}/${x.pairedRatios.length} blocks; idle sigma ${idle.sigmaPercent.toFixed(1)}%, spread ${idle.noisePercent.toFixed(0)}%; server us/req ${signed((x.serverUsecPerRequest / idle.serverUsecPerRequest - 1) * 100, 1)})`;
  const m = r?.cost.monitor;
  if (m) {
    const [idle, running, after] = m.conditions as [CostConditionResult, CostConditionResult, CostConditionResult];
    const noise = Math.max(hotkeysTargets.afterNoiseFloorPercent, idle.sigmaPercent);
    rows.push({ bench, what: 'GET/s while a monitor run is in progress vs idle, Valkey 9.1 standalone', target: `>= -${hotkeysTargets.monitorRunningLossPercent}%`, measured: line(running, idle), result: verdict(running.pairedRatio >= 1 - hotkeysTargets.monitorRunningLossPercent / 100) });
    rows.push({ bench, what: 'GET/s right after a monitor run vs idle', target: `within noise (>= -${noise.toFixed(1)}%)`, measured: line(after, idle), result: verdict(after.pairedRatio >= 1 - noise / 100) });
  }
  for (const [method, label] of [['slot_scan', 'slot_scan run, Valkey 9.1 cluster (LFU)'], ['redis_hotkeys', 'redis_hotkeys run, Redis 8.6 standalone']] as const) {
    const x = r?.cost[method];
    if (!x) continue;
    const [idle, running, after] = x.conditions as [CostConditionResult, CostConditionResult, CostConditionResult];
    rows.push({ bench, what: `GET/s while a ${label} is in progress vs idle`, target: '-', measured: line(running, idle), result: 'info' });
    rows.push({ bench, what: `GET/s right after a ${method} run vs idle`, target: '-', measured: line(after, idle), result: 'info' });
  }
  return rows;
}

// ---------- alone: `bun test/bench/hotkeys.ts [--quick]` ----------

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const bad = process.argv.slice(2).filter((a) => a !== '--quick');
  if (bad.length > 0) {
    process.stderr.write(`hotkeys.ts: unknown option ${bad[0]} (usage: bun test/bench/hotkeys.ts [--quick])\n`);
    process.exit(2);
  }
  const log = (line = '') => console.log(line);
  const indent = (line: string) => log(line === '' ? '' : `  ${line}`);
  const cleanups: (() => Promise<void>)[] = [];
  const register: Register = (fn) => cleanups.push(fn);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllSkyscopes();
      process.stderr.write(`\nhotkeys.ts: ${signal}: stopped every Skyscope and server\n`);
      process.exit(130);
    });
  }
  const deadlineS = quick ? 5 * 60 : 8 * 60;
  setTimeout(() => {
    process.stderr.write(`\nhotkeys.ts: still running after ${deadlineS / 60} minutes: stopping everything\n`);
    killAllSkyscopes();
    process.exit(1);
  }, deadlineS * 1000).unref();

  const started = new Date();
  const plan = hotkeysPlan(quick);
  const git = (args: string[]) => (spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout ?? '').trim();
  const env = {
    bun: Bun.version,
    valkey: serverInfo('valkey9').version,
    redis: serverInfo('redis8').version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    kernel: release(),
    taskset: hasTaskset,
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    git: git(['rev-parse', '--short', 'HEAD']),
    uncommitted: git(['status', '--porcelain', '--', 'server', 'queries']).split('\n').filter(Boolean).map((l) => l.slice(3)),
  };
  log(`Skyscope hot-key benchmark (${quick ? 'quick' : 'full'} run)`);
  log(`  bun ${env.bun}; Valkey ${env.valkey}, Redis ${env.redis}; ${env.cpus} x ${env.cpuModel}; Linux ${env.kernel}; load average ${env.loadAverage.join(' ')}; git ${env.git}${env.uncommitted.length ? ` + uncommitted ${env.uncommitted.join(', ')}` : ''}`);
  const result: HotkeysResult = { plan, cost: {} };
  const errors: Record<string, string> = {};
  const step = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      errors[name] = (e as Error).stack ?? String(e);
      log(`  ERROR in ${name}: ${(e as Error).message}`);
    }
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
  };
  log(`\n== hotkeys: Valkey ${env.valkey} cluster (3 primaries, ${fmt(plan.keys)} keys): [1] slot_scan vs valkey-cli --hotkeys, [2b] slot_scan's throughput cost`);
  await step('hotkeys cluster', () => runHotkeysCluster({ plan, log: indent, register, into: result }));
  log(`\n== hotkeys: [2a] monitor on a Valkey ${env.valkey} standalone: throughput while a run is in progress vs idle, and right after`);
  await step('hotkeys monitor', () => runHotkeysStandalone('monitor', { plan, log: indent, register, into: result }));
  log(`\n== hotkeys: [2c] redis_hotkeys on a Redis ${env.redis} standalone: throughput while a run is in progress vs idle`);
  await step('hotkeys redis_hotkeys', () => runHotkeysStandalone('redis_hotkeys', { plan, log: indent, register, into: result }));
  killAllSkyscopes();

  const summary = hotkeysSummaryRows(result);
  for (const name of Object.keys(errors)) summary.push({ bench: 'hotkeys', what: `${name}: did not complete`, target: '-', measured: errors[name]!.split('\n')[0]!, result: 'ERROR' });
  log('\n== summary');
  table(log, ['bench', 'what', 'target', 'measured', 'result'], summary.map((s) => [s.bench, s.what, s.target, s.measured, s.result]), true);
  const seconds = (Date.now() - started.getTime()) / 1000;
  const out = join(root, 'test-results', 'bench.json');
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(out, JSON.stringify({ started: started.toISOString(), seconds, options: { quick, only: ['hotkeys'], profile: false }, plan: { hotkeys: plan }, targets: { hotkeys: hotkeysTargets }, env, summary, results: { hotkeys: result }, errors }, null, 2) + '\n');
  log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`\n${seconds.toFixed(0)} s in all; results in ${out.replace(root + '/', '')}`);
  process.exit(Object.keys(errors).length > 0 ? 1 : 0);
}
