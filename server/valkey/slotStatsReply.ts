// Parses CLUSTER SLOT-STATS replies (Valkey 8.0+, Redis 8.2+): one entry per slot with its counters.

/** The counters Skyscope keeps per slot; cpu and network are cumulative, keys is the current key count. */
export interface SlotStatsReply {
  slots: number[];
  keys: number[];
  /** null when the server did not report the field (cluster-slot-stats-enabled is off). */
  cpuUsec: number[] | null;
  netIn: number[] | null;
  netOut: number[] | null;
}

const fields = { 'key-count': 'keys', 'cpu-usec': 'cpuUsec', 'network-bytes-in': 'netIn', 'network-bytes-out': 'netOut' } as const;

/**
 * The reply is [[slot, [name, value, name, value, ...]], ...] (a map per slot under RESP3). Unknown fields
 * (Redis 8's memory-bytes) are ignored. A counter is kept only if every entry carries it, so one array index
 * always means the same slot in every column.
 */
export function parseSlotStats(reply: unknown): SlotStatsReply {
  if (!Array.isArray(reply)) throw new Error(`CLUSTER SLOT-STATS: expected an array, got ${typeof reply}`);
  const out = { slots: [] as number[], keys: [] as number[], cpuUsec: [] as number[], netIn: [] as number[], netOut: [] as number[] };
  const seen = { keys: 0, cpuUsec: 0, netIn: 0, netOut: 0 };
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 2) throw new Error('CLUSTER SLOT-STATS: malformed entry');
    const slot = Number(entry[0]);
    if (!Number.isInteger(slot) || slot < 0 || slot > 16383) throw new Error(`CLUSTER SLOT-STATS: bad slot ${String(entry[0])}`);
    const i = out.slots.length;
    out.slots.push(slot);
    for (const [name, value] of pairs(entry[1])) {
      const key = fields[name as keyof typeof fields];
      if (!key) continue;
      const n = Number(value);
      if (!Number.isFinite(n)) continue;
      out[key][i] = n;
      seen[key]++;
    }
  }
  const n = out.slots.length;
  const full = (k: keyof typeof seen) => (seen[k] === n ? out[k] : null);
  return { slots: out.slots, keys: full('keys') ?? out.slots.map((_, i) => out.keys[i] ?? 0), cpuUsec: full('cpuUsec'), netIn: full('netIn'), netOut: full('netOut') };
}

function pairs(stats: unknown): [string, unknown][] {
  if (stats instanceof Map) return [...stats].map(([k, v]) => [String(k), v]);
  if (Array.isArray(stats)) {
    const out: [string, unknown][] = [];
    for (let i = 0; i + 1 < stats.length; i += 2) out.push([String(stats[i]), stats[i + 1]]);
    return out;
  }
  if (stats && typeof stats === 'object') return Object.entries(stats);
  throw new Error('CLUSTER SLOT-STATS: malformed slot statistics');
}
