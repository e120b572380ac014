// Runs hot-key detection on demand: picks the best method the watched servers support, runs one run at a time,
// keeps its progress for the API, and saves the result (keys, method, what it cost) in the store.
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import { describeError, type NodeConnection } from '../valkey/connection.ts';
import { commandKeys } from '../valkey/commandKeys.ts';
import { keySlot } from '../valkey/keySlot.ts';
import { defaultMonitorSample, sampleCost, sampleWithMonitor, scaledKeys, type MonitorSampleResult } from './monitorSample.ts';
import { runServerHotkeys } from './redisHotkeys.ts';
import { defaultTwoPhase, runTwoPhase, type TwoPhaseNode } from './twoPhase.ts';
import type { HotkeyMethod, HotkeyRow, HotkeyRun, HotkeyRunStatus } from './types.ts';

export interface HotkeyRunnerDeps {
  nodes(): NodeSnapshot[];
  openNode(address: string): Promise<NodeConnection>;
  save(run: HotkeyRun): Promise<number>;
  now(): number;
  log?: (msg: string) => void;
}

export interface HotkeyRunRequest {
  /** 'auto' picks the best method the servers support (see chooseMethod). */
  method: HotkeyMethod | 'auto';
  durationS: number;
  /** Keys kept per node and metric. */
  top: number;
  trigger: 'manual' | 'schedule';
}

export interface HotkeyRunProgress {
  state: 'running' | 'done' | 'failed' | 'cancelled';
  method: HotkeyMethod;
  started: number;
  durationS: number;
  nodes: string[];
  /** The stored run's id once saved. */
  id?: number;
  error?: string;
}

export class HotkeyRunError extends Error {
  constructor(readonly code: 'busy' | 'no_nodes' | 'unsupported', message: string) {
    super(message);
  }
}

const reasons: Partial<Record<HotkeyMethod, string>> = {
  redis_hotkeys: 'Redis HOTKEYS: the server itself tracks CPU time and network bytes per key (exact totals, every command)',
  valkey_hotkeys: "Valkey HOTKEYS: the server's own access counts per key and window (read, never reconfigured)",
  slot_scan: 'Two-phase: hot slots from CLUSTER SLOT-STATS deltas (cpu, network in and out, key count), then only their keys, weighed by OBJECT FREQ (LFU policy) or a short MONITOR sample',
  monitor: 'MONITOR sampling: duty-cycled (on 10% of the time), counting every key of every command',
};

/** What the watched primaries (or standalone servers) all support, best first, and the method 'auto' would use. */
export function chooseMethod(nodes: NodeSnapshot[]): { method: HotkeyMethod; why: string; available: HotkeyMethod[]; notes: string[] } {
  const targets = nodes.filter((n) => n.state === 'up' && n.role !== 'replica');
  const all = (test: (n: NodeSnapshot) => boolean) => targets.length > 0 && targets.every(test);
  const hasHotkeys = (n: NodeSnapshot) => n.capabilities?.includes('hotkeys') === true;
  const available: HotkeyMethod[] = [];
  // The two HOTKEYS commands share a name and nothing else: the flavor decides which one a node has.
  if (all((n) => n.flavor === 'redis' && hasHotkeys(n))) available.push('redis_hotkeys');
  if (all((n) => n.flavor === 'valkey' && hasHotkeys(n))) available.push('valkey_hotkeys');
  // Two-phase needs a cluster whose slot stats count cpu and network (cluster-slot-stats-enabled on every primary).
  const slotStats = (n: NodeSnapshot) => n.clusterNodeId !== undefined && n.capabilities?.includes('cluster|slot-stats') === true;
  if (all((n) => slotStats(n) && n.slotStatsCounters === true)) available.push('slot_scan');
  if (all((n) => n.capabilities === undefined || n.capabilities.includes('monitor'))) available.push('monitor');
  const method = available[0] ?? 'monitor';
  const notes: string[] = [];
  if (!available.includes('slot_scan') && all(slotStats)) {
    notes.push('The two-phase method (hot slots, then only their keys) needs slot statistics: enable them on the Slots page (cluster-slot-stats-enabled).');
  }
  return { method, why: reasons[method] ?? method, available, notes };
}

export class HotkeyRunner {
  private running: { progress: HotkeyRunProgress; abort: AbortController; done: Promise<void> } | undefined;
  private last: HotkeyRunProgress | undefined;

  constructor(private readonly deps: HotkeyRunnerDeps) {}

  status(): HotkeyRunProgress | undefined {
    return this.running?.progress ?? this.last;
  }

  /** Starts a run in the background; throws HotkeyRunError when one is running or nothing can be sampled. */
  start(req: HotkeyRunRequest): HotkeyRunProgress {
    if (this.running) throw new HotkeyRunError('busy', `a ${this.running.progress.method} run is already in progress`);
    const nodes = this.deps.nodes().filter((n) => n.state === 'up' && n.role !== 'replica');
    if (nodes.length === 0) throw new HotkeyRunError('no_nodes', 'no reachable primary or standalone node to look at');
    const choice = chooseMethod(nodes);
    const method = req.method === 'auto' ? choice.method : req.method;
    if (!choice.available.includes(method)) throw new HotkeyRunError('unsupported', `method ${method} is not available here (available: ${choice.available.join(', ') || 'none'})`);
    const progress: HotkeyRunProgress = { state: 'running', method, started: this.deps.now(), durationS: req.durationS, nodes: nodes.map((n) => n.address) };
    const abort = new AbortController();
    const done = this.run(req, method, nodes, progress, abort.signal).finally(() => {
      this.last = progress;
      this.running = undefined;
    });
    this.running = { progress, abort, done };
    return progress;
  }

  /** Stops the running run (what it found so far is saved, as cancelled). */
  async cancel(): Promise<HotkeyRunProgress | undefined> {
    const r = this.running;
    if (!r) return this.last;
    r.abort.abort();
    await r.done;
    return this.last;
  }

  /** Waits for the running run, if any (tests, shutdown). */
  async settle(): Promise<void> {
    await this.running?.done;
  }

  private async run(req: HotkeyRunRequest, method: HotkeyMethod, nodes: NodeSnapshot[], progress: HotkeyRunProgress, signal: AbortSignal): Promise<void> {
    const rows: HotkeyRow[] = [];
    const errors: Record<string, string> = {};
    const perNode: Record<string, unknown> = {};
    const extra: Record<string, unknown> = {};
    if (method === 'redis_hotkeys' || method === 'valkey_hotkeys') {
      await this.serverHotkeys(nodes, req, signal, rows, perNode, errors);
    } else if (method === 'slot_scan') {
      await this.twoPhase(nodes, req, signal, rows, perNode, errors, extra);
    } else {
      await Promise.all(
        nodes.map(async (n) => {
          try {
            const r = await this.monitorNode(n.address, Boolean(n.clusterNodeId), req, signal);
            rows.push(...r.rows);
            perNode[n.address] = r.cost;
          } catch (e) {
            errors[n.address] = describeError(e);
          }
        }),
      );
    }
    const failed = Object.keys(errors).length;
    const status: HotkeyRunStatus = signal.aborted ? 'cancelled' : failed === 0 ? 'ok' : failed === nodes.length ? 'failed' : 'partial';
    const run: HotkeyRun = {
      started: progress.started,
      finished: this.deps.now(),
      method,
      status,
      trigger: req.trigger,
      detail: { durationS: req.durationS, top: req.top, ...extra, nodes: perNode, ...(failed ? { errors } : {}) },
      rows,
    };
    try {
      progress.id = await this.deps.save(run);
      progress.state = status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'done';
      if (failed) progress.error = Object.entries(errors).map(([a, e]) => `${a}: ${e}`).join('; ');
    } catch (e) {
      progress.state = 'failed';
      progress.error = `could not save the run: ${describeError(e)}`;
      this.deps.log?.(`hotkeys: ${progress.error}`);
    }
  }

  /**
   * A HOTKEYS session on every node at once (Redis: started, waited for, stopped and reset by the driver; Valkey:
   * the server's last window read). Redis keeps at most 64 keys per node and metric.
   */
  private async serverHotkeys(nodes: NodeSnapshot[], req: HotkeyRunRequest, signal: AbortSignal, rows: HotkeyRow[], perNode: Record<string, unknown>, errors: Record<string, string>): Promise<void> {
    const conns: { node: NodeSnapshot; conn: NodeConnection }[] = [];
    try {
      for (const node of nodes) {
        try {
          conns.push({ node, conn: await this.deps.openNode(node.address) });
        } catch (e) {
          errors[node.address] = describeError(e);
        }
      }
      if (conns.length === 0) return;
      const run = await runServerHotkeys(
        conns.map(({ node, conn }) => ({ node: node.address, conn, flavor: node.flavor })),
        { seconds: req.durationS, count: Math.min(64, req.top), sampleRatio: 1, signal },
      );
      const rank = new Map<string, number>();
      for (const r of run.rows) {
        const metric = r.metric;
        const k = `${r.node}/${metric}`;
        rank.set(k, (rank.get(k) ?? 0) + 1);
        if (rank.get(k)! > req.top) continue;
        rows.push({ node: r.node, key: r.key, metric, value: r.value, error: null, share: r.share, memoryBytes: null, slot: null, type: null, ttlMs: null, rank: rank.get(k)! });
      }
      for (const n of run.nodes) {
        if (n.error) errors[n.node] = n.error;
        perNode[n.node] = { ...n.cost, cleanup: n.cleanup, keysRead: 0 };
      }
      if (!signal.aborted) {
        for (const { node } of conns) {
          const mine = rows.filter((r) => r.node === node.address);
          const keysRead = await this.describeKeys(node.address, mine, Boolean(node.clusterNodeId)).catch(() => 0);
          const cost = perNode[node.address] as Record<string, unknown> | undefined;
          if (cost) cost['keysRead'] = keysRead;
        }
      }
    } finally {
      for (const { conn } of conns) conn.disconnect();
    }
  }

  /**
   * Hot slots from two SLOT-STATS snapshots, then only their keys (see twoPhase.ts). The run's detail keeps the hot
   * slots and the window they were measured over, so the heatmap and the UI can show why a key was picked.
   */
  private async twoPhase(nodes: NodeSnapshot[], req: HotkeyRunRequest, signal: AbortSignal, rows: HotkeyRow[], perNode: Record<string, unknown>, errors: Record<string, string>, extra: Record<string, unknown>): Promise<void> {
    const conns = new Map<string, NodeConnection>();
    const route = async (address: string) => {
      let c = conns.get(address);
      if (!c) conns.set(address, (c = await this.deps.openNode(address)));
      return c;
    };
    try {
      const opened: TwoPhaseNode[] = [];
      for (const node of nodes) {
        try {
          opened.push({ address: node.address, conn: await route(node.address), clusterscan: node.capabilities?.includes('clusterscan') === true });
        } catch (e) {
          errors[node.address] = describeError(e);
        }
      }
      if (opened.length === 0) return;
      const r = await runTwoPhase(opened, {
        ...defaultTwoPhase,
        durationMs: req.durationS * 1000,
        top: req.top,
        signal,
        route,
        sample: (address, keep, durationMs) => this.sampleNode(address, durationMs, signal, keep),
      });
      Object.assign(errors, r.errors);
      extra['windowMs'] = Math.round(r.windowMs);
      extra['hotSlots'] = r.hotSlots.map((s) => ({ slot: s.slot, node: s.node, dimension: s.dimension, score: Math.round(s.score * 10) / 10, cpuUsec: s.cpuUsec, netIn: s.netIn, netOut: s.netOut, keysDelta: s.keysDelta, keys: s.keys }));
      rows.push(...r.rows);
      for (const [address, cost] of Object.entries(r.nodes)) {
        const mine = rows.filter((x) => x.node === address);
        const described = signal.aborted ? 0 : await this.describeKeys(address, mine, true).catch(() => 0);
        perNode[address] = { ...cost, keysRead: cost.keysScanned + described, slotStatsCalls: 2 };
      }
    } finally {
      for (const c of conns.values()) c.disconnect();
    }
  }

  /** A MONITOR sample of one node, its command table read first (where each command's keys are); fails when no window could start. */
  private async sampleNode(address: string, durationMs: number, signal: AbortSignal, keep?: (key: Buffer) => boolean): Promise<MonitorSampleResult> {
    const admin = await this.deps.openNode(address);
    let keys;
    try {
      keys = commandKeys(await admin.call('COMMAND'));
    } finally {
      admin.disconnect();
    }
    const r = await sampleWithMonitor(() => this.deps.openNode(address), keys, { ...defaultMonitorSample, durationMs, keep, signal });
    if (r.windows > 0 && r.onMs === 0 && r.errors.length > 0) throw new Error(r.errors[0]);
    return r;
  }

  /** The MONITOR method on one node: its keys by estimated accesses over the whole run, shares of what was sampled. */
  private async monitorNode(address: string, clustered: boolean, req: HotkeyRunRequest, signal: AbortSignal): Promise<{ rows: HotkeyRow[]; cost: Record<string, unknown> }> {
    const r = await this.sampleNode(address, req.durationS * 1000, signal);
    const rows = scaledKeys(r)
      .slice(0, req.top)
      .map((k, i): HotkeyRow => ({ node: address, key: k.key, metric: 'ops', value: k.value, error: k.error, share: k.share, memoryBytes: null, slot: null, type: null, ttlMs: null, rank: i + 1 }));
    // Details are a bonus: a node that cannot answer them still gives its keys.
    const keysRead = signal.aborted ? 0 : await this.describeKeys(address, rows, clustered).catch(() => 0);
    return { rows, cost: { ...sampleCost(r), keysRead } };
  }

  /**
   * Type, TTL and memory of the keys found (three cheap commands per key, pipelined, on a connection of their own),
   * and their slot in a cluster. A key that is gone meanwhile keeps nulls. Returns how many keys it read.
   */
  private async describeKeys(address: string, rows: HotkeyRow[], clustered: boolean): Promise<number> {
    for (const row of rows) if (clustered) row.slot = keySlot(row.key);
    const unique = [...new Map(rows.map((r) => [Buffer.from(r.key).toString('latin1'), r.key])).values()];
    if (unique.length === 0) return 0;
    const conn = await this.deps.openNode(address);
    try {
      const p = conn.pipeline();
      for (const key of unique) {
        const k = Buffer.from(key);
        p.call('TYPE', k);
        p.call('PTTL', k);
        p.call('MEMORY', 'USAGE', k);
      }
      const replies = (await p.exec()) ?? [];
      const byKey = new Map<string, { type: string | null; ttlMs: number | null; memoryBytes: number | null }>();
      unique.forEach((key, i) => {
        const [type, ttl, mem] = [replies[3 * i], replies[3 * i + 1], replies[3 * i + 2]].map((r) => (r && !r[0] ? r[1] : null));
        const t = type === null || type === 'none' ? null : String(type);
        byKey.set(Buffer.from(key).toString('latin1'), { type: t, ttlMs: typeof ttl === 'number' && ttl >= 0 ? ttl : null, memoryBytes: typeof mem === 'number' ? mem : null });
      });
      for (const row of rows) Object.assign(row, byKey.get(Buffer.from(row.key).toString('latin1')));
      return unique.length;
    } finally {
      conn.disconnect();
    }
  }
}
