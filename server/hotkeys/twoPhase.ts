// The two-phase method for clusters with CLUSTER SLOT-STATS (Valkey RFC 31): hot slots first, then only their keys,
// ranked by OBJECT FREQ under an LFU policy or by a short MONITOR sample restricted to those slots otherwise.
import { describeError, type NodeConnection } from '../valkey/connection.ts';
import { keySlot } from '../valkey/keySlot.ts';
import type { SlotStatsReply } from '../valkey/slotStatsReply.ts';
import { abortableSleep } from './abortableSleep.ts';
import { defaultNoiseFloor, rankHotSlots, slotDeltas, type HotSlot, type NoiseFloor, type SlotDelta } from './hotSlots.ts';
import { sampleCost, scaledKeys, type MonitorSampleResult } from './monitorSample.ts';
import { attributeSlots, lfuAccesses, lfuCounters, slotKeys, slotStatsSnapshot, type WeightedKey } from './slotScan.ts';
import type { HotkeyMetric, HotkeyRow } from './types.ts';

export interface TwoPhaseNode {
  address: string;
  conn: NodeConnection;
  /** The node has CLUSTERSCAN (Valkey 9.1+). */
  clusterscan: boolean;
}

export interface TwoPhaseOptions {
  durationMs: number;
  /** Keys kept per node and metric. */
  top: number;
  /** Hot slots kept cluster-wide (top 100 keys of a shuffled keyspace sit in about 100 slots). */
  maxSlots: number;
  /** Bounds on phase 2's reading: per slot, per node, per call, and its pace per node. */
  maxKeysPerSlot: number;
  maxKeysPerNode: number;
  batch: number;
  keysPerSecond: number;
  floor: NoiseFloor;
  signal?: AbortSignal;
  /** Opens a connection to any cluster node (CLUSTERSCAN redirections); closed by the caller's close(). */
  route(address: string): Promise<NodeConnection>;
  /** A MONITOR sample of one node counting only keys `keep` accepts (rejects when no window could start). */
  sample(address: string, keep: (key: Buffer) => boolean, durationMs: number): Promise<MonitorSampleResult>;
}

export const defaultTwoPhase = { maxSlots: 200, maxKeysPerSlot: 2_000, maxKeysPerNode: 100_000, batch: 500, keysPerSecond: 50_000, floor: defaultNoiseFloor };

/** What phase 2 did on one node: how it ranked keys and what that read. */
export interface TwoPhaseNodeCost {
  ranking: 'lfu' | 'monitor' | 'none';
  hotSlots: number;
  keysScanned: number;
  scanCalls: number;
  truncatedSlots: number;
  /** Slot CPU and network over the window, for shares. */
  cpuUsec: number;
  netBytes: number;
  monitor?: Record<string, unknown>;
}

export interface TwoPhaseResult {
  rows: HotkeyRow[];
  hotSlots: HotSlot[];
  windowMs: number;
  nodes: Record<string, TwoPhaseNodeCost>;
  errors: Record<string, string>;
}

const LFU_POLICIES = /lfu/i;

/** Whether a node ranks by OBJECT FREQ, and its lfu-log-factor; CONFIG may be refused, then OBJECT FREQ is probed. */
async function lfuSettings(conn: NodeConnection): Promise<{ lfu: boolean; logFactor: number }> {
  try {
    const reply = (await conn.call('CONFIG', 'GET', 'maxmemory-policy', 'lfu-log-factor')) as string[];
    const get = (name: string) => reply[reply.indexOf(name) + 1];
    return { lfu: LFU_POLICIES.test(get('maxmemory-policy') ?? ''), logFactor: Number(get('lfu-log-factor') ?? 10) };
  } catch {
    const key = (await conn.callBuffer('RANDOMKEY').catch(() => null)) as Buffer | null;
    if (!key) return { lfu: false, logFactor: 10 };
    const ok = await conn.call('OBJECT', 'FREQ', key).then(() => true, () => false);
    return { lfu: ok, logFactor: 10 };
  }
}

export async function runTwoPhase(nodes: TwoPhaseNode[], o: TwoPhaseOptions): Promise<TwoPhaseResult> {
  const errors: Record<string, string> = {};
  const alive = async <T>(address: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      errors[address] ??= describeError(e);
      return undefined;
    }
  };
  const settings = new Map<string, { lfu: boolean; logFactor: number }>();
  await Promise.all(nodes.map((n) => alive(n.address, async () => settings.set(n.address, await lfuSettings(n.conn)))));
  // With LFU counters the whole run is phase 1's window (exact slot deltas over the longest time); sampling needs
  // part of the run for itself afterwards.
  const sampling = nodes.some((n) => settings.get(n.address)?.lfu === false);
  const windowTarget = sampling ? Math.min(o.durationMs, Math.max(2_000, o.durationMs * 0.3)) : o.durationMs;

  // ---- phase 1: two snapshots, deltas, hot slots ----
  const before = new Map<string, SlotStatsReply>();
  await Promise.all(nodes.map((n) => alive(n.address, async () => before.set(n.address, await slotStatsSnapshot(n.conn)))));
  const t0 = performance.now();
  await abortableSleep(windowTarget, o.signal);
  const perNode: { node: string; deltas: SlotDelta[] }[] = [];
  await Promise.all(
    nodes.map((n) =>
      alive(n.address, async () => {
        const a = before.get(n.address);
        if (!a) return;
        perNode.push({ node: n.address, deltas: slotDeltas(a, await slotStatsSnapshot(n.conn)) });
      }),
    ),
  );
  const windowMs = performance.now() - t0;
  const hotSlots = rankHotSlots(perNode, windowMs, o.maxSlots, o.floor);

  // ---- phase 2: the hot slots' keys, per node ----
  const costs: Record<string, TwoPhaseNodeCost> = {};
  const rows: HotkeyRow[] = [];
  const sampleMs = Math.max(2_500, o.durationMs - windowMs);
  await Promise.all(
    perNode.map(({ node, deltas }) =>
      alive(node, async () => {
        const mine = hotSlots.filter((s) => s.node === node);
        const cost: TwoPhaseNodeCost = {
          ranking: mine.length === 0 ? 'none' : settings.get(node)?.lfu ? 'lfu' : 'monitor',
          hotSlots: mine.length,
          keysScanned: 0,
          scanCalls: 0,
          truncatedSlots: 0,
          cpuUsec: deltas.reduce((s, d) => s + d.cpuUsec, 0),
          netBytes: deltas.reduce((s, d) => s + d.netIn + d.netOut, 0),
        };
        costs[node] = cost;
        if (mine.length === 0 || o.signal?.aborted) return;
        const n = nodes.find((x) => x.address === node)!;
        if (cost.ranking === 'lfu') {
          rows.push(...(await rankByLfu(n, mine, settings.get(node)!.logFactor, cost, o)));
        } else {
          const slots = new Set(mine.map((s) => s.slot));
          const r = await o.sample(node, (k) => slots.has(keySlot(k)), sampleMs);
          cost.monitor = sampleCost(r);
          const weighted = r.top.map((k) => ({ key: k.key, slot: keySlot(k.key), weight: k.count }));
          const ops = new Map(scaledKeys(r).map((k) => [k.key.toString('latin1'), k]));
          rows.push(...keyRows(node, mine, weighted, cost, o.top, (k) => ops.get(k.toString('latin1')), 'ops'));
        }
      }),
    ),
  );
  return { rows, hotSlots, windowMs, nodes: costs, errors };
}

/** Reads each hot slot's keys and their LFU counters on the slot's owner, paced to keysPerSecond. */
async function rankByLfu(n: TwoPhaseNode, slots: HotSlot[], logFactor: number, cost: TwoPhaseNodeCost, o: TwoPhaseOptions): Promise<HotkeyRow[]> {
  const started = performance.now();
  const pace = async (read: number) => {
    cost.keysScanned += read;
    const due = (cost.keysScanned / o.keysPerSecond) * 1000 - (performance.now() - started);
    if (due > 1) await abortableSleep(due, o.signal);
  };
  const weighted: WeightedKey[] = [];
  const counters = new Map<string, number>();
  const firstHop: { conn?: NodeConnection } = {};
  // Hottest slots first, so the per-node bound cuts the coolest ones.
  for (const s of slots) {
    if (o.signal?.aborted || cost.keysScanned >= o.maxKeysPerNode) break;
    const maxKeys = Math.min(o.maxKeysPerSlot, o.maxKeysPerNode - cost.keysScanned);
    const found = await slotKeys(n.conn, s.slot, { clusterscan: n.clusterscan, maxKeys, batch: o.batch, route: o.route, pace, signal: o.signal, firstHop });
    cost.scanCalls += found.calls;
    if (found.truncated) cost.truncatedSlots++;
    const freq = await lfuCounters(found.owner, found.keys);
    found.keys.forEach((key, i) => {
      const c = freq[i];
      if (c === null || c === undefined) return;
      counters.set(key.toString('latin1'), c);
      weighted.push({ key, slot: s.slot, weight: lfuAccesses(c, logFactor) });
    });
  }
  return keyRows(n.address, slots, weighted, cost, o.top, (k) => {
    const c = counters.get(k.toString('latin1'));
    return c === undefined ? undefined : { value: c, error: null, share: null };
  }, 'lfu');
}

/**
 * Rows of one node: each key's share of its slot's CPU and network (metrics cpu and net), and the ranking's own
 * measure (ops sampled, or the LFU counter), each metric ranked and cut to `top`.
 */
function keyRows(
  node: string,
  slots: HotSlot[],
  weighted: WeightedKey[],
  cost: TwoPhaseNodeCost,
  top: number,
  own: (key: Buffer) => { value: number; error: number | null; share: number | null } | undefined,
  ownMetric: HotkeyMetric,
): HotkeyRow[] {
  const attributed = attributeSlots(slots, weighted);
  const row = (key: Buffer, slot: number, metric: HotkeyMetric, value: number, error: number | null, share: number | null): HotkeyRow => ({
    node, key, metric, value, error, share, slot, memoryBytes: null, type: null, ttlMs: null, rank: 0,
  });
  const out: HotkeyRow[] = [];
  const ranked = (list: HotkeyRow[]) => {
    list.sort((a, b) => b.value - a.value);
    list.slice(0, top).forEach((r, i) => out.push({ ...r, rank: i + 1 }));
  };
  ranked(attributed.map((k) => row(k.key, k.slot, 'cpu', k.cpuUsec, null, cost.cpuUsec > 0 ? k.cpuUsec / cost.cpuUsec : null)));
  ranked(attributed.map((k) => row(k.key, k.slot, 'net', k.netBytes, null, cost.netBytes > 0 ? k.netBytes / cost.netBytes : null)));
  ranked(
    attributed.flatMap((k) => {
      const v = own(k.key);
      return v ? [row(k.key, k.slot, ownMetric, v.value, v.error, v.share)] : [];
    }),
  );
  return out;
}
