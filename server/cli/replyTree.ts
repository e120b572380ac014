// Turns a raw ioredis reply (callBuffer, RESP2) into the CLI's typed tree, binary-safe and bounded in size.
//
// Why RESP2: ioredis 6 can speak RESP3 (protocol: 3) but hands back no types: with replyMapping 'resp3' a map is a
// plain object with string keys (binary field names are lost), a set is an array, a double is a number like an
// integer, and simple, bulk and verbatim strings are all Buffers. Rendering those as RESP3 types would be guessing,
// so the CLI renders RESP2 faithfully instead: bulk strings (simple strings cannot be told apart from them here),
// integers, nil, arrays (nested), and errors (top level or inside an array, e.g. from a script).

export type ReplyNode =
  | { t: 'bulk'; v: Buffer }
  | { t: 'int'; v: number }
  | { t: 'nil' }
  | { t: 'error'; v: string }
  /** more: elements left out past the size limit. */
  | { t: 'array'; items: ReplyNode[]; more?: number };

export interface TreeLimits {
  /** Elements kept in all arrays together; the rest are counted in `more`. */
  maxItems: number;
}

export const defaultTreeLimits: TreeLimits = { maxItems: 10_000 };

export function replyTree(reply: unknown, limits: TreeLimits = defaultTreeLimits): ReplyNode {
  let budget = limits.maxItems;
  const walk = (v: unknown): ReplyNode => {
    if (v === null || v === undefined) return { t: 'nil' };
    if (Buffer.isBuffer(v)) return { t: 'bulk', v };
    if (v instanceof Uint8Array) return { t: 'bulk', v: Buffer.from(v) };
    if (typeof v === 'string') return { t: 'bulk', v: Buffer.from(v) };
    if (typeof v === 'number') return { t: 'int', v };
    if (typeof v === 'bigint') return { t: 'int', v: Number(v) };
    if (v instanceof Error) return { t: 'error', v: v.message };
    if (Array.isArray(v)) {
      const keep = Math.max(0, Math.min(v.length, budget));
      budget -= keep;
      const items = v.slice(0, keep).map(walk);
      return keep < v.length ? { t: 'array', items, more: v.length - keep } : { t: 'array', items };
    }
    return { t: 'bulk', v: Buffer.from(String(v)) };
  };
  return walk(reply);
}
