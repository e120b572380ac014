// Finds every node behind the configured targets (cluster discovery), and keeps one NodeWatcher per node.
import type { LatestValues } from '../metrics/latestValues.ts';
import type { Logger } from '../log.ts';
import { parseClusterNodes } from '../valkey/clusterNodesReply.ts';
import { describeError, openConnection, rawCall, type NodeConnection } from '../valkey/connection.ts';
import { parseInfo } from '../valkey/infoReply.ts';
import { targetForNode, type Target } from '../valkey/target.ts';
import { formatAddress } from './infoReadings.ts';
import { NodeWatcher, type CollectorSettings, type NodeSnapshot, type Role } from './nodeWatcher.ts';
import { Poller } from './poller.ts';
import type { SampleSink } from './sink.ts';

export interface MonitorDeps {
  sink: SampleSink;
  latest: LatestValues;
  log: Logger;
  settings: CollectorSettings;
  now?: () => number;
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

  nodes(): NodeSnapshot[] {
    return [...this.watchers.values()].map((w) => w.snapshot()).sort((a, b) => a.address.localeCompare(b.address));
  }

  targets(): TargetStatus[] {
    return this.groups.map((g) => ({ url: g.seed.display, kind: g.kind, nodes: [...g.addresses].sort(), lastError: g.lastError }));
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
      this.setGroupNodes(group, new Map([[formatAddress(target.host, target.port), { target, hint: {} }]]));
      return;
    }
    const entries = parseClusterNodes(String(await rawCall(conn, ['CLUSTER', 'NODES'])));
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

