// Slot statistics against a real 6-node Valkey 9.1 cluster: enabling counters, heat in the right slot and node,
// net-in deltas that match the bytes sent, across a failover and a slot migration.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startCluster, type ClusterHandle, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const addr = (s: ServerHandle) => `127.0.0.1:${s.port}`;
const value = 'v'.repeat(1000);

function client(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
}

async function send(port: number, ...args: (string | number)[]): Promise<any> {
  const c = client(port);
  try {
    return await c.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    c.disconnect();
  }
}

/** The primary serving `slot` right now, asked through any live node. */
async function ownerOf(cluster: ClusterHandle, slot: number): Promise<ServerHandle> {
  const primaries = await cluster.primaries();
  for (const p of primaries) {
    const ranges = ((await send(p.port, 'CLUSTER', 'SLOTS')) as any[]).map((r) => [Number(r[0]), Number(r[1]), Number(r[2][1])]);
    const hit = ranges.find(([a, b]) => slot >= a! && slot <= b!);
    if (hit) return cluster.nodes.find((n) => n.port === hit[2])!;
  }
  throw new Error(`no owner for slot ${slot}`);
}

/** `count` SETs of 1000-byte values to keys with hash tag `tag`, straight to the slot's owner, pipelined. */
async function writeTo(port: number, tag: string, count: number): Promise<void> {
  const c = client(port);
  try {
    const p = c.pipeline();
    for (let i = 0; i < count; i++) p.set(`{${tag}}:${i}`, value);
    const res = await p.exec();
    for (const [err] of res ?? []) if (err) throw err;
  } finally {
    c.disconnect();
  }
}

/** Bytes a SET of {tag}:i with the 1000-byte value takes on the wire (RESP2 request). */
function setBytes(tag: string, i: number): number {
  const key = `{${tag}}:${i}`;
  const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  return Buffer.byteLength(`*3\r\n${bulk('set')}${bulk(key)}${bulk(value)}`);
}
const bytesOf = (tag: string, from: number, to: number) => Array.from({ length: to - from }, (_, k) => setBytes(tag, from + k)).reduce((a, b) => a + b, 0);

describe('valkey9 slot statistics', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let hotSlot: number;
  let warmSlot: number;
  const t0 = Math.floor(Date.now() / 1000) - 5;

  beforeAll(async () => {
    cluster = await startCluster('valkey9');
    // Start with per-slot cpu/network off, as on a default server: Skyscope must say so and offer to enable.
    for (const p of await cluster.primaries()) await send(p.port, 'CONFIG', 'SET', 'cluster-slot-stats-enabled', 'no');
    sky = await startTestSkyscope([cluster.seedUrl], ['--interval', 'slot_stats=1s']);
    hotSlot = Number(await send(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', '{hot}'));
    warmSlot = Number(await send(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', '{warm}'));
    await waitFor('3 primaries reporting slot stats', async () => {
      const s = (await sky.api('/api/slots/status')).body;
      return s.nodes.length === 3 && s.nodes.every((n: any) => n.cpuNet !== null) ? s : undefined;
    });
  }, 120_000);
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('status says cpu/network are off; POST /api/slots/enable turns them on everywhere', async () => {
    const before = (await sky.api('/api/slots/status')).body;
    expect(before.available).toBe(true);
    expect(before.cpuNet).toBe('off');
    expect(before.reason).toContain('cluster-slot-stats-enabled');
    const res = await sky.api('/api/slots/enable', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.body.cpuNet).toBe('on');
    expect(res.body.results.length).toBe(3);
    for (const p of await cluster.primaries()) expect(await send(p.port, 'CONFIG', 'GET', 'cluster-slot-stats-enabled')).toEqual(['cluster-slot-stats-enabled', 'yes']);
  });

  test('heat lands in the written slots, on their owners, with net-in equal to the bytes sent', async () => {
    const hotOwner = await ownerOf(cluster, hotSlot);
    const warmOwner = await ownerOf(cluster, warmSlot);
    // Wait for one poll with counters on, so the writes below fall after the baseline.
    await Bun.sleep(2500);
    await writeTo(hotOwner.port, 'hot', 2000);
    await writeTo(warmOwner.port, 'warm', 200);
    const hot = await waitFor('hot slots', async () => {
      const r = (await sky.api(`/api/slots/hot?metric=net_in&from=${t0}&limit=5`)).body as any[];
      return r.length >= 2 && r[0].value >= bytesOf('hot', 0, 2000) ? r : undefined;
    });
    expect(hot[0].slot).toBe(hotSlot);
    expect(hot[0].node).toBe(addr(hotOwner));
    expect(hot[0].value).toBe(bytesOf('hot', 0, 2000));
    expect(hot[1].slot).toBe(warmSlot);
    expect(hot[1].value).toBe(bytesOf('warm', 0, 200));
    expect(hot[0].share).toBeGreaterThan(0.8);

    const cpu = (await sky.api(`/api/slots/hot?metric=cpu&from=${t0}&limit=1`)).body as any[];
    expect(cpu[0].slot).toBe(hotSlot);

    // The full heatmap, one row per slot: the hottest cell is in the hot slot's row, owned by its node.
    const h = (await sky.api(`/api/slots/heatmap?metric=net_in&from=${t0}&rows=16384&cols=60`)).body;
    expect(h.rows.length).toBe(16384);
    let best = { row: -1, v: -1 };
    h.values.forEach((row: (number | null)[], i: number) => row.forEach((v) => v !== null && v > best.v && (best = { row: i, v })));
    expect(best.row).toBe(hotSlot);
    expect(h.rows[hotSlot].node).toBe(addr(hotOwner));
    expect(h.bands.length).toBeGreaterThanOrEqual(3);
    // Key counts: 2000 keys in the hot slot.
    const keys = (await sky.api(`/api/slots/heatmap?metric=keys&from=${t0}&rows=16384&cols=10&slotFrom=0&slotTo=16383`)).body;
    expect(keys.values[hotSlot].at(-1)).toBe(2000);

    const bal = (await sky.api(`/api/slots/balance?metric=net_in&from=${t0}`)).body;
    expect(bal.nodes[0].node).toBe(addr(hotOwner));
    expect(bal.imbalance).toBeGreaterThan(1);
    expect(bal.advice).toContain(`slot ${hotSlot}`);
  });

  test('after a failover, the promoted replica reports the slot and deltas start from a baseline', async () => {
    const owner = await ownerOf(cluster, hotSlot);
    const before = Math.floor(Date.now() / 1000);
    owner.kill();
    const promoted = await waitFor('a replica takes over the hot slot', async () => {
      try {
        const o = await ownerOf(cluster, hotSlot);
        return o.port !== owner.port ? o : undefined;
      } catch {
        return undefined;
      }
    }, 30_000, 250);
    await waitFor('failover event', async () => ((await sky.api(`/api/events?from=${before}`)).body.events as any[]).some((e) => e.kind === 'failover' && e.node === addr(promoted)), 20_000);
    await waitFor('promoted node reports slot stats', async () => {
      const n = ((await sky.api('/api/slots/status')).body.nodes as any[]).find((x) => x.address === addr(promoted));
      return n?.cpuNet === true;
    }, 20_000);
    await Bun.sleep(2500);
    const since = Math.floor(Date.now() / 1000);
    await writeTo(promoted.port, 'hot', 300);
    const hot = await waitFor('hot slot from the new primary', async () => {
      const r = (await sky.api(`/api/slots/hot?metric=net_in&from=${since}&limit=1`)).body as any[];
      return r[0]?.slot === hotSlot && r[0].node === addr(promoted) && r[0].value >= bytesOf('hot', 0, 300) ? r : undefined;
    });
    // Exactly the bytes sent since: the replica's counters from before its promotion are not counted as new load.
    expect(hot[0].value).toBe(bytesOf('hot', 0, 300));
  }, 90_000);

  test('a migrated slot keeps correct deltas and its keys, now under the new owner', async () => {
    const from = await ownerOf(cluster, warmSlot);
    const to = (await cluster.primaries()).find((p) => p.port !== from.port)!;
    const fromId = String(await send(from.port, 'CLUSTER', 'MYID'));
    const toId = String(await send(to.port, 'CLUSTER', 'MYID'));
    const before = Math.floor(Date.now() / 1000);
    await send(to.port, 'CLUSTER', 'SETSLOT', warmSlot, 'IMPORTING', fromId);
    await send(from.port, 'CLUSTER', 'SETSLOT', warmSlot, 'MIGRATING', toId);
    const keys = (await send(from.port, 'CLUSTER', 'GETKEYSINSLOT', warmSlot, 1000)) as string[];
    expect(keys.length).toBe(200);
    await send(from.port, 'MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
    await send(to.port, 'CLUSTER', 'SETSLOT', warmSlot, 'NODE', toId);
    await send(from.port, 'CLUSTER', 'SETSLOT', warmSlot, 'NODE', toId);
    await waitFor('new owner reports the slot', async () => {
      const h = (await sky.api(`/api/slots/heatmap?metric=keys&from=${before}&rows=1&cols=1&slotFrom=${warmSlot}&slotTo=${warmSlot}`)).body;
      return h.rows[0].node === addr(to) ? h : undefined;
    }, 20_000);
    await Bun.sleep(2500);
    const since = Math.floor(Date.now() / 1000);
    await writeTo(to.port, 'warm', 50);
    const hot = await waitFor('warm slot load on the new owner', async () => {
      const r = ((await sky.api(`/api/slots/hot?metric=net_in&from=${since}&limit=5`)).body as any[]).find((x) => x.slot === warmSlot);
      return r && r.value >= bytesOf('warm', 0, 50) ? r : undefined;
    });
    expect(hot.node).toBe(addr(to));
    expect(hot.value).toBe(bytesOf('warm', 0, 50));
    // The migration's own traffic (MIGRATE/RESTORE) is not a client's load: nothing was counted between the two owners' baselines.
    const keysNow = (await sky.api(`/api/slots/heatmap?metric=keys&from=${since}&rows=1&cols=1&slotFrom=${warmSlot}&slotTo=${warmSlot}`)).body;
    expect(keysNow.values[0].at(-1)).toBe(200);
  }, 90_000);

  test('slot statistics come over one socket per primary (client skyscope-slots), none to replicas', async () => {
    const slotClients = async (port: number) => String(await send(port, 'CLIENT', 'LIST')).split('\n').filter((l) => / name=skyscope-slots /.test(l)).length;
    const primaries = new Set((await cluster.primaries()).map((p) => p.port));
    const live: ServerHandle[] = [];
    for (const n of cluster.nodes) if (await send(n.port, 'PING').then(() => true, () => false)) live.push(n);
    // Roles may just have changed (the failover test above): a demoted node's socket closes on its next poll.
    const counts = await waitFor('one slot-stats client per primary and none per replica', async () => {
      const c = await Promise.all(live.map(async (n) => [n.port, await slotClients(n.port)] as const));
      return c.every(([port, k]) => k === (primaries.has(port) ? 1 : 0)) ? c : undefined;
    }, 10_000);
    expect(counts.filter(([, k]) => k === 1).length).toBe(3);
  });

  test('bad parameters are JSON 400s', async () => {
    for (const q of ['metric=ops', 'rows=0', 'cols=99999', 'slotFrom=5&slotTo=2', 'slotTo=16384', 'from=yesterday']) {
      const r = await sky.api(`/api/slots/heatmap?${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_parameter');
    }
  });
});

describe('--read-only', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 0 });
    sky = await startTestSkyscope([cluster.seedUrl], ['--read-only', '--interval', 'slot_stats=1s']);
  }, 60_000);
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('refuses to enable slot statistics', async () => {
    await waitFor('status', async () => ((await sky.api('/api/slots/status')).body.nodes.length === 3 ? true : undefined));
    const res = await sky.api('/api/slots/enable', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('read_only');
    expect((await sky.api('/api/slots/status')).body.readOnly).toBe(true);
  });
});

describe('redis7 cluster (no CLUSTER SLOT-STATS)', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  beforeAll(async () => {
    cluster = await startCluster('redis7', { primaries: 3, replicasPerPrimary: 0 });
    sky = await startTestSkyscope([cluster.seedUrl], ['--interval', 'slot_stats=1s']);
  }, 60_000);
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('slot statistics say what they need; topology still works; the heatmap is empty, not an error', async () => {
    const status = await waitFor('3 primaries known', async () => {
      const s = (await sky.api('/api/slots/status')).body;
      return s.nodes.length === 3 && s.nodes.every((n: any) => n.supported === false) ? s : undefined;
    });
    expect(status.available).toBe(false);
    expect(status.cpuNet).toBe('unsupported');
    expect(status.reason).toContain('Valkey 8.0');
    // Never asked (so never failing): the source is marked unsupported from COMMAND INFO.
    await waitFor('slot_stats unsupported on every primary', async () => {
      const nodes = (await sky.api('/api/nodes')).body.nodes as any[];
      return nodes.filter((n) => n.role === 'primary').every((n) => n.sources.slot_stats.state === 'unsupported') ? nodes : undefined;
    });
    expect(sky.logLines.some((l) => /slot_stats poll failed/.test(l))).toBe(false);
    const topo = (await sky.api('/api/topology')).body;
    expect(topo.shards.reduce((s: number, sh: any) => s + sh.slotCount, 0)).toBe(16384);
    const h = await sky.api('/api/slots/heatmap?metric=cpu&from=now-5m&rows=16&cols=10');
    expect(h.status).toBe(200);
    expect(h.body.max).toBe(0);
    expect(h.body.values.flat().every((v: unknown) => v === null)).toBe(true);
  });
});
