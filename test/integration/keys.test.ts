// The key browser end to end on real servers: cluster-wide SCAN of 200,000 keys, every type viewed and edited on each
// flavor, binary keys and values, a 100k-field hash paged, read-only refusals, bulk delete, memory analysis, bad input.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis, { Cluster } from 'ioredis';
import { keySlot } from '../../server/valkey/keySlot.ts';
import { FLAVORS, serverInfo, startCluster, startStandalone, type ClusterHandle, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const hex = (b: Buffer | string) => Buffer.from(b).toString('hex');
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function nodesUp(sky: TestSkyscope, count: number): Promise<void> {
  await waitFor(`${count} nodes up`, async () => {
    const nodes = (await sky.api('/api/nodes')).body.nodes as { state: string; role: string }[];
    return nodes.filter((n) => n.state === 'up' && n.role !== 'unknown').length >= count;
  }, 20_000);
}

/** Every key of a scan through the API, step by step, with how many steps it took. */
async function scanAll(sky: TestSkyscope, query: string): Promise<{ keys: string[]; steps: number; last: any }> {
  const keys: string[] = [];
  let cursor: string | null = null;
  let steps = 0;
  let last: any;
  do {
    const r: { status: number; body: any } = await sky.api(`/api/keys/scan?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    last = r.body;
    for (const k of r.body.keys) keys.push(k.key.hex);
    cursor = r.body.cursor;
    steps++;
    if (steps > 5000) throw new Error('scan does not end');
  } while (cursor !== null);
  expect(last.complete).toBe(true);
  return { keys, steps, last };
}

describe('cluster: 200,000 keys over 3 primaries', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  const total = 200_000;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0 });
    // Pipelined SETs straight to each key's owner.
    const owners = new Map<number, Redis>();
    const primaries = await cluster.primaries();
    const conns = primaries.map((p) => new Redis({ port: p.port, host: '127.0.0.1', lazyConnect: false }));
    try {
      const slots = (await conns[0]!.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      for (const [from, to, [, port]] of slots) for (let s = from; s <= to; s++) owners.set(s, conns[primaries.findIndex((p) => p.port === port)]!);
      const pipes = new Map<Redis, ReturnType<Redis['pipeline']>>();
      for (let i = 0; i < total; i++) {
        const key = `k:${i}`;
        const conn = owners.get(keySlot(Buffer.from(key)))!;
        const p = pipes.get(conn) ?? pipes.set(conn, conn.pipeline()).get(conn)!;
        p.set(key, 'v');
        if (p.length >= 5000) {
          await p.exec();
          pipes.delete(conn);
        }
      }
      await Promise.all([...pipes.values()].map((p) => p.exec()));
    } finally {
      for (const c of conns) c.disconnect();
    }
    sky = await startTestSkyscope([cluster.seedUrl]);
    await nodesUp(sky, 3);
    await waitFor('topology', async () => (await sky.api('/api/topology')).body.shards?.filter((s: any) => s.slotCount > 0).length === 3);
  }, 120_000);

  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('the API scan returns every key exactly once, paced, and counts them', async () => {
    const started = performance.now();
    const { keys, steps, last } = await scanAll(sky, 'limit=10000');
    const ms = performance.now() - started;
    const unique = new Set(keys);
    expect(unique.size).toBe(total);
    expect(keys.length - unique.size).toBe(0);
    expect(last.totalKeys).toBe(total);
    expect(last.scanned.keys).toBe(total);
    expect(last.scanned.nodes).toHaveLength(3);
    expect(last.scanned.nodes.every((n: any) => n.done && n.dbsize > 60_000)).toBe(true);
    // COUNT is at most 1000: at least 200 SCAN calls.
    expect(last.scanned.calls).toBeGreaterThanOrEqual(200);
    console.log(`scanned ${total} keys in ${steps} steps, ${last.scanned.calls} SCAN calls, ${Math.round(ms)} ms`);
  }, 120_000);

  test('the first page: limit is about respected, MATCH and TYPE filter, a cursor is bound to its filters', async () => {
    const first = await sky.api('/api/keys/scan?limit=1000');
    expect(first.body.complete).toBe(false);
    expect(first.body.keys.length).toBeGreaterThan(0);
    expect(first.body.keys.length).toBeLessThanOrEqual(1100);
    const other = await sky.api(`/api/keys/scan?limit=1000&match=x*&cursor=${first.body.cursor}`);
    expect(other.status).toBe(400);
    const matched = await scanAll(sky, 'limit=10000&match=k:1999*');
    expect(new Set(matched.keys).size).toBe(111); // k:1999, k:19990..k:19999, k:199900..k:199999
    const typed = await scanAll(sky, 'limit=10000&match=k:1999*&type=hash');
    expect(typed.keys).toHaveLength(0);
  }, 60_000);

  test('types=1: every returned key carries its own TYPE, read once per node per step', async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: (await cluster.primaries())[0]!.port }]);
    const want = new Map<string, string>();
    try {
      for (let i = 0; i < 60; i++) {
        const k = `ty:${i}`;
        const t = ['string', 'hash', 'list', 'set', 'zset', 'stream'][i % 6]!;
        if (t === 'string') await client.set(k, 'v');
        else if (t === 'hash') await client.hset(k, 'f', 'v');
        else if (t === 'list') await client.rpush(k, 'v');
        else if (t === 'set') await client.sadd(k, 'v');
        else if (t === 'zset') await client.zadd(k, 1, 'v');
        else await client.xadd(k, '*', 'f', 'v');
        want.set(hex(k), t);
      }
      const got = new Map<string, string>();
      const nodes = new Set<string>();
      let cursor: string | null = null;
      do {
        const r: any = (await sky.api(`/api/keys/scan?match=ty:*&types=1&limit=10000${cursor ? `&cursor=${cursor}` : ''}`)).body;
        for (const k of r.keys) {
          got.set(k.key.hex, k.type);
          nodes.add(k.node);
        }
        cursor = r.cursor;
      } while (cursor !== null);
      expect(nodes.size).toBe(3);
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      // Without types=1 (and no TYPE filter) keys come without a type; a bad flag is a 400.
      expect((await sky.api('/api/keys/scan?match=ty:*&limit=10')).body.keys.every((k: any) => k.type === undefined)).toBe(true);
      expect((await sky.api('/api/keys/scan?types=yes')).body.error.message).toStartWith('types:');
    } finally {
      await Promise.all([...want.keys()].map((k) => client.del(Buffer.from(k, 'hex'))));
      client.disconnect();
    }
  }, 60_000);

  test('details name the owner and slot; rename across slots is refused; same slot works', async () => {
    const key = 'k:{tag}a';
    expect((await sky.api('/api/keys', json('POST', { key: { text: key }, type: 'string', value: { text: 'x' } }))).status).toBe(201);
    const d = await sky.api(`/api/keys/key?key=${hex(key)}`);
    expect(d.status).toBe(200);
    expect(d.body.slot).toBe(keySlot(Buffer.from(key)));
    const topo = (await sky.api('/api/topology')).body;
    const owner = topo.shards.find((s: any) => s.slots.some(([a, b]: number[]) => d.body.slot >= a && d.body.slot <= b)).nodes[0].address;
    expect(d.body.node).toBe(owner);
    const cross = await sky.api('/api/keys/rename', json('POST', { key: { text: key }, newKey: { text: 'elsewhere' } }));
    expect(cross.status).toBe(400);
    expect(cross.body.error.code).toBe('cross_slot');
    const same = await sky.api('/api/keys/rename', json('POST', { key: { text: key }, newKey: { text: 'k:{tag}b' } }));
    expect(same.status).toBe(200);
    expect((await sky.api(`/api/keys/key?key=${hex('k:{tag}b')}`)).body.value.value.text).toBe('x');
  });

  test('bulk delete in a cluster: one UNLINK per slot on each owner; the other keys stay', async () => {
    const seed = new Redis({ port: (await cluster.primaries())[0]!.port, host: '127.0.0.1' });
    const slots = (await seed.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    seed.disconnect();
    const conns = new Map<number, Redis>();
    const ownerConn = (key: string) => {
      const slot = keySlot(Buffer.from(key));
      const port = slots.find(([a, b]) => slot >= a && slot <= b)![2][1];
      return conns.get(port) ?? conns.set(port, new Redis({ port, host: '127.0.0.1' })).get(port)!;
    };
    for (let i = 0; i < 3000; i++) await ownerConn(`bd:${i}`).set(`bd:${i}`, 'x');
    for (const c of conns.values()) c.disconnect();
    const pv = (await sky.api('/api/keys/bulk-delete/preview', json('POST', { match: 'bd:*' }))).body;
    // The preview scans for at most 3 s: on a loaded machine it may not reach every key of the 203,001, and says so.
    if (pv.complete) expect(pv.matched).toBe(3000);
    else expect(pv.matched).toBeLessThan(3000);
    expect(pv.confirm).toMatch(/^delete bd:\* on cluster 127\.0\.0\.1:\d+$/);
    const job = await sky.api('/api/keys/bulk-delete', json('POST', { match: 'bd:*', confirm: pv.confirm }));
    expect(job.status).toBe(202);
    const done = await waitFor('bulk delete done', async () => {
      const st = (await sky.api(`/api/keys/bulk-delete/${job.body.id}`)).body;
      return st.state !== 'running' ? st : undefined;
    }, 60_000);
    expect(done).toMatchObject({ state: 'done', deleted: 3000, errors: 0 });
    const after = (await sky.api('/api/keys/scan?limit=10')).body;
    expect(after.totalKeys).toBe(total + 1); // the renamed k:{tag}b
  }, 90_000);

  test('memory analysis over the cluster: each primary sampled by its share, scaled to DBSIZE', async () => {
    const start = await sky.api('/api/keys/analysis', json('POST', { sampleKeys: 3000 }));
    expect(start.status).toBe(202);
    const run = await waitFor('analysis done', async () => {
      const r = (await sky.api(`/api/keys/analysis/${start.body.id}`)).body;
      return r.state === 'done' ? r : undefined;
    }, 60_000, 1000);
    expect(run.nodes).toHaveLength(3);
    for (const n of run.nodes) expect(n.sampled / 3000).toBeCloseTo(n.dbsize / run.totalKeys, 1);
    const strings = run.byType.find((t: any) => t.type === 'string');
    expect(strings.estKeys).toBe(total + 1); // every key is a string: the estimate is the DBSIZE total
    expect(run.byPrefix[0].prefix).toBe('k:');
    expect(run.confidence.exact).toBe(false);
    expect(run.confidence.estBytesLow).toBeLessThanOrEqual(run.confidence.estBytes);
  }, 90_000);

  test('a node that goes down mid-scan is reported; the others go on; the scan is never complete', async () => {
    const first = await sky.api('/api/keys/scan?limit=1000');
    const victim = (await cluster.primaries())[0]!;
    victim.kill();
    let r = first;
    for (let i = 0; i < 5; i++) r = await sky.api(`/api/keys/scan?limit=10000&cursor=${r.body.cursor}`);
    expect(r.status).toBe(200);
    const down = r.body.scanned.nodes.find((n: any) => n.node === `127.0.0.1:${victim.port}`);
    expect(down.error).toBeTruthy();
    expect(down.done).toBe(false);
    expect(r.body.complete).toBe(false);
    expect(r.body.keys.length).toBeGreaterThan(0);
    expect(r.body.scanned.nodes.filter((n: any) => !n.error)).toHaveLength(2);
  }, 60_000);
});

// Each type on each flavor: viewed and edited through the API.
for (const flavor of FLAVORS) {
  const available = serverInfo(flavor).available;
  describe.skipIf(!available)(`${flavor}: every type viewed and edited`, () => {
    let server: ServerHandle;
    let sky: TestSkyscope;
    beforeAll(async () => {
      server = await startStandalone(flavor);
      sky = await startTestSkyscope([server.url]);
      await nodesUp(sky, 1);
    }, 60_000);
    afterAll(async () => {
      await sky?.dispose();
      await server?.stop();
    });

    const create = (key: string, type: string, value: unknown, ttlS?: number) => sky.api('/api/keys', json('POST', { key: { text: key }, type, value, ttlS }));
    const edit = (key: string, body: Record<string, unknown>) => sky.api('/api/keys/edit', json('POST', { key: { text: key }, ...body }));
    const details = (key: string, q = '') => sky.api(`/api/keys/key?key=${hex(key)}${q}`);

    test('string', async () => {
      expect((await create('s', 'string', { text: 'hello' }, 100)).status).toBe(201);
      expect((await create('s', 'string', { text: 'again' })).body.error.code).toBe('exists');
      const d = (await details('s')).body;
      expect(d).toMatchObject({ type: 'string', length: 5, slot: null, node: `127.0.0.1:${server.port}` });
      expect(d.ttlMs).toBeGreaterThan(90_000);
      expect(d.memoryBytes).toBeGreaterThan(0);
      expect(d.encoding).toBeTruthy();
      expect(typeof d.idleS).toBe('number');
      expect(d.value).toMatchObject({ kind: 'string', total: 5, value: { text: 'hello', truncated: false } });
      expect((await edit('s', { op: 'set', value: { text: 'bye' } })).status).toBe(200);
      const after = (await details('s')).body;
      expect(after.value.value.text).toBe('bye');
      expect(after.ttlMs).toBeGreaterThan(90_000); // KEEPTTL
      expect((await sky.api('/api/keys/ttl', json('POST', { key: { text: 's' }, ttlS: null }))).status).toBe(200);
      expect((await details('s')).body.ttlMs).toBeNull();
      expect((await sky.api('/api/keys/ttl', json('POST', { key: { text: 's' }, ttlS: 50 }))).status).toBe(200);
      expect((await details('s')).body.ttlMs).toBeGreaterThan(40_000);
    });

    test('a big string is paged in windows', async () => {
      const big = Buffer.alloc(300_000, 0x61);
      big[200_000] = 0x62;
      const r = new Redis({ port: server.port, host: '127.0.0.1' });
      await r.set('bigstr', big);
      r.disconnect();
      const d = (await details('bigstr')).body;
      expect(d.value).toMatchObject({ kind: 'string', offset: 0, bytes: 65536, total: 300_000 });
      expect(d.value.value.truncated).toBe(true);
      const w = (await sky.api(`/api/keys/value?key=${hex('bigstr')}&offset=199999&bytes=3`)).body;
      expect(w).toMatchObject({ kind: 'string', offset: 199999, bytes: 3, total: 300_000 });
      expect(w.value.text).toBe('aba');
    });

    test('hash', async () => {
      expect((await create('h', 'hash', [{ field: { text: 'a' }, value: { text: '1' } }, { field: { text: 'b' }, value: { text: '2' } }])).status).toBe(201);
      expect((await edit('h', { op: 'hset', field: { text: 'c' }, value: { text: '3' } })).status).toBe(200);
      expect((await edit('h', { op: 'hdel', field: { text: 'a' } })).status).toBe(200);
      const d = (await details('h')).body;
      expect(d).toMatchObject({ type: 'hash', length: 2 });
      expect(d.value.kind).toBe('hash');
      expect(Object.fromEntries(d.value.entries.map((e: any) => [e.field.text, e.value.text]))).toEqual({ b: '2', c: '3' });
      expect(d.value.cursor).toBeNull();
      expect((await edit('h', { op: 'rpush', value: { text: 'x' } })).body.error.code).toBe('wrong_type');
    });

    test('list', async () => {
      expect((await create('l', 'list', [{ text: 'a' }, { text: 'b' }, { text: 'c' }])).status).toBe(201);
      expect((await edit('l', { op: 'lset', index: 1, value: { text: 'B' } })).status).toBe(200);
      expect((await edit('l', { op: 'lpush', value: { text: 'z' } })).status).toBe(200);
      expect((await edit('l', { op: 'rpush', value: { text: 'y' } })).status).toBe(200);
      expect((await edit('l', { op: 'lrem', value: { text: 'c' }, count: 0 })).status).toBe(200);
      expect((await edit('l', { op: 'lset', index: 99, value: { text: 'B' } })).body.error.code).toBe('server_error');
      const p1 = (await sky.api(`/api/keys/value?key=${hex('l')}&count=2`)).body;
      expect(p1).toMatchObject({ kind: 'list', next: 2 });
      expect(p1.items.map((i: any) => i.value.text)).toEqual(['z', 'a']);
      const p2 = (await sky.api(`/api/keys/value?key=${hex('l')}&count=2&offset=2`)).body;
      expect(p2.items.map((i: any) => [i.index, i.value.text])).toEqual([[2, 'B'], [3, 'y']]);
      expect(p2.next).toBeNull();
    });

    test('set and sorted set', async () => {
      expect((await create('st', 'set', [{ text: 'a' }, { hex: '00ff' }])).status).toBe(201);
      expect((await edit('st', { op: 'sadd', member: { text: 'c' } })).status).toBe(200);
      expect((await edit('st', { op: 'srem', member: { text: 'a' } })).status).toBe(200);
      const s = (await details('st')).body;
      expect(s).toMatchObject({ type: 'set', length: 2 });
      expect(s.value.members.map((m: any) => m.hex).sort()).toEqual(['00ff', hex('c')]);
      expect((await create('z', 'zset', [{ member: { text: 'a' }, score: 1 }, { member: { text: 'b' }, score: 2.5 }])).status).toBe(201);
      expect((await edit('z', { op: 'zadd', member: { text: 'c' }, score: -1 })).status).toBe(200);
      expect((await edit('z', { op: 'zrem', member: { text: 'a' } })).status).toBe(200);
      const z = (await details('z')).body;
      expect(z).toMatchObject({ type: 'zset', length: 2 });
      expect(z.value.entries.map((e: any) => [e.member.text, e.score]).sort()).toEqual([['b', 2.5], ['c', -1]]);
    });

    test('stream', async () => {
      expect((await create('x', 'stream', [{ field: { text: 'f' }, value: { text: 'v' } }])).status).toBe(201);
      for (let i = 0; i < 4; i++) expect((await edit('x', { op: 'xadd', fields: [{ field: { text: 'n' }, value: { text: String(i) } }] })).status).toBe(200);
      const p1 = (await details('x', '&count=3')).body;
      expect(p1).toMatchObject({ type: 'stream', length: 5 });
      expect(p1.value.entries).toHaveLength(3);
      expect(p1.value.entries[0].fields[0]).toMatchObject({ field: { text: 'f' }, value: { text: 'v' } });
      const p2 = (await sky.api(`/api/keys/value?key=${hex('x')}&count=3&cursor=${encodeURIComponent(p1.value.next)}`)).body;
      expect(p2.entries.map((e: any) => e.fields[0].value.text)).toEqual(['2', '3']);
      expect(p2.next).toBeNull();
      expect((await edit('x', { op: 'xdel', id: p2.entries[0].id })).status).toBe(200);
      expect((await details('x')).body.length).toBe(4);
    });

    test('binary keys and values round-trip; delete', async () => {
      const key = Buffer.from([0x00, 0xff, 0x0a, 0x41]);
      const value = Buffer.from([0xc3, 0x28, 0x00, 0x7f]);
      const r = await sky.api('/api/keys', json('POST', { key: { hex: hex(key) }, type: 'string', value: { hex: hex(value) } }));
      expect(r.status).toBe(201);
      const d = (await sky.api(`/api/keys/key?key=${hex(key)}`)).body;
      expect(d.key).toMatchObject({ hex: hex(key), binary: true, text: '\\x00\\xff\\x0aA' });
      expect(d.value.value).toMatchObject({ hex: hex(value), binary: true });
      const scan = await scanAll(sky, 'limit=1000');
      expect(scan.keys).toContain(hex(key));
      const direct = new Redis({ port: server.port, host: '127.0.0.1' });
      expect(await direct.getBuffer(key)).toEqual(value);
      direct.disconnect();
      expect((await sky.api(`/api/keys/key?key=${hex(key)}`, { method: 'DELETE' })).status).toBe(200);
      expect((await sky.api(`/api/keys/key?key=${hex(key)}`)).status).toBe(404);
      expect((await sky.api(`/api/keys/key?key=${hex(key)}`, { method: 'DELETE' })).status).toBe(404);
    });

    test('every write was audited', async () => {
      // Audit rows are written after the answer, on the store's write lane.
      const mine = await waitFor('the last write audited', async () => {
        const rows = (await sky.store.audit({ from: 0, to: Date.now() + 60_000, limit: 1000 })).filter((r) => r.source === 'browser');
        return rows.some((r) => r.command.startsWith('UNLINK')) ? rows : undefined;
      });
      expect(mine.some((r) => r.command.startsWith('HSET h') && r.ok)).toBe(true);
      expect(mine.some((r) => r.command.startsWith('UNLINK') && r.ok)).toBe(true);
      expect(mine.some((r) => r.command.startsWith('LSET l 99') && !r.ok && r.error)).toBe(true);
      expect(mine.every((r) => !r.command.includes('hello'))).toBe(true); // values are not recorded
    });
  });
}

describe('valkey9 standalone: big hash, read-only, bulk delete, memory analysis, bad input', () => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let readOnly: TestSkyscope;
  let direct: Redis;

  beforeAll(async () => {
    server = await startStandalone('valkey9');
    direct = new Redis({ port: server.port, host: '127.0.0.1' });
    // A 100,000-field hash, and 5,000 + 1,000 plain keys.
    for (let b = 0; b < 100; b++) {
      const args: string[] = [];
      for (let i = 0; i < 1000; i++) args.push(`f${b * 1000 + i}`, `v${i}`);
      await direct.hset('bighash', ...args);
    }
    const p = direct.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`bulk:${i}`, 'x');
    for (let i = 0; i < 1000; i++) p.set(`keep:${i}`, 'y', 'EX', 3600);
    await p.exec();
    sky = await startTestSkyscope([server.url]);
    readOnly = await startTestSkyscope([server.url], ['--read-only']);
    await nodesUp(sky, 1);
    await nodesUp(readOnly, 1);
  }, 60_000);

  afterAll(async () => {
    direct?.disconnect();
    await readOnly?.dispose();
    await sky?.dispose();
    await server?.stop();
  });

  test('a 100,000-field hash is paged through with HSCAN, never whole', async () => {
    const d = (await sky.api(`/api/keys/key?key=${hex('bighash')}&count=1000`)).body;
    expect(d).toMatchObject({ type: 'hash', length: 100_000, encoding: 'hashtable' });
    expect(d.value.entries.length).toBeLessThan(5000);
    const fields = new Set<string>(d.value.entries.map((e: any) => e.field.text));
    let cursor = d.value.cursor;
    let pages = 1;
    while (cursor !== null) {
      const r = await sky.api(`/api/keys/value?key=${hex('bighash')}&count=1000&cursor=${cursor}`);
      expect(r.status).toBe(200);
      for (const e of r.body.entries) fields.add(e.field.text);
      cursor = r.body.cursor;
      pages++;
    }
    expect(fields.size).toBe(100_000);
    expect(pages).toBeGreaterThan(50);
  }, 60_000);

  /** An element read whole through /api/keys/element, window by window, from its hex. */
  async function loadElement(query: string): Promise<{ bytes: Buffer; windows: number }> {
    const parts: Buffer[] = [];
    let offset = 0;
    let total = Infinity;
    while (offset < total) {
      const r = await sky.api(`/api/keys/element?${query}&offset=${offset}`);
      expect(r.status).toBe(200);
      expect(r.body.offset).toBe(offset);
      parts.push(Buffer.from(r.body.value.hex, 'hex'));
      expect(r.body.bytes).toBe(parts.at(-1)!.length);
      total = r.body.total;
      offset += r.body.bytes;
    }
    return { bytes: Buffer.concat(parts), windows: parts.length };
  }

  test('a 300 KB hash field, list item and stream field load whole in windows; an edit of the whole value round-trips', async () => {
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => 'abcdefghij'.charCodeAt(i % 10)));
    big[150_000] = 0xff; // not UTF-8: only the hex is exact
    await direct.hset('bigfield', 'small', 'x', 'big', big);
    await direct.rpush('bigitem', 'a', big, 'c');
    const id = await direct.xadd('bigentry', '*', 'n', '1', 'payload', big);
    // The value page cuts it at 4 KiB and says so.
    const page = (await sky.api(`/api/keys/key?key=${hex('bigfield')}`)).body.value.entries.find((e: any) => e.field.text === 'big').value;
    expect(page).toMatchObject({ bytes: 300_000, truncated: true });
    expect(page.hex.length).toBe(4096 * 2);

    const field = await loadElement(`key=${hex('bigfield')}&field=${hex('big')}`);
    expect(field.windows).toBe(5); // 64 KiB windows by default
    expect(field.bytes.equals(big)).toBe(true);
    const item = await loadElement(`key=${hex('bigitem')}&index=1`);
    expect(item.bytes.equals(big)).toBe(true);
    const entry = await loadElement(`key=${hex('bigentry')}&id=${id}&field=${hex('payload')}`);
    expect(entry.bytes.equals(big)).toBe(true);
    const w = (await sky.api(`/api/keys/element?key=${hex('bigitem')}&index=-1`)).body;
    expect(w).toMatchObject({ offset: 0, bytes: 1, total: 1, truncated: false, value: { text: 'c', truncated: false } });
    const mid = (await sky.api(`/api/keys/element?key=${hex('bigfield')}&field=${hex('big')}&offset=149999&bytes=3`)).body;
    expect(mid).toMatchObject({ offset: 149999, bytes: 3, total: 300_000, truncated: true, value: { hex: '6aff62', binary: true } });

    // The whole value, changed at both ends, sent back as one edit.
    const edited = Buffer.concat([Buffer.from('NEW'), field.bytes, Buffer.from('END')]);
    const edit = (body: unknown) => sky.api('/api/keys/edit', json('POST', body));
    expect((await edit({ key: { text: 'bigfield' }, op: 'hset', field: { hex: hex('big') }, value: { hex: hex(edited) } })).status).toBe(200);
    expect((await direct.hgetBuffer('bigfield', 'big'))!.equals(edited)).toBe(true);
    expect((await loadElement(`key=${hex('bigfield')}&field=${hex('big')}`)).bytes.equals(edited)).toBe(true);
    expect((await edit({ key: { text: 'bigitem' }, op: 'lset', index: 1, value: { hex: hex(edited) } })).status).toBe(200);
    expect((await direct.lindexBuffer('bigitem', 1))!.equals(edited)).toBe(true);
    expect((await loadElement(`key=${hex('bigitem')}&index=1`)).bytes.equals(edited)).toBe(true);
  }, 60_000);

  test('an element over 32 MiB is refused with 413 too_big before it is read; missing ones are 404s, wrong types 409', async () => {
    const huge = Buffer.alloc(33 * 1024 * 1024, 0x61);
    await direct.hset('hugefield', 'f', huge);
    await direct.rpush('hugeitem', huge);
    await direct.xadd('hugeentry', '1-1', 'f', huge, 'small', 'x');
    try {
      for (const q of [`key=${hex('hugefield')}&field=${hex('f')}`, `key=${hex('hugeitem')}&index=0`, `key=${hex('hugeentry')}&id=1-1&field=${hex('small')}`]) {
        const r = await sky.api(`/api/keys/element?${q}&bytes=10`);
        expect([q, r.status, r.body.error.code]).toEqual([q, 413, 'too_big']);
        expect(r.body.error.message).toContain('does not pull such a value whole into memory');
      }
    } finally {
      await direct.del('hugefield', 'hugeitem', 'hugeentry');
    }
    const cases: [string, number, string][] = [
      [`key=${hex('nope')}&field=${hex('f')}`, 404, 'no_such_key'],
      [`key=${hex('bigfield')}&field=${hex('nope')}`, 404, 'not_found'],
      [`key=${hex('bigitem')}&index=99`, 404, 'not_found'],
      [`key=${hex('bigentry')}&id=1-0&field=${hex('payload')}`, 404, 'not_found'],
      [`key=${hex('bigitem')}&field=${hex('f')}`, 409, 'wrong_type'],
      [`key=${hex('bigfield')}&index=0`, 409, 'wrong_type'],
      [`key=${hex('bigfield')}`, 400, 'bad_parameter'],
      [`key=${hex('bigfield')}&member=61`, 400, 'bad_parameter'],
      [`key=${hex('bigentry')}&id=x&field=61`, 400, 'bad_parameter'],
      [`key=${hex('bigfield')}&field=zz`, 400, 'bad_parameter'],
    ];
    try {
      for (const [q, status, code] of cases) {
        const r = await sky.api(`/api/keys/element?${q}`);
        expect([q, r.status, r.body.error?.code]).toEqual([q, status, code]);
      }
    } finally {
      // The tests below count the keys.
      await direct.del('bigfield', 'bigitem', 'bigentry');
    }
  }, 60_000);

  test('read-only refuses every write route, even called directly; reads still work', async () => {
    const k = { text: 'keep:1' };
    const calls: [string, RequestInit][] = [
      ['/api/keys', json('POST', { key: k, type: 'string', value: { text: 'x' } })],
      ['/api/keys/rename', json('POST', { key: k, newKey: { text: 'other' } })],
      ['/api/keys/ttl', json('POST', { key: k, ttlS: null })],
      ['/api/keys/edit', json('POST', { key: k, op: 'set', value: { text: 'z' } })],
      [`/api/keys/key?key=${hex('keep:1')}`, { method: 'DELETE' }],
      ['/api/keys/bulk-delete/preview', json('POST', { match: 'keep:*' })],
      ['/api/keys/bulk-delete', json('POST', { match: 'keep:*', confirm: 'x' })],
      ['/api/keys/bulk-delete/1', { method: 'DELETE' }],
    ];
    for (const [path, init] of calls) {
      const r = await readOnly.api(path, init);
      expect([path, r.status, r.body.error?.code]).toEqual([path, 403, 'read_only']);
    }
    expect(await direct.get('keep:1')).toBe('y');
    expect(await direct.ttl('keep:1')).toBeGreaterThan(0);
    expect((await readOnly.api(`/api/keys/key?key=${hex('keep:1')}`)).status).toBe(200);
    expect((await readOnly.api('/api/keys/scan?limit=10')).status).toBe(200);
  });

  test('bulk delete: preview, confirmation mismatch, progress to done', async () => {
    const pv = await sky.api('/api/keys/bulk-delete/preview', json('POST', { match: 'bulk:*' }));
    expect(pv.status).toBe(200);
    expect(pv.body).toMatchObject({ matched: 5000, complete: true });
    expect(pv.body.sample.length).toBe(20);
    expect(pv.body.confirm).toBe(`delete bulk:* on 127.0.0.1:${server.port}`);
    const wrong = await sky.api('/api/keys/bulk-delete', json('POST', { match: 'bulk:*', confirm: 'delete bulk:*' }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('confirm_mismatch');
    expect(await direct.exists('bulk:1')).toBe(1);
    const job = await sky.api('/api/keys/bulk-delete', json('POST', { match: 'bulk:*', confirm: pv.body.confirm }));
    expect(job.status).toBe(202);
    const done = await waitFor('bulk delete done', async () => {
      const s = (await sky.api(`/api/keys/bulk-delete/${job.body.id}`)).body;
      return s.state !== 'running' ? s : undefined;
    }, 30_000);
    expect(done).toMatchObject({ state: 'done', deleted: 5000, errors: 0 });
    expect(done.endedAt).toBeGreaterThanOrEqual(done.startedAt);
    expect(Number(await direct.dbsize())).toBe(1001);
    await waitFor('bulk delete audited', async () =>
      (await sky.store.audit({ from: 0, to: Date.now() + 60_000, limit: 100 })).some((r) => r.source === 'bulk' && r.command.includes('UNLINK 5000 keys matching bulk:*') && r.ok),
    );
  }, 60_000);

  test('bulk delete: cancel keeps what was deleted and stops', async () => {
    const p = direct.pipeline();
    for (let i = 0; i < 50_000; i++) p.set(`slow:${i}`, 'x');
    await p.exec();
    const pv = (await sky.api('/api/keys/bulk-delete/preview', json('POST', { match: 'slow:*' }))).body;
    const job = await sky.api('/api/keys/bulk-delete', json('POST', { match: 'slow:*', confirm: pv.confirm }));
    expect(job.status).toBe(202);
    expect((await sky.api('/api/keys/bulk-delete', json('POST', { match: 'slow:*', confirm: pv.confirm }))).status).toBe(409);
    await waitFor('some deleted', async () => (await sky.api(`/api/keys/bulk-delete/${job.body.id}`)).body.deleted > 0, 10_000, 5);
    const cancelled = await sky.api(`/api/keys/bulk-delete/${job.body.id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');
    const left = Number(await direct.eval("return #redis.call('keys', 'slow:*')", 0));
    expect(left).toBe(50_000 - cancelled.body.deleted);
    expect(left).toBeGreaterThan(0);
    await Bun.sleep(300);
    expect(Number(await direct.eval("return #redis.call('keys', 'slow:*')", 0))).toBe(left);
    await direct.flushdb();
  }, 60_000);

  test('memory analysis: one at a time, stored, grouped, estimated, listed', async () => {
    const p = direct.pipeline();
    for (let i = 0; i < 3000; i++) p.set(`user:${i}`, 'x'.repeat(100), 'EX', 600);
    for (let i = 0; i < 1000; i++) p.hset(`cart:${i}`, 'a', '1', 'b', '2');
    await p.exec();
    await direct.hset('huge', ...Array.from({ length: 2000 }, (_, i) => [`f${i}`, 'y'.repeat(50)]).flat());
    const start = await sky.api('/api/keys/analysis', json('POST', { sampleKeys: 1000 }));
    expect(start.status).toBe(202);
    const busy = await sky.api('/api/keys/analysis', json('POST', {}));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('busy');
    const run = await waitFor('analysis done', async () => {
      const r = (await sky.api(`/api/keys/analysis/${start.body.id}`)).body;
      return r.state === 'done' ? r : undefined;
    }, 30_000);
    expect(run.totalKeys).toBe(4001);
    expect(run.sampled).toBeGreaterThanOrEqual(1000);
    expect(run.sampled).toBeLessThan(2100);
    const types = Object.fromEntries(run.byType.map((t: any) => [t.type, t]));
    expect(Object.keys(types).sort()).toEqual(['hash', 'string']);
    // ~3000 strings and ~1000 hashes estimated from a quarter of the keys.
    expect(types.string.estKeys).toBeGreaterThan(2500);
    expect(types.string.estKeys).toBeLessThan(3500);
    expect(types.string.estBytesLow).toBeLessThanOrEqual(types.string.estBytes);
    expect(types.string.estBytesHigh).toBeGreaterThanOrEqual(types.string.estBytes);
    expect(run.byPrefix.map((g: any) => g.prefix)).toContain('user:');
    expect(run.byTtl.map((g: any) => g.bucket)).toEqual(expect.arrayContaining(['no ttl', '1 min - 1 h']));
    expect(run.confidence).toMatchObject({ level: 0.95, exact: false });
    expect(run.confidence.note).toContain('95%');
    expect(run.biggest[0].bytes).toBeGreaterThanOrEqual(run.biggest.at(-1).bytes);
    const list = (await sky.api('/api/keys/analysis')).body.runs;
    expect(list[0]).toMatchObject({ id: start.body.id, state: 'done', totalKeys: 4001 });
    // A full read (sample bigger than the keyspace) is exact and finds the huge hash.
    const full = await sky.api('/api/keys/analysis', json('POST', { sampleKeys: 10_000 }));
    const exact = await waitFor('exact run', async () => {
      const r = (await sky.api(`/api/keys/analysis/${full.body.id}`)).body;
      return r.state === 'done' ? r : undefined;
    }, 30_000);
    expect(exact.sampled).toBe(4001);
    expect(exact.confidence.exact).toBe(true);
    expect(exact.biggest[0]).toMatchObject({ key: { text: 'huge' }, type: 'hash', length: 2000 });
    // With a MATCH only matching keys count; their number on the node is estimated from how much SCAN visited.
    const matched = await sky.api('/api/keys/analysis', json('POST', { sampleKeys: 500, match: 'user:*' }));
    const m = await waitFor('match run', async () => {
      const r = (await sky.api(`/api/keys/analysis/${matched.body.id}`)).body;
      return r.state === 'done' ? r : undefined;
    }, 30_000);
    expect(m.match).toBe('user:*');
    expect(m.byPrefix.map((g: any) => g.prefix)).toEqual(['user:']);
    expect(m.byType.map((g: any) => g.type)).toEqual(['string']);
    expect(m.byType[0].estKeys).toBeGreaterThan(1500);
    expect(m.byType[0].estKeys).toBeLessThan(6000);
    expect(m.confidence.note).toContain('MATCH');
    // Stored in DuckDB, so runs can be compared with SQL.
    const sql = await sky.api('/api/sql', json('POST', { sql: "SELECT run_id, est_keys FROM v_key_analysis_groups WHERE dimension = 'type' AND name = 'string' ORDER BY run_id" }));
    expect(sql.body.rows).toHaveLength(3);
  }, 90_000);

  test('OBJECT FREQ under an LFU policy, IDLETIME otherwise', async () => {
    await direct.set('lfu', 'x');
    await direct.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    try {
      const d = (await sky.api(`/api/keys/key?key=${hex('lfu')}`)).body;
      expect(typeof d.freq).toBe('number');
      expect(d.idleS).toBeUndefined();
    } finally {
      await direct.config('SET', 'maxmemory-policy', 'noeviction');
    }
    const d = (await sky.api(`/api/keys/key?key=${hex('lfu')}`)).body;
    expect(typeof d.idleS).toBe('number');
    expect(d.freq).toBeUndefined();
  });

  test('bad parameters are JSON 400s naming the parameter', async () => {
    const bad: [string, RequestInit | undefined, string][] = [
      ['/api/keys/key?key=zz', undefined, 'key'],
      ['/api/keys/key', undefined, 'key'],
      ['/api/keys/scan?cursor=nonsense', undefined, 'cursor'],
      ['/api/keys/scan?limit=0', undefined, 'limit'],
      ['/api/keys/scan?type=no%20such', undefined, 'type'],
      [`/api/keys/value?key=${hex('keep:1')}&count=0`, undefined, 'count'],
      [`/api/keys/value?key=${hex('keep:1')}&bytes=99999999`, undefined, 'bytes'],
      ['/api/keys', { method: 'POST', body: '[1,' }, 'body'],
      ['/api/keys', json('POST', { key: { text: 'a' }, type: 'blob', value: 1 }), 'type'],
      ['/api/keys', json('POST', { key: { hex: 'zz' }, type: 'string', value: { text: 'x' } }), 'key'],
      ['/api/keys', json('POST', { key: { text: 'a' }, type: 'hash', value: [] }), 'value'],
      ['/api/keys/edit', json('POST', { key: { text: 'keep:1' }, op: 'explode' }), 'op'],
      ['/api/keys/ttl', json('POST', { key: { text: 'keep:1' }, ttlS: -5 }), 'ttlS'],
      ['/api/keys/bulk-delete/preview', json('POST', {}), 'match'],
      ['/api/keys/bulk-delete/abc', undefined, 'id'],
      ['/api/keys/analysis', json('POST', { sampleKeys: -1 }), 'sampleKeys'],
      ['/api/keys/analysis/xyz', undefined, 'id'],
    ];
    for (const [path, init, param] of bad) {
      const r = await sky.api(path, init);
      expect([path, r.status, r.body.error?.code]).toEqual([path, 400, 'bad_parameter']);
      expect(r.body.error.message.startsWith(`${param}:`)).toBe(true);
    }
    expect((await sky.api(`/api/keys/key?key=${hex('nope')}`)).body.error.code).toBe('no_such_key');
    expect((await sky.api('/api/keys/analysis/99999')).status).toBe(404);
    expect((await sky.api('/api/keys/bulk-delete/99999')).status).toBe(404);
  });
});
