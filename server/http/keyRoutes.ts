// /api/keys/*: cluster-wide browsing, one key's details and value pages, edits, bulk delete and memory analysis (see keysContract.md).
import type { Context, Hono } from 'hono';
import { BlobInputError, hexInput, keyBlob } from '../keys/blobs.ts';
import type { BulkJobStatus } from '../keys/bulkDelete.ts';
import type { KeyBrowser } from '../keys/keyBrowser.ts';
import { readElement, type ElementRef } from '../keys/keyElements.ts';
import { KeyError } from '../keys/keyNodes.ts';
import { browse } from '../keys/keyScan.ts';
import { defaultPage, keyDetails, maxPageBytes, maxPageCount, placeOf, valuePage, type PageParams } from '../keys/keyValues.ts';
import { CursorError } from '../keys/scanCursor.ts';
import type { Store } from '../store/types.ts';
import { describeError } from '../valkey/connection.ts';
import { ApiError, badParam } from './errors.ts';
import { parseLimit } from './params.ts';

export interface KeyRouteDeps {
  keys: KeyBrowser;
  store: Pick<Store, 'keyAnalyses' | 'keyAnalysis'>;
  readOnly: boolean;
}

const statusOf: Record<KeyError['code'], 400 | 403 | 404 | 409 | 413> = {
  no_such_key: 404,
  too_big: 413,
  not_found: 404,
  no_such_node: 400,
  bad_parameter: 400,
  cross_slot: 400,
  server_error: 400,
  exists: 409,
  wrong_type: 409,
  busy: 409,
  no_nodes: 409,
};

/** Errors of the keys modules as API errors; anything else from a node (refused, timed out) is a 502. */
function apiError(e: unknown): never {
  if (e instanceof ApiError) throw e;
  if (e instanceof BlobInputError) throw badParam(e.param, e.message.slice(e.param.length + 2));
  if (e instanceof CursorError) throw badParam('cursor', e.message);
  if (e instanceof KeyError) throw new ApiError(statusOf[e.code], e.code === 'no_such_node' ? 'bad_parameter' : e.code, e.message);
  throw new ApiError(502, 'node_error', describeError(e));
}

const guarded = <T>(work: () => Promise<T>): Promise<T> => work().catch(apiError);

async function jsonObject(c: Context, example: string): Promise<Record<string, unknown>> {
  return parseObject(await c.req.text(), example);
}

function parseObject(text: string, example: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badParam('body', `must be a JSON object like ${example}`);
}

function keyParam(text: string | undefined): Buffer {
  if (!text) throw badParam('key', 'is required: the key as hex (the "hex" field of a key)');
  try {
    return hexInput('key', text);
  } catch {
    throw badParam('key', 'must be the key as hex (an even number of 0-9a-f characters)');
  }
}

function hexParam(name: string, text: string): Buffer {
  try {
    return hexInput(name, text);
  } catch {
    throw badParam(name, 'must be hex (an even number of 0-9a-f characters)');
  }
}

/** Which element of a hash (field), list (index) or stream (id and field) /api/keys/element reads. */
function elementParam(q: Record<string, string>): ElementRef {
  if (q['member'] !== undefined) throw badParam('member', 'set and sorted set members come whole in the value page (their hex is never cut): there is nothing more to load');
  if (q['index'] !== undefined) return { kind: 'list', index: intParam('index', q['index'], 0, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) };
  if (q['field'] === undefined) throw badParam('field', 'is required: field=HEX (hash), index=N (list) or id=ID&field=HEX (stream)');
  const field = hexParam('field', q['field']);
  if (q['id'] === undefined) return { kind: 'hash', field };
  if (!/^\d{1,20}-\d{1,20}$/.test(q['id'])) throw badParam('id', `must be a stream entry id like 1700000000000-0, got "${q['id']}"`);
  return { kind: 'stream', id: q['id'], field };
}

function intParam(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw badParam(name, `must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

function flagParam(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw badParam(name, `must be 1 or 0, got "${text}"`);
}

function typeParam(text: unknown): string | null {
  if (text === undefined || text === null || text === '') return null;
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(text)) throw badParam('type', 'must be a type name like string, hash, list, set, zset, stream or ReJSON-RL');
  return text;
}

function matchParam(text: unknown, required: boolean): string | null {
  if (text === undefined || text === null || text === '') {
    if (required) throw badParam('match', 'is required: a SCAN MATCH pattern like user:*');
    return null;
  }
  if (typeof text !== 'string' || text.length > 1024) throw badParam('match', 'must be a SCAN MATCH pattern (at most 1024 characters)');
  return text;
}

function pageParams(q: Record<string, string>): PageParams {
  const cursor = q['cursor'];
  if (cursor !== undefined && !/^[\d(-][\d\-+]*$|^-$|^\+$/.test(cursor)) throw badParam('cursor', 'must be the cursor (or stream id) the previous page returned');
  return {
    cursor: cursor || undefined,
    count: intParam('count', q['count'], defaultPage.count, 1, maxPageCount),
    offset: intParam('offset', q['offset'], defaultPage.offset, 0, Number.MAX_SAFE_INTEGER),
    bytes: intParam('bytes', q['bytes'], defaultPage.bytes, 1, maxPageBytes),
  };
}

export function registerKeyRoutes(app: Hono, deps: KeyRouteDeps): void {
  const { keys } = deps;
  // Decided here, whatever the UI shows: under --read-only no route below that writes reaches a server.
  const writable = () => {
    if (deps.readOnly) throw new ApiError(403, 'read_only', 'Skyscope runs with --read-only: keys cannot be changed');
  };

  const scan = (c: Context, limitName: string) => {
    const q = c.req.query();
    return guarded(() =>
      browse(keys.nodes, {
        match: matchParam(q['match'], false),
        type: typeParam(q['type']),
        cursor: q['cursor'] || undefined,
        limit: parseLimit(limitName, q[limitName], 1000, 10_000),
        node: q['node'] || undefined,
        types: flagParam('types', q['types']),
      }),
    ).then((r) => c.json(r));
  };
  app.get('/api/keys/scan', (c) => scan(c, 'limit'));
  // DESIGN.md's older spelling of the same route.
  app.get('/api/keys', (c) => scan(c, 'count'));

  app.get('/api/keys/key', async (c) => {
    const q = c.req.query();
    const key = keyParam(q['key']);
    const page = pageParams(q);
    return c.json(await guarded(() => keyDetails(keys.nodes, key, q['node'] || undefined, page)));
  });

  app.get('/api/keys/value', async (c) => {
    const q = c.req.query();
    const key = keyParam(q['key']);
    const page = pageParams(q);
    return c.json(await guarded(() => valuePage(keys.nodes, key, placeOf(keys.nodes, key, q['node'] || undefined).node, undefined, page)));
  });

  app.get('/api/keys/element', async (c) => {
    const q = c.req.query();
    const key = keyParam(q['key']);
    const ref = elementParam(q);
    const w = {
      offset: intParam('offset', q['offset'], 0, 0, Number.MAX_SAFE_INTEGER),
      bytes: intParam('bytes', q['bytes'], defaultPage.bytes, 1, maxPageBytes),
    };
    return c.json(await guarded(() => readElement(keys.nodes, key, placeOf(keys.nodes, key, q['node'] || undefined).node, ref, w)));
  });

  app.post('/api/keys', async (c) => {
    writable();
    const body = await jsonObject(c, '{"key": {"text": "user:1"}, "type": "string", "value": {"text": "hello"}, "ttlS": 60}');
    const r = await guarded(() => keys.edits.create(body));
    return c.json({ ok: true, ...r }, 201);
  });

  app.post('/api/keys/rename', async (c) => {
    writable();
    const body = await jsonObject(c, '{"key": {"text": "a"}, "newKey": {"text": "b"}}');
    return c.json({ ok: true, ...(await guarded(() => keys.edits.rename(body))) });
  });

  app.post('/api/keys/ttl', async (c) => {
    writable();
    const body = await jsonObject(c, '{"key": {"text": "a"}, "ttlS": 60}');
    if (!('ttlS' in body)) throw badParam('ttlS', 'is required: seconds, or null to remove the TTL');
    return c.json({ ok: true, ...(await guarded(() => keys.edits.ttl(body))) });
  });

  app.post('/api/keys/edit', async (c) => {
    writable();
    const body = await jsonObject(c, '{"key": {"text": "h"}, "op": "hset", "field": {"text": "f"}, "value": {"text": "v"}}');
    return c.json({ ok: true, ...(await guarded(() => keys.edits.edit(body))) });
  });

  app.delete('/api/keys/key', async (c) => {
    writable();
    const q = c.req.query();
    const key = keyParam(q['key']);
    return c.json({ ok: true, ...(await guarded(() => keys.edits.delete(key, q['node'] || undefined))) });
  });

  app.post('/api/keys/bulk-delete/preview', async (c) => {
    writable();
    const body = await jsonObject(c, '{"match": "session:*"}');
    const match = matchParam(body['match'], true)!;
    const type = typeParam(body['type']);
    return c.json(await guarded(() => keys.bulk.preview(match, type)));
  });

  app.post('/api/keys/bulk-delete', async (c) => {
    writable();
    const body = await jsonObject(c, '{"match": "session:*", "confirm": "delete session:* on ..."}');
    const match = matchParam(body['match'], true)!;
    const type = typeParam(body['type']);
    if (typeof body['confirm'] !== 'string') throw badParam('confirm', 'is required: the text the preview gave');
    const confirm = body['confirm'];
    try {
      return c.json(job(keys.bulk.start(match, type, confirm)), 202);
    } catch (e) {
      if (e instanceof KeyError && e.code === 'bad_parameter') throw new ApiError(400, 'confirm_mismatch', e.message);
      apiError(e);
    }
  });

  // Times in unix seconds, like every other route.
  const job = (s: BulkJobStatus) => ({ ...s, startedAt: s.startedAt / 1000, endedAt: s.endedAt === null ? null : s.endedAt / 1000 });
  const jobId = (c: Context) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id < 1) throw badParam('id', 'must be a job id (a positive whole number)');
    return id;
  };
  app.get('/api/keys/bulk-delete/:id', (c) => {
    const s = keys.bulk.status(jobId(c));
    if (!s) throw new ApiError(404, 'not_found', `no bulk delete ${c.req.param('id')}`);
    return c.json(job(s));
  });
  app.delete('/api/keys/bulk-delete/:id', async (c) => {
    writable();
    const s = await keys.bulk.cancel(jobId(c));
    if (!s) throw new ApiError(404, 'not_found', `no bulk delete ${c.req.param('id')}`);
    return c.json(job(s));
  });

  app.post('/api/keys/analysis', async (c) => {
    const text = await c.req.text();
    const body = text.trim() === '' ? {} : parseObject(text, '{"sampleKeys": 10000}');
    const sampleKeys = body['sampleKeys'] === undefined ? 10_000 : body['sampleKeys'];
    if (typeof sampleKeys !== 'number' || !Number.isInteger(sampleKeys) || sampleKeys < 1 || sampleKeys > 1_000_000) throw badParam('sampleKeys', 'must be a whole number from 1 to 1000000');
    const match = matchParam(body['match'], false);
    const p = await guarded(() => keys.analysis.start(sampleKeys, match));
    return c.json({ id: p.id, state: p.state }, 202);
  });

  // A run stored as running that this process is not running was cut short by a stop or crash.
  const stateOf = (id: number, stored: string) => (stored === 'running' && !keys.analysis.progress(id) ? 'interrupted' : stored);

  app.get('/api/keys/analysis', async (c) => {
    const limit = parseLimit('limit', c.req.query('limit'), 50, 1000);
    const runs = await deps.store.keyAnalyses(limit);
    return c.json({ runs: runs.map(({ started, ended, ...r }) => ({ ...r, state: stateOf(r.id, r.state), startedAt: started / 1000, endedAt: ended === null ? null : ended / 1000 })) });
  });

  app.get('/api/keys/analysis/:id', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id < 1) throw badParam('id', 'must be a run id (a positive whole number)');
    // The live state first: a run is marked done only once its results are stored, so a "done" read here is
    // never paired with a stored row from before they were written.
    const live = keys.analysis.progress(id);
    const liveState = live?.state;
    const run = await deps.store.keyAnalysis(id);
    if (!run) throw new ApiError(404, 'not_found', `no memory analysis ${id}`);
    const dims = (d: string) => run.groups.filter((g) => g.dimension === d).map(({ dimension: _d, ...g }) => g);
    return c.json({
      id,
      state: liveState ?? stateOf(id, run.state),
      startedAt: run.started / 1000,
      endedAt: run.ended === null ? null : run.ended / 1000,
      match: run.match,
      sampleKeys: run.sampleKeys,
      totalKeys: run.totalKeys ?? live?.totalKeys ?? null,
      sampled: live?.sampled ?? run.sampled,
      byType: dims('type').map(({ name, ...g }) => ({ type: name, ...g })),
      byPrefix: dims('prefix').map(({ name, ...g }) => ({ prefix: name, ...g })),
      byTtl: dims('ttl').map(({ name, ...g }) => ({ bucket: name, ...g })),
      biggest: run.biggest.map((b) => ({ ...b, key: keyBlob(b.key) })),
      confidence: run.detail?.['confidence'] ?? null,
      nodes: run.detail?.['nodes'] ?? [],
      error: live?.error ?? run.detail?.['error'] ?? null,
    });
  });
}
