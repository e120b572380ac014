// Writes from the key browser: create, rename, TTL, one change to a value, delete; each one audited, success or not.
import { keySlot } from '../valkey/keySlot.ts';
import { blobInput, BlobInputError, keyBlob } from './blobs.ts';
import { KeyError, str, type KeyNodes } from './keyNodes.ts';
import { placeOf } from './keyValues.ts';

/** What the audit table records (store.recordAudit); values are never recorded, only commands, keys and fields. */
export interface AuditEntry {
  source: 'browser' | 'bulk';
  /** host:port; null when the write reached no node. */
  node: string | null;
  command: string;
  target: string;
  ok: boolean;
  error?: string | null;
}

export type Audit = (e: AuditEntry) => unknown;

export const createTypes = ['string', 'hash', 'list', 'set', 'zset', 'stream', 'json'] as const;
export const editOps = ['set', 'hset', 'hdel', 'lset', 'rpush', 'lpush', 'lrem', 'sadd', 'srem', 'zadd', 'zrem', 'xadd', 'xdel', 'json_set'] as const;
export type EditOp = (typeof editOps)[number];

type Args = (string | Buffer)[];

export class KeyEdits {
  constructor(
    private readonly nodes: KeyNodes,
    private readonly audit: Audit,
  ) {}

  /** Sends one write, records it, and turns server refusals into KeyErrors. `shown` is the audited command (no values). */
  private async write(node: string, args: Args, shown: string, key: Buffer): Promise<{ reply: unknown; node: string }> {
    const target = keyBlob(key).text;
    try {
      const r = await this.nodes.call(node, args);
      this.audit({ source: 'browser', node: r.node, command: shown, target, ok: true });
      return r;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.audit({ source: 'browser', node, command: shown, target, ok: false, error: msg });
      if (/^WRONGTYPE/.test(msg)) throw new KeyError('wrong_type', msg);
      if (/^(ERR|CROSSSLOT|MOVED|ASK|NOPERM|OOM|READONLY)/.test(msg)) throw new KeyError('server_error', msg);
      throw e;
    }
  }

  private async exists(node: string, key: Buffer): Promise<boolean> {
    return Number((await this.nodes.call(node, ['EXISTS', key])).reply) === 1;
  }

  async create(body: Record<string, unknown>): Promise<{ node: string }> {
    const key = blobInput('key', body['key'], false);
    const type = String(body['type']);
    if (!(createTypes as readonly string[]).includes(type)) throw new BlobInputError('type', `must be one of ${createTypes.join(', ')}`);
    const ttlS = body['ttlS'];
    if (ttlS !== undefined && ttlS !== null && (typeof ttlS !== 'number' || !Number.isInteger(ttlS) || ttlS < 1)) throw new BlobInputError('ttlS', 'must be a whole number of seconds (at least 1) or null');
    const v = body['value'];
    const list = (what: string): unknown[] => {
      if (!Array.isArray(v) || v.length === 0) throw new BlobInputError('value', `must be a non-empty array of ${what} for a ${type}`);
      return v;
    };
    const pairs = (a: string, b: string) =>
      list(`{${a}, ${b}}`).flatMap((x, i) => {
        const o = (x ?? {}) as Record<string, unknown>;
        return [blobInput(`value[${i}].${a}`, o[a]), blobInput(`value[${i}].${b}`, o[b])];
      });
    let args: Args;
    switch (type) {
      case 'string':
        args = ['SET', key, blobInput('value', v), 'NX'];
        if (typeof ttlS === 'number') args.push('EX', String(ttlS));
        break;
      case 'hash':
        args = ['HSET', key, ...pairs('field', 'value')];
        break;
      case 'list':
        args = ['RPUSH', key, ...list('values').map((x, i) => blobInput(`value[${i}]`, x))];
        break;
      case 'set':
        args = ['SADD', key, ...list('members').map((x, i) => blobInput(`value[${i}]`, x))];
        break;
      case 'zset':
        args = ['ZADD', key, ...list('{member, score}').flatMap((x, i) => [scoreOf(`value[${i}].score`, (x as Record<string, unknown>)?.['score']), blobInput(`value[${i}].member`, (x as Record<string, unknown>)?.['member'])])];
        break;
      case 'stream':
        args = ['XADD', key, '*', ...pairs('field', 'value')];
        break;
      default:
        if (typeof v !== 'string') throw new BlobInputError('value', 'must be JSON text for a json key');
        args = ['JSON.SET', key, '$', v, 'NX'];
    }
    const { node } = placeOf(this.nodes, key);
    // Only SET and JSON.SET can refuse an existing key themselves; for the others ask first (a race with another
    // writer would add to that key, never delete anything).
    if (type !== 'string' && type !== 'json' && (await this.exists(node, key))) throw new KeyError('exists', `key ${keyBlob(key).text} exists`);
    const r = await this.write(node, args, `${String(args[0])} ${keyBlob(key).text}`, key);
    if (r.reply === null) throw new KeyError('exists', `key ${keyBlob(key).text} exists`);
    if (typeof ttlS === 'number' && type !== 'string') await this.write(r.node, ['EXPIRE', key, String(ttlS)], `EXPIRE ${keyBlob(key).text} ${ttlS}`, key);
    return { node: r.node };
  }

  async rename(body: Record<string, unknown>): Promise<{ node: string }> {
    const key = blobInput('key', body['key'], false);
    const newKey = blobInput('newKey', body['newKey'], false);
    const { node } = placeOf(this.nodes, key, optionalNode(body));
    if (this.nodes.clustered() && keySlot(key) !== keySlot(newKey)) {
      throw new KeyError('cross_slot', `newKey: hashes to slot ${keySlot(newKey)}, not ${keySlot(key)}: a cluster cannot rename across slots (use a {hash tag})`);
    }
    if (!(await this.exists(node, key))) throw new KeyError('no_such_key', `no key ${keyBlob(key).text}`);
    const r = await this.write(node, ['RENAMENX', key, newKey], `RENAMENX ${keyBlob(key).text} ${keyBlob(newKey).text}`, key);
    if (Number(r.reply) === 0) throw new KeyError('exists', `newKey: ${keyBlob(newKey).text} exists`);
    return { node: r.node };
  }

  async ttl(body: Record<string, unknown>): Promise<{ node: string }> {
    const key = blobInput('key', body['key'], false);
    const ttlS = body['ttlS'];
    if (ttlS !== null && (typeof ttlS !== 'number' || !Number.isInteger(ttlS) || ttlS < 1)) throw new BlobInputError('ttlS', 'must be a whole number of seconds (at least 1), or null to remove the TTL');
    const { node } = placeOf(this.nodes, key, optionalNode(body));
    if (!(await this.exists(node, key))) throw new KeyError('no_such_key', `no key ${keyBlob(key).text}`);
    const args: Args = ttlS === null ? ['PERSIST', key] : ['EXPIRE', key, String(ttlS)];
    const r = await this.write(node, args, ttlS === null ? `PERSIST ${keyBlob(key).text}` : `EXPIRE ${keyBlob(key).text} ${ttlS}`, key);
    return { node: r.node };
  }

  async edit(body: Record<string, unknown>): Promise<{ node: string; reply: unknown }> {
    const key = blobInput('key', body['key'], false);
    const op = String(body['op']) as EditOp;
    if (!editOps.includes(op)) throw new BlobInputError('op', `must be one of ${editOps.join(', ')}`);
    const { node } = placeOf(this.nodes, key, optionalNode(body));
    const b = (name: string) => blobInput(name, body[name]);
    const k = keyBlob(key).text;
    let args: Args;
    let shown: string;
    switch (op) {
      case 'set':
        // KEEPTTL: changing the value must not drop the key's expiry.
        [args, shown] = [['SET', key, b('value'), 'XX', 'KEEPTTL'], `SET ${k}`];
        break;
      case 'hset':
        [args, shown] = [['HSET', key, b('field'), b('value')], `HSET ${k} ${keyBlob(b('field')).text}`];
        break;
      case 'hdel':
        [args, shown] = [['HDEL', key, b('field')], `HDEL ${k} ${keyBlob(b('field')).text}`];
        break;
      case 'lset': {
        const index = body['index'];
        if (typeof index !== 'number' || !Number.isInteger(index)) throw new BlobInputError('index', 'must be a whole number');
        [args, shown] = [['LSET', key, String(index), b('value')], `LSET ${k} ${index}`];
        break;
      }
      case 'rpush':
      case 'lpush':
        [args, shown] = [[op.toUpperCase(), key, b('value')], `${op.toUpperCase()} ${k}`];
        break;
      case 'lrem': {
        const count = body['count'] ?? 1;
        if (typeof count !== 'number' || !Number.isInteger(count)) throw new BlobInputError('count', 'must be a whole number (0 removes every match)');
        [args, shown] = [['LREM', key, String(count), b('value')], `LREM ${k} ${count}`];
        break;
      }
      case 'sadd':
      case 'srem':
      case 'zrem':
        [args, shown] = [[op.toUpperCase(), key, b('member')], `${op.toUpperCase()} ${k} ${keyBlob(b('member')).text}`];
        break;
      case 'zadd':
        [args, shown] = [['ZADD', key, scoreOf('score', body['score']), b('member')], `ZADD ${k} ${keyBlob(b('member')).text}`];
        break;
      case 'xadd': {
        const fields = body['fields'];
        if (!Array.isArray(fields) || fields.length === 0) throw new BlobInputError('fields', 'must be a non-empty array of {field, value}');
        const id = body['id'] === undefined ? '*' : String(body['id']);
        const flat = fields.flatMap((x, i) => [blobInput(`fields[${i}].field`, (x as Record<string, unknown>)?.['field']), blobInput(`fields[${i}].value`, (x as Record<string, unknown>)?.['value'])]);
        [args, shown] = [['XADD', key, id, ...flat], `XADD ${k} ${id}`];
        break;
      }
      case 'xdel':
        [args, shown] = [['XDEL', key, String(body['id'])], `XDEL ${k} ${String(body['id'])}`];
        break;
      case 'json_set': {
        const path = body['path'] === undefined ? '$' : String(body['path']);
        if (typeof body['value'] !== 'string') throw new BlobInputError('value', 'must be JSON text');
        [args, shown] = [['JSON.SET', key, path, body['value'] as string], `JSON.SET ${k} ${path}`];
        break;
      }
    }
    // Edits change existing values; creating a key is POST /api/keys (and its type is checked by the server: WRONGTYPE).
    if (!(await this.exists(node, key))) throw new KeyError('no_such_key', `no key ${k}`);
    const r = await this.write(node, args, shown, key);
    return { node: r.node, reply: Buffer.isBuffer(r.reply) ? str(r.reply) : r.reply };
  }

  async delete(key: Buffer, node?: string): Promise<{ node: string }> {
    const place = placeOf(this.nodes, key, node);
    const r = await this.write(place.node, ['UNLINK', key], `UNLINK ${keyBlob(key).text}`, key);
    if (Number(r.reply) === 0) throw new KeyError('no_such_key', `no key ${keyBlob(key).text}`);
    return { node: r.node };
  }
}

function optionalNode(body: Record<string, unknown>): string | undefined {
  const n = body['node'];
  if (n === undefined || n === null || n === '') return undefined;
  if (typeof n !== 'string') throw new BlobInputError('node', 'must be a node address like 127.0.0.1:6379');
  return n;
}

function scoreOf(name: string, v: unknown): string {
  if (typeof v === 'number' && !Number.isNaN(v)) return v === Infinity ? '+inf' : v === -Infinity ? '-inf' : String(v);
  if (v === 'inf' || v === '+inf' || v === '-inf') return v;
  throw new BlobInputError(name, 'must be a number');
}
