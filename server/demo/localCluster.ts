// `skyscope demo`: finds a valkey-server binary, starts a small local cluster on loopback, and always removes it again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import type { Logger } from '../log.ts';
import { allMet, slotRange, waitUntil } from './clusterSetup.ts';

const HOST = '127.0.0.1';
const BUS_OFFSET = 10_000;
/** Preferred client ports: stable across runs, so the demo's history file keeps the same node names. */
const PREFERRED_FIRST_PORT = 7001;
/** Random fallback ports; their bus ports (+10000) stay below the kernel's ephemeral range (32768+). */
const RANDOM_FIRST_PORT = 20_000;
const RANDOM_PORT_COUNT = 2700;
const START_TIMEOUT_MS = 20_000;
const FORM_TIMEOUT_MS = 30_000;
export const DEMO_DIR_PREFIX = 'skyscope-demo-';

/** How to start the server: a program and the arguments before the config file. */
export interface ServerCommand {
  command: string[];
  /** Where it was found, for the banner and errors. */
  source: string;
  /** From `--version`, e.g. "valkey" and "9.1.2". */
  serverName: string;
  version: string;
}

/** The environment cannot provide a server binary: reported as one line with exit code 2. */
export class NoServerError extends Error {}

export const noServerHint =
  'install valkey-server (e.g. `apt install valkey-server`), run `npm run demo` from a clone of the repository (it installs test servers), or set SKYSCOPE_VALKEY_SERVER to the path of a valkey-server binary';

// ---------- finding a server ----------

export interface FindOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Extra places to look for a `.servers` folder (the source tree, the executable's folder). */
  serverDirs?: string[];
}

/**
 * In order: SKYSCOPE_VALKEY_SERVER (a path, or a name on PATH), `valkey-server` on PATH, then the test servers that
 * `bun test/servers/install.ts` puts in `.servers/valkey9` or `.servers/valkey8`, looked up from the current directory,
 * the source tree and the executable's folder. Throws NoServerError with one line when none works.
 */
export function findValkeyServer(opts: FindOptions = {}): ServerCommand {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const override = env['SKYSCOPE_VALKEY_SERVER']?.trim();
  if (override) {
    const path = override.includes('/') ? resolve(cwd, override) : Bun.which(override, { PATH: env['PATH'] ?? '' });
    if (!path || !isExecutableFile(path)) throw new NoServerError(`SKYSCOPE_VALKEY_SERVER=${override} is not an executable file; ${noServerHint}`);
    return withVersion([path], `SKYSCOPE_VALKEY_SERVER=${path}`);
  }
  const onPath = Bun.which('valkey-server', { PATH: env['PATH'] ?? '' });
  if (onPath && isExecutableFile(onPath)) {
    try {
      return withVersion([onPath], `${onPath} (on PATH)`);
    } catch {
      // A broken valkey-server on PATH: the test servers may still work.
    }
  }
  const dirs = opts.serverDirs ?? defaultServerDirs(cwd);
  for (const serversDir of unique(dirs)) {
    for (const flavor of ['valkey9', 'valkey8']) {
      const command = manifestServer(serversDir, flavor);
      if (!command) continue;
      try {
        return withVersion(command, `the test server in ${join(serversDir, flavor)}`);
      } catch {
        // Unusable (e.g. half-installed): try the next one.
      }
    }
  }
  throw new NoServerError(`no valkey-server found: ${noServerHint}`);
}

/** `.servers` beside the current directory, the source tree (not in a compiled binary) and the executable. */
function defaultServerDirs(cwd: string): string[] {
  const dirs = [join(cwd, '.servers')];
  // In a compiled binary import.meta.dir is a virtual path (/$bunfs/...): harmless, it just does not exist.
  dirs.push(resolve(import.meta.dir, '..', '..', '.servers'));
  const exeDir = dirname(process.execPath);
  dirs.push(join(exeDir, '.servers'), resolve(exeDir, '..', '.servers'));
  return dirs;
}

/**
 * The manifest's `server` command (a private loader, its arguments and the binary), with its absolute paths moved
 * to where the folder is now when the repository was moved since the install; null when not usable.
 */
export function manifestServer(serversDir: string, flavor: string): string[] | null {
  const file = join(serversDir, flavor, 'manifest.json');
  let server: unknown;
  try {
    server = (JSON.parse(readFileSync(file, 'utf8')) as { server?: unknown }).server;
  } catch {
    return null;
  }
  if (!Array.isArray(server) || server.length === 0 || !server.every((p) => typeof p === 'string')) return null;
  const marker = `/${flavor}/`;
  const relocate = (p: string): string => {
    if (existsSync(p)) return p;
    const at = p.indexOf(marker);
    return at < 0 ? p : join(serversDir, flavor, p.slice(at + marker.length));
  };
  const command = (server as string[]).map((part) => (part.startsWith('/') ? part.split(':').map(relocate).join(':') : part));
  const files = command.filter((p) => p.startsWith('/')).flatMap((p) => p.split(':'));
  return files.every((f) => existsSync(f)) ? command : null;
}

function withVersion(command: string[], source: string): ServerCommand {
  const [program, ...args] = command;
  const r = spawnSync(program!, [...args, '--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = /^(Valkey|Redis) server v=(\S+)/m.exec(r.stdout ?? '');
  if (!m) {
    const said = (r.error?.message ?? `${r.stdout ?? ''}${r.stderr ?? ''}`).trim().split('\n')[0] || `exit code ${r.status}`;
    throw new NoServerError(`${source} does not look like valkey-server (--version: ${said}); ${noServerHint}`);
  }
  return { command, source, serverName: m[1]!.toLowerCase(), version: m[2]! };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items.map((d) => resolve(d)))];
}

// ---------- the cluster ----------

export interface LocalNode {
  port: number;
  pid: number;
  /** Role as formed: the first `primaries` nodes are primaries. */
  role: 'primary' | 'replica';
  dir: string;
}

export interface LocalCluster {
  nodes: LocalNode[];
  /** The temp folder holding every node's config, log and cluster state; removed by stop(). */
  dir: string;
  server: ServerCommand;
  /** redis://127.0.0.1:<first node's port> */
  seedUrl: string;
  /** Whether CLUSTER SLOT-STATS counts CPU and network (Valkey 8.0+). */
  slotStats: boolean;
  /** Kills every node and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

export interface ClusterStartOptions {
  server: ServerCommand;
  primaries?: number;
  replicasPerPrimary?: number;
  log: Logger;
  /** Aborting stops the start as soon as possible (the caller still calls nothing: everything is cleaned up). */
  signal?: AbortSignal;
}

/** Errors while starting the cluster (one line, with a log tail when a server said why). */
export class ClusterStartError extends Error {}

const live = new Set<Cluster>();
let exitHookInstalled = false;

/** Starts primaries × (1 + replicasPerPrimary) servers, forms the cluster and waits until every node says ok. */
export async function startLocalCluster(opts: ClusterStartOptions): Promise<LocalCluster> {
  const primaries = opts.primaries ?? 3;
  const replicasPerPrimary = opts.replicasPerPrimary ?? 1;
  installExitHook();
  await sweepOrphans();
  const cluster = new Cluster(opts.server, opts.log);
  live.add(cluster);
  try {
    await cluster.launch(primaries * (1 + replicasPerPrimary), opts.signal);
    await cluster.form(primaries, replicasPerPrimary, opts.signal);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

class Cluster implements LocalCluster {
  readonly dir: string;
  nodes: LocalNode[] = [];
  slotStats = false;
  private readonly children = new Map<number, ChildProcess>();
  private readonly claimed = new Set<number>();
  private stopped = false;

  constructor(
    readonly server: ServerCommand,
    private readonly log: Logger,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), DEMO_DIR_PREFIX));
    this.writeOwner();
  }

  get seedUrl(): string {
    return `redis://${HOST}:${this.nodes[0]?.port}`;
  }

  async launch(count: number, signal?: AbortSignal): Promise<void> {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await this.freePort(PREFERRED_FIRST_PORT + i));
    const nodes = await Promise.all(ports.map((p, i) => this.startNode(p, i, signal)));
    this.nodes = nodes.map((n) => ({ ...n, role: 'primary' as const }));
  }

  /** The preferred port when it and its bus port are free, else a random free pair. */
  private async freePort(preferred: number): Promise<number> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const port = attempt === 0 ? preferred : RANDOM_FIRST_PORT + Math.floor(Math.random() * RANDOM_PORT_COUNT);
      if (this.claimed.has(port) || this.claimed.has(port + BUS_OFFSET)) continue;
      if ((await canBind(port)) && (await canBind(port + BUS_OFFSET))) {
        this.claimed.add(port);
        this.claimed.add(port + BUS_OFFSET);
        return port;
      }
    }
    throw new ClusterStartError(`no free port pair (port and port+${BUS_OFFSET}) found on ${HOST}`);
  }

  /** A port that looked free can be taken before the server binds it: then try another one. */
  private async startNode(port: number, index: number, signal?: AbortSignal): Promise<{ port: number; pid: number; dir: string }> {
    for (let attempt = 1; ; attempt++) {
      const dir = join(this.dir, `node-${index + 1}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'valkey.conf'), nodeConfig(port, dir));
      const [program, ...prefix] = this.server.command;
      const out = openSync(join(dir, 'stdout.log'), 'a');
      let child: ChildProcess;
      try {
        // Own process group: Ctrl-C in the terminal reaches Skyscope only, which then stops things in order.
        child = spawn(program!, [...prefix, join(dir, 'valkey.conf')], { cwd: dir, stdio: ['ignore', out, out], detached: true });
      } finally {
        closeSync(out);
      }
      child.unref();
      let spawnError: Error | undefined;
      child.once('error', (e) => (spawnError = e));
      if (child.pid !== undefined) this.children.set(child.pid, child);
      this.writeOwner();
      try {
        await waitReady(port, child, () => spawnError, signal);
        return { port, pid: child.pid!, dir };
      } catch (e) {
        killChild(child);
        const tail = logTail(dir);
        if (/Address already in use/i.test(tail) && attempt < 5 && !signal?.aborted) {
          port = await this.freePort(RANDOM_FIRST_PORT + Math.floor(Math.random() * RANDOM_PORT_COUNT));
          continue;
        }
        const why = e instanceof Error ? e.message : String(e);
        throw new ClusterStartError(`${why}${tail ? ` (log: ${tail.split('\n').slice(-3).join(' | ')})` : ''}`);
      }
    }
  }

  async form(primaries: number, replicasPerPrimary: number, signal?: AbortSignal): Promise<void> {
    const clients = this.nodes.map((n) => adminClient(n.port));
    try {
      const ids = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'MYID')))) as string[];
      await this.tune(clients);
      // Distinct epochs up front avoid the slow epoch-collision resolution.
      await Promise.all(clients.map((c, i) => c.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)).catch(() => undefined)));
      await Promise.all(clients.slice(0, primaries).map((c, i) => addSlots(c, slotRange(i, primaries))));
      await Promise.all(clients.slice(1).map((c) => c.call('CLUSTER', 'MEET', HOST, String(this.nodes[0]!.port))));
      await waitFor('every node to know every other node', signal, () => allMet(clients, this.nodes.length));
      const primaryOf = (k: number): number => Math.floor((k - primaries) / replicasPerPrimary);
      for (let k = primaries; k < this.nodes.length; k++) this.nodes[k]!.role = 'replica';
      // A replica may not have heard of its primary's slots yet: retried until accepted.
      await waitFor('replicas to accept CLUSTER REPLICATE', signal, async () => {
        for (let k = primaries; k < clients.length; k++) {
          const view = (await clients[k]!.call('CLUSTER', 'NODES')) as string;
          if (new RegExp(`myself,(slave|replica) ${ids[primaryOf(k)]}`).test(view)) continue;
          await clients[k]!.call('CLUSTER', 'REPLICATE', ids[primaryOf(k)]!);
        }
        return true;
      });
      await waitFor('cluster_state:ok on every node', signal, () => clusterOk(clients, primaries));
    } finally {
      for (const c of clients) c.disconnect();
    }
  }

  /** Settings that only some versions know, set at run time so older servers still start (failures ignored). */
  private async tune(clients: Redis[]): Promise<void> {
    const optional: [string, string][] = [
      // Valkey 8.0+: CPU and network per slot for the slot heatmap.
      ['cluster-slot-stats-enabled', 'yes'],
      // Valkey 8.1+: big requests and replies in the command log (the demo has a few large values).
      ['commandlog-request-larger-than', '65536'],
      ['commandlog-reply-larger-than', '65536'],
    ];
    for (const [name, value] of optional) {
      const results = await Promise.all(clients.map((c) => c.call('CONFIG', 'SET', name, value).then(() => true, () => false)));
      if (name === 'cluster-slot-stats-enabled') this.slotStats = results.every(Boolean);
    }
    if (!this.slotStats) this.log.debug('demo: cluster-slot-stats-enabled cannot be turned on at run time here (Valkey 8.0+ can); per-slot CPU and network stay empty');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exits = [...this.children.values()].map((child) => exited(child));
    // Nothing is persisted (save "", appendonly no) and the folder is deleted: no need for a graceful shutdown.
    this.killNow();
    await Promise.race([Promise.all(exits), sleep(5_000)]);
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  /** Synchronous: for the process 'exit' handler. */
  killNow(): void {
    for (const child of this.children.values()) killChild(child);
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // Best effort at exit; a later demo sweeps what is left.
    }
  }

  /** Lets a later demo kill these servers if this process dies without running its exit handler (SIGKILL). */
  private writeOwner(): void {
    try {
      writeFileSync(join(this.dir, 'owner.json'), JSON.stringify({ ownerPid: process.pid, pids: [...this.children.keys()] }));
    } catch {
      // The folder is being removed.
    }
  }
}

function nodeConfig(port: number, dir: string): string {
  const lines: [string, string][] = [
    ['port', String(port)],
    ['bind', HOST],
    ['protected-mode', 'no'],
    ['daemonize', 'no'],
    ['cluster-enabled', 'yes'],
    ['cluster-config-file', 'nodes.conf'],
    // A killed primary fails over in a few seconds, which the demo can show.
    ['cluster-node-timeout', '5000'],
    ['save', '""'],
    ['appendonly', 'no'],
    ['dir', dir],
    ['logfile', join(dir, 'valkey.log')],
    // Replicas sync at once instead of after the default 5 s wait for more replicas.
    ['repl-diskless-sync-delay', '0'],
    // Low thresholds so the command log and latency pages have something to show under a light workload.
    ['slowlog-log-slower-than', '1000'],
    ['latency-monitor-threshold', '2'],
  ];
  return lines.map(([k, v]) => `${k} ${v}`).join('\n') + '\n';
}

/** ADDSLOTSRANGE (7.0+), else ADDSLOTS with every slot listed. */
async function addSlots(c: Redis, [first, last]: [number, number]): Promise<void> {
  try {
    await c.call('CLUSTER', 'ADDSLOTSRANGE', String(first), String(last));
  } catch (e) {
    if (!/unknown subcommand|unknown command|wrong number/i.test((e as Error).message)) throw e;
    const slots: string[] = [];
    for (let s = first; s <= last; s++) slots.push(String(s));
    await c.call('CLUSTER', 'ADDSLOTS', ...slots);
  }
}

function adminClient(port: number): Redis {
  // Fresh nodes that just answered PING: fail fast instead of retrying quietly. RESP2 works everywhere.
  const c = new Redis({ host: HOST, port, protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false, connectionName: 'skyscope-demo-setup' });
  c.on('error', () => undefined);
  return c;
}

async function clusterOk(clients: Redis[], primaries: number): Promise<true | string> {
  const infos = (await Promise.all(clients.map((c) => c.call('CLUSTER', 'INFO')))) as string[];
  const notOk = infos.findIndex((i) => !i.includes('cluster_state:ok') || !i.includes(`cluster_size:${primaries}`));
  if (notOk >= 0) return `node ${notOk + 1}: ${infos[notOk]!.trim().split('\r\n').slice(0, 3).join(' ')}`;
  const repl = (await Promise.all(clients.map((c) => c.call('INFO', 'replication')))) as string[];
  const down = repl.findIndex((r) => !r.includes('role:master') && !r.includes('master_link_status:up'));
  return down < 0 ? true : `node ${down + 1}: replication link not up yet`;
}

/** The demo's waits while forming: bounded, stoppable with Ctrl-C, and reported as a ClusterStartError. */
function waitFor(what: string, signal: AbortSignal | undefined, check: () => Promise<true | string>): Promise<void> {
  return waitUntil(what, check, { timeoutMs: FORM_TIMEOUT_MS, signal, fail: (m) => new ClusterStartError(`the cluster did not form: ${m.replace(/\s+/g, ' ')}`) });
}

async function waitReady(port: number, child: ChildProcess, spawnError: () => Error | undefined, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new ClusterStartError('stopped while starting the servers');
    const err = spawnError();
    if (err) throw new ClusterStartError(`cannot run the server: ${err.message}`);
    if (child.exitCode !== null || child.signalCode !== null) throw new ClusterStartError(`the server for port ${port} exited during start (${child.exitCode ?? child.signalCode})`);
    if ((await ping(port)) === '+PONG') return;
    await sleep(25);
  }
  throw new ClusterStartError(`the server on port ${port} did not answer PING within ${START_TIMEOUT_MS / 1000} s`);
}

/** One inline PING over a fresh socket; the first reply line, or '' when unreachable. */
function ping(port: number): Promise<string> {
  return new Promise((done) => {
    const sock = connect({ host: HOST, port });
    let data = '';
    const finish = (v: string) => {
      clearTimeout(timer);
      sock.destroy();
      done(v);
    };
    const timer = setTimeout(() => finish(''), 1000);
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      data += d.toString('latin1');
      const eol = data.indexOf('\r\n');
      if (eol >= 0) finish(data.slice(0, eol));
    });
    sock.once('error', () => finish(''));
  });
}

/** True when nothing listens on the port on 127.0.0.1. */
export function canBind(port: number): Promise<boolean> {
  if (port > 65535) return Promise.resolve(false);
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => done(true)));
  });
}

function logTail(dir: string): string {
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      return '';
    }
  };
  return [read('stdout.log'), read('valkey.log')].filter(Boolean).join('\n');
}

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.once('error', () => done());
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------- never leave servers behind ----------

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.killNow();
    live.clear();
  });
}

/** Clusters left by a demo process that died without its exit handler (e.g. SIGKILL): kill them, remove their folders. */
async function sweepOrphans(): Promise<void> {
  const killed: number[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(DEMO_DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { ownerPid: number; pids: number[] };
      if (isAlive(owner.ownerPid)) continue;
      for (const pid of owner.pids) {
        // Only a process that really is one of that cluster's servers (pids are reused).
        if (isAlive(pid) && readCmdline(pid).includes(dir)) {
          process.kill(pid, 'SIGKILL');
          killed.push(pid);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // No owner file (being created) or already gone.
    }
  }
  // Their ports are free only once they are gone (the preferred ports are probably theirs).
  for (let waited = 0; waited < 2000 && killed.some(isAlive); waited += 25) await sleep(25);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
