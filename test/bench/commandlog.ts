// Benchmarks for the command log and latency monitor (issue 6), run through test/bench/run.ts (`--only commandlog`)
// or alone: `bun test/bench/commandlog.ts [--quick]`.
//
// [a] Server cost of collecting them at Skyscope's default intervals (COMMANDLOG/SLOWLOG and LATENCY every 5 s): on a
//     real Valkey 9.1 standalone (COMMANDLOG, its three logs) and a Redis 7.0 one (SLOWLOG), each once quiet (empty logs,
//     latency monitor off) and once full (every threshold 0 and a paced valkey-benchmark load, so every poll finds the
//     whole log new; a latency event every second). INFO commandstats deltas per command (the probe's own INFO taken
//     out, a paused-Skyscope control window subtracted), side by side with the INFO source's own cost for scale.
// [b] Query time over 7 days of 1,000,000 entries on 6 nodes, generated through store.appendCommandLog() and
//     read back through store.searchCommandLog() / groupCommandLog() (and GET /api/commandlog over HTTP).
import { DuckDBInstance, TIMESTAMP, VARCHAR, LIST, INTEGER, BIGINT, listValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { commandLine, commandName, commandPattern } from '../../server/collect/commandLine.ts';
import type { CommandLogEntry, CommandLogType } from '../../server/collect/sink.ts';
import { createApp } from '../../server/http/app.ts';
import { silentLogger } from '../../server/log.ts';
import { LatestSamples } from '../../server/metrics/latestSamples.ts';
import { LatestValues } from '../../server/metrics/latestValues.ts';
import { LiveHub } from '../../server/metrics/liveHub.ts';
import { tsParam } from '../../server/store/db.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import type { CommandLogFilter } from '../../server/store/logs.ts';
import { benchmarkCommand, serverInfo, startStandalone, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { hasTaskset, pinProcess } from './procStats.ts';
import { beginAll, endAll, NodeProbe, summarizeCost, type CostSummary } from './serverCost.ts';
import { benchTempDir, killAllSkyscopes, startSkyscopeProcess, waitForNodesUp, type SkyscopeProcess } from './skyscopeProcess.ts';

type Log = (line: string) => void;
type Register = (fn: () => Promise<void>) => void;

const root = resolve(import.meta.dir, '..', '..');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export const commandLogTargets = {
  /** The newest 200 of 7 days x 1M entries with a text filter (`q`), median. */
  searchMs: 100,
};

export interface CommandLogPlan {
  quick: boolean;
  /** [a] seconds of each "on" window, of each paused control window, and of warm-up after Skyscope sees the node. */
  windowS: number;
  controlS: number;
  warmupS: number;
  /** [a] valkey-benchmark pace in the full case: sequences of 5 commands per second (--rps). */
  loadSequencesPerSecond: number;
  /** [b] entries generated over 7 days (the target is set at 1M), timed runs per case (after 2 warm-up runs; a case stops after 15 s once it has 3). */
  entries: number;
  runs: number;
  httpRuns: number;
}

export function commandLogPlan(quick: boolean): CommandLogPlan {
  return quick
    ? { quick, windowS: 20, controlS: 5, warmupS: 6, loadSequencesPerSecond: 400, entries: 250_000, runs: 5, httpRuns: 3 }
    : { quick, windowS: 60, controlS: 15, warmupS: 8, loadSequencesPerSecond: 400, entries: 1_000_000, runs: 15, httpRuns: 7 };
}

// ================= [a] server cost =================

/** What Skyscope sends for the command log and latency sources (logCollector.ts), and INFO for scale. */
export const logCommands = ['commandlog|len', 'commandlog|get', 'slowlog|len', 'slowlog|get', 'latency|latest', 'latency|histogram', 'latency|history', 'config|get', 'time'] as const;

export interface CommandCostRow {
  command: string;
  callsPerSecond: number;
  usecPerCall: number;
  usecPerSecond: number;
  percentOfCore: number;
}

export interface CommandLogCostCase {
  flavor: Flavor;
  version: string;
  condition: 'quiet' | 'full';
  /** Settings the server ran with in this case, and the load beside it. */
  config: Record<string, string>;
  load: string;
  seconds: { on: number; off: number };
  commands: CommandCostRow[];
  /** Every log/latency command together, and INFO (Skyscope's every-second source) for scale. */
  total: { usecPerSecond: number; percentOfCore: number; callsPerSecond: number };
  info: CommandCostRow;
  /** Server process CPU with Skyscope on and paused (everything, including the load). */
  serverCpuPercent: { on: number; off: number };
  /** What Skyscope stored in the window: command log entries per type, latency samples; and the workload's own ops/s. */
  stored: { commandLogPerPoll: Record<string, number>; latencySamples: number; lostEvents: number };
  loadOpsPerSecond: number;
}

export interface CommandLogCostResult {
  cases: CommandLogCostCase[];
}

function row(command: string, c: CostSummary): CommandCostRow {
  const p = c.perCommand.find((x) => x.command === command);
  const usecPerSecond = p?.usecPerSecond ?? 0;
  return { command, callsPerSecond: p?.callsPerSecond ?? 0, usecPerCall: p?.usecPerCall ?? 0, usecPerSecond, percentOfCore: usecPerSecond / 1e4 };
}

/** A mix of commands so INFO commandstats (and so INFO's own cost) has a production-like size. */
function populateCommandStats(port: number, cpu: number | undefined): void {
  const pin = cpu !== undefined && hasTaskset ? ['taskset', '-c', String(cpu)] : [];
  const tests = 'ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset,xadd';
  const cmd = [...pin, ...benchmarkCommand('valkey9'), '-h', '127.0.0.1', '-p', String(port), '-t', tests, '-n', '2000', '-r', '1000', '-q'];
  spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 60_000 });
}

/** The full case's load: valkey-benchmark (Valkey 9.1's, also against Redis 7.0) with 5 commands per sequence, paced. */
function startLoad(port: number, sequencesPerSecond: number, cpu: number | undefined): { proc: ChildProcess; describe: string } {
  const pin = cpu !== undefined && hasTaskset ? ['taskset', '-c', String(cpu)] : [];
  const cmds = ['SET', 'user:__rand_int__', '__data__', ';', 'GET', 'user:__rand_int__', ';', 'HSET', 'session:__rand_int__', 'f', '__data__', ';', 'LPUSH', 'queue:jobs', '__data__', ';', 'INCR', 'counter:__rand_int__'];
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', '4', '--rps', String(sequencesPerSecond), '-r', '100000', '-d', '200', '--duration', '3600', '-q', '--', ...cmds];
  const cmd = [...pin, ...benchmarkCommand('valkey9'), ...args];
  const proc = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore' });
  return { proc, describe: `valkey-benchmark -c 4 --rps ${sequencesPerSecond} -r 100000 -d 200 -- SET/GET/HSET/LPUSH/INCR (${sequencesPerSecond * 5} commands/s)` };
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  await Promise.race([exited, Bun.sleep(3000)]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/** A latency event every second: DEBUG SLEEP 2 ms (latency-monitor-threshold 1), away from the probe's and Skyscope's moments. */
function startLatencyEvents(port: number): { stop(): Promise<void> } {
  const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, connectionName: 'skyscope-bench-latency' });
  c.on('error', () => {});
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await Bun.sleep((1700 - (Date.now() % 1000)) % 1000);
      if (stopped) break;
      await c.call('DEBUG', 'SLEEP', '0.002').catch(() => {});
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      c.disconnect();
    },
  };
}

function caseConfig(flavor: Flavor, condition: 'quiet' | 'full'): Record<string, string> {
  if (condition === 'quiet') return {};
  const c: Record<string, string> = { 'slowlog-log-slower-than': '0', 'latency-monitor-threshold': '1' };
  // Valkey 9.1: the two size logs too (COMMANDLOG's large-request and large-reply), so all three are full.
  if (flavor === 'valkey9') Object.assign(c, { 'commandlog-request-larger-than': '0', 'commandlog-reply-larger-than': '0' });
  return c;
}

async function stored(sky: SkyscopeProcess, fromMs: number, toMs: number): Promise<CommandLogCostCase['stored']> {
  const range = `BETWEEN make_timestamp(${fromMs}::BIGINT * 1000) AND make_timestamp(${toMs}::BIGINT * 1000)`;
  // Each poll's entries land in one flush (one `collected` time), so the distinct times count the polls that stored any.
  const byType = await sky.sql(`SELECT type, count(*), count(DISTINCT collected) FROM commandlog WHERE collected ${range} GROUP BY type ORDER BY type`);
  const commandLogPerPoll: Record<string, number> = {};
  for (const [type, n, flushes] of byType.rows) commandLogPerPoll[String(type)] = Number(n) / Math.max(1, Number(flushes));
  // Latency samples carry the server's second, not when they were read; events' ts is when Skyscope noticed.
  const lat = await sky.sql(`SELECT count(*) FROM latency_samples WHERE ts ${range}`);
  const lost = await sky.sql(`SELECT count(*) FROM events WHERE kind = 'commandlog_lost' AND ts ${range}`).catch(() => ({ rows: [[0]] }));
  return { commandLogPerPoll, latencySamples: Number(lat.rows[0]?.[0] ?? 0), lostEvents: Number(lost.rows[0]?.[0] ?? 0) };
}

async function runCase(flavor: Flavor, condition: 'quiet' | 'full', plan: CommandLogPlan, log: Log, register: Register): Promise<CommandLogCostCase> {
  const config = caseConfig(flavor, condition);
  const server: ServerHandle = await startStandalone(flavor, { config });
  register(() => server.stop());
  const local: (() => Promise<void>)[] = [];
  try {
    // 2 cores: the server gets CPU 0; Skyscope and the load share CPU 1.
    const pinned = pinProcess(server.pid, 0);
    const cpu1 = pinned ? 1 : undefined;
    populateCommandStats(server.port, cpu1);
    let load: ReturnType<typeof startLoad> | undefined;
    let events: ReturnType<typeof startLatencyEvents> | undefined;
    if (condition === 'full') {
      load = startLoad(server.port, plan.loadSequencesPerSecond, cpu1);
      local.push(() => stopProcess(load!.proc));
      events = startLatencyEvents(server.port);
      local.push(() => events!.stop());
    }
    const sky = await startSkyscopeProcess({ targets: [server.url], flags: [], cpu: cpu1 });
    local.push(() => sky.stop());
    await waitForNodesUp(sky, 1);
    await Bun.sleep(plan.warmupS * 1000);
    const probe = await NodeProbe.open('127.0.0.1', server.port, server.pid);
    local.push(async () => probe.close());
    await beginAll([probe]);
    const fromMs = Date.now();
    await Bun.sleep(plan.windowS * 1000);
    const [on] = await endAll([probe]);
    const toMs = Date.now();
    sky.pause();
    let off;
    try {
      await beginAll([probe]);
      await Bun.sleep(plan.controlS * 1000);
      [off] = await endAll([probe]);
    } finally {
      sky.resume();
    }
    const c = summarizeCost([on!], [off!]);
    const commands = logCommands.map((name) => row(name, c)).filter((r) => r.callsPerSecond > 0 || Math.abs(r.usecPerSecond) >= 0.05);
    const total = commands.reduce((s, r) => ({ usecPerSecond: s.usecPerSecond + r.usecPerSecond, percentOfCore: s.percentOfCore + r.percentOfCore, callsPerSecond: s.callsPerSecond + r.callsPerSecond }), { usecPerSecond: 0, percentOfCore: 0, callsPerSecond: 0 });
    const loadCmds = ['set', 'get', 'hset', 'lpush', 'incr'];
    const loadOpsPerSecond = loadCmds.reduce((s, n) => s + (on!.commands[n]?.calls ?? 0), 0) / on!.seconds;
    // Entries reach DuckDB within about a second of a poll (the store's flush timer).
    await Bun.sleep(1500);
    const st = await stored(sky, fromMs, toMs).catch(() => ({ commandLogPerPoll: {}, latencySamples: 0, lostEvents: 0 }));
    return {
      flavor,
      version: server.version,
      condition,
      config,
      load: load ? `${load.describe}; DEBUG SLEEP 0.002 once a second` : 'none',
      seconds: c.seconds,
      commands,
      total,
      info: row('info', c),
      serverCpuPercent: { on: c.serverCpuPercentPerNode.on, off: c.serverCpuPercentPerNode.off },
      stored: st,
      loadOpsPerSecond,
    };
  } finally {
    while (local.length > 0) await local.pop()!().catch(() => {});
    await server.stop();
  }
}

function printCase(k: CommandLogCostCase, log: Log): void {
  const label = `${k.flavor === 'valkey9' ? 'Valkey' : 'Redis'} ${k.version}, ${k.condition}`;
  log(`${label}: ${Object.keys(k.config).length ? Object.entries(k.config).map(([a, b]) => `${a} ${b}`).join(', ') : 'default config (logs empty, latency monitor off)'}; load: ${k.load}`);
  log(`  ${k.seconds.on.toFixed(0)} s with Skyscope at its default intervals, ${k.seconds.off.toFixed(0)} s paused (control)${k.loadOpsPerSecond > 0 ? `; the load ran at ${fmt(k.loadOpsPerSecond)} ops/s` : ''}`);
  log(`  ${'command'.padEnd(18)}${'calls/s'.padStart(9)}${'usec/call'.padStart(11)}${'usec/s'.padStart(9)}${'% of a core'.padStart(13)}`);
  const line = (r: CommandCostRow) => log(`  ${r.command.padEnd(18)}${r.callsPerSecond.toFixed(2).padStart(9)}${r.usecPerCall.toFixed(1).padStart(11)}${r.usecPerSecond.toFixed(1).padStart(9)}${r.percentOfCore.toFixed(4).padStart(13)}`);
  for (const r of k.commands) line(r);
  log(`  ${'= log + latency'.padEnd(18)}${k.total.callsPerSecond.toFixed(2).padStart(9)}${''.padStart(11)}${k.total.usecPerSecond.toFixed(1).padStart(9)}${k.total.percentOfCore.toFixed(4).padStart(13)}   (${k.info.usecPerSecond > 0 ? `${(k.total.usecPerSecond / k.info.usecPerSecond).toFixed(2)}x INFO's` : 'no INFO'})`);
  line({ ...k.info, command: 'info (for scale)' });
  const per = Object.entries(k.stored.commandLogPerPoll).map(([t, n]) => `${t} ${n.toFixed(0)}`).join(', ') || 'none';
  log(`  stored per 5 s poll: ${per}; latency samples in the window ${fmt(k.stored.latencySamples)}; entries-lost events ${k.stored.lostEvents}; server process CPU on ${k.serverCpuPercent.on.toFixed(1)}% / paused ${k.serverCpuPercent.off.toFixed(1)}% (all work, load included)`);
}

export async function runCommandLogServerCost(opts: { plan: CommandLogPlan; log: Log; register: Register; into?: CommandLogCostResult }): Promise<CommandLogCostResult> {
  const r: CommandLogCostResult = opts.into ?? { cases: [] };
  for (const flavor of ['valkey9', 'redis7'] as const) {
    if (!serverInfo(flavor).available) {
      opts.log(`(${flavor} is not installed: run bun test/servers/install.ts)`);
      continue;
    }
    for (const condition of ['quiet', 'full'] as const) {
      const k = await runCase(flavor, condition, opts.plan, opts.log, opts.register);
      r.cases.push(k);
      printCase(k, opts.log);
      opts.log('');
    }
  }
  return r;
}

// ================= [b] query time over 1M entries =================

const dayMs = 86_400_000;
const end = Date.UTC(2026, 0, 8);
const start = end - 7 * dayMs;
const nodes = ['10.0.0.1:6379', '10.0.0.2:6379', '10.0.0.3:6379', '10.0.0.4:6379', '10.0.0.5:6379', '10.0.0.6:6379'];
/** A busy shard logs more than the others. */
const nodeWeights = [0.3, 0.2, 0.15, 0.15, 0.1, 0.1];
/** The key prefix the ~1% text filter looks for: nothing else in the generated lines contains it. */
const rareText = 'checkout:';
const rareShare = 0.01;
const noText = 'no-such-key:zq9';
const broadText = 'user:';
const filterNode = nodes[2]!;
const filterCmd = 'hgetall';

/** mulberry32: deterministic, fast. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
/** A command's arguments, or the first ones of a long command and its real argument count. */
type Made = (string | Uint8Array)[] | { args: (string | Uint8Array)[]; argc: number };

export class EntryMaker {
  private readonly rnd: () => number;
  private readonly ids = new Map<string, number>();
  private readonly shas: string[];
  constructor(seed: number) {
    this.rnd = prng(seed);
    this.shas = Array.from({ length: 12 }, () => this.hex(40));
  }
  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  private hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  private uid(): string {
    return String(100000 + this.int(900000));
  }
  private uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`;
  }
  private json(): string {
    return JSON.stringify({ id: Number(this.uid()), name: `user${this.int(1e6)}`, plan: this.pick(['free', 'pro', 'team']), ts: 1767225600 + this.int(604800), tags: ['a', 'b', 'c'].slice(0, 1 + this.int(3)) }) + ' '.repeat(this.int(200));
  }
  private binary(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /**
   * Arguments as the server logs them: each at most 128 bytes (the rest counted), at most 31 shown when there are
   * more than 32 (the rest counted). `argc` is the command's real argument count when only the first ones were made.
   */
  private logged(args: (string | Uint8Array)[], argc = args.length): { args: Uint8Array[]; argsCut: number[]; argsMore: number } {
    const bytes = args.map((a) => (typeof a === 'string' ? enc.encode(a) : a));
    const argsMore = argc > 32 ? argc - 31 : 0;
    const kept = argsMore > 0 ? bytes.slice(0, 31) : bytes;
    return { args: kept.map((b) => (b.length > 128 ? b.subarray(0, 128) : b)), argsCut: kept.map((b) => Math.max(0, b.length - 128)), argsMore };
  }
  /** A command with `argc` arguments of which only the first 32 are made (the server shows 31 of them). */
  private many(head: string[], argc: number, arg: (i: number) => string | Uint8Array): { args: (string | Uint8Array)[]; argc: number } {
    const args: (string | Uint8Array)[] = [...head];
    for (let i = 0; args.length < Math.min(argc, 32); i++) args.push(arg(i));
    return { args, argc };
  }
  private slowArgs(): Made {
    const r = this.rnd();
    if (r < 0.15) return ['GET', `user:${this.uid()}`];
    if (r < 0.25) return ['SET', `user:${this.uid()}`, this.json(), 'EX', '3600'];
    if (r < 0.37) return ['HGETALL', `session:${this.hex(32)}`];
    if (r < 0.43) return ['HSET', `profile:${this.uid()}`, 'name', `n${this.int(1e5)}`, 'email', `u${this.int(1e6)}@example.com`, 'seen', String(1767225600 + this.int(604800))];
    if (r < 0.51) return ['ZRANGEBYSCORE', `leaderboard:${this.pick(['eu', 'us', 'apac'])}:${this.int(52)}`, '-inf', '+inf', 'WITHSCORES', 'LIMIT', '0', '1000'];
    if (r < 0.53) return ['KEYS', this.pick(['cache:*', 'tmp:*:lock', 'session:*'])];
    if (r < 0.59) return ['SMEMBERS', `tags:${this.uid()}`];
    if (r < 0.65) return ['LRANGE', `queue:${this.pick(['mail', 'jobs', 'render', 'billing'])}`, '0', '-1'];
    if (r < 0.70) return this.many(['MGET'], 6 + this.int(60), () => `item:${this.uid()}`);
    if (r < 0.76) return ['EVALSHA', this.pick(this.shas), '2', `lock:${this.uid()}`, `counter:${this.uid()}`, String(1 + this.int(60))];
    if (r < 0.80) return [this.pick(['DEL', 'UNLINK']), `bigset:${this.uid()}`];
    if (r < 0.85) return ['SCAN', String(this.int(1e6)), 'MATCH', 'session:*', 'COUNT', '1000'];
    if (r < 0.89) return ['XADD', `events:${this.int(16)}`, '*', 'type', this.pick(['click', 'view', 'buy']), 'item', this.uid()];
    if (r < 0.94) return ['SET', `blob:${this.uid()}`, this.binary(64 + this.int(400))];
    if (r < 0.97) return ['HSET', `img:${this.uid()}`, 'data', this.binary(100 + this.int(300)), 'mime', 'image/png'];
    if (r < 0.985) return ['SADD', `seen:${this.uid()}`, this.binary(16)];
    return ['CONFIG', 'GET', this.pick(['maxmemory', 'save', '*'])];
  }
  private largeRequestArgs(): Made {
    const r = this.rnd();
    if (r < 0.4) return ['SET', `blob:${this.uid()}`, this.binary(200)];
    if (r < 0.7) return this.many(['MSET'], 1 + 2 * (20 + this.int(100)), (i) => (i % 2 ? this.json() : `user:${this.uid()}`));
    if (r < 0.85) return this.many(['RPUSH', `queue:${this.pick(['mail', 'jobs'])}`], 12 + this.int(100), () => this.json());
    return ['HSET', `doc:${this.uid()}`, 'body', this.json().repeat(3)];
  }
  private largeReplyArgs(): (string | Uint8Array)[] {
    const r = this.rnd();
    if (r < 0.3) return ['HGETALL', `catalog:${this.int(500)}`];
    if (r < 0.5) return ['LRANGE', `queue:${this.pick(['mail', 'jobs', 'render'])}`, '0', '-1'];
    if (r < 0.65) return ['SMEMBERS', `followers:${this.uid()}`];
    if (r < 0.8) return ['GET', `blob:${this.uid()}`];
    if (r < 0.9) return ['ZRANGE', `leaderboard:${this.pick(['eu', 'us'])}:all`, '0', '-1', 'WITHSCORES'];
    return ['KEYS', '*'];
  }
  private rareArgs(): (string | Uint8Array)[] {
    const r = this.rnd();
    if (r < 0.5) return ['HGETALL', `${rareText}${this.uuid()}`];
    if (r < 0.8) return ['SET', `${rareText}${this.uuid()}`, this.json(), 'EX', '900'];
    return ['EXPIRE', `${rareText}${this.uuid()}`, '900'];
  }
  entry(ts: number): CommandLogEntry {
    let x = this.rnd();
    let n = 0;
    while (n < nodes.length - 1 && x >= nodeWeights[n]!) x -= nodeWeights[n++]!;
    const node = nodes[n]!;
    const t = this.rnd();
    const type: CommandLogType = t < 0.8 ? 'slow' : t < 0.88 ? 'large-request' : 'large-reply';
    const raw = this.rnd() < rareShare ? this.rareArgs() : type === 'slow' ? this.slowArgs() : type === 'large-request' ? this.largeRequestArgs() : this.largeReplyArgs();
    const made = Array.isArray(raw) ? { args: raw, argc: raw.length } : raw;
    const { args, argsCut, argsMore } = this.logged(made.args, made.argc);
    const idKey = `${node}/${type}`;
    const id = (this.ids.get(idKey) ?? 0) + 1;
    this.ids.set(idKey, id);
    // slow: µs from 10 ms (the default threshold) with a long tail; large-*: bytes from 1 MiB.
    const value = type === 'slow' ? Math.round(10_000 * Math.exp(this.rnd() * 3.5)) : Math.round(1_048_576 * Math.exp(this.rnd() * 2.5));
    const client = `10.1.${this.int(8)}.${this.int(250)}:${40000 + this.int(20000)}`;
    return {
      ts,
      node,
      type,
      id,
      runId: `run${n}`,
      value,
      cmd: commandName(args),
      args,
      argsCut,
      argsMore,
      line: commandLine(args, argsCut, argsMore),
      pattern: commandPattern(args, argsMore),
      client,
      clientName: this.pick(['api-1', 'api-2', 'api-3', 'worker-1', 'worker-2', 'cron', '']),
    };
  }
}

/** The file plus its WAL. */
function fileBytes(path: string): number {
  return (existsSync(path) ? statSync(path).size : 0) + (existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0);
}

export interface QueryCase {
  key: string;
  label: string;
  /** The case the < 100 ms target applies to. */
  targeted: boolean;
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  /** Rows returned and the number of matches in the range ("total"; for groups the entries they cover). */
  returned: number;
  matches: number;
}

export interface CommandLogQueryResult {
  entries: number;
  generateSeconds: number;
  appendRowsPerSecond: number;
  /** Matches of the ~1% text filter, as a share of all entries. */
  rareShare: number;
  file: { emptyMb: number; fullMb: number; mbPerMillion: number; bytesPerEntry: number };
  cases: QueryCase[];
  http: QueryCase[];
  /** EXPLAIN ANALYZE of the store's search, alternatives timed beside it, and what the file's bytes are. */
  whereTimeGoes: WhereTimeGoes;
}

function stats(ms: number[]): { medianMs: number; p95Ms: number; minMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: s[0]!, maxMs: s.at(-1)! };
}

async function timeCase(runs: number, fn: () => Promise<{ returned: number; matches: number }>, maxSeconds = 15): Promise<Omit<QueryCase, 'key' | 'label' | 'targeted'>> {
  let last = await fn();
  await fn();
  const ms: number[] = [];
  const budget = performance.now() + maxSeconds * 1000;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
    if (ms.length >= 3 && performance.now() > budget) break;
  }
  return { runs: ms.length, ...stats(ms), ...last };
}

export async function generate(path: string, count: number, log: Log): Promise<Pick<CommandLogQueryResult, 'generateSeconds' | 'appendRowsPerSecond' | 'file'>> {
  const empty = await openStore({ path, now: () => end, maintainIntervalMs: 0 });
  for (const address of nodes) empty.recordNode({ address, role: 'primary', seenAt: start });
  await empty.close();
  const emptyBytes = fileBytes(path);

  // Entry times: uniform over the week plus bursts (a slow hour a day on the busy node), in time order.
  const rnd = prng(7);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const burst = rnd() < 0.2;
    const t = burst ? start + Math.floor(rnd() * 7) * dayMs + 14 * 3_600_000 + rnd() * 3_600_000 : start + rnd() * (end - start - 1000);
    times[i] = Math.floor(t / 1000) * 1000;
  }
  times.sort();
  const maker = new EntryMaker(11);
  const store = await openStore({ path, now: () => end, maintainIntervalMs: 0 });
  const t0 = performance.now();
  let appendMs = 0;
  try {
    // Batches like the live flushes (a second's worth of polls from 6 nodes), bigger here so it takes seconds, not minutes.
    const batch = 20_000;
    for (let i = 0; i < count; i += batch) {
      const entries: CommandLogEntry[] = [];
      for (let j = i; j < Math.min(count, i + batch); j++) entries.push(maker.entry(times[j]!));
      const a0 = performance.now();
      store.appendCommandLog(entries);
      await store.flush();
      appendMs += performance.now() - a0;
    }
  } finally {
    await store.close();
  }
  const generateSeconds = (performance.now() - t0) / 1000;
  const fullBytes = fileBytes(path);
  const mb = (b: number) => b / 2 ** 20;
  const file = { emptyMb: mb(emptyBytes), fullMb: mb(fullBytes), mbPerMillion: mb(fullBytes - emptyBytes) / (count / 1e6), bytesPerEntry: (fullBytes - emptyBytes) / count };
  log(`generated ${fmt(count)} entries over 7 days on ${nodes.length} nodes (80% slow, 8% large-request, 12% large-reply; ${(rareShare * 100).toFixed(0)}% touch "${rareText}…") in ${generateSeconds.toFixed(1)} s, of which store.appendCommandLog() + flush() ${(appendMs / 1000).toFixed(1)} s (${fmt(count / (appendMs / 1000))} entries/s)`);
  log(`  file ${file.emptyMb.toFixed(1)} MB empty -> ${file.fullMb.toFixed(1)} MB after close (checkpoint): ${file.mbPerMillion.toFixed(0)} MB per 1M entries (${file.bytesPerEntry.toFixed(0)} bytes per entry)`);
  return { generateSeconds, appendRowsPerSecond: count / (appendMs / 1000), file };
}

interface HttpServer {
  base: string;
  stop(): Promise<void>;
}

async function serveHttp(store: Store): Promise<HttpServer> {
  let server: ReturnType<typeof Bun.serve> | undefined;
  const app = createApp({
    store,
    monitor: { nodes: () => [], targets: () => [], topology: () => ({ updatedAt: 0, targets: [], shards: [] }), enableSlotStatsCounters: async () => [], setLatencyThreshold: async () => [], latencyDoctor: async () => '' },
    latest: new LatestValues(),
    latestSamples: new LatestSamples(),
    live: new LiveHub(),
    server: { host: '127.0.0.1', port: 0, readOnly: true, infoIntervalMs: 1000 },
    version: 'bench',
    startedAt: Date.now(),
    log: silentLogger,
    now: () => end,
    portRef: () => server?.port,
  });
  server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (req) => app.fetch(req) });
  const s = server;
  return { base: `http://127.0.0.1:${s.port}`, stop: async () => void s.stop(true) };
}

interface ProfileNode {
  operator_name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  system_peak_buffer_memory?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

/** EXPLAIN (ANALYZE, FORMAT JSON) condensed: one line per operator (thread time, rows out, filters). */
function condense(n: ProfileNode, depth = 0, out: string[] = []): string[] {
  if (n.operator_name && n.operator_name !== 'EXPLAIN_ANALYZE') {
    const e = n.extra_info ?? {};
    const filters = [e['Filters'], e['Conditions'], e['Top'] ? `top ${String(e['Top'])} by ${String(e['Order By'])}` : undefined].flat().filter(Boolean).map(String).join('; ');
    out.push(`${'  '.repeat(depth)}${n.operator_name.padEnd(Math.max(1, 22 - 2 * depth))} ${((n.operator_timing ?? 0) * 1000).toFixed(1).padStart(8)} ms ${fmt(n.operator_cardinality ?? 0).padStart(10)} rows${filters ? `  ${filters.replace(/\s+/g, ' ').slice(0, 110)}` : ''}`);
    depth++;
  }
  for (const c of n.children ?? []) condense(c, depth, out);
  return out;
}

export interface Variant {
  label: string;
  /** The product's own statement (queries/commandlog_search.sql), or a plain-SQL alternative for comparison. */
  product: boolean;
  medianMs: number;
  /** DuckDB's peak buffer memory for the statement alone (system_peak_buffer_memory of its profile in a fresh instance). */
  peakMb: number;
  rows: number;
}

export interface WhereTimeGoes {
  /** Condensed EXPLAIN ANALYZE of the product search with the ~1% text filter, and without any filter. */
  explainQ: string[];
  explainNewest: string[];
  variants: Variant[];
  /** MB of each column group copied alone into a fresh DuckDB file, and how the `line` column is stored. */
  columnsMb: Record<string, number>;
  lineCompression: Record<string, number>;
  lineBytes: { avg: number; max: number; total: number; over1k: number };
}

/**
 * Where the time goes, on a plain DuckDB connection to the same file (the store is closed by then): the product's
 * search statement with its parameters under EXPLAIN ANALYZE, and the same question asked in plainer ways (none of
 * them product code) so the cost of each part shows: the count(*) OVER () window, lower(line), the payload columns.
 */
export async function whereTimeGoes(path: string, dir: string, runs: number): Promise<WhereTimeGoes> {
  const sql = readFileSync(join(root, 'queries', 'commandlog_search.sql'), 'utf8').replace(/;\s*$/, '');
  // With a text filter the store runs the page and the count in one statement instead (searchesText in logs.ts).
  const sqlCounted = readFileSync(join(root, 'queries', 'commandlog_search_counted.sql'), 'utf8').replace(/;\s*$/, '');
  // Every $name the statement uses: the filters set here, NULL (= any) for the rest, whatever the file adds later.
  const known: Record<string, { value: (q: string | null) => DuckDBValue; type?: DuckDBType }> = {
    from: { value: () => tsParam(start), type: TIMESTAMP },
    to: { value: () => tsParam(end), type: TIMESTAMP },
    types: { value: () => listValue(['slow', 'large-request', 'large-reply']), type: LIST(VARCHAR) },
    nodes: { value: () => null, type: LIST(VARCHAR) },
    q: { value: (q) => q, type: VARCHAR },
    min: { value: () => null, type: BIGINT },
    max: { value: () => null, type: BIGINT },
    before_ts: { value: () => null, type: TIMESTAMP },
    before_id: { value: () => null, type: BIGINT },
    before_node: { value: () => null, type: INTEGER },
    limit: { value: () => 200, type: INTEGER },
  };
  const names = [...new Set([...(sql + sqlCounted).replace(/--.*$/gm, '').matchAll(/\$([a-z_]+)/g)].map((m) => m[1]!))];
  const params = (q: string | null): Record<string, DuckDBValue> => Object.fromEntries(names.map((n) => [n, known[n]?.value(q) ?? null]));
  const types = Object.fromEntries(names.map((n) => [n, known[n]?.type ?? VARCHAR]));
  const runOn = (c: DuckDBConnection, text: string, q?: string | null) => (q === undefined ? c.runAndReadAll(text) : c.runAndReadAll(text, params(q), types));
  const profileOn = async (c: DuckDBConnection, text: string, q?: string | null): Promise<{ tree: ProfileNode; peakMb: number }> => {
    const r = await runOn(c, `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, q);
    const tree = JSON.parse(String(r.getRows()[0]![1])) as ProfileNode;
    return { tree, peakMb: (tree.system_peak_buffer_memory ?? 0) / 2 ** 20 };
  };
  // DuckDB's peak buffer memory is per database instance, so each statement's own peak comes from a fresh one.
  const peakOf = async (text: string, q?: string | null): Promise<number> => {
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    try {
      return (await profileOn(c, text, q)).peakMb;
    } finally {
      c.closeSync();
      db.closeSync();
    }
  };
  const timed: { label: string; product: boolean; text: string; q?: string | null }[] = [];
  let result: WhereTimeGoes;
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    const run = (text: string, q?: string | null) => runOn(c, text, q);
    const profile = (text: string, q?: string | null) => profileOn(c, text, q);
    const variants: Variant[] = [];
    const time = async (label: string, product: boolean, text: string, q?: string | null) => {
      await run(text, q);
      const ms: number[] = [];
      let rows = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        rows = (await run(text, q)).getRows().length;
        ms.push(performance.now() - t0);
      }
      timed.push({ label, product, text, q });
      variants.push({ label, product, medianMs: stats(ms).medianMs, peakMb: 0, rows });
    };
    const W = `c.ts >= make_timestamp(${start}::BIGINT * 1000) AND c.ts <= make_timestamp(${end}::BIGINT * 1000)`;
    const cols = 'epoch_ms(c.ts) AS ts, n.address, c.type, c.entry_id, c.value, c.cmd, c.args, c.args_cut, c.args_more, c.line, c.pattern, c.client_addr, c.client_name, c.node_id';
    const order = 'ORDER BY c.ts DESC, c.node_id DESC, c.type DESC, c.entry_id DESC LIMIT 200';
    const lit = `'${rareText}'`;
    for (const [name, q, cond] of [['no filter', null, 'true'], [`q=${rareText}`, rareText, `contains(lower(c.line), ${lit})`]] as const) {
      if (q === null) await time(`${name}: the store's search (commandlog_search.sql)`, true, sql, q);
      else await time(`${name}: the store's search with its count (commandlog_search_counted.sql)`, true, sqlCounted, q);
      await time(`${name}: same without count(*) OVER ()`, false, `SELECT ${cols} FROM commandlog c JOIN nodes n USING (node_id) WHERE ${W} AND ${cond} ${order}`);
      await time(`${name}: count(*) alone`, false, `SELECT count(*) FROM commandlog c WHERE ${W} AND ${cond}`);
      await time(`${name}: top 200 of the sort keys, then payload by rowid`, false, `SELECT ${cols} FROM commandlog c JOIN nodes n USING (node_id) WHERE c.rowid IN (SELECT rowid FROM commandlog c WHERE ${W} AND ${cond} ${order}) ${order}`);
    }
    await time(`count(*) with contains(line, ${lit}) (case-sensitive: no lower())`, false, `SELECT count(*) FROM commandlog c WHERE contains(c.line, ${lit})`);
    await time(`count(*) with regexp_matches(line, '(?i)${rareText}')`, false, `SELECT count(*) FROM commandlog c WHERE regexp_matches(c.line, '(?i)${rareText}')`);
    const explainQ = condense((await profile(sqlCounted, rareText)).tree);
    const explainNewest = condense((await profile(sql, null)).tree);

    // Storage: each column group copied alone into a fresh file; how DuckDB stored `line`.
    const columnsMb: Record<string, number> = {};
    for (const [name, select] of [['line', 'line'], ['args', 'args'], ['everything else', 'ts, node_id, type, entry_id, run_id, value, cmd, args_cut, args_more, pattern, client_addr, client_name, collected']] as const) {
      const file = join(dir, 'column.duckdb');
      await c.run(`ATTACH '${file}' AS col_copy`);
      await c.run(`CREATE TABLE col_copy.t AS SELECT ${select} FROM commandlog`);
      await c.run('DETACH col_copy');
      columnsMb[name] = fileBytes(file) / 2 ** 20;
      rmSync(file, { force: true });
      rmSync(`${file}.wal`, { force: true });
    }
    const lineCompression: Record<string, number> = {};
    for (const [comp, n] of (await c.runAndReadAll(`SELECT compression, count(*) FROM pragma_storage_info('commandlog') WHERE column_name = 'line' AND segment_type = 'VARCHAR' GROUP BY ALL`)).getRows()) lineCompression[String(comp)] = Number(n);
    const [avg, max, total, over1k] = (await c.runAndReadAll('SELECT avg(strlen(line)), max(strlen(line)), sum(strlen(line)), count(*) FILTER (strlen(line) >= 1024) FROM commandlog')).getRows()[0]!.map(Number);
    result = { explainQ, explainNewest, variants, columnsMb, lineCompression, lineBytes: { avg: avg!, max: max!, total: total!, over1k: over1k! } };
  } finally {
    c.closeSync();
    db.closeSync();
  }
  for (let i = 0; i < timed.length; i++) result.variants[i]!.peakMb = await peakOf(timed[i]!.text, timed[i]!.q);
  return result;
}

export async function runCommandLogQuery(opts: { plan: CommandLogPlan; log: Log }): Promise<CommandLogQueryResult> {
  const { plan, log } = opts;
  const dir = benchTempDir('skyscope-bench-commandlog-');
  const path = join(dir.path, 'commandlog.duckdb');
  try {
    const gen = await generate(path, plan.entries, log);
    const store = await openStore({ path, now: () => end, maintainIntervalMs: 0 });
    const week: CommandLogFilter = { from: start, to: end };
    const cases: QueryCase[] = [];
    const http: QueryCase[] = [];
    let rareMatches = 0;
    try {
      const search = (f: CommandLogFilter) => async () => {
        const p = await store.searchCommandLog(f, { limit: 200 });
        return { returned: p.entries.length, matches: p.total };
      };
      const groups = (f: CommandLogFilter, by: 'command' | 'pattern') => async () => {
        const g = await store.groupCommandLog(f, by, 200);
        return { returned: g.length, matches: g.reduce((s, x) => s + x.count, 0) };
      };
      const shapes: { key: string; label: string; targeted: boolean; fn: () => Promise<{ returned: number; matches: number }> }[] = [
        { key: 'newest', label: 'newest 200 of 7 days, no filter', targeted: false, fn: search(week) },
        { key: 'q-rare', label: `q="${rareText}" (~1% match)`, targeted: true, fn: search({ ...week, q: rareText }) },
        { key: 'q-none', label: `q="${noText}" (matches nothing)`, targeted: true, fn: search({ ...week, q: noText }) },
        { key: 'q-broad', label: `q="${broadText}" (broad, context)`, targeted: false, fn: search({ ...week, q: broadText }) },
        { key: 'cmd-node', label: `cmd=${filterCmd} + node=${filterNode}`, targeted: false, fn: search({ ...week, cmd: filterCmd, nodes: [filterNode] }) },
        { key: 'groups-command', label: 'groups by command, 7 days', targeted: false, fn: groups(week, 'command') },
        { key: 'groups-pattern', label: 'groups by pattern, 7 days', targeted: false, fn: groups(week, 'pattern') },
        { key: 'groups-pattern-q', label: `groups by pattern, q="${rareText}"`, targeted: false, fn: groups({ ...week, q: rareText }, 'pattern') },
      ];
      log(`\nthrough the store API (searchCommandLog limit 200, groupCommandLog limit 200), 7 days = all ${fmt(plan.entries)} entries; 2 warm-up runs + up to ${plan.runs} timed runs per case (at least 3, 15 s at most):`);
      for (const s of shapes) {
        const t = await timeCase(plan.runs, s.fn);
        const c: QueryCase = { key: s.key, label: s.label, targeted: s.targeted, ...t };
        if (s.key === 'q-rare') rareMatches = t.matches;
        cases.push(c);
        log(`  ${s.label.padEnd(46)} median ${c.medianMs.toFixed(1).padStart(7)} ms  p95 ${c.p95Ms.toFixed(1).padStart(7)}  min ${c.minMs.toFixed(1).padStart(7)}  (${c.runs} runs; ${fmt(c.returned)} rows, ${fmt(c.matches)} ${s.key.startsWith('groups') ? 'entries in the groups' : 'matches'})${s.targeted ? `  target < ${commandLogTargets.searchMs} ms` : ''}`);
      }

      const server = await serveHttp(store);
      try {
        const range = `from=${start / 1000}&to=${end / 1000}`;
        const urls = [
          { key: 'http-newest', label: 'GET /api/commandlog (newest 200, no filter)', url: `/api/commandlog?${range}` },
          { key: 'http-q-rare', label: `GET /api/commandlog?q=${rareText}`, url: `/api/commandlog?${range}&q=${encodeURIComponent(rareText)}` },
          { key: 'http-groups', label: 'GET /api/commandlog/groups?by=pattern', url: `/api/commandlog/groups?${range}&by=pattern` },
        ];
        log(`\nthrough HTTP (createApp + Bun.serve on 127.0.0.1, fetch() -> whole JSON body parsed), ${plan.httpRuns} timed runs:`);
        for (const u of urls) {
          let bytes = 0;
          const t = await timeCase(plan.httpRuns, async () => {
            const res = await fetch(server.base + u.url);
            const text = await res.text();
            if (!res.ok) throw new Error(`${u.url}: ${res.status} ${text.slice(0, 200)}`);
            bytes = text.length;
            const body = JSON.parse(text) as { entries?: unknown[]; total?: number; groups?: { count: number }[] };
            return { returned: body.entries?.length ?? body.groups?.length ?? 0, matches: body.total ?? body.groups?.reduce((s, g) => s + g.count, 0) ?? 0 };
          });
          http.push({ key: u.key, label: u.label, targeted: false, ...t });
          log(`  ${u.label.padEnd(46)} median ${t.medianMs.toFixed(1).padStart(7)} ms  p95 ${t.p95Ms.toFixed(1).padStart(7)}  (${fmt(t.returned)} rows, ${(bytes / 1024).toFixed(0)} KiB JSON)`);
        }
      } finally {
        await server.stop();
      }
    } finally {
      await store.close();
    }
    const w = await whereTimeGoes(path, dir.path, Math.min(plan.runs, 5));
    log(`\nwhere the time goes: a plain DuckDB connection to the same file, median of ${Math.min(plan.runs, 5)} (* = the store's own statement; the others are plainer ways to ask, for comparison, not product code); DuckDB peak = the statement's peak buffer memory alone, in a fresh instance:`);
    for (const v of w.variants) log(`  ${v.product ? '*' : ' '} ${v.label.padEnd(72)} ${v.medianMs.toFixed(1).padStart(8)} ms  DuckDB peak ${v.peakMb.toFixed(0).padStart(5)} MB  (${fmt(v.rows)} rows)`);
    log(`  storage: ${Object.entries(w.columnsMb).map(([k, v]) => `${k} ${v.toFixed(0)} MB`).join(', ')} (each copied alone into a fresh file); line segments ${Object.entries(w.lineCompression).map(([k, v]) => `${k} ${v}`).join(', ')}; lines avg ${w.lineBytes.avg.toFixed(0)} bytes, max ${fmt(w.lineBytes.max)}, ${fmt(w.lineBytes.over1k)} of 1 KB or more, ${(w.lineBytes.total / 2 ** 20).toFixed(0)} MB of text in all`);
    const missed = cases.some((c) => c.targeted && c.medianMs >= commandLogTargets.searchMs);
    log(`\nEXPLAIN ANALYZE of the store's search with q="${rareText}"${missed ? ' (target missed)' : ''}, condensed (operator, time summed over threads, rows out):`);
    for (const l of w.explainQ) log(`  ${l}`);
    log(`EXPLAIN ANALYZE of the store's search with no filter (newest 200):`);
    for (const l of w.explainNewest) log(`  ${l}`);
    return { entries: plan.entries, ...gen, rareShare: rareMatches / plan.entries, cases, http, whereTimeGoes: w };
  } finally {
    dir.remove();
  }
}

// ================= summary =================

export interface CommandLogResult {
  plan: CommandLogPlan;
  cost?: CommandLogCostResult;
  query?: CommandLogQueryResult;
}

export interface CommandLogSummaryRow {
  bench: string;
  what: string;
  target: string;
  measured: string;
  result: 'PASS' | 'MISS' | 'info' | 'ERROR';
}

export function commandLogSummaryRows(r: CommandLogResult | undefined): CommandLogSummaryRow[] {
  const rows: CommandLogSummaryRow[] = [];
  const bench = 'commandlog';
  const q = r?.query;
  if (q) {
    const M = q.entries >= 1e6 ? `${q.entries / 1e6}M` : `${q.entries / 1e3}K`;
    for (const c of [...q.cases].sort((a, b) => Number(b.targeted) - Number(a.targeted))) {
      if (!c.targeted && !['newest', 'cmd-node', 'groups-command', 'groups-pattern'].includes(c.key)) continue;
      rows.push({
        bench,
        what: `search 7 days x ${M} entries: ${c.label}`,
        target: c.targeted ? `< ${commandLogTargets.searchMs} ms${q.entries < 1e6 ? ' (set at 1M)' : ''}` : '-',
        measured: `${c.medianMs.toFixed(1)} ms median, p95 ${c.p95Ms.toFixed(1)} (${c.key.startsWith('groups') ? `${fmt(c.returned)} groups` : `${fmt(c.matches)} matches`})`,
        result: c.targeted ? (c.medianMs < commandLogTargets.searchMs ? 'PASS' : 'MISS') : 'info',
      });
    }
    const h = q.http.find((x) => x.key === 'http-q-rare');
    if (h) rows.push({ bench, what: `same over HTTP: ${h.label}`, target: '-', measured: `${h.medianMs.toFixed(1)} ms median`, result: 'info' });
    const peak = (k: string) => q.whereTimeGoes.variants.find((v) => v.product && v.label.startsWith(k))?.peakMb ?? 0;
    rows.push({ bench, what: "DuckDB peak buffer memory of one search (the store's statement, fresh instance)", target: '-', measured: `no filter ${peak('no filter').toFixed(0)} MB, q=${rareText} ${peak(`q=${rareText}`).toFixed(0)} MB`, result: 'info' });
    rows.push({ bench, what: 'DuckDB file per 1M entries', target: '-', measured: `${q.file.mbPerMillion.toFixed(0)} MB (${q.file.bytesPerEntry.toFixed(0)} bytes/entry; appended at ${fmt(q.appendRowsPerSecond)}/s)`, result: 'info' });
  }
  for (const k of r?.cost?.cases ?? []) {
    rows.push({
      bench,
      what: `server time, log + latency sources every 5 s: ${k.flavor === 'valkey9' ? 'Valkey' : 'Redis'} ${k.version}, ${k.condition}`,
      target: '-',
      measured: `${k.total.usecPerSecond.toFixed(1)} usec/s = ${k.total.percentOfCore.toFixed(4)}% core (INFO: ${k.info.usecPerSecond.toFixed(0)} usec/s)`,
      result: 'info',
    });
  }
  return rows;
}

// ================= alone =================

if (import.meta.main) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--part='))?.slice('--part='.length);
  const bad = args.filter((a) => a !== '--quick' && a !== '--part=cost' && a !== '--part=query');
  if (bad.length > 0) {
    process.stderr.write(`commandlog.ts: unknown option ${bad[0]} (usage: bun test/bench/commandlog.ts [--quick] [--part=cost|query])\n`);
    process.exit(2);
  }
  const log = (line = '') => console.log(line);
  const indent = (line: string) => log(line === '' ? '' : `  ${line}`);
  const cleanups: (() => Promise<void>)[] = [];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllSkyscopes();
      process.stderr.write(`\ncommandlog.ts: ${signal}: stopped every Skyscope and server\n`);
      process.exit(130);
    });
  }
  const plan = commandLogPlan(quick);
  const r: CommandLogResult = { plan };
  try {
    if (only !== 'query') {
      log('[a] server cost of the command log and latency sources at default intervals');
      r.cost = await runCommandLogServerCost({ plan, log: indent, register: (fn) => cleanups.push(fn) });
    }
    if (only !== 'cost') {
      log(`[b] query time over ${fmt(plan.entries)} command log entries`);
      r.query = await runCommandLogQuery({ plan, log: indent });
    }
  } finally {
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => {});
    killAllSkyscopes();
  }
  for (const row of commandLogSummaryRows(r)) log(`${row.what}  ${row.target}  ${row.measured}  ${row.result}`);
  process.exit(0);
}
