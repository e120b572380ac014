// Parses CLUSTER SLOT-STATS replies (Valkey 8.0+, Redis 8.2+): one entry per slot with its counters.
import { RespReader } from './respReader.ts';

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
type Column = (typeof fields)[keyof typeof fields];
const fieldNames = Object.keys(fields).map((name) => Buffer.from(name, 'latin1'));
const fieldColumns = Object.values(fields);

/**
 * The reply is [[slot, [name, value, name, value, ...]], ...] (a map per slot under RESP3). Unknown fields
 * (Redis 8's memory-bytes) are ignored. A counter is kept only if every entry carries it, so one array index
 * always means the same slot in every column.
 */
export function parseSlotStats(reply: unknown): SlotStatsReply {
  if (!Array.isArray(reply)) throw new Error(`CLUSTER SLOT-STATS: expected an array, got ${typeof reply}`);
  const out = new Columns();
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 2) throw new Error('CLUSTER SLOT-STATS: malformed entry');
    const i = out.addSlot(Number(entry[0]));
    for (const [name, value] of pairs(entry[1])) {
      const key = fields[name as keyof typeof fields];
      if (key) out.set(key, i, Number(value));
    }
  }
  return out.reply();
}

/**
 * The same from the reply's raw bytes, RESP2 or RESP3 (see respReader.ts): what the collector polls every 10 s
 * from each primary, read without building the reply tree. An error reply is thrown as an Error with its message.
 */
export function parseSlotStatsBytes(bytes: Uint8Array): SlotStatsReply {
  const r = new RespReader(bytes);
  const error = r.error();
  if (error !== undefined) throw new Error(error);
  const out = new Columns();
  const entries = r.aggregate('CLUSTER SLOT-STATS');
  for (let e = 0; e < entries; e++) {
    if (r.aggregate('CLUSTER SLOT-STATS entry') < 2) throw new Error('CLUSTER SLOT-STATS: malformed entry');
    const i = out.addSlot(r.number('CLUSTER SLOT-STATS slot'));
    const items = r.aggregate('CLUSTER SLOT-STATS statistics');
    for (let k = 0; k + 1 < items; k += 2) {
      const f = r.oneOf(fieldNames, 'CLUSTER SLOT-STATS field');
      if (f < 0) r.skip();
      else out.set(fieldColumns[f]!, i, r.number('CLUSTER SLOT-STATS value'));
    }
    if (items % 2 === 1) r.skip();
  }
  return out.reply();
}

/** The columns being filled, one index per slot entry. */
class Columns {
  readonly slots: number[] = [];
  private readonly cols: Record<Column, number[]> = { keys: [], cpuUsec: [], netIn: [], netOut: [] };
  private readonly seen: Record<Column, number> = { keys: 0, cpuUsec: 0, netIn: 0, netOut: 0 };

  addSlot(slot: number): number {
    if (!Number.isInteger(slot) || slot < 0 || slot > 16383) throw new Error(`CLUSTER SLOT-STATS: bad slot ${String(slot)}`);
    return this.slots.push(slot) - 1;
  }

  set(col: Column, i: number, value: number): void {
    if (!Number.isFinite(value)) return;
    this.cols[col][i] = value;
    this.seen[col]++;
  }

  reply(): SlotStatsReply {
    const n = this.slots.length;
    const full = (k: Column) => (this.seen[k] === n ? this.cols[k] : null);
    return { slots: this.slots, keys: full('keys') ?? this.slots.map((_, i) => this.cols.keys[i] ?? 0), cpuUsec: full('cpuUsec'), netIn: full('netIn'), netOut: full('netOut') };
  }
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
