// Starts real Valkey/Redis servers (standalone or cluster) on loopback for tests, and always stops them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  FLAVORS as ALL_FLAVORS, SERVERS_DIR, SPECS, isSkipped, manifestIsUsable, overrideFor, parseVersionOutput, readManifest,
  type Flavor,
} from './flavors.ts';
import { claimFreePort, claimPort, isAlive, releasePort } from './ports.ts';
import { createCluster } from './cluster.ts';

export type { Flavor } from './flavors.ts';
export const FLAVORS: Flavor[] = [...ALL_FLAVORS];

export interface ServerInfo {
  flavor: Flavor;
  /** Version the binary reports, e.g. "9.1.2"; '' when unavailable. */
  version: string;
  available: boolean;
}

export interface StandaloneOptions {
  port?: number;
  /** Extra config directives, e.g. { 'latency-monitor-threshold': '1' }; they override the defaults. */
  config?: Record<string, string>;
  /** Extra command-line arguments after the config file. */
  args?: string[];
}

export interface ClusterOptions {
  primaries?: number;
  replicasPerPrimary?: number;
  config?: Record<string, string>;
}

export interface ServerHandle {
  flavor: Flavor;
  version: string;
  host: '127.0.0.1';
  port: number;
  /** redis://127.0.0.1:port */
  url: string;
  dir: string;
  /** Process id of the running server (the last one after restart()). */
  pid: number;
  /** Graceful stop (SIGTERM, then SIGKILL after a timeout); removes the directory. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal right away (SIGKILL by default), e.g. to simulate a crash; the directory is kept for restart(). */
  kill(signal?: NodeJS.Signals): void;
  /** Starts again on the same port with the same directory and config (cluster nodes keep their identity). */
  restart(): Promise<void>;
}

export interface ClusterHandle {
  nodes: ServerHandle[];
  /** Running nodes that currently report themselves as primaries (changes after a failover). */
  primaries(): Promise<ServerHandle[]>;
  replicas(): Promise<ServerHandle[]>;
  seedUrl: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1' as const;
const DIR_PREFIX = 'skyscope-test-';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const versionCache = new Map<string, ReturnType<typeof parseVersionOutput>>();

// ---------- what is installed ----------

export function serverInfo(flavor: Flavor): ServerInfo {
  try {
    return { flavor, version: resolveFlavor(flavor).version, available: true };
  } catch {
    return { flavor, version: '', available: false };
  }
}

export function cliCommand(flavor: Flavor): string[] {
  return [...resolveFlavor(flavor).cli];
}

export function benchmarkCommand(flavor: Flavor): string[] {
  return [...resolveFlavor(flavor).benchmark];
}

export function promtoolPath(): string {
  const override = process.env.SKYSCOPE_TEST_PROMTOOL?.trim();
  if (override) return override;
  const f = join(SERVERS_DIR, 'promtool', 'manifest.json');
  const path = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { path: string }).path : '';
  if (!path || !existsSync(path)) throw new Error('promtool is not installed: run `bun test/servers/install.ts`');
  return path;
}

interface Resolved {
  version: string;
  server: string[];
  cli: string[];
  benchmark: string[];
}

/** The user's binary (SKYSCOPE_TEST_<FLAVOR>) or the one install.ts put in .servers/; throws when neither. */
function resolveFlavor(flavor: Flavor): Resolved {
  const spec = SPECS[flavor];
  const override = overrideFor(flavor);
  if (isSkipped(override)) throw new Error(`${flavor} is disabled (${spec.envVar}=${override})`);
  if (override) {
    const sibling = (name: string): string[] => {
      const path = join(dirname(override), name);
      return existsSync(path) ? [path] : [name];
    };
    return { version: overrideVersion(override), server: [override], cli: sibling(spec.cliName), benchmark: sibling(spec.benchmarkName) };
  }
  const m = readManifest(flavor);
  if (!m || !manifestIsUsable(m)) throw new Error(`${spec.label} (${flavor}) is not installed: run \`bun test/servers/install.ts\``);
  return m;
}

function overrideVersion(binary: string): string {
  if (!versionCache.has(binary)) {
    const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    versionCache.set(binary, parseVersionOutput(r.stdout ?? ''));
  }
  const v = versionCache.get(binary);
  if (!v) throw new Error(`${binary} --version did not report a Valkey/Redis version`);
  return v.version;
}

// ---------- one server process ----------

const running = new Set<Server>();

class Server implements ServerHandle {
  readonly host = HOST;
  readonly dir: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private spawnError: Error | null = null;
  private stopped = false;

  constructor(
    readonly flavor: Flavor,
    readonly version: string,
    public port: number,
    private readonly command: string[],
    private readonly config: Record<string, string>,
    private readonly args: string[],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${flavor}-`));
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  /** Adds directives that survive restart() (e.g. ones found to be supported after start). */
  setConfig(values: Record<string, string>): void {
    Object.assign(this.config, values);
    this.writeConfig();
  }

  async start(): Promise<void> {
    this.writeConfig();
    const [program, ...prefix] = this.command;
    const out = openSync(join(this.dir, 'stdout.log'), 'a');
    try {
      this.child = spawn(program, [...prefix, join(this.dir, 'server.conf'), ...this.args], { cwd: this.dir, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const child = this.child;
    // A forgotten stop() must not keep the test process alive; the exit handler kills the server instead.
    child.unref();
    this.spawnError = null;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      // A program that cannot be spawned never emits 'exit'.
      child.once('error', (e) => {
        this.spawnError = e;
        resolve();
      });
    });
    running.add(this);
    this.writeOwner();
    await this.waitReady(child);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.terminate();
    running.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
    releasePort(this.port);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.isRunning()) this.child!.kill(signal);
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error(`server on port ${this.port} was stopped; start a new one`);
    await this.terminate();
    await this.start();
  }

  /** Synchronous last resort for process exit. */
  killNow(): void {
    if (this.isRunning()) this.child!.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    releasePort(this.port);
  }

  logTail(lines = 30): string {
    const read = (name: string): string => {
      const f = join(this.dir, name);
      return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').slice(-lines).join('\n') : '';
    };
    return [read('stdout.log'), read('server.log')].filter(Boolean).join('\n');
  }

  private isRunning(): boolean {
    return this.child !== null && this.spawnError === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async terminate(): Promise<void> {
    if (this.isRunning()) {
      this.child!.kill('SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!done) this.child!.kill('SIGKILL');
    }
    await this.exited;
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.spawnError) throw new StartError(`cannot run ${this.command.join(' ')}: ${this.spawnError.message}`, this);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new StartError(`${this.flavor} server exited during start (code ${child.exitCode ?? child.signalCode})`, this);
      }
      if ((await ping(this.port)) === 'PONG') return;
      await sleep(25);
    }
    throw new StartError(`${this.flavor} server on port ${this.port} did not answer PING within ${START_TIMEOUT_MS / 1000} s`, this);
  }

  private writeConfig(): void {
    const lines = Object.entries({ ...baseConfig(this.port, this.dir), ...this.config }).map(([k, v]) => `${k} ${v === '' ? '""' : v}`);
    writeFileSync(join(this.dir, 'server.conf'), lines.join('\n') + '\n');
  }

  /** Lets a later test process kill this server if ours dies without running exit handlers. */
  private writeOwner(): void {
    writeFileSync(join(this.dir, 'owner.json'), JSON.stringify({ ownerPid: process.pid, serverPid: this.pid }));
  }
}

class StartError extends Error {
  readonly addressInUse: boolean;
  constructor(message: string, server: Server) {
    const log = server.logTail();
    super(`${message}\n--- log tail (${server.dir}) ---\n${log}`);
    this.addressInUse = /Address already in use/i.test(log);
  }
}

function baseConfig(port: number, dir: string): Record<string, string> {
  return {
    port: String(port),
    bind: HOST,
    'protected-mode': 'no',
    save: '',
    appendonly: 'no',
    daemonize: 'no',
    dir,
    logfile: join(dir, 'server.log'),
    // Nothing to save, and a primary must not wait for lagging replicas when a test stops it.
    'shutdown-on-sigterm': 'nosave now',
    // Replicas sync at once instead of after the default 5 s wait for more replicas.
    'repl-diskless-sync-delay': '0',
    // Tests provoke latency events with DEBUG SLEEP; loopback clients only.
    'enable-debug-command': 'local',
  };
}

// ---------- public start functions ----------

export async function startStandalone(flavor: Flavor, opts: StandaloneOptions = {}): Promise<ServerHandle> {
  return launch(flavor, opts.config ?? {}, opts.args ?? [], opts.port, false);
}

export async function startCluster(flavor: Flavor, opts: ClusterOptions = {}): Promise<ClusterHandle> {
  const primaries = opts.primaries ?? 3;
  const replicasPerPrimary = opts.replicasPerPrimary ?? 1;
  const config = {
    'cluster-enabled': 'yes',
    'cluster-config-file': 'nodes.conf',
    // Short timeout so failover tests finish in seconds.
    'cluster-node-timeout': '2000',
    ...opts.config,
  };
  const count = primaries * (1 + replicasPerPrimary);
  const results = await Promise.allSettled(Array.from({ length: count }, () => launch(flavor, { ...config }, [], undefined, true)));
  const nodes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  try {
    await createCluster(nodes, primaries, replicasPerPrimary);
  } catch (e) {
    await stopAll();
    throw e;
  }
  return {
    nodes,
    seedUrl: nodes[0].url,
    primaries: () => nodesWithRole(nodes, 'master'),
    replicas: () => nodesWithRole(nodes, 'slave'),
    stop: stopAll,
  };
}

async function launch(flavor: Flavor, config: Record<string, string>, args: string[], port: number | undefined, withBus: boolean): Promise<Server> {
  const r = resolveFlavor(flavor);
  // A port that looked free can be taken between the bind test and the server's bind: pick another.
  for (let attempt = 1; ; attempt++) {
    const p = port ?? (await claimFreePort(withBus));
    if (port !== undefined) await claimPort(port, withBus);
    const server = new Server(flavor, r.version, p, r.server, config, args);
    try {
      await server.start();
      return server;
    } catch (e) {
      await server.stop();
      if (!(e instanceof StartError && e.addressInUse && port === undefined && attempt < 5)) throw e;
    }
  }
}

async function nodesWithRole(nodes: ServerHandle[], role: 'master' | 'slave'): Promise<ServerHandle[]> {
  const roles = await Promise.all(nodes.map((n) => command(n.port, ['ROLE']).then((reply) => reply.split('\r\n')[2] ?? '', () => '')));
  return nodes.filter((_, i) => roles[i] === role);
}

// ---------- tiny RESP client for readiness checks (no retries, no reconnects) ----------

/** PING's simple-string answer ('PONG'), an error text (e.g. LOADING ...), or '' when unreachable. */
async function ping(port: number): Promise<string> {
  const raw = await command(port, ['PING']).catch(() => '');
  return raw.startsWith('+') ? raw.slice(1).trim() : raw.trim();
}

/** Sends one command and returns the raw reply text (enough for short replies). */
function command(port: number, args: string[], timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: HOST, port });
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply from ${HOST}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (replyComplete(data)) {
        clearTimeout(timer);
        sock.destroy();
        resolve(data);
      }
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

// Complete when the buffer parses as one whole RESP2 value.
function replyComplete(data: string): boolean {
  return parseEnd(data, 0) >= 0;
}

function parseEnd(s: string, i: number): number {
  const eol = s.indexOf('\r\n', i);
  if (eol < 0) return -1;
  const type = s[i];
  const n = Number(s.slice(i + 1, eol));
  if (type === '+' || type === '-' || type === ':') return eol + 2;
  if (type === '$') return n < 0 ? eol + 2 : s.length >= eol + 2 + n + 2 ? eol + 2 + n + 2 : -1;
  if (type === '*') {
    let pos = eol + 2;
    for (let k = 0; k < n; k++) {
      pos = parseEnd(s, pos);
      if (pos < 0) return -1;
    }
    return pos;
  }
  return eol + 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------- never leave servers behind ----------

function killAll(): void {
  for (const s of running) s.killNow();
  running.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/** Servers whose test process died without cleaning up (e.g. SIGKILL): kill them and remove their dirs. */
function sweepOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX) || name === `${DIR_PREFIX}ports`) continue;
    const dir = join(tmpdir(), name);
    try {
      const owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as { ownerPid: number; serverPid: number };
      if (isAlive(owner.ownerPid)) continue;
      if (isAlive(owner.serverPid) && readCmdline(owner.serverPid).includes(dir)) process.kill(owner.serverPid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // No owner file yet (being created) or already gone.
    }
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

sweepOrphans();
