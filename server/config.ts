// Builds the one frozen Config from command-line flags, SKYSCOPE_* environment variables and an optional JSON file.
import { readFileSync } from 'node:fs';
import { parseDuration } from './duration.ts';
import type { LogLevel } from './log.ts';
import { parseTarget, TargetError, type Target } from './valkey/target.ts';

export interface Intervals {
  info: number;
  memory_stats: number;
  slot_stats: number;
  topology: number;
  commandlog: number;
  latency: number;
}

export interface Config {
  command: 'run' | 'sql' | 'demo' | 'help' | 'version';
  targets: Target[];
  db: string;
  host: string;
  port: number;
  intervals: Intervals;
  retentionMs: number;
  headless: boolean;
  readOnly: boolean;
  /** API token; required when bound to a non-loopback address (generated at start if absent). */
  token?: string;
  logLevel: LogLevel;
  /** Hot-key detection on a schedule (--hotkeys-every); null = only on demand. */
  hotkeysEveryMs: number | null;
  /** Length of each scheduled run (--hotkeys-duration). */
  hotkeysDurationMs: number;
  /** For `skyscope sql`: the statement to send to the running instance. */
  sql?: string;
  /** For `skyscope demo`. */
  demo?: DemoOptions;
}

export interface DemoOptions {
  /** Open the browser when stdout is a terminal (off with --no-open). */
  open: boolean;
  /** Stop by itself after this long (--duration); runs until Ctrl-C when absent. */
  durationMs?: number;
  /** Workload rate over the whole cluster (--ops). */
  opsPerSecond: number;
  /** The port was given (flag, env or file): do not fall back to a free one when it is taken. */
  portGiven: boolean;
}

export class ConfigError extends Error {}

export const defaultIntervals: Intervals = { info: 1000, memory_stats: 5000, slot_stats: 10_000, topology: 10_000, commandlog: 5000, latency: 5000 };
const defaultTarget = 'redis://127.0.0.1:6379';

export const usage = `Usage: skyscope [options] [redis://|rediss://[user:pass@]host:port[/db] ...]
       skyscope sql [--host ADDR] [--port N] [--token T] "SELECT ..."
       skyscope demo [--no-open] [--duration DURATION] [--ops N] [--port N] [--db FILE]

Watches Valkey and Redis servers (standalone or any node of a cluster), keeps every sample in a
DuckDB file and serves the UI, an HTTP API and Prometheus /metrics.

Options:
  --db FILE               DuckDB file for the history (default ./skyscope.duckdb)
  --host ADDR             address to serve on (default 127.0.0.1)
  --port N                port to serve on (default 8379)
  --interval DURATION     INFO poll interval (default 1s); other sources never poll faster than it.
                          SOURCE=DURATION sets one source (info, memory_stats, slot_stats, topology,
                          commandlog, latency); repeatable
  --retention DURATION    how long history is kept (default 7d)
  --headless              collector and API only, no UI
  --read-only             refuse every write or dangerous command
  --hotkeys-every DURATION  run hot-key detection on a schedule (at least 1m; off by default)
  --hotkeys-duration DURATION  length of each scheduled run (default 30s, at most 5m)
  --token TOKEN           API token (needed when --host is not loopback; generated if not given)
  --config FILE           JSON file with any of these options and "targets": [...]
  --log-level LEVEL       debug, info, warn or error (default info)
  --help                  show this help
  --version               show the version

Demo: \`skyscope demo\` starts a local Valkey cluster (3 primaries, 3 replicas on 127.0.0.1) with a skewed
workload and opens Skyscope on it; Ctrl-C stops everything and removes the cluster. It uses
SKYSCOPE_VALKEY_SERVER (a valkey-server path), else valkey-server on PATH, else the repository's test servers.
  --no-open               do not open a browser
  --duration DURATION     stop by itself after this long (e.g. 30s)
  --ops N                 workload commands per second over the cluster (default 1000)
  (--db defaults to ./skyscope-demo.duckdb; the port falls back to a free one when 8379 is taken)

Target options (query string): tls_ca, tls_cert, tls_key (file paths), tls_insecure=1, tls_servername.
Environment: SKYSCOPE_DB, SKYSCOPE_HOST, SKYSCOPE_PORT, SKYSCOPE_INTERVAL, SKYSCOPE_RETENTION,
SKYSCOPE_TARGETS (space-separated URLs), SKYSCOPE_TOKEN, SKYSCOPE_LOG_LEVEL, SKYSCOPE_HOTKEYS_EVERY, SKYSCOPE_HOTKEYS_DURATION, and SKYSCOPE_PASSWORD
(used for targets whose URL has no password, so it never shows in a process listing).
Durations: 500ms, 1s, 5m, 1h30m, 7d.`;

type Raw = Record<string, string | string[] | boolean>;

const valueFlags = new Set(['db', 'host', 'port', 'interval', 'retention', 'token', 'config', 'log-level', 'hotkeys-every', 'hotkeys-duration']);
const boolFlags = new Set(['headless', 'read-only', 'help', 'version']);
/** Flags only `skyscope demo` accepts. */
const demoValueFlags = new Set(['duration', 'ops']);
const demoBoolFlags = new Set(['no-open']);
export const defaultDemoOps = 1000;

/** Parses argv (without the runtime and script) and env into a Config, or throws ConfigError with one line. */
export function loadConfig(argv: string[], env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const args = [...argv];
  let command: Config['command'] = 'run';
  if (args[0] === 'sql' || args[0] === 'demo') {
    command = args[0];
    args.shift();
  }
  const isDemo = command === 'demo';
  const flags: Raw = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (boolFlags.has(name) || (isDemo && demoBoolFlags.has(name))) {
      if (eq >= 0) throw new ConfigError(`--${name} takes no value`);
      flags[name] = true;
    } else if (valueFlags.has(name) || (isDemo && demoValueFlags.has(name))) {
      const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new ConfigError(`--${name} needs a value`);
      if (name === 'interval') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
      else flags[name] = value;
    } else if (demoValueFlags.has(name) || demoBoolFlags.has(name)) {
      throw new ConfigError(`--${name} only applies to \`skyscope demo\` (see --help)`);
    } else {
      throw new ConfigError(`unknown option ${a.slice(0, eq < 0 ? undefined : eq)} (see --help)`);
    }
  }
  if (flags['help']) return freeze({ ...base(), command: 'help' });
  if (flags['version']) return freeze({ ...base(), command: 'version' });

  const file = typeof flags['config'] === 'string' ? readConfigFile(flags['config']) : {};
  const pick = (name: string, envName: string): string | undefined => {
    const f = flags[name];
    if (typeof f === 'string') return f;
    if (env[envName] !== undefined && env[envName] !== '') return env[envName];
    const v = file[name];
    return v === undefined ? undefined : String(v);
  };
  const bool = (name: string, envName: string): boolean =>
    flags[name] === true || ['1', 'true', 'yes'].includes((env[envName] ?? '').toLowerCase()) || file[name] === true;

  const cfg = base();
  cfg.command = command;
  cfg.db = pick('db', 'SKYSCOPE_DB') ?? (isDemo ? './skyscope-demo.duckdb' : cfg.db);
  cfg.host = pick('host', 'SKYSCOPE_HOST') ?? cfg.host;
  const port = pick('port', 'SKYSCOPE_PORT');
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n < 0 || n > 65535) throw new ConfigError(`--port must be a number from 0 to 65535, got "${port}"`);
    cfg.port = n;
  }
  const intervals = (flags['interval'] as string[] | undefined) ?? splitList(env['SKYSCOPE_INTERVAL']) ?? listOf(file['interval']);
  cfg.intervals = parseIntervals(intervals ?? []);
  const retention = pick('retention', 'SKYSCOPE_RETENTION');
  if (retention !== undefined) cfg.retentionMs = durationOf('--retention', retention);
  if (cfg.retentionMs < 3_600_000) throw new ConfigError(`--retention must be at least 1h, got "${retention}"`);
  cfg.headless = bool('headless', 'SKYSCOPE_HEADLESS');
  cfg.readOnly = bool('read-only', 'SKYSCOPE_READ_ONLY');
  cfg.token = pick('token', 'SKYSCOPE_TOKEN');
  const level = pick('log-level', 'SKYSCOPE_LOG_LEVEL') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new ConfigError(`--log-level must be debug, info, warn or error, got "${level}"`);
  cfg.logLevel = level as LogLevel;
  const every = pick('hotkeys-every', 'SKYSCOPE_HOTKEYS_EVERY');
  if (every !== undefined) {
    cfg.hotkeysEveryMs = durationOf('--hotkeys-every', every);
    if (cfg.hotkeysEveryMs < 60_000) throw new ConfigError(`--hotkeys-every must be at least 1m, got "${every}"`);
  }
  const hkDuration = pick('hotkeys-duration', 'SKYSCOPE_HOTKEYS_DURATION');
  if (hkDuration !== undefined) {
    cfg.hotkeysDurationMs = durationOf('--hotkeys-duration', hkDuration);
    if (cfg.hotkeysDurationMs < 1000 || cfg.hotkeysDurationMs > 300_000) throw new ConfigError(`--hotkeys-duration must be from 1s to 5m, got "${hkDuration}"`);
  }
  if (cfg.hotkeysEveryMs !== null && cfg.hotkeysEveryMs < cfg.hotkeysDurationMs) throw new ConfigError('--hotkeys-every must be longer than --hotkeys-duration');

  if (isDemo) {
    if (positional.length > 0) throw new ConfigError('skyscope demo takes no server URLs: it starts its own local cluster');
    const ops = flags['ops'];
    let opsPerSecond = defaultDemoOps;
    if (typeof ops === 'string') {
      opsPerSecond = Number(ops);
      if (!/^\d+$/.test(ops) || opsPerSecond < 1 || opsPerSecond > 100_000) throw new ConfigError(`--ops must be a whole number from 1 to 100000, got "${ops}"`);
    }
    const duration = flags['duration'];
    cfg.demo = {
      open: flags['no-open'] !== true,
      durationMs: typeof duration === 'string' ? durationOf('--duration', duration) : undefined,
      opsPerSecond,
      portGiven: port !== undefined,
    };
    return freeze(cfg);
  }
  if (command === 'sql') {
    if (positional.length !== 1) throw new ConfigError('skyscope sql needs exactly one SQL statement in quotes');
    cfg.sql = positional[0];
    return freeze(cfg);
  }
  const urls = positional.length > 0 ? positional : (splitList(env['SKYSCOPE_TARGETS']) ?? listOf(file['targets']) ?? [defaultTarget]);
  try {
    cfg.targets = urls.map((u) => parseTarget(u, env['SKYSCOPE_PASSWORD']));
  } catch (e) {
    if (e instanceof TargetError) throw new ConfigError(e.message);
    throw e;
  }
  return freeze(cfg);
}

function base(): Config {
  return {
    command: 'run',
    targets: [],
    db: './skyscope.duckdb',
    host: '127.0.0.1',
    port: 8379,
    intervals: { ...defaultIntervals },
    retentionMs: 7 * 86_400_000,
    headless: false,
    readOnly: false,
    logLevel: 'info',
    hotkeysEveryMs: null,
    hotkeysDurationMs: 30_000,
  };
}

/** "1s" sets INFO and raises the others to at least that; "memory_stats=2s" sets one source. */
function parseIntervals(values: string[]): Intervals {
  const out: Intervals = { ...defaultIntervals };
  const explicit = new Set<string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) {
      out.info = durationOf('--interval', v);
      continue;
    }
    const source = v.slice(0, eq);
    if (!(source in out)) throw new ConfigError(`--interval: unknown source "${source}" (known: ${Object.keys(out).join(', ')})`);
    out[source as keyof Intervals] = durationOf(`--interval ${source}`, v.slice(eq + 1));
    explicit.add(source);
  }
  for (const k of Object.keys(out) as (keyof Intervals)[]) {
    if (k !== 'info' && !explicit.has(k)) out[k] = Math.max(out[k], out.info);
  }
  if (out.info < 100) throw new ConfigError('--interval must be at least 100ms');
  return out;
}

function durationOf(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError(`${flag}: "${text}" is not a duration (examples: 500ms, 1s, 5m, 7d)`);
  return ms;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file "${path}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`config file "${path}" is not valid JSON: ${(e as Error).message}`);
  }
}

function splitList(v: string | undefined): string[] | undefined {
  const parts = (v ?? '').split(/[\s,]+/).filter(Boolean);
  return parts.length > 0 ? parts : undefined;
}

function listOf(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function freeze(c: Config): Readonly<Config> {
  if (c.demo) Object.freeze(c.demo);
  Object.freeze(c.intervals);
  Object.freeze(c.targets);
  return Object.freeze(c);
}
