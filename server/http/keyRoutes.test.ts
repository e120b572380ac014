import { describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import { KeyBrowser } from '../keys/keyBrowser.ts';
import { errorResponse } from './errors.ts';
import { registerKeyRoutes } from './keyRoutes.ts';

/** The routes over a key browser with no nodes at all: refusals and parameter errors must come before any server call. */
function app(readOnly: boolean, nodes: NodeSnapshot[] = []) {
  const audited: unknown[] = [];
  const keys = new KeyBrowser({
    nodes: () => nodes,
    topology: () => ({ updatedAt: 0, targets: [], shards: [] }),
    openNode: () => Promise.reject(new Error('no servers here')),
    audit: (e) => audited.push(e),
    store: { startKeyAnalysis: async () => 1, finishKeyAnalysis: async () => {} },
  });
  const a = new Hono();
  a.onError((e, c) => errorResponse(c, e, () => {}));
  registerKeyRoutes(a, { keys, readOnly, store: { keyAnalyses: async () => [], keyAnalysis: async () => undefined } });
  return { a, audited };
}

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('key routes', () => {
  test('--read-only refuses every write route before it reaches a server, and audits nothing', async () => {
    const { a, audited } = app(true);
    const k = { text: 'k' };
    const writes: [string, RequestInit][] = [
      ['/api/keys', post({ key: k, type: 'string', value: k })],
      ['/api/keys/rename', post({ key: k, newKey: { text: 'n' } })],
      ['/api/keys/ttl', post({ key: k, ttlS: 5 })],
      ['/api/keys/edit', post({ key: k, op: 'set', value: k })],
      ['/api/keys/key?key=6b', { method: 'DELETE' }],
      ['/api/keys/bulk-delete/preview', post({ match: '*' })],
      ['/api/keys/bulk-delete', post({ match: '*', confirm: 'delete * on x' })],
      ['/api/keys/bulk-delete/1', { method: 'DELETE' }],
    ];
    for (const [path, init] of writes) {
      const r = await a.request(path, init);
      expect([path, r.status, ((await r.json()) as any).error.code]).toEqual([path, 403, 'read_only']);
    }
    expect(audited).toHaveLength(0);
  });

  test('bad parameters are 400s naming the parameter; a node that does not answer is a 502', async () => {
    const { a } = app(false);
    for (const [path, init, name] of [
      ['/api/keys/key?key=0', undefined, 'key'],
      ['/api/keys/scan?limit=10001', undefined, 'limit'],
      ['/api/keys/scan?cursor=abc', undefined, 'cursor'],
      ['/api/keys/value?key=6b&cursor=x%20y', undefined, 'cursor'],
      ['/api/keys/edit', post({ key: { text: 'k' }, op: 'nope' }), 'op'],
      ['/api/keys/ttl', post({ key: { text: 'k' } }), 'ttlS'],
      ['/api/keys/bulk-delete', post({ match: '*' }), 'confirm'],
      ['/api/keys/analysis', post({ sampleKeys: 0 }), 'sampleKeys'],
      ['/api/keys/scan?types=yes', undefined, 'types'],
      ['/api/keys/element?key=6b', undefined, 'field'],
      ['/api/keys/element?key=6b&field=z', undefined, 'field'],
      ['/api/keys/element?key=6b&member=61', undefined, 'member'],
      ['/api/keys/element?key=6b&index=x', undefined, 'index'],
      ['/api/keys/element?key=6b&id=1&field=61', undefined, 'id'],
      ['/api/keys/element?key=6b&field=61&bytes=0', undefined, 'bytes'],
    ] as [string, RequestInit | undefined, string][]) {
      const r = await a.request(path, init);
      const body = (await r.json()) as any;
      expect([path, r.status, body.error.code]).toEqual([path, 400, 'bad_parameter']);
      expect(body.error.message).toStartWith(`${name}:`);
    }
    const none = await a.request('/api/keys/key?key=6b');
    expect(none.status).toBe(409);
    expect(((await none.json()) as any).error.code).toBe('no_nodes');
    const down = app(false, [{ address: 'a:1', role: 'primary', state: 'down' } as NodeSnapshot]).a;
    const r = await down.request('/api/keys/key?key=6b');
    expect(r.status).toBe(502);
    expect(((await r.json()) as any).error).toEqual({ code: 'node_error', message: 'no servers here' });
    // A scan reports the node's error in its answer instead.
    const scan = (await (await down.request('/api/keys/scan')).json()) as any;
    expect(scan).toMatchObject({ complete: false, keys: [], scanned: { nodes: [{ node: 'a:1', done: false, error: 'no servers here' }] } });
  });
});
