// Parses the reply of CLUSTER SHARDS (Valkey 7.2+, Redis 7.0+) into shards with their slots and nodes.

export interface ShardNode {
  id: string;
  /** The ip field (what the node announces on the bus); '' when the node has none yet. */
  ip: string;
  /** Plain-text port; the TLS port when the node only serves TLS. */
  port: number;
  endpoint?: string;
  hostname?: string;
  role: 'primary' | 'replica';
  replicationOffset: number | null;
  /** online | loading | fail, as the answering node sees it. */
  health: string | null;
}

export interface ShardEntry {
  /** Shard id; of the captured flavors only Valkey 9 sends it. */
  id?: string;
  /** Inclusive slot ranges, ascending. */
  slots: [number, number][];
  nodes: ShardNode[];
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(String(v));
  return Number.isFinite(n) ? n : null;
};

/** RESP2 replies are flat [key, value, key, value, ...] lists; RESP3 ones are maps. Both become a Map. */
function fields(v: unknown): Map<string, unknown> {
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [text(k), x]));
  const out = new Map<string, unknown>();
  if (!Array.isArray(v)) return out;
  for (let i = 0; i + 1 < v.length; i += 2) out.set(text(v[i]), v[i + 1]);
  return out;
}

export function parseClusterShards(reply: unknown): ShardEntry[] {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SHARDS: expected an array');
  return reply.map((raw) => {
    const f = fields(raw);
    const flat = Array.isArray(f.get('slots')) ? (f.get('slots') as unknown[]).map(num) : [];
    const slots: [number, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [a, b] = [flat[i], flat[i + 1]];
      if (a !== null && b !== null && a !== undefined && b !== undefined) slots.push([a, b]);
    }
    slots.sort((x, y) => x[0] - y[0]);
    const nodes = (Array.isArray(f.get('nodes')) ? (f.get('nodes') as unknown[]) : []).map((n): ShardNode => {
      const nf = fields(n);
      const endpoint = text(nf.get('endpoint'));
      const hostname = text(nf.get('hostname'));
      return {
        id: text(nf.get('id')),
        ip: text(nf.get('ip')),
        port: num(nf.get('port')) ?? num(nf.get('tls-port')) ?? 0,
        endpoint: endpoint && endpoint !== '?' ? endpoint : undefined,
        hostname: hostname || undefined,
        // Servers say "master"; Skyscope says primary everywhere.
        role: text(nf.get('role')) === 'master' ? 'primary' : 'replica',
        replicationOffset: num(nf.get('replication-offset')),
        health: nf.has('health') ? text(nf.get('health')) : null,
      };
    });
    const id = text(f.get('id'));
    return { ...(id ? { id } : {}), slots, nodes };
  });
}
