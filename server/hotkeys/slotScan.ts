// Phase 2 of the two-phase method: read only the hot slots' keys (CLUSTERSCAN ... SLOT n, else CLUSTER GETKEYSINSLOT),
// paced and bounded, weigh them by OBJECT FREQ, and split each slot's exact CPU and network deltas between its keys.
import type { NodeConnection } from '../valkey/connection.ts';
import { parseSlotStats, type SlotStatsReply } from '../valkey/slotStatsReply.ts';
import type { HotSlot } from './hotSlots.ts';

/** The slot counters of one node (every slot it owns). */
export async function slotStatsSnapshot(conn: NodeConnection): Promise<SlotStatsReply> {
  return parseSlotStats(await conn.call('CLUSTER', 'SLOT-STATS', 'SLOTSRANGE', '0', '16383'));
}

export interface SlotKeysOptions {
  /** CLUSTERSCAN (Valkey 9.1+) pages through a slot with a cursor; without it GETKEYSINSLOT returns one bounded batch. */
  clusterscan: boolean;
  /** Keys read from one slot at most; a slot with more is marked truncated. */
  maxKeys: number;
  /** Keys asked for per call. */
  batch: number;
  /** Opens (or reuses) a connection to another node, for CLUSTERSCAN's redirections. */
  route(address: string): Promise<NodeConnection>;
  /** Waits between calls (pacing); resolves early on abort. */
  pace(keysRead: number): Promise<void>;
  /**
   * Where CLUSTERSCAN's first call ("0", which hashes to one fixed slot) was answered last time, shared across slots
   * so later slots start there instead of being redirected (a MOVED is a rejected call on the server).
   */
  firstHop?: { conn?: NodeConnection };
  signal?: AbortSignal;
}

export interface SlotKeys {
  keys: Buffer[];
  truncated: boolean;
  calls: number;
  /** The connection of the node that answered for the slot (OBJECT FREQ goes there). */
  owner: NodeConnection;
}

/** A command sent to `conn`, following up to two MOVED redirections (CLUSTERSCAN's first cursor hashes elsewhere). */
async function callRouted(conn: NodeConnection, args: (string | Buffer)[], route: SlotKeysOptions['route']): Promise<{ reply: unknown; conn: NodeConnection }> {
  for (let hop = 0; ; hop++) {
    try {
      return { reply: await conn.callBuffer(String(args[0]), ...args.slice(1)), conn };
    } catch (e) {
      const moved = /^MOVED \d+ (\S+)/.exec(e instanceof Error ? e.message : '');
      if (!moved || hop >= 2) throw e;
      conn = await route(moved[1]!);
    }
  }
}

/**
 * The keys of one slot, at most maxKeys. CLUSTERSCAN's cursor names a hash tag of the slot it walks, so the server
 * routes it: the first call ("0") may be redirected to wherever "0" hashes, and later ones go to the slot's owner.
 */
export async function slotKeys(conn: NodeConnection, slot: number, o: SlotKeysOptions): Promise<SlotKeys> {
  const keys: Buffer[] = [];
  let calls = 0;
  if (!o.clusterscan) {
    // GETKEYSINSLOT has no cursor: one call for up to maxKeys + 1 keys tells whether the slot holds more.
    const reply = (await conn.callBuffer('CLUSTER', 'GETKEYSINSLOT', String(slot), String(o.maxKeys + 1))) as Buffer[];
    await o.pace(reply.length);
    return { keys: reply.slice(0, o.maxKeys), truncated: reply.length > o.maxKeys, calls: 1, owner: conn };
  }
  let cursor: string | Buffer = '0';
  let owner = o.firstHop?.conn ?? conn;
  do {
    if (o.signal?.aborted) break;
    const { reply, conn: answered } = await callRouted(owner, ['CLUSTERSCAN', cursor, 'COUNT', String(o.batch), 'SLOT', String(slot)], o.route);
    if (calls === 0 && o.firstHop) o.firstHop.conn = answered;
    calls++;
    owner = answered;
    const [next, batch] = reply as [Buffer, Buffer[]];
    keys.push(...batch);
    cursor = next;
    await o.pace(batch.length);
  } while (cursor.toString() !== '0' && keys.length < o.maxKeys);
  const truncated = keys.length >= o.maxKeys && cursor.toString() !== '0';
  return { keys: keys.slice(0, o.maxKeys), truncated, calls, owner };
}

/** OBJECT FREQ of each key, pipelined (null for a key gone meanwhile). Throws when the policy is not LFU. */
export async function lfuCounters(conn: NodeConnection, keys: Buffer[]): Promise<(number | null)[]> {
  if (keys.length === 0) return [];
  const p = conn.pipeline();
  for (const k of keys) p.call('OBJECT', 'FREQ', k);
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) {
      if (/LFU/i.test(err.message)) throw err; // "An LFU maxmemory policy is not selected"
      return null;
    }
    return typeof value === 'number' ? value : null;
  });
}

/** LFU_INIT_VAL: the counter of a new key. */
export const LFU_INITIAL = 5;

/**
 * Expected accesses that took a key's LFU counter from its initial 5 to `counter` (the inverse of the server's
 * logarithmic increment, probability 1 / ((c - 5) * lfu-log-factor + 1) per access). Decay is not undone, so a key
 * idle for minutes counts less: that is what "hot now" should mean anyway.
 */
export function lfuAccesses(counter: number, logFactor: number): number {
  const m = counter - LFU_INITIAL;
  if (m <= 0) return 0;
  return m + (logFactor * m * (m - 1)) / 2;
}

export interface WeightedKey {
  key: Buffer;
  slot: number;
  /** The key's weight inside its slot (estimated accesses); only ratios within one slot matter. */
  weight: number;
}

export interface AttributedKey extends WeightedKey {
  /** The key's part of its slot's CPU time and network bytes (in + out) over the window. */
  cpuUsec: number;
  netBytes: number;
  /** Its share of its slot. */
  slotShare: number;
}

/**
 * Splits each hot slot's measured CPU and network deltas between its keys in proportion to their weights. Where one
 * key dominates its slot (the usual hot key) the result is close to that key's exact cost; keys with no weight get
 * nothing, and a slot whose keys all weigh nothing attributes nothing.
 */
export function attributeSlots(slots: HotSlot[], keys: WeightedKey[]): AttributedKey[] {
  const totals = new Map<number, number>();
  for (const k of keys) totals.set(k.slot, (totals.get(k.slot) ?? 0) + k.weight);
  const bySlot = new Map(slots.map((s) => [s.slot, s]));
  const out: AttributedKey[] = [];
  for (const k of keys) {
    const s = bySlot.get(k.slot);
    const total = totals.get(k.slot) ?? 0;
    if (!s || total <= 0 || k.weight <= 0) continue;
    const share = k.weight / total;
    out.push({ ...k, slotShare: share, cpuUsec: s.cpuUsec * share, netBytes: (s.netIn + s.netOut) * share });
  }
  return out;
}
