// Runs a server-side HOTKEYS session on every given node (Redis 8.6; Valkey 9.2 is read, not run) and ranks keys across them.
import { describeError, type NodeConnection } from '../valkey/connection.ts';
import { parseRedisHotkeys, parseValkeyHotkeys, type RedisHotkeysReport, type ValkeyHotkey } from '../valkey/hotkeysReply.ts';
import { numericValue, parseInfo, serverIdentity } from '../valkey/infoReply.ts';

export interface HotkeysNode {
  /** How the node is named in results, e.g. "127.0.0.1:7001". */
  node: string;
  conn: NodeConnection;
  /** From discovery when known; otherwise the driver asks INFO server (one command). */
  flavor?: 'redis' | 'valkey';
  /** Redis: track only these slots. They must be the node's own: the server refuses a slot it does not serve. */
  slots?: number[];
}

export interface HotkeysRunOptions {
  /** Session length in whole seconds (Redis DURATION, 1..1,000,000): the server ends it by itself even if we vanish. */
  seconds: number;
  /** Keys kept per metric per node (Redis COUNT, 1..64). Default 10. */
  count?: number;
  /** Track one command in sampleRatio (Redis SAMPLE). Default 1: every command, the most costly setting. */
  sampleRatio?: number;
  signal?: AbortSignal;
  /** How often GET is polled while waiting. Default 1000 ms. */
  pollMs?: number;
  /** Called once a node's session has started (elapsedMs 0) and after every poll. */
  onProgress?: (p: HotkeysProgress) => void;
}

export interface HotkeysProgress {
  node: string;
  elapsedMs: number;
  durationMs: number;
  report: RedisHotkeysReport;
}

export type ServerHotkeyMetric = 'cpu' | 'net' | 'qps';
export type ServerHotkeyUnit = 'usec' | 'bytes' | 'per_second';

/** One ranked key, in the form a store saves. */
export interface ServerHotkeyRow {
  node: string;
  key: Buffer;
  metric: ServerHotkeyMetric;
  /** Over all commands: scaled up from the sampled count when sampled. */
  value: number;
  unit: ServerHotkeyUnit;
  /** value / the node's exact total for the metric, 0..1. */
  share: number;
  /** value / the sum of those totals over every node that answered, 0..1. */
  clusterShare: number;
  /** True when value is an estimate from sampled commands. */
  sampled: boolean;
}

export interface HotkeysCost {
  /** Every command sent to the node, by name, e.g. {"HOTKEYS GET": 4}. */
  commands: Record<string, number>;
  commandsTotal: number;
  /** Redis INFO hotkeys `hotkeys-cmd-cpu-time`: milliseconds the server spent keeping the session's statistics. */
  trackingCpuMs?: number;
  /** How long the server tracked (collection-duration-ms). */
  sessionMs?: number;
}

export interface HotkeysNodeResult {
  node: string;
  flavor?: 'redis' | 'valkey';
  /** Why this node has no results; the other nodes still count. */
  error?: string;
  /** Redis: the session's final report (partial when aborted). */
  report?: RedisHotkeysReport;
  /** Valkey: the server's last completed window. */
  valkey?: { keys: ValkeyHotkey[]; samplingPercentage: number; windowMs: number; windowSamples: number };
  cost: HotkeysCost;
  /**
   * reset: our session was stopped and reset. left-alone: a session that is not ours was found and not touched.
   * not-started: nothing of ours was ever running. failed: cleanup did not complete (see error).
   */
  cleanup: 'reset' | 'left-alone' | 'not-started' | 'failed';
}

export interface HotkeysRun {
  /** Unix milliseconds. */
  startedAt: number;
  finishedAt: number;
  aborted: boolean;
  /** cpu rows, then net, then qps; each ranked by value, highest first, across nodes. */
  rows: ServerHotkeyRow[];
  /** Sums of the node totals the shares are computed from (nodes that answered). */
  totals: Record<ServerHotkeyMetric, number>;
  nodes: HotkeysNodeResult[];
}

const units: Record<ServerHotkeyMetric, ServerHotkeyUnit> = { cpu: 'usec', net: 'bytes', qps: 'per_second' };

/** Validates first (nothing is sent for bad options), then runs every node at once; one node failing never fails the run. */
export async function runServerHotkeys(nodes: HotkeysNode[], opts: HotkeysRunOptions): Promise<HotkeysRun> {
  const seconds = opts.seconds;
  const count = opts.count ?? 10;
  const sampleRatio = opts.sampleRatio ?? 1;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 1_000_000) throw new RangeError('seconds must be a whole number from 1 to 1000000');
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError('count must be a whole number from 1 to 64');
  if (!Number.isInteger(sampleRatio) || sampleRatio < 1) throw new RangeError('sampleRatio must be a whole number of at least 1');
  const startedAt = Date.now();
  const results = await Promise.all(nodes.map((n) => runNode(n, { ...opts, seconds, count, sampleRatio })));
  return { startedAt, finishedAt: Date.now(), aborted: opts.signal?.aborted ?? false, ...rank(results), nodes: results };
}

type Resolved = HotkeysRunOptions & { count: number; sampleRatio: number };

/** Counts every command it sends: the run reports what it cost each node. */
class CountingSender {
  readonly cost: HotkeysCost = { commands: {}, commandsTotal: 0 };
  constructor(private readonly conn: NodeConnection) {}

  send(args: string[]): Promise<unknown> {
    const name = args.slice(0, /^(HOTKEYS|CONFIG|INFO)$/i.test(args[0]!) ? 2 : 1).join(' ').toUpperCase();
    this.cost.commands[name] = (this.cost.commands[name] ?? 0) + 1;
    this.cost.commandsTotal++;
    // callBuffer: key names are binary-safe.
    return this.conn.callBuffer(args[0]!, ...args.slice(1));
  }

  async info(section: string): Promise<ReturnType<typeof parseInfo>> {
    return parseInfo(String(await this.send(['INFO', section])));
  }
}

async function runNode(n: HotkeysNode, opts: Resolved): Promise<HotkeysNodeResult> {
  const s = new CountingSender(n.conn);
  if (opts.signal?.aborted) return { node: n.node, flavor: n.flavor, cost: s.cost, cleanup: 'not-started' };
  let flavor = n.flavor;
  try {
    flavor ??= serverIdentity(await s.info('server')).flavor;
  } catch (e) {
    return { node: n.node, error: describeError(e), cost: s.cost, cleanup: 'not-started' };
  }
  // The two commands share a name and nothing else: never send Redis syntax to Valkey.
  return flavor === 'valkey' ? readValkeyWindow(n, s) : runRedisSession(n, s, opts);
}

/** Identifies our session: the server allows one at a time, and anyone may stop it and start another. */
function sameSession(a: RedisHotkeysReport | undefined, b: RedisHotkeysReport | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.startedAt === b.startedAt && a.sampleRatio === b.sampleRatio && a.metrics.join() === b.metrics.join() && String(a.selectedSlots) === String(b.selectedSlots);
}

async function runRedisSession(n: HotkeysNode, s: CountingSender, opts: Resolved): Promise<HotkeysNodeResult> {
  const result: HotkeysNodeResult = { node: n.node, flavor: 'redis', cost: s.cost, cleanup: 'not-started' };
  const start = ['HOTKEYS', 'START', 'METRICS', '2', 'CPU', 'NET', 'COUNT', String(opts.count)];
  if (opts.sampleRatio > 1) start.push('SAMPLE', String(opts.sampleRatio));
  if (n.slots?.length) start.push('SLOTS', String(n.slots.length), ...n.slots.map(String));
  start.push('DURATION', String(opts.seconds));
  try {
    await s.send(start);
  } catch (e) {
    const msg = describeError(e);
    if (/already in progress/i.test(msg)) {
      return { ...result, error: 'another HOTKEYS session is running on this node (not started by this run); it was left alone', cleanup: 'left-alone' };
    }
    if (/unknown command/i.test(msg)) return { ...result, error: 'this server has no HOTKEYS command (Redis 8.6 or later has it)' };
    return { ...result, error: `HOTKEYS START failed: ${msg}` };
  }
  const began = performance.now();
  const durationMs = opts.seconds * 1000;
  let ours: RedisHotkeysReport | undefined;
  let lost = false;
  try {
    ours = parseRedisHotkeys(await s.send(['HOTKEYS', 'GET']));
    if (!ours) {
      lost = true;
      return result;
    }
    opts.onProgress?.({ node: n.node, elapsedMs: 0, durationMs, report: ours });
    let latest = ours;
    while (latest.active && !opts.signal?.aborted) {
      const left = durationMs - (performance.now() - began);
      if (left <= 0) break;
      await sleep(Math.min(opts.pollMs ?? 1000, left), opts.signal);
      if (opts.signal?.aborted) break;
      const now = parseRedisHotkeys(await s.send(['HOTKEYS', 'GET']));
      if (!sameSession(now, ours)) {
        lost = true;
        return result;
      }
      latest = now!;
      opts.onProgress?.({ node: n.node, elapsedMs: Math.round(performance.now() - began), durationMs, report: latest });
    }
    return result;
  } catch (e) {
    result.error = describeError(e);
    return result;
  } finally {
    if (lost) {
      result.error = 'the session was stopped or replaced by someone else before it finished; whatever runs now was left alone';
      result.cleanup = 'left-alone';
    } else if (ours) {
      await finishRedisSession(s, ours, result);
    } else {
      // Started, but the first GET failed: without its identity the session is not ours to stop. DURATION ends it.
      result.error = `${result.error}; the session could not be identified, so it was not stopped: the server ends it after ${opts.seconds} s`;
      result.cleanup = 'failed';
    }
  }
}

/** Stops, reads and resets our session, but only after checking it is still ours; runs even after an abort or an error. */
async function finishRedisSession(s: CountingSender, ours: RedisHotkeysReport, result: HotkeysNodeResult): Promise<void> {
  try {
    let final = parseRedisHotkeys(await s.send(['HOTKEYS', 'GET']));
    if (!sameSession(final, ours)) {
      result.error ??= 'the session was stopped or replaced by someone else before it finished; whatever runs now was left alone';
      result.cleanup = 'left-alone';
      return;
    }
    if (final!.active) {
      await s.send(['HOTKEYS', 'STOP']);
      // Read again after STOP: the complete numbers, and a new session someone started meanwhile is not mistaken for ours.
      final = parseRedisHotkeys(await s.send(['HOTKEYS', 'GET']));
      if (!sameSession(final, ours)) {
        result.error ??= 'someone started another session right after ours stopped; it was left alone and our results are lost';
        result.cleanup = 'left-alone';
        return;
      }
    }
    result.report = final;
    result.cost.sessionMs = final!.durationMs;
    // The section exists only while a session's results are held, so read it before RESET.
    result.cost.trackingCpuMs = numericValue((await s.info('hotkeys'))['hotkeys']?.['hotkeys-cmd-cpu-time']);
    await s.send(['HOTKEYS', 'RESET']);
    result.cleanup = 'reset';
  } catch (e) {
    result.error ??= `cleanup failed: ${describeError(e)}`;
    result.cleanup = 'failed';
  }
}

/**
 * Valkey 9.2 keeps hot keys itself, per window, when an operator enables it (hotkeys-top-k > 0); there is no
 * session to run, so this reads the last completed window. Skyscope does not change the server's configuration.
 * Not yet verified against a real server: Debian has no Valkey 9.2.
 */
async function readValkeyWindow(n: HotkeysNode, s: CountingSender): Promise<HotkeysNodeResult> {
  const result: HotkeysNodeResult = { node: n.node, flavor: 'valkey', cost: s.cost, cleanup: 'not-started' };
  try {
    const config = new Map<string, string>();
    const reply = (await s.send(['CONFIG', 'GET', 'hotkeys-*'])) as unknown[];
    for (let i = 0; i + 1 < reply.length; i += 2) config.set(String(reply[i]), String(reply[i + 1]));
    const topK = numericValue(config.get('hotkeys-top-k'));
    if (topK === undefined) return { ...result, error: 'this Valkey has no HOTKEYS command (Valkey 9.2 or later has it)' };
    if (topK === 0) return { ...result, error: 'hot key detection is off on this node (hotkeys-top-k is 0); Skyscope leaves server configuration to you' };
    const keys = parseValkeyHotkeys(await s.send(['HOTKEYS', 'GET']));
    const info = (await s.info('hotkeys'))['hotkeys'] ?? {};
    result.valkey = {
      keys,
      samplingPercentage: numericValue(config.get('hotkeys-sampling-percentage')) ?? 100,
      windowMs: numericValue(info['hotkeys_last_window_duration_ms']) ?? 0,
      windowSamples: numericValue(info['hotkeys_last_window_samples']) ?? 0,
    };
    return result;
  } catch (e) {
    return { ...result, error: describeError(e) };
  }
}

/** The node's exact total per metric: what a key's share is a share of. */
function nodeTotals(r: HotkeysNodeResult): Partial<Record<ServerHotkeyMetric, number>> {
  if (r.report) return { cpu: r.report.totals.cpuUs ?? 0, net: r.report.totals.netBytes ?? 0 };
  const v = r.valkey;
  // All accesses per second, scaled back from the window's samples the same way the server scales each key.
  if (v && v.windowMs > 0 && v.samplingPercentage > 0) return { qps: (v.windowSamples * 100) / v.samplingPercentage / (v.windowMs / 1000) };
  return {};
}

function rank(results: HotkeysNodeResult[]): { rows: ServerHotkeyRow[]; totals: Record<ServerHotkeyMetric, number> } {
  const totals: Record<ServerHotkeyMetric, number> = { cpu: 0, net: 0, qps: 0 };
  for (const r of results) for (const [m, v] of Object.entries(nodeTotals(r))) totals[m as ServerHotkeyMetric] += v;
  const rows: ServerHotkeyRow[] = [];
  const add = (r: HotkeysNodeResult, metric: ServerHotkeyMetric, key: Buffer, value: number, sampled: boolean) => {
    const nodeTotal = nodeTotals(r)[metric] ?? 0;
    rows.push({ node: r.node, key, metric, value, unit: units[metric], share: ratio(value, nodeTotal), clusterShare: ratio(value, totals[metric]), sampled });
  };
  for (const r of results) {
    const rep = r.report;
    if (rep) {
      for (const e of rep.byCpuUs) add(r, 'cpu', e.key, e.estimatedValue, rep.sampleRatio > 1);
      for (const e of rep.byNetBytes) add(r, 'net', e.key, e.estimatedValue, rep.sampleRatio > 1);
    }
    if (r.valkey) for (const k of r.valkey.keys) add(r, 'qps', k.key, k.qps, r.valkey.samplingPercentage < 100);
  }
  const order: ServerHotkeyMetric[] = ['cpu', 'net', 'qps'];
  rows.sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric) || b.value - a.value);
  return { rows, totals };
}

/** Estimates can overshoot a small total: a share is kept within 0..1. */
function ratio(value: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, value / total)) : 0;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
