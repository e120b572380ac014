// GET /api/topology and slot_move events against a real Valkey 9 cluster: shards, a migrated slot, a failover.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startCluster, type ClusterHandle, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const addr = (s: ServerHandle) => `127.0.0.1:${s.port}`;

async function send(port: number, ...args: (string | number)[]): Promise<unknown> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  try {
    return await c.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    c.disconnect();
  }
}

const slotsOf = (shard: any): number[] => shard.slots.flatMap(([a, b]: [number, number]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));

describe('valkey9 topology', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  const topology = async () => (await sky.api('/api/topology')).body;
  const events = async (kind: string) => ((await sky.api('/api/events?from=now-1h')).body.events as any[]).filter((e) => e.kind === kind);
  const port = (address: string) => cluster.nodes.find((n) => addr(n) === address)!;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 1 });
    sky = await startTestSkyscope([cluster.seedUrl]);
    await waitFor('6 nodes up', async () => (await sky.api('/api/nodes')).body.nodes.filter((n: any) => n.state === 'up' && n.role !== 'unknown').length === 6);
  });
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('three shards own all 16384 slots; each has its primary first and a replica with a lag in bytes', async () => {
    const body = await waitFor('topology with INFO values', async () => {
      const t = await topology();
      return t.shards.length === 3 && t.shards.every((s: any) => s.nodes.every((n: any) => n.memoryBytes !== null)) ? t : undefined;
    });
    expect(body.targets).toEqual([{ url: cluster.seedUrl, kind: 'cluster' }]);
    expect(Math.abs(body.updatedAt - Date.now() / 1000)).toBeLessThan(5);
    expect(body.shards.reduce((n: number, s: any) => n + s.slotCount, 0)).toBe(16384);
    expect(new Set(body.shards.flatMap(slotsOf)).size).toBe(16384);
    const primaries = (await cluster.primaries()).map(addr).sort();
    expect(body.shards.map((s: any) => s.nodes[0].address).sort()).toEqual(primaries);
    for (const s of body.shards) {
      const [primary, ...replicas] = s.nodes;
      expect(s.id).toBe(String(await send(port(primary.address).port, 'CLUSTER', 'MYID')));
      expect(primary).toMatchObject({ id: s.id, role: 'primary', state: 'up', health: 'online', linkState: 'connected', lagBytes: null });
      expect(primary.flags).toContain('master');
      expect(typeof primary.replicationOffset).toBe('number');
      expect(typeof primary.opsPerSec).toBe('number');
      expect(replicas).toHaveLength(1);
      expect(replicas[0]).toMatchObject({ role: 'replica', state: 'up', linkState: 'connected' });
      expect(typeof replicas[0].lagBytes).toBe('number');
      expect(replicas[0].lagBytes).toBeGreaterThanOrEqual(0);
      expect(await send(port(replicas[0].address).port, 'CLUSTER', 'MYID')).toBe(replicas[0].id);
    }
    // The first discovery is the baseline, not a move of every slot.
    expect(await events('slot_move')).toEqual([]);
  });

  test('a slot migrated with CLUSTER SETSLOT is a slot_move event and shows under its new owner', async () => {
    const key = 'topology:moved';
    const slot = Number(await send(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key));
    const before = await topology();
    const source = before.shards.find((s: any) => slotsOf(s).includes(slot));
    const dest = before.shards.find((s: any) => s !== source);
    const [src, dst] = [port(source.nodes[0].address), port(dest.nodes[0].address)];
    // A key in the slot, so MIGRATE moves real data.
    await send(src.port, 'SET', key, 'v');

    await send(dst.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await send(src.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', dest.id);
    const keys = (await send(src.port, 'CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
    expect(keys).toEqual([key]);
    await send(src.port, 'MIGRATE', '127.0.0.1', dst.port, '', 0, 5000, 'KEYS', ...keys);
    await send(dst.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', dest.id);
    await send(src.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', dest.id);

    const [move] = await waitFor('slot_move event', async () => {
      const e = await events('slot_move');
      return e.length > 0 ? e : undefined;
    }, 20_000);
    expect(move.node).toBe(addr(dst));
    expect(move.detail).toEqual({ slots: [[slot, slot]], from: addr(src), to: addr(dst), count: 1 });
    expect(move.message).toBe(`slot ${slot} moved from ${addr(src)} to ${addr(dst)}`);
    const after = await topology();
    const shardOf = (s: number) => after.shards.find((x: any) => slotsOf(x).includes(s));
    expect(shardOf(slot).id).toBe(dest.id);
    expect(shardOf(slot).slotCount).toBe(dest.slotCount + 1);
    expect(after.shards.find((x: any) => x.id === source.id).slotCount).toBe(source.slotCount - 1);
    // a range was split, the total is unchanged, and nothing else moved
    expect(after.shards.reduce((n: number, s: any) => n + s.slotCount, 0)).toBe(16384);
    expect(await events('slot_move')).toHaveLength(1);
    expect(await send(dst.port, 'GET', key)).toBe('v');
  });

  test('a killed primary: failover event, then its replica leads the shard with the same slots', async () => {
    const before = await topology();
    // The seed, when it is a primary: the topology connection must then move to another node as well.
    const shard = before.shards.find((s: any) => s.nodes[0].address === cluster.seedUrl.replace('redis://', '')) ?? before.shards[0];
    const victim = port(shard.nodes[0].address);
    const replica = shard.nodes[1];
    victim.kill('SIGKILL');

    const [failover] = await waitFor('failover event', async () => {
      const e = (await events('failover')).filter((x) => x.node === replica.address);
      return e.length > 0 ? e : undefined;
    }, 30_000);
    expect(failover.detail).toMatchObject({ promoted: replica.address, previousPrimary: addr(victim) });
    // Within one topology interval (1 s here) of the failover being seen.
    const after = await waitFor('topology with the promoted primary', async () => {
      const t = await topology();
      return t.shards.some((s: any) => s.id === replica.id) ? t : undefined;
    }, 2500);
    const promoted = after.shards.find((s: any) => s.id === replica.id);
    expect(promoted.slots).toEqual(shard.slots);
    expect(promoted.nodes[0]).toMatchObject({ address: replica.address, role: 'primary', state: 'up' });
    const dead = after.shards.flatMap((s: any) => s.nodes).find((n: any) => n.address === addr(victim));
    expect(dead).toMatchObject({ state: 'down', memoryBytes: null, opsPerSec: null });
    expect(dead.flags).toContain('fail');
    expect(after.shards.reduce((n: number, s: any) => n + s.slotCount, 0)).toBe(16384);
    // Slots staying in their shard are no slot_move.
    expect(await events('slot_move')).toHaveLength(1);
  });
});

// An ACL that denies CLUSTER SHARDS: topology still comes from CLUSTER NODES, offsets and lag from each node's INFO.
describe('valkey9 topology without CLUSTER SHARDS', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;

  beforeAll(async () => {
    cluster = await startCluster('valkey9', { primaries: 3, replicasPerPrimary: 1 });
    for (const n of cluster.nodes) await send(n.port, 'ACL', 'SETUSER', 'noshards', 'on', '>secret', '~*', '&*', '+@all', '-cluster|shards');
    sky = await startTestSkyscope([`redis://noshards:secret@127.0.0.1:${cluster.nodes[0]!.port}`]);
  });
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('three shards from CLUSTER NODES, no health, replica lag from INFO offsets', async () => {
    const body = await waitFor('topology with offsets from INFO', async () => {
      const t = (await sky.api('/api/topology')).body;
      return t.shards.length === 3 && t.shards.every((s: any) => s.nodes.length === 2 && s.nodes.every((n: any) => n.replicationOffset !== null)) ? t : undefined;
    });
    expect(body.shards.reduce((n: number, s: any) => n + s.slotCount, 0)).toBe(16384);
    for (const s of body.shards) {
      expect(s.nodes.map((n: any) => [n.role, n.health, n.linkState])).toEqual([['primary', null, 'connected'], ['replica', null, 'connected']]);
      expect(s.nodes[0].lagBytes).toBeNull();
      expect(s.nodes[1].lagBytes).toBeGreaterThanOrEqual(0);
    }
    expect(sky.logLines.some((l) => /CLUSTER SHARDS failed.*NOPERM|CLUSTER SHARDS failed.*permission/i.test(l))).toBe(true);
  });
});
