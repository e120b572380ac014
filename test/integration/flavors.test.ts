// Runs the collector against a real standalone server of every flavor and checks what lands in DuckDB and the API.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { FLAVORS, promtoolPath, startStandalone, type Flavor, type ServerHandle } from '../servers/servers.ts';
import { startTestSkyscope, waitFor, type TestSkyscope } from './harness.ts';

const expectations: Record<Flavor, { flavor: 'valkey' | 'redis'; has: string[]; lacks: string[] }> = {
  redis7: { flavor: 'redis', has: ['memory|stats', 'latency|latest', 'slowlog|get', 'cluster|shards'], lacks: ['commandlog', 'cluster|slot-stats', 'hotkeys'] },
  valkey8: { flavor: 'valkey', has: ['memory|stats', 'latency|latest', 'cluster|slot-stats'], lacks: ['commandlog', 'hotkeys'] },
  valkey9: { flavor: 'valkey', has: ['memory|stats', 'commandlog|get', 'cluster|slot-stats', 'clusterscan'], lacks: [] },
  redis8: { flavor: 'redis', has: ['memory|stats', 'hotkeys', 'latency|latest'], lacks: ['commandlog', 'clusterscan'] },
};

describe.each(FLAVORS)('%s standalone', (flavor) => {
  let server: ServerHandle;
  let sky: TestSkyscope;
  let node: string;

  beforeAll(async () => {
    server = await startStandalone(flavor);
    node = `127.0.0.1:${server.port}`;
    const client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
    for (let i = 0; i < 100; i++) await client.set(`key:${i}`, `value-${i}`);
    await client.expire('key:0', 3600);
    for (let i = 0; i < 50; i++) await client.get(`key:${i}`);
    for (let i = 0; i < 25; i++) await client.get(`missing:${i}`);
    await client.hset('key:1', 'f', 'v').catch(() => {}); // WRONGTYPE, for errorstats
    sky = await startTestSkyscope([server.url]);
    // keep some traffic going so rates are non-zero while Skyscope polls
    const until = Date.now() + 1500;
    while (Date.now() < until) await client.get('key:2');
    client.disconnect();
    await waitFor('three INFO polls', async () => (await sky.store.sql(`SELECT count(DISTINCT ts) AS n FROM v_samples WHERE metric = 'valkey_uptime_seconds'`)).rows[0]![0] as number >= 3);
    await sky.store.flush();
  });

  afterAll(async () => {
    await sky?.dispose();
    await server?.stop();
  });

  test('/api/nodes tells flavor, version, role and capabilities', async () => {
    const { status, body } = await sky.api('/api/nodes');
    expect(status).toBe(200);
    expect(body.nodes).toHaveLength(1);
    const n = body.nodes[0];
    expect(n.address).toBe(node);
    expect(n.id).toBe(node);
    expect(n.state).toBe('up');
    expect(n.role).toBe('primary');
    expect(n.flavor).toBe(expectations[flavor].flavor);
    expect(n.version).toBe(server.version);
    for (const c of expectations[flavor].has) expect(n.capabilities).toContain(c);
    for (const c of expectations[flavor].lacks) expect(n.capabilities).not.toContain(c);
    expect(n.sources.info.state).toBe('ok');
    expect(n.sources.memory_stats.state).toBe('ok');
    expect(body.targets).toEqual([{ url: server.url, kind: 'standalone', nodes: [node] }]);
  });

  test('samples land in DuckDB: keys per db, ops/s, hit ratio, commandstats, errorstats, memory stats', async () => {
    const latest = async (metric: string, labels = '') =>
      (await sky.store.sql(`SELECT value FROM v_samples WHERE node = '${node}' AND metric = '${metric}' AND labels = '${labels}' ORDER BY ts DESC LIMIT 1`)).rows[0]?.[0] as number | undefined;
    expect(await latest('valkey_db_keys', 'db="0"')).toBe(100);
    expect(await latest('valkey_db_keys_expiring', 'db="0"')).toBe(1);
    expect(await latest('valkey_commands_processed_total')).toBeGreaterThan(0);
    expect(await latest('valkey_command_calls_total', 'cmd="get"')).toBeGreaterThan(0);
    const ratio = await latest('valkey_keyspace_hit_ratio');
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(await latest('valkey_cpu_usage_ratio')).toBeGreaterThanOrEqual(0);
    expect(await latest('valkey_memory_used_bytes')).toBeGreaterThan(100_000);
    expect(await latest('valkey_memory_stats_bytes', 'stat="dataset.bytes"')).toBeGreaterThan(0);
    expect(await latest('valkey_connected_clients')).toBeGreaterThanOrEqual(1);
    expect(await latest('skyscope_node_up')).toBe(1);
    const errors = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE node = '${node}' AND metric = 'valkey_errors_total' AND labels = 'error="WRONGTYPE"'`);
    expect(errors.rows[0]![0] as number).toBeGreaterThan(0);
    // latencystats exists on every flavor tested (Redis 7+ / Valkey)
    const p99 = await sky.store.sql(`SELECT count(*) FROM v_samples WHERE metric = 'valkey_command_latency_seconds' AND labels = 'cmd="get",percentile="99"'`);
    expect(p99.rows[0]![0] as number).toBeGreaterThan(0);
  });

  test('/api/series returns uPlot columns: ascending unix seconds, one column per node', async () => {
    const { status, body } = await sky.api(`/api/series?metric=${encodeURIComponent('valkey_db_keys{db="0"}')}&node=all&from=now-1m&step=1s&agg=last`);
    expect(status).toBe(200);
    expect(body.series).toEqual([{ node, labels: { db: '0' } }]);
    const [xs, ys] = body.data as [number[], (number | null)[]];
    expect(xs.length).toBeGreaterThanOrEqual(59);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBe(1);
    expect(Math.abs(xs.at(-1)! - Date.now() / 1000)).toBeLessThan(5);
    expect(ys.filter((v) => v !== null).at(-1)).toBe(100);
    expect(ys[0]).toBeNull(); // a minute ago Skyscope was not running: a gap, not a zero
  });

  test('/metrics is clean under promtool and has the latest values', async () => {
    const { status, body } = await sky.text('/metrics');
    expect(status).toBe(200);
    expect(body).toContain(`valkey_db_keys{node="${node}",db="0"} 100`);
    expect(body).toMatch(new RegExp(`valkey_node_info\\{node="${node}",flavor="${expectations[flavor].flavor}",version="${server.version.replace(/\./g, '\\.')}",role="primary"\\} 1`));
    expect(body).toMatch(/# TYPE valkey_commands_processed_total counter/);
    const check = spawnSync(promtoolPath(), ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
