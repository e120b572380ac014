// Cluster discovery and topology changes against real 6-node clusters: every node found, failover, rejoin, add, remove.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { startCluster, startStandalone, type ClusterHandle, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const addr = (s: ServerHandle) => `127.0.0.1:${s.port}`;

async function send(port: number, ...args: string[]): Promise<unknown> {
  const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
  await c.connect();
  try {
    return await c.call(args[0]!, ...args.slice(1));
  } finally {
    c.disconnect();
  }
}

// Discovery from one seed must find all six nodes with their roles on every flavor.
describe.each(['redis7', 'valkey8', 'redis8'] as Flavor[])('%s cluster discovery', (flavor) => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  beforeAll(async () => {
    cluster = await startCluster(flavor);
    sky = await startTestSkyscope([cluster.seedUrl]);
  });
  afterAll(async () => {
    await sky?.dispose();
    await cluster?.stop();
  });

  test('finds every primary and replica from one seed', async () => {
    const nodes = await waitFor('6 nodes up', async () => {
      const { body } = await sky.api('/api/nodes');
      return body.nodes.length === 6 && body.nodes.every((n: any) => n.state === 'up' && n.role !== 'unknown') ? body.nodes : undefined;
    });
    const primaries = (await cluster.primaries()).map(addr).sort();
    expect(nodes.filter((n: any) => n.role === 'primary').map((n: any) => n.address).sort()).toEqual(primaries);
    for (const r of nodes.filter((n: any) => n.role === 'replica')) expect(primaries).toContain(r.primary);
    expect(new Set(nodes.map((n: any) => n.clusterNodeId)).size).toBe(6);
  });
});

describe('valkey9 cluster topology changes', () => {
  let cluster: ClusterHandle;
  let sky: TestSkyscope;
  let extra: ServerHandle | undefined;
  const events = async (kind: string, node?: string) =>
    ((await sky.api(`/api/events?from=now-1h`)).body.events as any[]).filter((e) => e.kind === kind && (!node || e.node === node));

  beforeAll(async () => {
    cluster = await startCluster('valkey9');
    sky = await startTestSkyscope([cluster.seedUrl]);
    await waitFor('6 nodes up', async () => (await sky.api('/api/nodes')).body.nodes.filter((n: any) => n.state === 'up' && n.role !== 'unknown').length === 6);
  });
  afterAll(async () => {
    await sky?.dispose();
    await extra?.stop();
    await cluster?.stop();
  });

  test('replication lag is recorded for every replica', async () => {
    const replicas = (await cluster.replicas()).map(addr).sort();
    await sky.store.flush();
    const rows = await waitFor('lag samples', async () => {
      await sky.store.flush();
      const r = await sky.store.sql(`SELECT DISTINCT node FROM v_samples WHERE metric = 'valkey_replication_lag_bytes' ORDER BY node`);
      return r.rows.length === 3 ? r.rows : undefined;
    });
    expect(rows.map((r) => r[0])).toEqual(replicas);
  });

  test('a killed primary: node down, failover of its replica, then it rejoins as a replica', async () => {
    const [victim] = await cluster.primaries();
    const victimId = (await sky.api('/api/nodes')).body.nodes.find((n: any) => n.address === addr(victim!)).clusterNodeId;
    const itsReplica = (await sky.api('/api/nodes')).body.nodes.find((n: any) => n.role === 'replica' && n.primary === addr(victim!));
    expect(itsReplica).toBeDefined();
    victim!.kill('SIGKILL');
    await waitFor('node_down event', async () => (await events('node_down', addr(victim!))).length > 0);
    const down = (await sky.api('/api/nodes')).body.nodes.find((n: any) => n.address === addr(victim!));
    expect(down.state).toBe('down');
    expect(down.lastError).toMatch(/connection refused|connection lost/);
    // other nodes keep being collected while one is down
    expect((await sky.api('/api/nodes')).body.nodes.filter((n: any) => n.state === 'up')).toHaveLength(5);

    await waitFor('failover event', async () => (await events('failover', itsReplica.address)).length > 0, 30_000);
    const promoted = (await sky.api('/api/nodes')).body.nodes.find((n: any) => n.address === itsReplica.address);
    expect(promoted.role).toBe('primary');
    const roleChange = (await events('role_change', itsReplica.address))[0];
    expect(roleChange.detail).toMatchObject({ from: 'replica', to: 'primary' });

    await victim!.restart();
    await waitFor('node_up after restart', async () => (await events('node_up', addr(victim!))).some((e) => e.detail.downSeconds !== undefined));
    const back = await waitFor('old primary is now a replica', async () => {
      const n = (await sky.api('/api/nodes')).body.nodes.find((x: any) => x.address === addr(victim!));
      return n.role === 'replica' ? n : undefined;
    }, 30_000);
    expect(back.clusterNodeId).toBe(victimId);
    expect(back.primary).toBe(itsReplica.address);
    // collection resumed: fresh samples from the restarted node
    const since = Date.now() / 1000;
    await waitFor('fresh samples from the restarted node', async () => {
      await sky.store.flush();
      const r = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE node = '${addr(victim!)}' AND metric = 'valkey_uptime_seconds' AND epoch(ts) > ${since}`);
      return (r.rows[0]![0] as number) > 0;
    });
  });

  test('a node that joins is watched; a node that is forgotten is dropped', async () => {
    extra = await startStandalone('valkey9', { config: { 'cluster-enabled': 'yes', 'cluster-node-timeout': '2000' } });
    await send(cluster.nodes[0]!.port, 'CLUSTER', 'MEET', '127.0.0.1', String(extra.port));
    await waitFor('node_added event', async () => (await events('node_added', addr(extra!))).length > 0, 20_000);
    await waitFor('new node up', async () => (await sky.api('/api/nodes')).body.nodes.some((n: any) => n.address === addr(extra!) && n.state === 'up'));

    const extraId = String(await send(extra.port, 'CLUSTER', 'MYID'));
    // Forget it everywhere (within the 60 s ban), and make it forget the others so it cannot re-join by gossip.
    await send(extra.port, 'CLUSTER', 'RESET', 'HARD');
    for (const n of cluster.nodes) await send(n.port, 'CLUSTER', 'FORGET', extraId).catch(() => {});
    await waitFor('node_removed event', async () => (await events('node_removed', addr(extra!))).length > 0, 20_000);
    expect((await sky.api('/api/nodes')).body.nodes.map((n: any) => n.address)).not.toContain(addr(extra));
  });
});
