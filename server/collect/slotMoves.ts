// Compares slot ownership between two topology readings and names the slots that changed shard.

/** Who serves a set of slots: the primary's address and every address in its shard (primary included). */
export interface SlotOwnership {
  owner: string;
  members: string[];
  slots: [number, number][];
}

export interface SlotMove {
  /** Inclusive ranges, ascending. */
  slots: [number, number][];
  from: string | null;
  to: string | null;
  count: number;
}

export const slotCount = 16384;

function ownersBySlot(shards: SlotOwnership[]): { owner: (string | null)[]; shardOf: Map<string, Set<string>> } {
  const owner: (string | null)[] = new Array(slotCount).fill(null);
  const shardOf = new Map<string, Set<string>>();
  for (const s of shards) {
    const members = new Set([s.owner, ...s.members]);
    for (const m of members) shardOf.set(m, members);
    for (const [a, b] of s.slots) for (let i = Math.max(0, a); i <= Math.min(slotCount - 1, b); i++) owner[i] = s.owner;
  }
  return { owner, shardOf };
}

/**
 * Slots whose owner changed, grouped by (from, to) into ranges. A new owner from the same shard as the
 * old one (a replica promoted by a failover) is not a move: the data did not go anywhere, and failover
 * events already tell that story.
 */
export function slotMoves(before: SlotOwnership[], after: SlotOwnership[]): SlotMove[] {
  const b = ownersBySlot(before);
  const a = ownersBySlot(after);
  const moves = new Map<string, SlotMove>();
  for (let slot = 0; slot < slotCount; slot++) {
    const from = b.owner[slot]!;
    const to = a.owner[slot]!;
    if (from === to) continue;
    if (from !== null && to !== null && (b.shardOf.get(from)?.has(to) || a.shardOf.get(to)?.has(from))) continue;
    const key = `${from ?? ''}>${to ?? ''}`;
    let m = moves.get(key);
    if (!m) moves.set(key, (m = { slots: [], from, to, count: 0 }));
    const last = m.slots[m.slots.length - 1];
    if (last && last[1] === slot - 1) last[1] = slot;
    else m.slots.push([slot, slot]);
    m.count++;
  }
  return [...moves.values()].sort((x, y) => x.slots[0]![0] - y.slots[0]![0]);
}
