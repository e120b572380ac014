// Phase 1 of the two-phase method: which slots are hot, from two CLUSTER SLOT-STATS snapshots, on every dimension.
import { counterDelta } from '../collect/slotCounters.ts';
import type { SlotStatsReply } from '../valkey/slotStatsReply.ts';

/** A slot's activity between two snapshots: cpu and network are counter deltas, keys the change in key count. */
export interface SlotDelta {
  slot: number;
  cpuUsec: number;
  netIn: number;
  netOut: number;
  keysDelta: number;
  /** Key count at the second snapshot (how much phase 2 would read). */
  keys: number;
}

export type SlotDimension = 'cpu' | 'net_in' | 'net_out' | 'keys';
export const slotDimensions: readonly SlotDimension[] = ['cpu', 'net_in', 'net_out', 'keys'];

export interface HotSlot extends SlotDelta {
  node: string;
  /** The slot's activity over the node's mean slot activity, on the dimension where that is highest. */
  score: number;
  /** That dimension. */
  dimension: SlotDimension;
}

/**
 * Below these rates (per second of the window) a slot is not hot whatever its share: a cold cluster, or one whose
 * only traffic is a few stray commands, has no hot slots and so no hot keys. A key read 5 times a second costs about
 * this much; set low on purpose, because on a lightly loaded cluster the 100th hottest key may see only tens of
 * commands a second, and the relative test (overMean) is what keeps evenly spread load from looking hot.
 */
export interface NoiseFloor {
  cpuUsecPerS: number;
  netBytesPerS: number;
  keysPerS: number;
  /** A slot must also be this many times the node's mean slot on that dimension: uniform load has no hot slots. */
  overMean: number;
}

export const defaultNoiseFloor: NoiseFloor = { cpuUsecPerS: 5, netBytesPerS: 250, keysPerS: 1, overMean: 2 };

/** Per-slot deltas between two snapshots of one node; slots missing from either (moved, not owned) are left out. */
export function slotDeltas(before: SlotStatsReply, after: SlotStatsReply): SlotDelta[] {
  if (!after.cpuUsec || !after.netIn || !after.netOut || !before.cpuUsec || !before.netIn || !before.netOut) {
    throw new Error('CLUSTER SLOT-STATS has no cpu-usec or network counters: cluster-slot-stats-enabled is off');
  }
  const index = new Map<number, number>();
  before.slots.forEach((slot, i) => index.set(slot, i));
  const out: SlotDelta[] = [];
  after.slots.forEach((slot, j) => {
    const i = index.get(slot);
    if (i === undefined) return;
    out.push({
      slot,
      cpuUsec: counterDelta(before.cpuUsec![i]!, after.cpuUsec![j]!),
      netIn: counterDelta(before.netIn![i]!, after.netIn![j]!),
      netOut: counterDelta(before.netOut![i]!, after.netOut![j]!),
      keysDelta: after.keys[j]! - before.keys[i]!,
      keys: after.keys[j]!,
    });
  });
  return out;
}

const valueOf: Record<SlotDimension, (d: SlotDelta) => number> = {
  cpu: (d) => d.cpuUsec,
  net_in: (d) => d.netIn,
  net_out: (d) => d.netOut,
  keys: (d) => Math.abs(d.keysDelta),
};

/**
 * The hot slots of a cluster, hottest first, at most `maxSlots`. Each dimension nominates the slots above the noise
 * floor and above `overMean` times its node's mean slot; slots are taken round-robin from the dimensions' rankings so
 * a slot that is hot only in network bytes out (big replies) is not crowded out by CPU. The mean is over the slots
 * the node owns, so a node with a few busy slots among many idle ones shows them.
 */
export function rankHotSlots(perNode: { node: string; deltas: SlotDelta[] }[], windowMs: number, maxSlots: number, floor: NoiseFloor = defaultNoiseFloor): HotSlot[] {
  const seconds = Math.max(windowMs, 1) / 1000;
  const absolute: Record<SlotDimension, number> = {
    cpu: floor.cpuUsecPerS * seconds,
    net_in: floor.netBytesPerS * seconds,
    net_out: floor.netBytesPerS * seconds,
    keys: floor.keysPerS * seconds,
  };
  const rankings = slotDimensions.map((dimension) => {
    const candidates: HotSlot[] = [];
    for (const { node, deltas } of perNode) {
      if (deltas.length === 0) continue;
      const mean = deltas.reduce((s, d) => s + valueOf[dimension](d), 0) / deltas.length;
      for (const d of deltas) {
        const v = valueOf[dimension](d);
        if (v < absolute[dimension] || v < floor.overMean * mean) continue;
        candidates.push({ ...d, node, score: v / mean, dimension });
      }
    }
    // Within a dimension the biggest absolute value first: slots on different nodes compare in real units.
    return candidates.sort((a, b) => valueOf[dimension](b) - valueOf[dimension](a) || a.slot - b.slot);
  });
  const chosen = new Map<number, HotSlot>();
  for (let i = 0; chosen.size < maxSlots; i++) {
    let any = false;
    for (const ranking of rankings) {
      const s = ranking[i];
      if (!s) continue;
      any = true;
      if (!chosen.has(s.slot) && chosen.size < maxSlots) chosen.set(s.slot, s);
    }
    if (!any) break;
  }
  return [...chosen.values()];
}
