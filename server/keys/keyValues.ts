// A key's details (type, encoding, TTL, memory, LFU/idle, slot, length) and its value a page at a time, by type.
import { blobJson, keyBlob, type BlobJson } from './blobs.ts';
import { KeyError, str, type KeyNodes } from './keyNodes.ts';

export interface PageParams {
  /** HSCAN/SSCAN/ZSCAN cursor, or the XRANGE start id. */
  cursor?: string;
  /** Elements per page (1..1000). */
  count: number;
  /** First list index or string byte. */
  offset: number;
  /** String window in bytes. */
  bytes: number;
}

export const defaultPage: PageParams = { count: 100, offset: 0, bytes: 64 * 1024 };
export const maxPageBytes = 1024 * 1024;
export const maxPageCount = 1000;

export type ValuePage =
  | { kind: 'string'; value: BlobJson; offset: number; bytes: number; total: number }
  | { kind: 'hash'; entries: { field: BlobJson; value: BlobJson }[]; cursor: string | null }
  | { kind: 'set'; members: BlobJson[]; cursor: string | null }
  | { kind: 'zset'; entries: { member: BlobJson; score: number | string }[]; cursor: string | null }
  | { kind: 'list'; items: { index: number; value: BlobJson }[]; next: number | null }
  | { kind: 'stream'; entries: { id: string; fields: { field: BlobJson; value: BlobJson }[] }[]; next: string | null }
  | { kind: 'json'; value: string; bytes: number; truncated: boolean }
  | { kind: 'unsupported'; type: string };

export interface KeyDetails {
  key: BlobJson;
  node: string;
  slot: number | null;
  type: string;
  encoding: string | null;
  ttlMs: number | null;
  memoryBytes: number | null;
  freq?: number;
  idleS?: number;
  length: number | null;
  module?: string;
  value: ValuePage;
}

const coreTypes = new Set(['string', 'hash', 'list', 'set', 'zset', 'stream']);
export const jsonType = 'ReJSON-RL';

const lengthCommand: Record<string, string> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };

const ok = <T>(r: [Error | null, unknown] | undefined, as: (v: unknown) => T): T | null => (r && !r[0] && r[1] !== null ? as(r[1]) : null);

/** Where a key lives: the node asked for, or its owner. */
export function placeOf(nodes: KeyNodes, key: Buffer, node?: string): { node: string; slot: number | null } {
  const owner = nodes.ownerOf(key);
  return node ? { node: nodes.checkNode(node), slot: owner.slot } : owner;
}

export async function keyDetails(nodes: KeyNodes, key: Buffer, node: string | undefined, page: PageParams): Promise<KeyDetails> {
  const place = placeOf(nodes, key, node);
  const first = await nodes.pipeline(place.node, [['TYPE', key], ['OBJECT', 'ENCODING', key], ['PTTL', key], ['MEMORY', 'USAGE', key], ['CONFIG', 'GET', 'maxmemory-policy']]);
  const [typeR, encR, ttlR, memR, policyR] = first.replies;
  if (typeR?.[0]) throw typeR[0];
  const type = str(typeR?.[1]);
  if (type === 'none') throw new KeyError('no_such_key', `no key ${keyBlob(key).text} on ${first.node}`);
  const policy = ok(policyR, (v) => (Array.isArray(v) ? str(v[1]) : '')) ?? '';
  // OBJECT FREQ answers only under an LFU policy and IDLETIME only otherwise; unknown policy (CONFIG refused): IDLETIME, errors tolerated.
  const lfu = policy.includes('lfu');
  const lenCmd = type === jsonType ? null : lengthCommand[type] ? [lengthCommand[type]!, key] : null;
  const second = await nodes.pipeline(first.node, [lfu ? ['OBJECT', 'FREQ', key] : ['OBJECT', 'IDLETIME', key], ...(lenCmd ? [lenCmd] : [])]);
  const [objR, lenR] = second.replies;
  const ttl = ok(ttlR, Number);
  const details: KeyDetails = {
    key: keyBlob(key),
    node: first.node,
    slot: place.slot,
    type,
    encoding: ok(encR, str),
    ttlMs: ttl === null || ttl < 0 ? null : ttl,
    memoryBytes: ok(memR, Number),
    length: lenCmd ? ok(lenR, Number) : null,
    value: { kind: 'unsupported', type },
  };
  const obj = ok(objR, Number);
  if (obj !== null) {
    if (lfu) details.freq = obj;
    else details.idleS = obj;
  }
  if (!coreTypes.has(type)) details.module = type;
  details.value = await valuePage(nodes, key, first.node, type, page);
  return details;
}

/** One page of the value; `type` is TYPE's answer (read again when absent). */
export async function valuePage(nodes: KeyNodes, key: Buffer, node: string, type: string | undefined, p: PageParams): Promise<ValuePage> {
  if (type === undefined) {
    type = str((await nodes.call(node, ['TYPE', key])).reply);
    if (type === 'none') throw new KeyError('no_such_key', `no key ${keyBlob(key).text} on ${node}`);
  }
  const count = String(p.count);
  const scanCursor = p.cursor ?? '0';
  switch (type) {
    case 'string': {
      const { replies } = await nodes.pipeline(node, [['GETRANGE', key, String(p.offset), String(p.offset + p.bytes - 1)], ['STRLEN', key]]);
      const [win, len] = replies.map(([e, v]) => {
        if (e) throw e;
        return v;
      }) as [Buffer, number];
      const value = blobJson(win, p.bytes, win.length);
      value.bytes = win.length;
      value.truncated = p.offset > 0 || p.offset + win.length < len;
      return { kind: 'string', value, offset: p.offset, bytes: win.length, total: len };
    }
    case 'hash': {
      const [next, flat] = (await nodes.call(node, ['HSCAN', key, scanCursor, 'COUNT', count])).reply as [Buffer, Buffer[]];
      const entries = [];
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ field: keyBlob(flat[i]!), value: blobJson(flat[i + 1]!) });
      return { kind: 'hash', entries, cursor: str(next) === '0' ? null : str(next) };
    }
    case 'set': {
      const [next, members] = (await nodes.call(node, ['SSCAN', key, scanCursor, 'COUNT', count])).reply as [Buffer, Buffer[]];
      return { kind: 'set', members: members.map((m) => keyBlob(m)), cursor: str(next) === '0' ? null : str(next) };
    }
    case 'zset': {
      const [next, flat] = (await nodes.call(node, ['ZSCAN', key, scanCursor, 'COUNT', count])).reply as [Buffer, Buffer[]];
      const entries = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const score = Number(str(flat[i + 1]));
        // JSON has no infinities: those stay text ("inf", "-inf").
        entries.push({ member: keyBlob(flat[i]!), score: Number.isFinite(score) ? score : str(flat[i + 1]) });
      }
      return { kind: 'zset', entries, cursor: str(next) === '0' ? null : str(next) };
    }
    case 'list': {
      const { replies } = await nodes.pipeline(node, [['LRANGE', key, String(p.offset), String(p.offset + p.count - 1)], ['LLEN', key]]);
      if (replies[0]?.[0]) throw replies[0][0];
      const items = (replies[0]![1] as Buffer[]).map((v, i) => ({ index: p.offset + i, value: blobJson(v) }));
      const len = Number(replies[1]?.[1] ?? 0);
      return { kind: 'list', items, next: p.offset + items.length < len ? p.offset + items.length : null };
    }
    case 'stream': {
      const start = p.cursor ?? '-';
      const reply = (await nodes.call(node, ['XRANGE', key, start, '+', 'COUNT', count])).reply as [Buffer, Buffer[]][];
      const entries = reply.map(([id, flat]) => {
        const fields = [];
        for (let i = 0; i + 1 < flat.length; i += 2) fields.push({ field: keyBlob(flat[i]!), value: blobJson(flat[i + 1]!) });
        return { id: str(id), fields };
      });
      // "(" makes the next start exclusive (Redis 6.2+ / every Valkey).
      return { kind: 'stream', entries, next: entries.length === p.count ? `(${entries.at(-1)!.id}` : null };
    }
    case jsonType: {
      const text = (await nodes.call(node, ['JSON.GET', key])).reply as Buffer;
      return { kind: 'json', value: text.subarray(0, p.bytes).toString('utf8'), bytes: text.length, truncated: text.length > p.bytes };
    }
    default:
      return { kind: 'unsupported', type };
  }
}
