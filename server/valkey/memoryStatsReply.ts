// Parses the MEMORY STATS reply (a flat key/value array, with nested arrays for db.N) into named numbers.

/** Flattens nested entries as "db.0.overhead.hashtable.main"; drops non-numeric values. */
export function parseMemoryStats(reply: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  flatten(reply, '', out);
  return out;
}

function flatten(reply: unknown, prefix: string, out: Record<string, number>): void {
  if (!Array.isArray(reply)) return;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const key = prefix + String(reply[i]);
    const value = reply[i + 1];
    if (Array.isArray(value)) {
      flatten(value, `${key}.`, out);
      continue;
    }
    const n = typeof value === 'number' ? value : Number(value);
    if (value !== null && value !== '' && Number.isFinite(n)) out[key] = n;
  }
}

/** MEMORY STATS mixes bytes with ratios, percentages and counts (keys.count, db.dict.rehashing.count); the rest are bytes. */
export function isByteStat(name: string): boolean {
  return !(name.includes('ratio') || name.includes('percentage') || name === 'fragmentation' || name.endsWith('.count'));
}
