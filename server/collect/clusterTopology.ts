// Builds the /api/topology shards of a cluster from CLUSTER NODES, enriched by CLUSTER SHARDS when the server has it.
import type { ClusterNodeEntry } from '../valkey/clusterNodesReply.ts';
import type { ShardEntry } from '../valkey/clusterShardsReply.ts';
import { formatAddress } from './infoReadings.ts';
import type { NodeState, Role } from './nodeWatcher.ts';
import type { SlotOwnership } from './slotMoves.ts';

/** What one discovery knows about a node, as seen by the node that was asked. */
export interface ClusterNodeView {
  address: string;
  id: string | null;
  role: Role;
  health: string | null;
  linkState: 'connected' | 'disconnected' | null;
  flags: string[];
  replicationOffset: number | null;
  lagBytes: number | null;
}

export interface DiscoveredShard {
  id: string;
  slots: [number, number][];
  slotCount: number;
  /** The primary first, then the others by address. */
  nodes: ClusterNodeView[];
}

/** A node as /api/topology shows it: the discovered view plus Skyscope's own live knowledge. */
export interface TopologyNode extends ClusterNodeView {
  state: NodeState;
  memoryBytes: number | null;
  opsPerSec: number | null;
}

export interface TopologyShard extends Omit<DiscoveredShard, 'nodes'> {
  nodes: TopologyNode[];
}

export interface Topology {
  updatedAt: number;
  targets: { url: string; kind: 'cluster' | 'standalone' | 'unknown'; lastError?: string }[];
  shards: TopologyShard[];
}

const countSlots = (ranges: [number, number][]): number => ranges.reduce((n, [a, b]) => n + b - a + 1, 0);

/**
 * askedHost stands in for an empty address (a node announced relative to the node asked), as discovery does.
 * Without a SHARDS reply (servers before Redis 7.0 / Valkey 7.2, or an ACL that forbids it) replicas are
 * grouped under their primary from CLUSTER NODES, and health and offsets stay null.
 */
export function buildShards(entries: ClusterNodeEntry[], shardsReply: ShardEntry[] | undefined, askedHost: string): DiscoveredShard[] {
  // Nodes without an address yet (handshake, port 0) are not watched either.
  const known = entries.filter((e) => e.port !== 0 && !e.flags.includes('handshake'));
  const byId = new Map(known.map((e) => [e.id, e]));
  const placed = new Set<string>();
  const groups: { primaryId: string; members: ClusterNodeEntry[]; shard?: ShardEntry }[] = [];

  for (const s of shardsReply ?? []) {
    const members = s.nodes.map((n) => byId.get(n.id)).filter((e): e is ClusterNodeEntry => e !== undefined && !placed.has(e.id));
    if (members.length === 0) continue;
    // After a failover the old primary stays listed in its shard (failed, no slots): the slot owner leads.
    const primary = members.find((e) => e.role === 'primary' && e.slots.length > 0) ?? members.find((e) => e.role === 'primary' && !e.failed) ?? members.find((e) => e.role === 'primary') ?? members[0]!;
    for (const m of members) placed.add(m.id);
    groups.push({ primaryId: primary.id, members, shard: s });
  }
  const rest = known.filter((e) => !placed.has(e.id));
  for (const p of rest.filter((e) => e.role === 'primary')) groups.push({ primaryId: p.id, members: [p, ...rest.filter((r) => r.role === 'replica' && r.primaryId === p.id)] });
  for (const r of rest.filter((e) => e.role === 'replica' && !groups.some((g) => g.members.includes(e)))) groups.push({ primaryId: r.id, members: [r] });

  const shardNode = new Map((shardsReply ?? []).flatMap((s) => s.nodes.map((n) => [n.id, n] as const)));
  const shards = groups.map(({ primaryId, members }): DiscoveredShard => {
    const primary = byId.get(primaryId)!;
    const primaryOffset = shardNode.get(primaryId)?.replicationOffset ?? null;
    const views = members.map((e): ClusterNodeView => {
      const sn = shardNode.get(e.id);
      const offset = sn?.replicationOffset ?? null;
      const lag = e.id !== primaryId && e.role === 'replica' && offset !== null && primaryOffset !== null ? Math.max(0, primaryOffset - offset) : null;
      return {
        address: formatAddress(e.host || askedHost, e.port),
        id: e.id,
        role: e.role,
        health: sn?.health ?? null,
        linkState: e.linkState,
        flags: e.flags,
        replicationOffset: offset,
        lagBytes: lag,
      };
    });
    const lead = views.find((v) => v.id === primaryId)!;
    const slots = primary.role === 'primary' ? [...primary.slots].sort((a, b) => a[0] - b[0]) : [];
    return { id: primaryId, slots, slotCount: countSlots(slots), nodes: [lead, ...views.filter((v) => v !== lead).sort((a, b) => a.address.localeCompare(b.address))] };
  });
  // By first slot; shards without slots (new or emptied primaries) last.
  return shards.sort((a, b) => (a.slots[0]?.[0] ?? Infinity) - (b.slots[0]?.[0] ?? Infinity) || a.id.localeCompare(b.id));
}

/** The input of slotMoves: each shard's primary and members by address. */
export function ownership(shards: DiscoveredShard[]): SlotOwnership[] {
  return shards.map((s) => ({ owner: s.nodes[0]!.address, members: s.nodes.map((n) => n.address), slots: s.slots }));
}
