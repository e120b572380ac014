// Finds every node behind the configured targets (cluster discovery), and keeps one NodeWatcher per node.
import { derived } from '../metrics/catalog.ts';
import type { LatestValues } from '../metrics/latestValues.ts';
import type { Logger } from '../log.ts';
import { parseClusterNodes } from '../valkey/clusterNodesReply.ts';
import { parseClusterShards, type ShardEntry } from '../valkey/clusterShardsReply.ts';
import { describeError, openConnection, rawCall, type NodeConnection } from '../valkey/connection.ts';
import { parseInfo } from '../valkey/infoReply.ts';
import { openResp3Connection, type Resp3Connection } from '../valkey/resp3Connection.ts';
import { targetForNode, type Target } from '../valkey/target.ts';
import { buildShards, ownership, type DiscoveredShard, type Topology, type TopologyShard } from './clusterTopology.ts';
import { formatAddress } from './infoReadings.ts';
import { NodeWatcher, type CollectorSettings, type NodeSnapshot, type Role } from './nodeWatcher.ts';
import { Poller } from './poller.ts';
import type { LogResumePoints, LogSink, SampleSink } from './sink.ts';
import { slotMoves } from './slotMoves.ts';

export interface MonitorDeps {
  sink: SampleSink;
  latest: LatestValues;
  log: Logger;
  settings: CollectorSettings;
  now?: () => number;
  /** Command log entries and latency samples; without it those sources are not polled. */
  logSink?: LogSink;
  /** Where each node's log collection resumes (what the store already has). */
  resume?: LogResumePoints;
}

/** One configured target URL and the nodes found through it. */
interface TargetGroup {
  seed: Target;
  kind: 'unknown' | 'standalone' | 'cluster';
  addresses: Set<string>;
  /** The connection topology is read through, and the node it goes to. */
  conn?: { conn: NodeConnection; target: Target };
  lastError?: string;
  poller: Poller;
  discovered: boolean;
  /** Shards of the last successful cluster discovery, kept to diff slot ownership and answer /api/topology. */
  shards?: DiscoveredShard[];
  /** Unix ms of the last successful discovery. */
  updatedAt?: number;
  /** The server does not know CLUSTER SHARDS (before Redis 7.0 / Valkey 7.2): do not ask again. */
  noShardsCommand?: boolean;
}

export interface TargetStatus {
  url: string;
  kind: TargetGroup['kind'];
  nodes: string[];
  lastError?: string;
}

export class Monitor {
  private readonly watchers = new Map<string, NodeWatcher>();
  private readonly groups: TargetGroup[];
  private readonly now: () => number;

  constructor(targets: Target[], private readonly deps: MonitorDeps) {
    this.now = deps.now ?? Date.now;
    this.groups = targets.map((seed) => {
      const group: TargetGroup = {
        seed,
        kind: 'unknown',
        addresses: new Set(),
        discovered: false,
        poller: new Poller({
          name: 'topology',
          intervalMs: deps.settings.topologyIntervalMs,
          run: () => this.discover(group),
          onError: (e) => this.discoveryFailed(group, e),
        }),
      };
      return group;
    });
  }

  /**
   * Watches every seed right away (so each target shows up, as connecting, before any answer), then
   * discovers each target once and keeps re-reading topology. Resolves when every first discovery ended.
   */
  async start(): Promise<void> {
    for (const g of this.groups) this.ensureWatcher(g, g.seed, {});
    await Promise.all(
      this.groups.map(async (g) => {
        await g.poller.runNow();
        g.poller.start();
      }),
    );
  }

  async stop(): Promise<void> {
    for (const g of this.groups) {
      g.poller.stop();
      g.conn?.conn.disconnect();
    }
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
  }

  /** CONFIG SET cluster-slot-stats-enabled yes on every primary that has CLUSTER SLOT-STATS; errors per node. */
  async enableSlotStatsCounters(): Promise<{ address: string; error?: string }[]> {
    const primaries = [...this.watchers.values()].filter((w) => {
      const s = w.snapshot();
      return s.role === 'primary' && s.state === 'up' && s.capabilities?.includes('cluster|slot-stats');
    });
    return Promise.all(
      primaries.map(async (w) => {
        try {
          await w.enableSlotStatsCounters();
          return { address: w.address };
        } catch (e) {
          return { address: w.address, error: describeError(e) };
        }
      }),
    );
  }

  /** Sets latency-monitor-threshold on the named nodes (every node that is up when none are named); errors per node. */
  async setLatencyThreshold(ms: number, addresses?: string[]): Promise<{ address: string; error?: string }[]> {
    const chosen = [...this.watchers.values()].filter((w) => (addresses ? addresses.includes(w.address) : w.snapshot().state === 'up'));
    return Promise.all(
      chosen.map(async (w) => {
        try {
          await w.setLatencyThreshold(ms);
          return { address: w.address };
        } catch (e) {
          return { address: w.address, error: describeError(e) };
        }
      }),
    );
  }

  /** LATENCY DOCTOR of one watched node. */
  async latencyDoctor(address: string): Promise<string> {
    const w = this.watchers.get(address);
    if (!w) throw new Error(`${address} is not a watched node`);
    return w.latencyDoctor();
  }

  /** A connection of its own to a watched node (its credentials and TLS), for work that must not hold up the pollers. */
  async openNode(address: string): Promise<NodeConnection> {
    const w = this.watchers.get(address);
    if (!w) throw new Error(`${address} is not a watched node`);
    return openConnection(w.target, this.deps.settings);
  }

  /** A RESP3 connection of the CLI's own to a watched node (typed replies; see resp3Connection.ts). */
  async openCliNode(address: string): Promise<Resp3Connection> {
    const w = this.watchers.get(address);
    if (!w) throw new Error(`${address} is not a watched node`);
    return openResp3Connection(w.target, this.deps.settings);
  }

  nodes(): NodeSnapshot[] {
    return [...this.watchers.values()].map((w) => w.snapshot()).sort((a, b) => a.address.localeCompare(b.address));
  }

  targets(): TargetStatus[] {
    return this.groups.map((g) => ({ url: g.seed.display, kind: g.kind, nodes: [...g.addresses].sort(), lastError: g.lastError }));
  }

  /** The /api/topology body: the last discovered shards of every target, with each node's live state and latest INFO values. */
  topology(): Topology {
    const seen = new Set<string>();
    const shards: TopologyShard[] = [];
    for (const g of this.groups) {
      // Standalone (or not yet discovered) targets: one slotless shard per watched node.
      const discovered = g.kind === 'cluster' && g.shards ? g.shards : [...g.addresses].sort().map((address): DiscoveredShard => ({
        id: address,
        slots: [],
        slotCount: 0,
        nodes: [{ address, id: null, role: this.watchers.get(address)?.snapshot().role ?? 'unknown', health: null, linkState: null, flags: [], replicationOffset: this.latestValue(address, 'valkey_replication_offset_bytes'), lagBytes: null }],
      }));
      // Two targets naming nodes of the same cluster must not list its shards twice.
      for (const s of discovered) {
        if (seen.has(s.id)) continue;
        seen.add(s.id);
        const nodes = s.nodes.map((n) => {
          const state = this.watchers.get(n.address)?.snapshot().state ?? 'connecting';
          // A node that does not answer has no current memory or load; its last values would look live.
          const live = (metric: string) => (state === 'up' ? this.latestValue(n.address, metric) : null);
          // Without CLUSTER SHARDS: each node's own INFO offset, and the lag its primary's INFO reports for it
          // (valkey_replication_lag_bytes, the same number the dashboard charts).
          const replicationOffset = n.replicationOffset ?? live('valkey_replication_offset_bytes');
          const lagBytes = n.lagBytes ?? (n.role === 'replica' ? this.latestValue(n.address, derived.replicationLagBytes.name) : null);
          return { ...n, replicationOffset, lagBytes, state, memoryBytes: live('valkey_memory_used_bytes'), opsPerSec: live('valkey_instantaneous_ops_per_second') };
        });
        shards.push({ ...s, nodes });
      }
    }
    const updated = Math.max(0, ...this.groups.map((g) => g.updatedAt ?? 0));
    return {
      updatedAt: updated / 1000,
      targets: this.groups.map((g) => ({ url: g.seed.display, kind: g.kind, ...(g.lastError ? { lastError: g.lastError } : {}) })),
      shards,
    };
  }

  private latestValue(address: string, metric: string): number | null {
    return this.deps.latest.get(address, metric)?.value ?? null;
  }

  /** Re-read a target's topology soon, e.g. after a node went down or changed role. */
  private hint(address: string, reason: string): void {
    for (const g of this.groups) {
      if (!g.addresses.has(address) || g.kind !== 'cluster') continue;
      this.deps.log.debug(`re-reading topology of ${g.seed.display}: ${reason}`);
      void g.poller.runNow();
    }
  }

  private async discover(group: TargetGroup): Promise<void> {
    const { conn, target } = await this.topologyConnection(group);
    const info = parseInfo(String(await rawCall(conn, ['INFO', 'cluster'])));
    if (info['cluster']?.['cluster_enabled'] !== '1') {
      group.kind = 'standalone';
      group.lastError = undefined;
      group.shards = undefined;
      this.setGroupNodes(group, new Map([[formatAddress(target.host, target.port), { target, hint: {} }]]));
      group.updatedAt = this.now();
      return;
    }
    const entries = parseClusterNodes(String(await rawCall(conn, ['CLUSTER', 'NODES'])));
    const shardsReply = await this.readShards(group, conn);
    group.kind = 'cluster';
    group.lastError = undefined;
    const byId = new Map(entries.map((e) => [e.id, e]));
    const wanted = new Map<string, { target: Target; hint: { clusterNodeId?: string; role?: Role; primary?: string } }>();
    for (const e of entries) {
      if (e.port === 0 || e.flags.includes('handshake')) continue;
      // A node whose address is empty is announced relative to the node we asked: use that node's host.
      const host = e.host || target.host;
      const primary = e.primaryId ? byId.get(e.primaryId) : undefined;
      wanted.set(formatAddress(host, e.port), {
        target: targetForNode(group.seed, host, e.port),
        hint: { clusterNodeId: e.id, role: e.role, primary: primary ? formatAddress(primary.host || target.host, primary.port) : undefined },
      });
    }
    this.setGroupNodes(group, wanted);
    this.noteShards(group, buildShards(entries, shardsReply, target.host));
  }

  /** CLUSTER SHARDS on the topology connection, for health and replication offsets; undefined when the server cannot answer it. */
  private async readShards(group: TargetGroup, conn: NodeConnection): Promise<ShardEntry[] | undefined> {
    if (group.noShardsCommand) return undefined;
    try {
      return parseClusterShards(await rawCall(conn, ['CLUSTER', 'SHARDS']));
    } catch (e) {
      const message = describeError(e);
      if (/unknown (sub)?command/i.test(message)) group.noShardsCommand = true;
      // Topology still works from CLUSTER NODES (e.g. an ACL that allows NODES only); just without health and offsets.
      else this.deps.log.debug(`CLUSTER SHARDS failed on ${group.seed.display}: ${message}`);
      return undefined;
    }
  }

  /** Keeps the new shards and records slot_move events against the previous discovery (none on the first). */
  private noteShards(group: TargetGroup, shards: DiscoveredShard[]): void {
    const ts = this.now();
    if (group.shards) {
      const moves = slotMoves(ownership(group.shards), ownership(shards));
      if (moves.length > 0) {
        this.deps.sink.appendEvents(moves.map((m) => ({ ts, node: m.to ?? m.from!, kind: 'slot_move' as const, detail: { slots: m.slots, from: m.from, to: m.to, count: m.count } })));
        for (const m of moves) this.deps.log.info(`${m.count} slot(s) moved from ${m.from ?? 'nobody'} to ${m.to ?? 'nobody'}`);
      }
    }
    group.shards = shards;
    group.updatedAt = ts;
  }

  private setGroupNodes(group: TargetGroup, wanted: Map<string, { target: Target; hint: { clusterNodeId?: string; role?: Role; primary?: string } }>): void {
    const ts = this.now();
    for (const [address, { target, hint }] of wanted) {
      const isNew = !this.watchers.has(address);
      this.ensureWatcher(group, target, hint);
      group.addresses.add(address);
      if (isNew && group.discovered) {
        this.deps.sink.appendEvents([{ ts, node: address, kind: 'node_added', detail: { target: group.seed.display, role: hint.role ?? null } }]);
        this.deps.log.info(`node ${address} joined ${group.seed.display}`);
      }
    }
    for (const address of [...group.addresses]) {
      if (wanted.has(address)) continue;
      group.addresses.delete(address);
      if (this.groups.some((g) => g !== group && g.addresses.has(address))) continue;
      const w = this.watchers.get(address);
      this.watchers.delete(address);
      void w?.stop();
      this.deps.latest.removeNode(address);
      // On the first pass this is only the seed under another name (e.g. localhost vs 127.0.0.1), not a departure.
      if (!group.discovered) continue;
      this.deps.sink.appendEvents([{ ts, node: address, kind: 'node_removed', detail: { target: group.seed.display } }]);
      this.deps.log.info(`node ${address} left ${group.seed.display}`);
    }
    group.discovered = true;
  }

  private ensureWatcher(group: TargetGroup, target: Target, hint: { clusterNodeId?: string; role?: Role; primary?: string }): void {
    const address = formatAddress(target.host, target.port);
    group.addresses.add(address);
    const existing = this.watchers.get(address);
    if (existing) {
      existing.applyTopology(hint);
      return;
    }
    const w = new NodeWatcher(target, { ...this.deps, onTopologyHint: (a, r) => this.hint(a, r) }, hint);
    this.watchers.set(address, w);
    w.start();
  }

  /** Reuses the last connection that worked; else tries the seed, then every node seen before. */
  private async topologyConnection(group: TargetGroup): Promise<{ conn: NodeConnection; target: Target }> {
    if (group.conn && group.conn.conn.status === 'ready') return group.conn;
    group.conn?.conn.disconnect();
    group.conn = undefined;
    const candidates = [group.seed, ...[...group.addresses].map((a) => this.watchers.get(a)?.target).filter((t): t is Target => t !== undefined)];
    let lastError: unknown;
    for (const target of candidates) {
      try {
        group.conn = { conn: await openConnection(target, this.deps.settings), target };
        return group.conn;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError ?? new Error('no node to ask');
  }

  private discoveryFailed(group: TargetGroup, e: unknown): void {
    const message = describeError(e);
    if (group.lastError !== message) this.deps.log.warn(`cannot read topology of ${group.seed.display}: ${message}`);
    group.lastError = message;
    group.conn?.conn.disconnect();
    group.conn = undefined;
  }
}

