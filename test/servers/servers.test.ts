// Checks the test-server library itself: every installed flavor starts, reports itself, restarts, and goes away.
import { afterAll, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import { FLAVORS, benchmarkCommand, cliCommand, promtoolPath, serverInfo, startCluster, startStandalone, type ClusterHandle, type Flavor, type ServerHandle } from './servers.ts';
import { BUS_OFFSET, canBind } from './ports.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

async function withClient<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

async function expectGone(s: ServerHandle, bus = false): Promise<void> {
  expect(await canBind(s.port)).toBe(true);
  if (bus) expect(await canBind(s.port + BUS_OFFSET)).toBe(true);
  expect(existsSync(s.dir)).toBe(false);
}

const isValkey = (f: Flavor): boolean => f.startsWith('valkey');

describe('standalone', () => {
  for (const flavor of FLAVORS) {
    const info = serverInfo(flavor);
    test(`${flavor} starts, reports its flavor and version, and stops`, async () => {
      const s = await startStandalone(flavor);
      cleanups.push(() => s.stop());
      expect(s.url).toBe(`redis://127.0.0.1:${s.port}`);
      const text = await withClient(s.port, (r) => r.call('INFO', 'server') as Promise<string>);
      if (isValkey(flavor)) {
        expect(infoField(text, 'server_name')).toBe('valkey');
        expect(infoField(text, 'valkey_version')).toBe(info.version);
      } else {
        expect(infoField(text, 'valkey_version')).toBeUndefined();
        expect(infoField(text, 'redis_version')).toBe(info.version);
      }
      expect(info.version.split('.')[0]).toBe(flavor.slice(-1));
      await s.stop();
      await expectGone(s);
    });
  }

  // npm test installs every flavor: a missing one must fail, not skip.
  const flavor: Flavor = FLAVORS.find((f) => serverInfo(f).available) ?? 'valkey9';
  test('kill() then restart() comes back on the same port and directory', async () => {
    const s = await startStandalone(flavor!, { config: { 'latency-monitor-threshold': '5' } });
    cleanups.push(() => s.stop());
    const { port, dir, pid } = s;
    s.kill();
    await Bun.sleep(50);
    expect(await withClient(port, (r) => r.ping()).catch(() => 'down')).toBe('down');
    await s.restart();
    expect([s.port, s.dir]).toEqual([port, dir]);
    expect(s.pid).not.toBe(pid);
    const threshold = await withClient(port, (r) => r.call('CONFIG', 'GET', 'latency-monitor-threshold'));
    expect(threshold).toEqual(['latency-monitor-threshold', '5']);
    await s.stop();
    await expectGone(s);
  });

  test('a start failure reports the server log', async () => {
    const err = await startStandalone(flavor!, { config: { 'no-such-directive': 'yes' } }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/no-such-directive/);
  });
});

describe('cluster', () => {
  test('valkey9: 3 primaries + 3 replicas, state ok everywhere', async () => {
    const started = performance.now();
    const c: ClusterHandle = await startCluster('valkey9');
    cleanups.push(() => c.stop());
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(c.nodes).toHaveLength(6);
    expect(c.seedUrl).toBe(c.nodes[0].url);
    expect(await c.primaries()).toHaveLength(3);
    expect(await c.replicas()).toHaveLength(3);
    for (const n of c.nodes) {
      const clusterInfo = await withClient(n.port, (r) => r.call('CLUSTER', 'INFO') as Promise<string>);
      expect(infoField(clusterInfo, 'cluster_state')).toBe('ok');
      expect(infoField(clusterInfo, 'cluster_known_nodes')).toBe('6');
      expect(infoField(clusterInfo, 'cluster_slots_assigned')).toBe('16384');
    }
    const slotStats = await withClient(c.nodes[0].port, (r) => r.call('CONFIG', 'GET', 'cluster-slot-stats-enabled'));
    expect(slotStats).toEqual(['cluster-slot-stats-enabled', 'yes']);
    await c.stop();
    for (const n of c.nodes) await expectGone(n, true);
  });
});

describe('tools', () => {
  // npm test installs every flavor: a missing one must fail, not skip.
  const flavor: Flavor = FLAVORS.find((f) => serverInfo(f).available) ?? 'valkey9';
  test('cli and benchmark commands run against a server', async () => {
    const s = await startStandalone(flavor!);
    cleanups.push(() => s.stop());
    const [cli, ...cliArgs] = cliCommand(flavor!);
    const ping = spawnSync(cli, [...cliArgs, '-p', String(s.port), 'PING'], { encoding: 'utf8' });
    expect(ping.stdout.trim()).toBe('PONG');
    const [bench, ...benchArgs] = benchmarkCommand(flavor!);
    const run = spawnSync(bench, [...benchArgs, '-p', String(s.port), '-n', '200', '-t', 'set', '-q'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/SET/);
    await s.stop();
  });

  test('promtool checks metrics text', () => {
    const r = spawnSync(promtoolPath(), ['check', 'metrics'], { input: '# HELP up_total Ups.\n# TYPE up_total counter\nup_total 1\n', encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});
