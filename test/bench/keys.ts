// Benchmarks for the key browser: time to the first 1,000 keys and to SCAN a whole 3-primary cluster through the API, and
// the servers' GET throughput while such scans run back to back vs idle.
// Run through test/bench/run.ts (`--only keys`), or alone: `bun test/bench/keys.ts [--quick]`.
//
//  [1] first page: GET /api/keys/scan?limit=1000 (no cursor) on a Valkey 9.1 cluster of 3 primaries holding 1,000,000 keys
//      (200,000 with --quick), median of several; [2] the whole keyspace with limit=10000 steps, cursor to cursor,
//      every key counted once; [3] one valkey-benchmark --cluster GET load for the whole measurement (servers pinned to
//      CPU 0, benchmark and Skyscope to CPU 1 like hotkeys.ts), GETs counted by the servers (INFO commandstats) in back
//      to back windows: idle, then scanning (whole-keyspace API scans one after another for the whole window), in blocks.
//
// Everything listens on 127.0.0.1; every server, Skyscope and child process started here is stopped on success,
// failure, Ctrl-C or SIGTERM.
import Redis from 'ioredis';
import { keySlot } from '../../server/valkey/keySlot.ts';
import { benchmarkCommand, startCluster, type ClusterHandle } from '../servers/servers.ts';
import { cpuMs, hasTaskset, pinProcess } from './procStats.ts';
import { parseCommandStats } from './serverCost.ts';
import { fmtOps, spread, type Spread } from './serverOverhead.ts';
import { killAllSkyscopes, startSkyscopeProcess, waitForNodesUp, type SkyscopeProcess } from './skyscopeProcess.ts';

type Log = (line: string) => void;
type Register = (cleanup: () => Promise<void>) => void;

export interface KeysPlan {
  quick: boolean;
  keys: number;
  firstPageRuns: number;
  blocks: number;
  windowSeconds: number;
}

export function keysPlan(quick: boolean): KeysPlan {
  return quick ? { quick, keys: 200_000, firstPageRuns: 5, blocks: 2, windowSeconds: 4 } : { quick, keys: 1_000_000, firstPageRuns: 9, blocks: 4, windowSeconds: 6 };
}

export const keysTargets = { firstPageMs: 1000, throughputLossPercent: 5 };

export interface KeysResult {
  plan: KeysPlan;
  firstPage?: { runs: number[]; median: number };
  fullScan?: { ms: number; steps: number; calls: number; keys: number; unique: number; keysPerSecond: number };
  cost?: { idle: Spread; scanning: Spread; ratio: number; pairedRatio: number; pairedRatios: number[]; scansDuringWindows: number; scanServerCorePercent: number; skyscopeCpuPercent: number; command: string; pinning: string };
}

const children = new Set<ReturnType<typeof Bun.spawn>>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Pipelined SETs, each to its key's owner (CLUSTER SLOTS), 5,000 per pipeline. */
async function loadKeys(cluster: ClusterHandle, total: number): Promise<void> {
  const primaries = await cluster.primaries();
  const conns = primaries.map((p) => new Redis({ port: p.port, host: '127.0.0.1' }));
  try {
    const owner = new Array<Redis>(16384);
    for (const [from, to, [, port]] of (await conns[0]!.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]) {
      for (let s = from; s <= to; s++) owner[s] = conns[primaries.findIndex((p) => p.port === port)]!;
    }
    const pipes = new Map<Redis, ReturnType<Redis['pipeline']>>();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const key = `key:${i}`;
      const c = owner[keySlot(Buffer.from(key))]!;
      const p = pipes.get(c) ?? pipes.set(c, c.pipeline()).get(c)!;
      p.set(key, 'v');
      if (p.length >= 5000) {
        pending.push(p.exec());
        pipes.delete(c);
        if (pending.length >= 6) await Promise.all(pending.splice(0));
      }
    }
    await Promise.all([...pending, ...[...pipes.values()].map((p) => p.exec())]);
  } finally {
    for (const c of conns) c.disconnect();
  }
}

/** One whole API scan, cursor to cursor. */
async function scanAll(sky: SkyscopeProcess, limit: number, stop?: () => boolean): Promise<{ keys: number; unique: number; steps: number; calls: number; complete: boolean }> {
  let cursor: string | null = null;
  let steps = 0;
  let keys = 0;
  let calls = 0;
  const seen = new Set<string>();
  do {
    const r: any = await sky.getJson(`/api/keys/scan?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    for (const k of r.keys) seen.add(k.key.hex);
    keys += r.keys.length;
    calls = r.scanned.calls;
    cursor = r.cursor;
    steps++;
  } while (cursor !== null && !stop?.());
  return { keys, unique: seen.size, steps, calls, complete: cursor === null };
}

export async function runKeysBench(o: { plan: KeysPlan; log: Log; register: Register; into: KeysResult }): Promise<void> {
  const { plan, log } = o;
  const cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0 });
  o.register(() => cluster.stop());
  const t0 = performance.now();
  await loadKeys(cluster, plan.keys);
  log(`loaded ${plan.keys.toLocaleString('en-US')} keys (pipelined SETs to each owner) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const pinned = hasTaskset && cluster.nodes.every((n) => pinProcess(n.pid, 0));
  const sky = await startSkyscopeProcess({ targets: [cluster.seedUrl], flags: [], cpu: pinned ? 1 : undefined });
  o.register(() => sky.stop());
  await waitForNodesUp(sky, 3);
  // The owners must be known (topology) before timing; one warm-up request opens the connections.
  await Bun.sleep(1500);
  await sky.getJson('/api/keys/scan?limit=10');

  // [1] first page: a step may return fewer keys than asked (SCAN's COUNT is a hint, each step's server time is
  // bounded), so the clock stops once 1,000 keys arrived, over as many steps as that took.
  const runs: number[] = [];
  const stepsPerPage: number[] = [];
  for (let i = 0; i < plan.firstPageRuns; i++) {
    const a = performance.now();
    let got = 0;
    let cursor: string | null = null;
    let steps = 0;
    do {
      const r: any = await sky.getJson(`/api/keys/scan?limit=${1000 - got}${cursor ? `&cursor=${cursor}` : ''}`);
      got += r.keys.length;
      cursor = r.cursor;
      steps++;
    } while (got < 1000 && cursor !== null);
    runs.push(performance.now() - a);
    stepsPerPage.push(steps);
    await Bun.sleep(100);
  }
  o.into.firstPage = { runs, median: spread(runs).median };
  log(`[1] first 1,000 keys: median ${o.into.firstPage.median.toFixed(1)} ms (runs ${runs.map((x, i) => `${x.toFixed(1)}${stepsPerPage[i]! > 1 ? ` in ${stepsPerPage[i]} steps` : ''}`).join(', ')})`);

  // [2] the whole keyspace.
  const a = performance.now();
  const full = await scanAll(sky, 10_000);
  const ms = performance.now() - a;
  o.into.fullScan = { ms, steps: full.steps, calls: full.calls, keys: full.keys, unique: full.unique, keysPerSecond: full.keys / (ms / 1000) };
  log(`[2] whole scan of ${full.unique.toLocaleString('en-US')} keys (${full.keys - full.unique} repeated): ${(ms / 1000).toFixed(1)} s, ${full.steps} API steps, ${full.calls} SCAN calls, ${fmtOps(o.into.fullScan.keysPerSecond)} keys/s`);
  if (full.unique !== plan.keys) throw new Error(`scan found ${full.unique} keys, expected ${plan.keys}`);

  // [3] GET throughput, idle vs scanning.
  const primaries = await cluster.primaries();
  const probes = primaries.map((p) => new Redis({ port: p.port, host: '127.0.0.1', connectionName: 'skyscope-bench-probe' }));
  const pin = pinned ? ['taskset', '-c', '1'] : [];
  const loadArgs = ['-h', '127.0.0.1', '-p', String(primaries[0]!.port), '--cluster', '-c', '50', '-P', '1', '-r', '100000', '-d', '3', '-t', 'get', '-n', '1000000000', '-q'];
  const command = `${pin.join(' ')} valkey-benchmark ${loadArgs.join(' ')}`.trim();
  const load = Bun.spawn([...pin, ...benchmarkCommand('valkey9'), ...loadArgs], { stdout: 'ignore', stderr: 'ignore' });
  children.add(load);
  try {
    await Bun.sleep(2000);
    const gets = async () => {
      let n = 0;
      let scanUsec = 0;
      for (const p of probes) {
        const st = parseCommandStats(String(await p.info('commandstats')));
        n += st.get('get')?.calls ?? 0;
        scanUsec += (st.get('scan')?.usec ?? 0) + (st.get('dbsize')?.usec ?? 0);
      }
      return { at: performance.now(), n, scanUsec, sky: cpuMs(sky.pid) };
    };
    const window = async () => {
      const start = await gets();
      await Bun.sleep(plan.windowSeconds * 1000);
      const end = await gets();
      if (load.exitCode !== null) throw new Error(`valkey-benchmark ended early (exit ${load.exitCode})`);
      const wall = (end.at - start.at) / 1000;
      // SCAN's server time as % of one core (all primaries together) and Skyscope's CPU: where a loss comes from.
      return { ops: (end.n - start.n) / wall, scanCorePercent: ((end.scanUsec - start.scanUsec) / 1e6 / wall) * 100, skyCpuPercent: ((end.sky - start.sky) / 1000 / wall) * 100 };
    };
    const idle: number[] = [];
    const scanning: number[] = [];
    let scans = 0;
    const scanCore: number[] = [];
    const skyCpu: number[] = [];
    log(`[3] load: ${command} (one process for the whole measurement); ${pinned ? 'servers on CPU 0, the benchmark and Skyscope on CPU 1' : 'not pinned'}; ${plan.blocks} blocks of ${plan.windowSeconds} s windows, idle then scanning (API scans with limit=10000 one after another)`);
    for (let b = 0; b < plan.blocks; b++) {
      const i = await window();
      idle.push(i.ops);
      let running = true;
      const scanner = (async () => {
        while (running) {
          await scanAll(sky, 10_000, () => !running);
          scans++;
        }
      })();
      const s = await window();
      running = false;
      await scanner;
      scanning.push(s.ops);
      scanCore.push(s.scanCorePercent);
      skyCpu.push(s.skyCpuPercent);
      log(`    block ${b + 1}: idle ${fmtOps(i.ops)} GET/s, scanning ${fmtOps(s.ops)} GET/s (${(((s.ops / i.ops) - 1) * 100).toFixed(1)}%); while scanning: SCAN server time ${s.scanCorePercent.toFixed(2)}% of a core (3 primaries), Skyscope CPU ${s.skyCpuPercent.toFixed(1)}% (idle ${i.skyCpuPercent.toFixed(1)}%)`);
    }
    const si = spread(idle);
    const ss = spread(scanning);
    const pairedRatios = idle.map((x, k) => scanning[k]! / x);
    o.into.cost = { idle: si, scanning: ss, ratio: ss.median / si.median, pairedRatio: spread(pairedRatios).median, pairedRatios, scansDuringWindows: scans, scanServerCorePercent: spread(scanCore).median, skyscopeCpuPercent: spread(skyCpu).median, command, pinning: pinned ? 'servers CPU 0; benchmark + Skyscope CPU 1' : 'none' };
    log('');
    log(`    GET/s        min        median     max`);
    log(`    idle      ${fmtOps(si.min).padStart(9)}  ${fmtOps(si.median).padStart(9)}  ${fmtOps(si.max).padStart(9)}`);
    log(`    scanning  ${fmtOps(ss.min).padStart(9)}  ${fmtOps(ss.median).padStart(9)}  ${fmtOps(ss.max).padStart(9)}   median ${((o.into.cost.ratio - 1) * 100).toFixed(1)}%, paired ${((o.into.cost.pairedRatio - 1) * 100).toFixed(1)}% (target > -${keysTargets.throughputLossPercent}%)`);
  } finally {
    load.kill('SIGKILL');
    await load.exited;
    children.delete(load);
    for (const p of probes) p.disconnect();
  }
}

export interface KeysSummaryRow {
  bench: string;
  what: string;
  target: string;
  measured: string;
  result: 'PASS' | 'MISS' | 'info' | 'ERROR';
}

export function keysSummaryRows(r: KeysResult | undefined): KeysSummaryRow[] {
  const rows: KeysSummaryRow[] = [];
  if (!r) return rows;
  const K = `${r.plan.keys / 1000}K`;
  if (r.firstPage) rows.push({ bench: 'keys', what: `first 1,000 keys of a ${K}-key 3-primary cluster via the API`, target: `< ${keysTargets.firstPageMs} ms`, measured: `${r.firstPage.median.toFixed(1)} ms median`, result: r.firstPage.median < keysTargets.firstPageMs ? 'PASS' : 'MISS' });
  if (r.fullScan) rows.push({ bench: 'keys', what: `scan all ${K} keys via the API (limit=10000 steps)`, target: '-', measured: `${(r.fullScan.ms / 1000).toFixed(1)} s, ${fmtOps(r.fullScan.keysPerSecond)} keys/s, ${r.fullScan.calls} SCAN calls`, result: 'info' });
  if (r.cost) {
    const loss = (1 - r.cost.pairedRatio) * 100;
    rows.push({ bench: 'keys', what: 'GET/s while API scans run back to back vs idle (paired)', target: `< ${keysTargets.throughputLossPercent}% lower`, measured: `${fmtOps(r.cost.idle.median)} -> ${fmtOps(r.cost.scanning.median)} (${loss >= 0 ? '-' : '+'}${Math.abs(loss).toFixed(1)}%; SCAN ${r.cost.scanServerCorePercent.toFixed(2)}% of a core, Skyscope ${r.cost.skyscopeCpuPercent.toFixed(0)}% CPU)`, result: loss < keysTargets.throughputLossPercent ? 'PASS' : 'MISS' });
  }
  return rows;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const bad = args.filter((a) => a !== '--quick');
  if (bad.length > 0) {
    process.stderr.write(`keys.ts: unknown option ${bad[0]} (usage: bun test/bench/keys.ts [--quick])\n`);
    process.exit(2);
  }
  const log = (line = '') => console.log(line);
  const cleanups: (() => Promise<void>)[] = [];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllSkyscopes();
      process.stderr.write(`\nkeys.ts: ${signal}: stopped every Skyscope and server\n`);
      process.exit(130);
    });
  }
  const r: KeysResult = { plan: keysPlan(args.includes('--quick')) };
  let code = 0;
  try {
    await runKeysBench({ plan: r.plan, log: (l) => log(`  ${l}`), register: (fn) => cleanups.push(fn), into: r });
  } catch (e) {
    code = 1;
    log(`error: ${(e as Error).stack ?? e}`);
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    killAllSkyscopes();
  }
  log('');
  for (const row of keysSummaryRows(r)) log(`${row.what}: ${row.measured} (target ${row.target}) ${row.result}`);
  process.exit(code);
}
